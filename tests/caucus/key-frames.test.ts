// Newly allowed video starts at once: a resumed video consumer asks its sender for a key frame,
// keeps asking while none has gone out (a PLI can be lost, and mediasoup repeats one only when
// asked again), and stops once one has. Real mediasoup worker; the sender is a Node socket sending
// VP8-shaped RTP into a plain transport, so the test decides when a key frame comes.
import dgram from 'node:dgram';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_PRIORITY, createWorkerPool, KEY_FRAME_RETRY_MS, MediaRoom, type MediaPeer, type PoolLogger, type WorkerPool } from '../../sfu/index.ts';
import { eventually } from '../support/wait.ts';

const quiet: PoolLogger = { info: () => undefined, error: () => undefined };
const SSRC = 0x2000_0001;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const vp8: types.RtpParameters = {
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
  encodings: [{ ssrc: SSRC }],
  rtcp: { cname: 'key-frames' },
};

/** 25 frames/s of one-packet VP8 frames; a key frame only when asked for (`keyFrameNext`). */
class VideoSender {
  keyFrameNext = false;
  #seq = 1;
  #frame = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(readonly socket: dgram.Socket) {
    this.#timer = setInterval(() => this.#send(), 40);
  }

  #send(): void {
    const key = this.keyFrameNext;
    this.keyFrameNext = false;
    const frame = this.#frame++;
    const b = Buffer.alloc(400, 0x5a);
    b[0] = 0x80;
    b[1] = 0x80 | 96; // marker: one packet per frame
    b.writeUInt16BE(this.#seq++ & 0xffff, 2);
    b.writeUInt32BE((frame * 3600) >>> 0, 4);
    b.writeUInt32BE(SSRC, 8);
    b[12] = 0x90; // VP8 descriptor: X=1, S=1
    b[13] = 0x80; // I=1: a 15-bit picture id follows
    b[14] = 0x80 | ((frame >> 8) & 0x7f);
    b[15] = frame & 0xff;
    b[16] = key ? 0x50 : 0x51; // VP8 payload header: P bit 0 = key frame
    if (key) b.set([0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01], 17); // start code, 640×360
    this.socket.send(b);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.socket.close();
  }
}

async function udpSocket(connectTo?: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    if (connectTo) socket.connect(connectTo, '127.0.0.1', () => resolve());
    else socket.bind(0, '127.0.0.1', () => resolve());
  });
  return socket;
}

/** Key frame requests (PLI + FIR) mediasoup has sent to the sender for this producer. */
async function keyFrameRequests(peer: MediaPeer, producerId: string): Promise<number> {
  const stats = await peer.getProducer(producerId)!.mediasoupProducer.getStats();
  return stats.reduce((n, s) => n + (s.pliCount ?? 0) + (s.firCount ?? 0), 0);
}

describe('a resumed video consumer and key frames', () => {
  let pool: WorkerPool;
  let room: MediaRoom;
  let sender: VideoSender;
  let sink: dgram.Socket;
  let a: MediaPeer;
  let b: MediaPeer;
  let producerId: string;
  let consumerId: string;
  let forwarded = 0;

  beforeAll(async () => {
    pool = await createWorkerPool({ numWorkers: 1, listenIp: '127.0.0.1', rtcPort: 0, logger: quiet });
    room = await MediaRoom.create(pool, { roomId: 'key-frames' });
    a = room.addPeer('a');
    b = room.addPeer('b');
    const send = await a.createPlainTransport('send');
    ({ producerId } = await a.produce({ transportId: send.id, kind: 'video', source: 'camera', rtpParameters: vp8 }));
    sender = new VideoSender(await udpSocket(send.port));
    sink = await udpSocket();
    sink.on('message', (msg) => {
      if (msg.length >= 12 && !(msg[1]! >= 200 && msg[1]! <= 207)) forwarded++;
    });
    const recv = await b.createPlainTransport('recv');
    await b.connectPlainTransport(recv.id, { ip: '127.0.0.1', port: sink.address().port });
    const vp8Codec = room.rtpCapabilities.codecs!.find((c) => c.mimeType === 'video/VP8')!;
    const caps: types.RtpCapabilities = { codecs: [{ ...vp8Codec, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] }], headerExtensions: [] };
    ({ consumerId } = await b.consume({ transportId: recv.id, producerId, rtpCapabilities: caps }));
    // The producer's stream exists once its first packets arrived (key frame requests go to a stream).
    await eventually(async () => expect((await a.getProducer(producerId)!.mediasoupProducer.getStats()).length).toBeGreaterThan(0));
    // mediasoup asked for a key frame when the stream appeared (and may repeat it once after 1 s):
    // wait until none is pending, or the consumer's first request would be folded into that one.
    let count = await keyFrameRequests(a, producerId);
    for (;;) {
      await sleep(1_100);
      const now = await keyFrameRequests(a, producerId);
      if (now === count) break;
      count = now;
    }
  });

  afterAll(async () => {
    sender?.stop();
    sink?.close();
    room?.close('test-end');
    await pool?.close();
  });

  it('asks at once, keeps asking while no key frame went out, stops once one did', async () => {
    const before = await keyFrameRequests(a, producerId);
    await b.resumeConsumer(consumerId);
    expect(b.getConsumer(consumerId)!.priority).toBe(CONSUMER_PRIORITY.newcomer);
    await eventually(async () => expect(await keyFrameRequests(a, producerId)).toBe(before + 1), 500);

    // No key frame comes: nothing is forwarded, and the request is repeated (mediasoup re-sends a
    // pending one after 1 s only because the consumer asked again meanwhile).
    await sleep(2_300);
    expect(forwarded).toBe(0);
    expect(await keyFrameRequests(a, producerId)).toBeGreaterThanOrEqual(before + 3);

    // The key frame: forwarded, and the consumer stops asking.
    sender.keyFrameNext = true;
    await eventually(async () => expect(forwarded).toBeGreaterThan(0));
    expect(b.getConsumer(consumerId)!.keyFramesSent).toBeGreaterThan(0);
    await sleep(1_000 + KEY_FRAME_RETRY_MS); // a re-send mediasoup had pending may still go out
    const settled = await keyFrameRequests(a, producerId);
    await sleep(2_000);
    expect(await keyFrameRequests(a, producerId)).toBe(settled);
  });

  it('a consumer that keeps flowing is settled; pausing stops the asking', async () => {
    await b.settleConsumer(consumerId);
    expect(b.getConsumer(consumerId)!.priority).toBe(CONSUMER_PRIORITY.settled);

    await b.pauseConsumer(consumerId);
    await b.resumeConsumer(consumerId);
    expect(b.getConsumer(consumerId)!.priority).toBe(CONSUMER_PRIORITY.newcomer);
    await b.pauseConsumer(consumerId); // before any key frame: the watch ends with the pause
    await sleep(1_100); // a re-send mediasoup had pending may still go out
    const paused = await keyFrameRequests(a, producerId);
    await sleep(2_500);
    expect(await keyFrameRequests(a, producerId)).toBe(paused);
  });
});
