// Plausible client RTP parameters, as mediasoup-client would send them from a
// Chromium send transport, for building rooms in Node tests without a browser.
// Test support only: not re-exported from sfu/index.ts.
import type { MediaPeer } from './media-peer.ts';
import type { RtpParameters } from './types.ts';

const MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const AUDIO_LEVEL = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
const ABS_SEND_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
const TRANSPORT_CC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

const videoFeedback = [
  { type: 'goog-remb' },
  { type: 'transport-cc' },
  { type: 'ccm', parameter: 'fir' },
  { type: 'nack' },
  { type: 'nack', parameter: 'pli' },
];

/** SSRCs must be unique per transport: pass a different `ssrc` base per producer. */
export function opusParameters(ssrc: number, mid = '0'): RtpParameters {
  return {
    mid,
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: 111,
        clockRate: 48000,
        channels: 2,
        parameters: { minptime: 10, useinbandfec: 1 },
        rtcpFeedback: [{ type: 'transport-cc' }],
      },
    ],
    headerExtensions: [
      { uri: MID, id: 4 },
      { uri: ABS_SEND_TIME, id: 2 },
      { uri: TRANSPORT_CC, id: 3 },
      { uri: AUDIO_LEVEL, id: 1 },
    ],
    encodings: [{ ssrc, dtx: false }],
    rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
  };
}

/** Single-stream VP8 with RTX. */
export function vp8Parameters(ssrc: number, mid = '1'): RtpParameters {
  return {
    mid,
    codecs: vp8Codecs(),
    headerExtensions: videoExtensions(),
    encodings: [{ ssrc, rtx: { ssrc: ssrc + 1 } }],
    rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
  };
}

/** Three-layer simulcast VP8 (uses ssrc … ssrc + 5), as Chromium sends for a camera. */
export function simulcastVp8Parameters(ssrc: number, mid = '1'): RtpParameters {
  return {
    mid,
    codecs: vp8Codecs(),
    headerExtensions: videoExtensions(),
    encodings: [
      { ssrc, rtx: { ssrc: ssrc + 1 }, scalabilityMode: 'L1T3', maxBitrate: 150_000 },
      { ssrc: ssrc + 2, rtx: { ssrc: ssrc + 3 }, scalabilityMode: 'L1T3', maxBitrate: 500_000 },
      { ssrc: ssrc + 4, rtx: { ssrc: ssrc + 5 }, scalabilityMode: 'L1T3', maxBitrate: 1_200_000 },
    ],
    rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
  };
}

/** Client DTLS parameters; a WebRtcTransport accepts them without any ICE/DTLS traffic. */
export function clientDtlsParameters() {
  return {
    role: 'client' as const,
    fingerprints: [
      { algorithm: 'sha-256' as const, value: Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':') },
    ],
  };
}

function vp8Codecs(): RtpParameters['codecs'] {
  return [
    { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: videoFeedback },
    { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
  ];
}

function videoExtensions(): RtpParameters['headerExtensions'] {
  return [
    { uri: MID, id: 4 },
    { uri: ABS_SEND_TIME, id: 2 },
    { uri: TRANSPORT_CC, id: 3 },
  ];
}

let nextSsrc = 10_000;

/** A fresh SSRC block, so producers on one transport never collide. */
export function ssrcBlock(size = 6): number {
  const ssrc = nextSsrc;
  nextSsrc += size;
  return ssrc;
}

/** Minimal room surface the helpers need (MediaRoom fits). */
interface RoomLike {
  addPeer(peerId: string): MediaPeer;
}

export interface Publisher {
  peer: MediaPeer;
  sendTransportId: string;
  recvTransportId: string;
  micId: string;
  camId: string;
}

/** Joins a peer with a send and a recv transport, a microphone and a camera (simulcast optional). */
export async function joinAndPublish(room: RoomLike, peerId: string, options: { simulcast?: boolean } = {}): Promise<Publisher> {
  const peer = room.addPeer(peerId);
  const send = await peer.createTransport('send');
  const recv = await peer.createTransport('recv');
  const mic = await peer.produce({ transportId: send.id, kind: 'audio', source: 'microphone', rtpParameters: opusParameters(ssrcBlock(1), '0') });
  const camParameters = options.simulcast ? simulcastVp8Parameters(ssrcBlock(6), '1') : vp8Parameters(ssrcBlock(2), '1');
  const cam = await peer.produce({ transportId: send.id, kind: 'video', source: 'camera', rtpParameters: camParameters });
  return { peer, sendTransportId: send.id, recvTransportId: recv.id, micId: mic.producerId, camId: cam.producerId };
}
