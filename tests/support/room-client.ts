// A Node socket.io client for the /room namespace (tests only): typed requests with acks,
// and a recorder of server events.
import { io, type Socket } from 'socket.io-client';
import { ROOM_NAMESPACE, type Ack, type ClientRequestName, type RequestOf, type ResponseOf } from '../../signaling/protocol/room.ts';

export interface RoomClientOptions {
  token?: string;
  cookie?: string;
  /** Answer server-initiated consumers with this ack (default ok). */
  consumerAck?: (params: unknown) => unknown;
}

export class RoomTestClient {
  readonly socket: Socket;
  readonly events: Array<{ event: string; payload: any }> = [];

  constructor(baseUrl: string, options: RoomClientOptions = {}) {
    this.socket = io(baseUrl + ROOM_NAMESPACE, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      auth: options.token ? { token: options.token } : {},
      extraHeaders: options.cookie ? { cookie: options.cookie } : {},
    });
    this.socket.onAny((event: string, payload: unknown, ack?: unknown) => {
      this.events.push({ event, payload });
      if (event === 'media:newConsumer' && typeof ack === 'function') ack(options.consumerAck ? options.consumerAck(payload) : { ok: true });
    });
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (err) => reject(err));
    });
  }

  request<E extends ClientRequestName>(event: E, payload: RequestOf<E> | unknown): Promise<Ack<ResponseOf<E>>> {
    return this.socket.timeout(10_000).emitWithAck(event, payload) as Promise<Ack<ResponseOf<E>>>;
  }

  async ok<E extends ClientRequestName>(event: E, payload: RequestOf<E> | unknown = {}): Promise<ResponseOf<E>> {
    const res = await this.request(event, payload);
    if (!res.ok) throw new Error(`${event} failed: ${res.code} ${res.message}`);
    return res as ResponseOf<E>;
  }

  /** Waits until an event matching the predicate has been received (including earlier ones). */
  async waitFor(event: string, predicate: (payload: any) => boolean = () => true, timeoutMs = 10_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find((e) => e.event === event && predicate(e.payload));
      if (hit) return hit.payload;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${event}; got: ${this.events.map((e) => e.event).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  last(event: string): any {
    return [...this.events].reverse().find((e) => e.event === event)?.payload;
  }

  close(): void {
    this.socket.close();
  }
}

/** Plausible RTP parameters for producing on a server transport without a browser. */
export const OPUS_RTP_PARAMETERS = {
  mid: '0',
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
  headerExtensions: [],
  encodings: [{ ssrc: 11111111 }],
  rtcp: { cname: 'test' },
};

export function vp8RtpParameters(ssrc: number) {
  return {
    mid: '1',
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: 96,
        clockRate: 90000,
        parameters: {},
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
      },
    ],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: 'test-video' },
  };
}

/**
 * Publishes a microphone (SSRC `ssrc`) and a camera (`ssrc + 1`, and `ssrc + 2` for the second
 * layer with `simulcast`) — plain RTP parameters; no DTLS needed to create them.
 */
export async function produceAudioVideo(c: RoomTestClient, ssrc: number, opts: { simulcast?: boolean } = {}) {
  const send = await c.ok('media:createTransport', { direction: 'send' });
  const audio = await c.ok('media:produce', {
    transportId: send.id,
    kind: 'audio',
    rtpParameters: { ...OPUS_RTP_PARAMETERS, encodings: [{ ssrc }] },
    source: 'microphone',
  });
  const camera = vp8RtpParameters(ssrc + 1);
  const rtpParameters = opts.simulcast ? { ...camera, encodings: [{ ssrc: ssrc + 1 }, { ssrc: ssrc + 2 }] } : camera;
  const video = await c.ok('media:produce', { transportId: send.id, kind: 'video', rtpParameters, source: 'camera' });
  return { sendTransportId: send.id, audio: audio.producerId, video: video.producerId };
}

/** Creates the receive transport and asks for consumers. */
export async function readyToReceive(c: RoomTestClient) {
  const { rtpCapabilities } = await c.ok('media:getRouterRtpCapabilities', {});
  await c.ok('media:createTransport', { direction: 'recv' });
  await c.ok('media:ready', { rtpCapabilities });
}
