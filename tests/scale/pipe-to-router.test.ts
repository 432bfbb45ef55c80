// Large rooms spanning several mediasoup workers (real workers, no mocks): the
// pipes between routers carry real RTP and pauses, concurrent consumers share one
// pipe, and MediaRoom places peers by peersPerRouter, pipes producers (and every
// microphone to the home router's audio observers) and leaves nothing behind.
// Last, a Chromium page sends through a peer on the second worker's router and
// receives through a peer on the home router, whose audio observers hear it too.
import { createSocket, type Socket } from 'node:dgram';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { types } from 'mediasoup';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerPool, MediaRoom, type MediaPeer, type PoolLogger, type PoolRouterAppData, type WorkerPool } from '../../sfu/index.ts';
import { ProducerPipes } from '../../sfu/producer-pipes.ts';
import { joinAndPublish, type Publisher } from '../../sfu/testing.ts';
import type { SfuMethod, SmokeStats } from '../foundation/media-smoke.page.ts';
import { launchBrowser } from '../support/browser.ts';

const quiet: PoolLogger = { info: () => undefined, error: () => undefined };
type Router = types.Router<PoolRouterAppData>;

let pool: WorkerPool;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  pool = await createWorkerPool({ numWorkers: 2, listenIp: '127.0.0.1', rtcPort: 0, logger: quiet });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(() => pool.close());

function consumersOf(dump: types.RouterDump, producerId: string): string[] {
  return dump.mapProducerIdConsumerIds.find((e) => e.key === producerId)?.values ?? [];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function udpSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => socket.close());
  return socket;
}

/** Opus-like RTP every 10 ms from a Node socket to a comedia PlainTransport. */
function sendRtp(socket: Socket, port: number, ssrc: number): void {
  let seq = 0;
  const timer = setInterval(() => {
    const packet = Buffer.alloc(12 + 40, 0x5a);
    packet[0] = 0x80; // RTP v2
    packet[1] = 111; // payload type
    packet.writeUInt16BE(seq & 0xffff, 2);
    packet.writeUInt32BE((seq * 480) >>> 0, 4);
    packet.writeUInt32BE(ssrc, 8);
    seq++;
    socket.send(packet, port, '127.0.0.1');
  }, 10);
  cleanups.push(() => clearInterval(timer));
}

/** Counts RTP packets of one SSRC arriving at `socket` (RTCP, muxed on the same port, is ignored). */
function countRtp(socket: Socket, ssrc: number): () => number {
  let count = 0;
  socket.on('message', (msg) => {
    const isRtcp = msg[1]! >= 192 && msg[1]! <= 223;
    if (!isRtcp && msg.length >= 12 && msg.readUInt32BE(8) === ssrc) count++;
  });
  return () => count;
}

describe('ProducerPipes between two workers', () => {
  it('delivers real RTP across workers through one shared pipe, stops it while the producer is paused, and closes cleanly', async () => {
    const source = await pool.createRouter();
    const target = await pool.createRouter({ avoidWorkerPids: [source.appData.workerPid] });
    cleanups.push(
      () => source.close(),
      () => target.close(),
    );
    expect(target.appData.workerPid).not.toBe(source.appData.workerPid);

    // Sender → PlainTransport (comedia) → producer on the source router.
    const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
    const ingest = await source.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
    const producer = await ingest.produce({
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 4242 }] },
    });
    const sender = await udpSocket();
    sendRtp(sender, ingest.tuple.localPort, 4242);

    // Three consumers want it on the target router at once: one pipe.
    const pipes = new ProducerPipes();
    await Promise.all([1, 2, 3].map(() => pipes.ensure(producer.id, source, target)));
    expect(pipes.size).toBe(1);
    const sourceDump = await source.dump();
    expect(sourceDump.mapProducerIdConsumerIds).toEqual([{ key: producer.id, values: [expect.any(String)] }]); // the pipe consumer
    expect(sourceDump.transportIds).toHaveLength(2); // ingest + one pipe transport

    // Target router: consume the piped producer (same id) out to a Node socket.
    const sink = await udpSocket();
    const egress = await target.createPlainTransport({ listenInfo, rtcpMux: true, comedia: false });
    await egress.connect({ ip: '127.0.0.1', port: sink.address().port });
    const consumer = await egress.consume({ producerId: producer.id, rtpCapabilities: target.rtpCapabilities });
    const received = countRtp(sink, consumer.rtpParameters.encodings![0]!.ssrc!);
    await expect.poll(received, { timeout: 5_000 }).toBeGreaterThan(20);
    const stats = await consumer.getStats();
    expect(stats.find((s) => s.type === 'outbound-rtp')!.byteCount).toBeGreaterThan(20 * 40);

    // Pausing the original stops the packets on the far side (the pipe producer follows)…
    await producer.pause();
    await expect.poll(() => consumer.producerPaused).toBe(true);
    await sleep(100); // packets already in flight
    const whilePaused = received();
    await sleep(300);
    expect(received()).toBe(whilePaused);
    // …and resuming brings them back.
    await producer.resume();
    await expect.poll(received, { timeout: 5_000 }).toBeGreaterThan(whilePaused + 10);

    // Closing the original closes its pipe at once and the far consumer with it.
    producer.close();
    pipes.closeProducer(producer.id);
    expect(pipes.size).toBe(0);
    await expect.poll(() => consumer.closed).toBe(true);
    await expect.poll(async () => (await target.dump()).mapProducerIdConsumerIds).toEqual([]);
    expect((await source.dump()).mapProducerIdConsumerIds).toEqual([]);
  });

  it('forgets a pipe whose target router closed, and a producer closed while being piped fails the wait', async () => {
    const source = await pool.createRouter();
    const target = await pool.createRouter({ avoidWorkerPids: [source.appData.workerPid] });
    cleanups.push(
      () => source.close(),
      () => target.close(),
    );
    const ingest = await source.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, comedia: true });
    const rtpParameters = { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 7 }] };
    const first = await ingest.produce({ kind: 'audio', rtpParameters });
    const pipes = new ProducerPipes();
    await pipes.ensure(first.id, source, target);

    const second = await ingest.produce({ kind: 'audio', rtpParameters: { ...rtpParameters, encodings: [{ ssrc: 8 }] } });
    const opening = pipes.ensure(second.id, source, target);
    second.close();
    pipes.closeProducer(second.id);
    await expect(opening).rejects.toThrow();
    expect(pipes.size).toBe(1);

    target.close();
    expect(pipes.size).toBe(0);
    await expect.poll(async () => (await source.dump()).transportIds).toEqual([ingest.id]); // its pipe transport went too
  });
});

describe('MediaRoom across workers (peersPerRouter 2, 2 workers)', () => {
  async function newRoom(): Promise<MediaRoom> {
    // With the (optional) audio-level observer too: piped microphones must reach both observers.
    const room = await MediaRoom.create(pool, { roomId: `big-${Math.random()}`, peersPerRouter: 2, audioLevel: {} });
    cleanups.push(() => room.close('test-end'));
    return room;
  }

  async function fourPeers(room: MediaRoom): Promise<Publisher[]> {
    const peers: Publisher[] = [];
    for (const id of ['a', 'b', 'c', 'd']) peers.push(await joinAndPublish(room, id));
    return peers;
  }

  function consume(room: MediaRoom, to: Publisher, producerId: string) {
    return to.peer.consume({ transportId: to.recvTransportId, producerId, rtpCapabilities: room.rtpCapabilities });
  }

  it('places 4 peers on 2 routers on 2 workers, each peer with its transports on its own router; a 5th joins the emptiest', async () => {
    const room = await newRoom();
    const [a, b, c, d] = await fourPeers(room);
    expect(room.routerCount()).toBe(2);
    const placement = await room.placement();
    expect(placement.map((p) => p.peerIds)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(new Set(placement.map((p) => p.workerPid)).size).toBe(2);
    const [home, extra] = room.routers as [Router, Router];
    expect(home).toBe(room.router);
    // Besides the peers' transports, each router has one PipeTransport (the pair
    // joining them): c's and d's microphones are piped home for the audio observers.
    const webRtcIds = async (router: Router) => new Set((await router.appData.webRtcServer.dump()).webRtcTransportIds);
    const split = async (router: Router) => {
      const ids = (await router.dump()).transportIds;
      const own = await webRtcIds(router);
      return { webRtc: ids.filter((id) => own.has(id)).sort(), pipes: ids.filter((id) => !own.has(id)).length };
    };
    expect(await split(home)).toEqual({ webRtc: [a!, b!].flatMap((p) => [p.sendTransportId, p.recvTransportId]).sort(), pipes: 1 });
    expect(await split(extra)).toEqual({ webRtc: [c!, d!].flatMap((p) => [p.sendTransportId, p.recvTransportId]).sort(), pipes: 1 });
    expect(extra.rtpCapabilities).toEqual(room.rtpCapabilities);

    // Every worker already has a router of this room: a third router would add pipes, not CPU.
    room.addPeer('e');
    expect(room.routerCount()).toBe(2);
    expect((await room.placement()).map((p) => p.peerIds.length).sort()).toEqual([2, 3]);
  });

  it('consumes a producer of the other router through one pipe shared by concurrent consumers', async () => {
    const room = await newRoom();
    const [a, , c, d] = (await fourPeers(room)) as Publisher[];
    const [home, extra] = room.routers as [Router, Router];
    expect((await extra.dump()).transportIds).toHaveLength(4 + 1); // c's and d's, and the pipe transport (microphones go home)

    const results = await Promise.all([consume(room, c!, a!.camId), consume(room, d!, a!.camId), consume(room, c!, a!.camId)]);
    expect(results.map((r) => r.producerPeerId)).toEqual(['a', 'a', 'a']);
    expect(room.counts().consumers).toBe(3);

    const homeDump = await home.dump();
    expect(consumersOf(homeDump, a!.camId)).toHaveLength(1); // exactly one pipe consumer on the source router
    const extraDump = await extra.dump();
    expect(extraDump.transportIds).toHaveLength(4 + 1); // the router pair's pipe transports are shared by all pipes
    expect(consumersOf(extraDump, a!.camId).sort()).toEqual(results.map((r) => r.consumerId).sort()); // all read the piped twin (same id)
  });

  it('pauses, admin mutes and resumes of the source producer reach consumers on the other router', async () => {
    const room = await newRoom();
    const [a, , c] = (await fourPeers(room)) as Publisher[];
    const { consumerId } = await consume(room, c!, a!.micId);
    const events: unknown[] = [];
    c!.peer.on('consumerpaused', (e) => events.push(e));
    c!.peer.on('consumerresumed', (e) => events.push(e));
    const farPaused = () => c!.peer.getConsumer(consumerId)!.producerPaused;

    await a!.peer.adminMute(a!.micId);
    await expect.poll(() => events).toEqual([{ consumerId, producerId: a!.micId, paused: true }]);
    expect(farPaused()).toBe(true);
    await a!.peer.adminUnmute(a!.micId);
    await expect.poll(() => events).toHaveLength(2);
    expect(events[1]).toEqual({ consumerId, producerId: a!.micId, paused: false });

    expect(await a!.peer.setProducerPausedByPeer(a!.micId, true)).toBe(true);
    await expect.poll(() => events).toHaveLength(3);
    expect(farPaused()).toBe(true);
    // Consuming while paused: the new far consumer starts producer-paused.
    expect(await consume(room, c!, a!.micId)).toMatchObject({ producerPaused: true });
  });

  it('pipes every microphone to the home router so the audio observers stay room-wide', async () => {
    const room = await newRoom();
    const peers = await fourPeers(room);
    const dump = await room.router.dump();
    expect(dump.rtpObserverIds).toHaveLength(2);
    const observed = dump.mapProducerIdObserverIds.filter((e) => e.values.length === 2).map((e) => e.key);
    expect(observed.sort()).toEqual(peers.map((p) => p.micId).sort());
    // The observers read c's and d's microphones through pipes (cameras are not piped until consumed).
    expect(consumersOf(await room.routers[1]!.dump(), peers[2]!.micId)).toHaveLength(1);
    expect(consumersOf(await room.routers[1]!.dump(), peers[2]!.camId)).toHaveLength(0);
  });

  it('closing producers, peers and the room closes the pipes and the extra router; every dump ends empty', async () => {
    const room = await newRoom();
    const [a, b, c, d] = (await fourPeers(room)) as Publisher[];
    await consume(room, c!, a!.camId);
    await consume(room, a!, c!.camId);
    const [home, extra] = room.routers as [Router, Router];
    const extraWorker = pool.workers.find((w) => w.pid === extra.appData.workerPid)!;

    // A producer closing closes its pipe: gone from the far router at once.
    a!.peer.closeProducer(a!.camId);
    expect(room.counts().consumers).toBe(1);
    await expect.poll(async () => consumersOf(await extra.dump(), a!.camId)).toEqual([]);
    expect((await extra.dump()).mapProducerIdConsumerIds.map((e) => e.key)).not.toContain(a!.camId);

    // The extra router's last peer leaving closes it, with its pipe transports on both sides.
    c!.peer.close('left');
    expect(room.routerCount()).toBe(2);
    d!.peer.close('left');
    expect(room.routerCount()).toBe(1);
    expect(extra.closed).toBe(true);
    expect((await extraWorker.dump()).routerIds).not.toContain(extra.id);
    await expect.poll(async () => (await home.dump()).transportIds.sort()).toEqual([a!, b!].flatMap((p) => [p.sendTransportId, p.recvTransportId]).sort());

    // Home keeps its observers until the room closes; with everyone gone it is empty.
    a!.peer.close('left');
    b!.peer.close('left');
    const dump = await home.dump();
    expect(dump.transportIds).toEqual([]);
    expect(dump.mapProducerIdConsumerIds).toEqual([]);
    expect(dump.mapProducerIdObserverIds).toEqual([]);
    expect(dump.rtpObserverIds).toHaveLength(2);

    // The room grows again on demand, and closing it closes every router.
    const again = await fourPeers(room);
    await consume(room, again[0]!, again[3]!.micId);
    const routers = room.routers;
    expect(routers).toHaveLength(2);
    room.close('ended');
    expect(routers.every((r) => r.closed)).toBe(true);
    for (const worker of pool.workers) expect((await worker.dump()).routerIds).toEqual([]);
  });

  it('a router still being created when the room closes is closed when it arrives', async () => {
    const room = await newRoom();
    for (const id of ['a', 'b', 'c']) room.addPeer(id);
    expect(room.routerCount()).toBe(2);
    const creating = room.getPeer('c')!.createTransport('send');
    room.close('ended');
    await expect(creating).rejects.toMatchObject({ code: 'ROOM_CLOSED' });
    await expect.poll(async () => (await Promise.all(pool.workers.map((w) => w.dump()))).flatMap((d) => d.routerIds)).toEqual([]);
  });
});

describe('a worker dying under a room that spans it', () => {
  it("closes the whole room with 'worker-closed' when the second router's worker dies", async () => {
    const ownPool = await createWorkerPool({ numWorkers: 2, listenIp: '127.0.0.1', rtcPort: 0, logger: quiet });
    cleanups.push(() => ownPool.close());
    const room = await MediaRoom.create(ownPool, { roomId: 'dying', peersPerRouter: 1 });
    await joinAndPublish(room, 'a');
    const c = await joinAndPublish(room, 'c');
    const closes: string[] = [];
    room.on('closed', (reason) => closes.push(`room:${reason}`));
    c.peer.on('closed', (reason) => closes.push(`c:${reason}`));

    process.kill(room.routers[1]!.appData.workerPid, 'SIGKILL');
    await expect.poll(() => room.closed, { timeout: 5_000 }).toBe(true);
    expect(closes.sort()).toEqual(['c:worker-closed', 'room:worker-closed']);
    expect(room.router.closed).toBe(true);
    expect(room.counts()).toEqual({ peers: 0, transports: 0, producers: 0, consumers: 0 });
  });
});

describe('Chromium through a room spanning two workers', () => {
  /** The media-smoke page's signaling, served by a room: it sends as peer a (home router) and receives as peer c (the other router). */
  function roomSession(room: MediaRoom, sender: MediaPeer, receiver: MediaPeer) {
    let transports = 0;
    const owner = (transportId: unknown) => (sender.getTransport(String(transportId)) ? sender : receiver);
    return async (method: SfuMethod, data: Record<string, unknown> = {}): Promise<unknown> => {
      switch (method) {
        case 'routerRtpCapabilities':
          return room.rtpCapabilities;
        case 'createTransport':
          return transports++ === 0 ? sender.createTransport('send') : receiver.createTransport('recv');
        case 'connectTransport':
          await owner(data.transportId).connectTransport(String(data.transportId), data.dtlsParameters as types.DtlsParameters);
          return null;
        case 'produce': {
          const kind = data.kind as types.MediaKind;
          const source = kind === 'audio' ? 'microphone' : 'camera';
          const { producerId } = await sender.produce({
            transportId: String(data.transportId),
            kind,
            source,
            rtpParameters: data.rtpParameters as types.RtpParameters,
          });
          return { id: producerId };
        }
        case 'consume': {
          const r = await receiver.consume({
            transportId: String(data.transportId),
            producerId: String(data.producerId),
            rtpCapabilities: data.rtpCapabilities as types.RtpCapabilities,
          });
          return { id: r.consumerId, producerId: r.producerId, kind: r.kind, rtpParameters: r.rtpParameters };
        }
        case 'resumeConsumer':
          await receiver.resumeConsumer(String(data.consumerId));
          return null;
      }
    };
  }

  it('decodes video and receives audio piped across workers, the home observers hear the piped microphone, and an admin mute stops the audio at the receiver', async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('../foundation/media-smoke.page.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'chrome110',
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]!.text;
    const server = createServer((req, res) => {
      if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script src="/page.js"></script>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => server.close());
    const browser = await launchBrowser();
    cleanups.push(() => browser.close());

    const room = await MediaRoom.create(pool, { roomId: 'chromium', peersPerRouter: 1, audioLevel: {} });
    cleanups.push(() => room.close('test-end'));
    // The page sends as c, on the second router: its microphone reaches the
    // home router's audio observers, and receiver a on the home router, through one pipe.
    const receiver = room.addPeer('a');
    const sender = room.addPeer('c');
    const placement = await room.placement();
    expect(placement.map((p) => p.peerIds)).toEqual([['a'], ['c']]);
    expect(placement[0]!.workerPid).not.toBe(placement[1]!.workerPid);
    const loud: string[] = [];
    const speakers: (string | null)[] = [];
    room.on('volumes', (volumes) => loud.push(...volumes.map((v) => v.peerId)));
    room.on('activespeaker', (peerId) => speakers.push(peerId));

    const page = await browser.context.newPage();
    await page.exposeFunction('sfu', roomSession(room, sender, receiver));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.evaluate(() => window.smoke.start(false));
    const stats = (): Promise<SmokeStats> => page.evaluate(() => window.smoke.stats());
    await expect
      .poll(stats, { timeout: 20_000, interval: 200 })
      .toMatchObject({ videoFramesDecoded: expect.toSatisfy((n: number) => n > 10), audioPacketsReceived: expect.toSatisfy((n: number) => n > 20) });
    // The fake microphone beeps: the observers on the home router hear the piped track.
    await expect.poll(() => loud, { timeout: 10_000 }).toContain('c');
    await expect.poll(() => speakers, { timeout: 10_000 }).toContain('c');
    expect(consumersOf(await room.routers[1]!.dump(), sender.producers().find((p) => p.source === 'microphone')!.id)).toHaveLength(1); // the one pipe

    const mic = sender.producers().find((p) => p.source === 'microphone')!;
    await sender.adminMute(mic.id);
    await sleep(500); // packets in flight, and the pause crossing the pipe
    const audio = async () => (await stats()).audioPacketsReceived;
    const muted = await audio();
    await sleep(1_000);
    // Opus sends 50 packets/s; a stray one can still land in the browser's stats window.
    expect((await audio()) - muted).toBeLessThanOrEqual(2);
    await sender.adminUnmute(mic.id);
    await expect.poll(async () => (await stats()).audioPacketsReceived, { timeout: 5_000 }).toBeGreaterThan(muted + 20);
  });
});
