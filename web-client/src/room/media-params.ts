// mediasoup parameters off the wire, as mediasoup-client's own types. The shared protocol checks
// them only loosely (the server's mediasoup checks what it receives); here each schema is typed
// against mediasoup-client's type, so a drift between the two is a compile error, and what the
// server sends is checked before mediasoup-client sees it. Unknown keys pass through unchanged.
// (The other direction needs nothing: mediasoup-client's types fit the shared request schemas.)
import { z } from 'zod';
import type { types as ms } from 'mediasoup-client';
import { BAD_RESPONSE_MESSAGE, RoomRequestError } from './protocol.ts';

/** A member of the string union `T`; `all` lists every member (a missing or extra one does not compile). */
function member<T extends string>(all: Record<T, true>) {
  return z.custom<T>((v) => typeof v === 'string' && Object.hasOwn(all, v));
}

const MediaKind = member<ms.MediaKind>({ audio: true, video: true });
const Params = z.record(z.string(), z.unknown());
const RtcpFeedback = z.looseObject({ type: z.string(), parameter: z.string().optional() });
const HeaderExtensionUri = member<ms.RtpHeaderExtensionUri>({
  'urn:ietf:params:rtp-hdrext:sdes:mid': true,
  'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id': true,
  'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id': true,
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time': true,
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01': true,
  'urn:ietf:params:rtp-hdrext:ssrc-audio-level': true,
  'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension': true,
  'urn:3gpp:video-orientation': true,
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time': true,
  'urn:ietf:params:rtp-hdrext:toffset': true,
  'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay': true,
  'urn:mediasoup:params:rtp-hdrext:packet-id': true,
});
const Priority = member<NonNullable<ms.RtpEncodingParameters['priority']>>({ 'very-low': true, low: true, medium: true, high: true });

const RtpCapabilities: z.ZodType<ms.RtpCapabilities> = z.looseObject({
  codecs: z
    .array(
      z.looseObject({
        kind: MediaKind,
        mimeType: z.string(),
        preferredPayloadType: z.number(),
        clockRate: z.number(),
        channels: z.number().optional(),
        parameters: Params.optional(),
        rtcpFeedback: z.array(RtcpFeedback).optional(),
      }),
    )
    .optional(),
  headerExtensions: z
    .array(
      z.looseObject({
        kind: MediaKind,
        uri: HeaderExtensionUri,
        preferredId: z.number(),
        preferredEncrypt: z.boolean().optional(),
        direction: member<NonNullable<ms.RtpHeaderExtension['direction']>>({ sendrecv: true, sendonly: true, recvonly: true, inactive: true }).optional(),
      }),
    )
    .optional(),
});

const RtpParameters: z.ZodType<ms.RtpParameters> = z.looseObject({
  mid: z.string().optional(),
  codecs: z.array(
    z.looseObject({
      mimeType: z.string(),
      payloadType: z.number(),
      clockRate: z.number(),
      channels: z.number().optional(),
      parameters: Params.optional(),
      rtcpFeedback: z.array(RtcpFeedback).optional(),
    }),
  ),
  headerExtensions: z
    .array(z.looseObject({ uri: HeaderExtensionUri, id: z.number(), encrypt: z.boolean().optional(), parameters: Params.optional() }))
    .optional(),
  encodings: z
    .array(
      z.looseObject({
        active: z.boolean().optional(),
        ssrc: z.number().optional(),
        rid: z.string().optional(),
        codecPayloadType: z.number().optional(),
        rtx: z.looseObject({ ssrc: z.number() }).optional(),
        dtx: z.boolean().optional(),
        scalabilityMode: z.string().optional(),
        scaleResolutionDownBy: z.number().optional(),
        maxBitrate: z.number().optional(),
        maxFramerate: z.number().optional(),
        adaptivePtime: z.boolean().optional(),
        priority: Priority.optional(),
        networkPriority: Priority.optional(),
      }),
    )
    .optional(),
  rtcp: z.looseObject({ cname: z.string().optional(), reducedSize: z.boolean().optional(), mux: z.boolean().optional() }).optional(),
  msid: z.string().optional(),
});

const IceParameters: z.ZodType<ms.IceParameters> = z.looseObject({ usernameFragment: z.string(), password: z.string(), iceLite: z.boolean().optional() });

const IceCandidate: z.ZodType<ms.IceCandidate> = z.looseObject({
  foundation: z.string(),
  priority: z.number(),
  address: z.string(),
  ip: z.string(),
  protocol: member<ms.IceCandidate['protocol']>({ udp: true, tcp: true }),
  port: z.number(),
  type: member<ms.IceCandidate['type']>({ host: true, srflx: true, prflx: true, relay: true }),
  tcpType: member<NonNullable<ms.IceCandidate['tcpType']>>({ active: true, passive: true, so: true }).optional(),
});

const DtlsParameters: z.ZodType<ms.DtlsParameters> = z.looseObject({
  role: member<ms.DtlsRole>({ auto: true, client: true, server: true }).optional(),
  fingerprints: z.array(
    z.looseObject({
      algorithm: member<ms.FingerprintAlgorithm>({ 'sha-1': true, 'sha-224': true, 'sha-256': true, 'sha-384': true, 'sha-512': true }),
      value: z.string(),
    }),
  ),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  console.warn(`[room] malformed ${what}`, parsed.error.issues[0]);
  throw new RoomRequestError('BAD_RESPONSE', BAD_RESPONSE_MESSAGE);
}

/** The router's capabilities (`media:getRouterRtpCapabilities`), for `Device.load`. */
export function parseRouterRtpCapabilities(value: unknown): ms.RtpCapabilities {
  return parse(RtpCapabilities, value, 'router RTP capabilities');
}

/** A transport the server created (`media:createTransport`), as `create{Send,Recv}Transport` takes it. */
export function parseTransportOptions(params: {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown;
  dtlsParameters: unknown;
  iceServers?: { urls: string[]; username: string; credential: string }[] | undefined;
}): ms.TransportOptions {
  return {
    id: params.id,
    iceParameters: parse(IceParameters, params.iceParameters, 'ICE parameters'),
    iceCandidates: parse(z.array(IceCandidate), params.iceCandidates, 'ICE candidates'),
    dtlsParameters: parse(DtlsParameters, params.dtlsParameters, 'DTLS parameters'),
    // TURN relays for networks that block UDP or allow only TCP 443.
    ...(params.iceServers && params.iceServers.length > 0 ? { iceServers: params.iceServers } : {}),
  };
}

/** New ICE credentials (`media:restartIce`). */
export function parseIceParameters(value: unknown): ms.IceParameters {
  return parse(IceParameters, value, 'ICE parameters');
}

/** A server-created consumer's RTP parameters (`media:newConsumer`). */
export function parseConsumerRtpParameters(value: unknown): ms.RtpParameters {
  return parse(RtpParameters, value, 'consumer RTP parameters');
}
