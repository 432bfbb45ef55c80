// Synthetic media for the load benchmark, identical for jiefen and bare mediasoup. Each
// participant sends one opus-like audio stream (50 packets/s of 120 B, with the audio-level
// header extension the room's observers read) and one VP8-like video stream (25 frames/s of
// 2 × 1100 B packets, a 6-packet key frame every 2 s: ~460 kbit/s) from its own dgram socket,
// all driven by one 20 ms timer. Sinks count what the SFU forwards, per SSRC.
import dgram from 'node:dgram';
import type { types } from 'mediasoup';

const TICK_MS = 20;
const AUDIO_PT = 111;
const VIDEO_PT = 96;
const AUDIO_LEVEL_EXT_ID = 1;
const AUDIO_PACKET_BYTES = 120;
const VIDEO_PACKET_BYTES = 1100;
const FRAME_PACKETS = 2;
const KEY_FRAME_PACKETS = 6;
/** Frames between key frames (2 s at 25 fps): a resumed consumer forwards video from the next one. */
const KEY_FRAME_EVERY = 50;
/** Packets a buffer ring holds: a send is long finished before its buffer comes round again. */
const RING = 16;

export interface StreamIds {
  audioSsrc: number;
  videoSsrc: number;
}

/** Fixed SSRCs per room and participant, so both halves send exactly the same packets. */
export function streamIds(room: number, peer: number): StreamIds {
  const base = 0x10000000 + room * 16 + peer * 2;
  return { audioSsrc: base, videoSsrc: base + 1 };
}

export function audioRtpParameters(ssrc: number): types.RtpParameters {
  return {
    mid: '0',
    codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
    headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: AUDIO_LEVEL_EXT_ID }],
    encodings: [{ ssrc }],
    rtcp: { cname: `load-${ssrc}` },
  };
}

export function videoRtpParameters(ssrc: number): types.RtpParameters {
  return {
    mid: '1',
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: VIDEO_PT,
        clockRate: 90000,
        parameters: {},
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
      },
    ],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: `load-${ssrc - 1}` },
  };
}

/**
 * What the receiving participants announce: the router's opus and VP8 (with RTX) and its header
 * extensions, minus congestion control (transport-cc, abs-send-time, REMB) — a sink sends no
 * feedback, and without feedback the SFU would only probe and guess.
 */
export function receiverCapabilities(router: types.RtpCapabilities): types.RtpCapabilities {
  const vp8 = router.codecs!.find((c) => c.mimeType === 'video/VP8')!;
  const codecs = router.codecs!.filter(
    (c) => c.mimeType === 'audio/opus' || c === vp8 || (c.mimeType === 'video/rtx' && c.parameters?.apt === vp8.preferredPayloadType),
  );
  const congestion = (uri: string) => uri.includes('transport-wide-cc') || uri.includes('abs-send-time');
  return {
    codecs: codecs.map((c) => ({ ...c, rtcpFeedback: (c.rtcpFeedback ?? []).filter((f) => f.type !== 'transport-cc' && f.type !== 'goog-remb') })),
    headerExtensions: (router.headerExtensions ?? []).filter((h) => !congestion(h.uri)),
  };
}

export interface Counter {
  packets: number;
  payloadBytes: number;
}

/** One outgoing stream: a ring of prepared packets whose header fields are rewritten per send. */
class Stream {
  readonly counter: Counter = { packets: 0, payloadBytes: 0 };
  readonly #ring: Buffer[];
  readonly #headerBytes: number;
  #next = 0;
  #seq = 0;

  constructor(
    readonly ssrc: number,
    payloadType: number,
    packetBytes: number,
    prepare: (packet: Buffer) => number,
  ) {
    this.#ring = Array.from({ length: RING }, () => {
      const b = Buffer.alloc(packetBytes, 0x5a);
      b[0] = 0x80;
      b[1] = payloadType;
      b.writeUInt32BE(ssrc, 8);
      return b;
    });
    this.#headerBytes = this.#ring.map(prepare)[0]!;
    this.#seq = ssrc & 0xffff;
  }

  /** The next packet to send, with sequence number, timestamp and marker filled in. */
  take(timestamp: number, marker: boolean): Buffer {
    const b = this.#ring[this.#next]!;
    this.#next = (this.#next + 1) % RING;
    b[1] = (b[1]! & 0x7f) | (marker ? 0x80 : 0);
    b.writeUInt16BE(this.#seq, 2);
    this.#seq = (this.#seq + 1) & 0xffff;
    b.writeUInt32BE(timestamp >>> 0, 4);
    this.counter.packets++;
    this.counter.payloadBytes += b.length - this.#headerBytes;
    return b;
  }
}

/** One participant: its socket (connected to its send transport) and its two streams. */
class Sender {
  readonly audio: Stream;
  readonly video: Stream;
  #frame = 0;

  constructor(
    readonly socket: dgram.Socket,
    ids: StreamIds,
    audioLevel: number,
  ) {
    this.audio = new Stream(ids.audioSsrc, AUDIO_PT, AUDIO_PACKET_BYTES, (b) => {
      b[0] = 0x90; // with a header extension
      b.writeUInt32BE(0xbede0001, 12); // one-byte extensions, one word
      b[16] = (AUDIO_LEVEL_EXT_ID << 4) | 0; // id, length 1
      b[17] = 0x80 | audioLevel; // voice, -audioLevel dBov
      b[18] = 0;
      b[19] = 0;
      b[20] = 0x78; // opus TOC: CELT FB 20 ms
      return 20;
    });
    this.video = new Stream(ids.videoSsrc, VIDEO_PT, VIDEO_PACKET_BYTES, (b) => {
      b[13] = 0x80; // VP8 descriptor (at 12): X=1; I=1 with a 15-bit picture id
      return 12;
    });
  }

  sendAudio(tick: number): void {
    this.socket.send(this.audio.take(tick * 960, false));
  }

  sendVideoFrame(): void {
    const frame = this.#frame++;
    const key = frame % KEY_FRAME_EVERY === 0;
    const count = key ? KEY_FRAME_PACKETS : FRAME_PACKETS;
    const pictureId = frame & 0x7fff;
    for (let i = 0; i < count; i++) {
      const b = this.video.take(frame * 3600, i === count - 1);
      b[12] = i === 0 ? 0x90 : 0x80; // X=1, S=1 on the frame's first packet
      b[14] = 0x80 | (pictureId >> 8);
      b[15] = pictureId & 0xff;
      if (i === 0) {
        b[16] = key ? 0x50 : 0x51; // VP8 payload header: P bit 0 = key frame
        if (key) b.set([0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01], 17); // start code, 640×360
      }
      this.socket.send(b);
    }
  }
}

/** All participants' streams on one timer. */
export class RtpGenerator {
  readonly #senders: Sender[] = [];
  #timer: NodeJS.Timeout | null = null;
  #tick = 0;

  /** `socket` must already be connected to the participant's send transport. */
  add(socket: dgram.Socket, ids: StreamIds, peer: number): void {
    this.#senders.push(new Sender(socket, ids, 20 + 10 * peer));
  }

  start(): void {
    this.#timer = setInterval(() => {
      const tick = this.#tick++;
      for (const s of this.#senders) {
        s.sendAudio(tick);
        if (tick % 2 === 0) s.sendVideoFrame();
      }
    }, TICK_MS);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Sent so far, per SSRC (a copy). */
  snapshot(): Map<number, Counter> {
    const out = new Map<number, Counter>();
    for (const s of this.#senders) for (const stream of [s.audio, s.video]) out.set(stream.ssrc, { ...stream.counter });
    return out;
  }
}

/** A participant's receiving end: counts RTP packets and payload bytes per SSRC (RTCP apart). */
export class RtpSink {
  readonly counts = new Map<number, Counter>();
  rtcpPackets = 0;

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (msg) => this.#count(msg));
  }

  static async open(): Promise<RtpSink> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new RtpSink(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  snapshot(): Map<number, Counter> {
    return new Map([...this.counts].map(([ssrc, c]) => [ssrc, { ...c }]));
  }

  close(): void {
    this.socket.close();
  }

  #count(msg: Buffer): void {
    if (msg.length < 12) return;
    // rtcp-mux: RTCP packet types 200–207 sit where RTP has marker + payload type.
    if (msg[1]! >= 200 && msg[1]! <= 207) {
      this.rtcpPackets++;
      return;
    }
    let header = 12 + 4 * (msg[0]! & 0x0f);
    if (msg[0]! & 0x10) header += 4 + 4 * msg.readUInt16BE(header + 2);
    const padding = msg[0]! & 0x20 ? msg[msg.length - 1]! : 0;
    const ssrc = msg.readUInt32BE(8);
    let c = this.counts.get(ssrc);
    if (!c) this.counts.set(ssrc, (c = { packets: 0, payloadBytes: 0 }));
    c.packets++;
    c.payloadBytes += msg.length - header - padding;
  }
}

/** A sending socket connected to a send transport (comedia: the SFU learns our address from it). */
export async function connectedSocket(port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 1 << 20 });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => resolve());
  });
  return socket;
}
