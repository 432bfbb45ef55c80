// The sfu ownership tree against the real mediasoup worker: MediaRoom → MediaPeer
// → transports → producers/consumers. WebRtcTransports accept producers and
// consumers without any ICE/DTLS traffic, so whole rooms are built in Node.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerPool, MediaRoom, type MediaPeer, type PoolLogger, type WorkerPool } from '../../sfu/index.ts';
import { clientDtlsParameters, joinAndPublish, opusParameters, ssrcBlock, vp8Parameters, type Publisher } from '../../sfu/testing.ts';

const quiet: PoolLogger = { info: () => undefined, error: () => undefined };

let pool: WorkerPool;
const openRooms: MediaRoom[] = [];
let roomSeq = 0;

beforeAll(async () => {
  pool = await createWorkerPool({ numWorkers: 1, listenIp: '127.0.0.1', rtcPort: 0, logger: quiet });
});

afterEach(() => {
  for (const room of openRooms.splice(0)) room.close('test-end');
});

afterAll(() => pool.close());

async function newRoom(): Promise<MediaRoom> {
  const room = await MediaRoom.create(pool, { roomId: `room-${++roomSeq}` });
  openRooms.push(room);
  return room;
}

/** Consumes every producer of `from` on `to`'s recv transport; returns consumer ids. */
async function subscribe(room: MediaRoom, to: Publisher, from: Publisher): Promise<string[]> {
  const ids: string[] = [];
  for (const producerId of [from.micId, from.camId]) {
    const c = await to.peer.consume({ transportId: to.recvTransportId, producerId, rtpCapabilities: room.rtpCapabilities });
    ids.push(c.consumerId);
  }
  return ids;
}

/** Counts 'closed' events per object and remembers the reasons. */
class CloseLog {
  readonly counts = new Map<string, number>();
  readonly reasons = new Map<string, string[]>();

  watch(key: string, emitter: { on(event: 'closed', listener: (reason: string) => void): unknown }): void {
    emitter.on('closed', (reason) => {
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      this.reasons.set(key, [...(this.reasons.get(key) ?? []), reason]);
    });
  }

  /** Every object under `peer` right now, keyed by kind:id. */
  watchPeer(peer: MediaPeer): string[] {
    const keys = [`peer:${peer.id}`];
    this.watch(keys[0]!, peer);
    for (const t of peer.transports()) {
      keys.push(`transport:${t.id}`);
      this.watch(`transport:${t.id}`, peer.getTransport(t.id)!);
    }
    for (const p of peer.producers()) {
      keys.push(`producer:${p.id}`);
      this.watch(`producer:${p.id}`, peer.getProducer(p.id)!);
    }
    for (const c of peer.consumers()) {
      keys.push(`consumer:${c.id}`);
      this.watch(`consumer:${c.id}`, peer.getConsumer(c.id)!);
    }
    return keys;
  }

  expectEachOnce(keys: string[]): void {
    for (const key of keys) expect(this.counts.get(key), key).toBe(1);
  }
}

async function routerTransportIds(room: MediaRoom): Promise<string[]> {
  return (await room.router.dump()).transportIds.sort();
}

describe('MediaRoom tree', () => {
  it('builds rooms with transports, producers and cross-peer consumers and counts them exactly', async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a');
    const b = await joinAndPublish(room, 'b', { simulcast: true });
    await subscribe(room, a, b);
    const [micConsumer] = await subscribe(room, b, a);

    expect(room.counts()).toEqual({ peers: 2, transports: 4, producers: 4, consumers: 4 });
    expect(a.peer.counts()).toEqual({ transports: 2, producers: 2, consumers: 2 });
    expect(room.peers().map((p) => p.id)).toEqual(['a', 'b']);
    expect(await routerTransportIds(room)).toEqual([a.sendTransportId, a.recvTransportId, b.sendTransportId, b.recvTransportId].sort());

    expect(a.peer.transports()).toEqual([
      { id: a.sendTransportId, direction: 'send', connected: false },
      { id: a.recvTransportId, direction: 'recv', connected: false },
    ]);
    expect(a.peer.producers()).toEqual([
      { id: a.micId, transportId: a.sendTransportId, kind: 'audio', source: 'microphone', paused: false, pausedByPeer: false, adminMuted: false },
      { id: a.camId, transportId: a.sendTransportId, kind: 'video', source: 'camera', paused: false, pausedByPeer: false, adminMuted: false },
    ]);
    expect(b.peer.consumers()[0]).toEqual({
      id: micConsumer,
      transportId: b.recvTransportId,
      producerId: a.micId,
      producerPeerId: 'a',
      kind: 'audio',
      source: 'microphone',
      paused: true, // consumers start paused until the client has them
      producerPaused: false,
    });
  });

  it('gives the client what it needs to build transports on the WebRtcServer (one UDP and one TCP port)', async () => {
    const room = await newRoom();
    const peer = room.addPeer('a');
    const params = await peer.createTransport('send');
    expect(Object.keys(params).sort()).toEqual(['dtlsParameters', 'iceCandidates', 'iceParameters', 'id']);
    expect(params.iceCandidates.map((c) => c.protocol).sort()).toEqual(['tcp', 'udp']);
    const server = await room.router.appData.webRtcServer.dump();
    expect(server.webRtcTransportIds).toContain(params.id);
    expect(params.iceCandidates.find((c) => c.protocol === 'udp')!.port).toBe(server.udpSockets[0]!.port);
    // preferUdp: the UDP candidate has the higher priority.
    const [udp, tcp] = ['udp', 'tcp'].map((p) => params.iceCandidates.find((c) => c.protocol === p)!.priority);
    expect(udp).toBeGreaterThan(tcp!);
  });

  it('connects with client DTLS parameters once, and restarts ICE with fresh credentials', async () => {
    const room = await newRoom();
    const peer = room.addPeer('a');
    const params = await peer.createTransport('recv');
    await peer.connectTransport(params.id, clientDtlsParameters());
    expect(peer.transports()[0]!.connected).toBe(true);
    await expect(peer.connectTransport(params.id, clientDtlsParameters())).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const ice = await peer.restartIce(params.id);
    expect(ice.usernameFragment).not.toBe(params.iceParameters.usernameFragment);
    expect(ice.password).not.toBe(params.iceParameters.password);
  });

  it('closing a producer closes every consumer of it, and the consuming peers hear why', async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a');
    const b = await joinAndPublish(room, 'b');
    const c = await joinAndPublish(room, 'c');
    const [bMic] = await subscribe(room, b, a);
    const [cMic] = await subscribe(room, c, a);
    const log = new CloseLog();
    log.watch('producer', a.peer.getProducer(a.micId)!);
    log.watch('b-consumer', b.peer.getConsumer(bMic!)!);
    log.watch('c-consumer', c.peer.getConsumer(cMic!)!);
    const consumerClosed: unknown[] = [];
    b.peer.on('consumerclosed', (e) => consumerClosed.push(e));
    const producerClosed: unknown[] = [];
    a.peer.on('producerclosed', (e) => producerClosed.push(e));

    a.peer.closeProducer(a.micId, 'stopped');
    a.peer.getProducer(a.camId)!.close('unused'); // the live object's close() works too, it is a different producer

    // Synchronous: no waiting for the worker's notifications.
    expect(room.counts()).toEqual({ peers: 3, transports: 6, producers: 4, consumers: 0 });
    expect(consumerClosed).toEqual([
      { consumerId: bMic, producerId: a.micId, reason: 'producer-closed' },
      expect.objectContaining({ producerId: a.camId, reason: 'producer-closed' }),
    ]);
    expect(producerClosed).toEqual([
      { producerId: a.micId, kind: 'audio', source: 'microphone', reason: 'stopped' },
      { producerId: a.camId, kind: 'video', source: 'camera', reason: 'unused' },
    ]);
    expect(log.reasons.get('producer')).toEqual(['stopped']);
    expect(log.reasons.get('c-consumer')).toEqual(['producer-closed']);
    log.expectEachOnce(['producer', 'b-consumer', 'c-consumer']);

    // The worker agrees, and its late 'producerclose' notifications change nothing.
    await expect.poll(async () => (await room.router.dump()).mapConsumerIdProducerId).toEqual([]);
    log.expectEachOnce(['producer', 'b-consumer', 'c-consumer']);
    expect(consumerClosed).toHaveLength(2);
  });

  it('closing a peer closes its transports, producers, consumers and the consumers of its producers elsewhere', async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a');
    const b = await joinAndPublish(room, 'b');
    await subscribe(room, a, b);
    await subscribe(room, b, a);
    const log = new CloseLog();
    const aKeys = log.watchPeer(a.peer);
    const bConsumerKeys = b.peer.consumers().map((c) => `consumer:${c.id}`);
    for (const c of b.peer.consumers()) log.watch(`consumer:${c.id}`, b.peer.getConsumer(c.id)!);
    const bEvents: string[] = [];
    b.peer.on('consumerclosed', (e) => bEvents.push(e.reason));
    const aEvents: string[] = [];
    for (const event of ['transportclosed', 'producerclosed', 'consumerclosed'] as const) a.peer.on(event, () => aEvents.push(event));

    expect(aKeys).toHaveLength(1 + 2 + 2 + 2);
    expect(room.removePeer('a', 'left')).toBe(true);
    a.peer.close('again');
    expect(room.removePeer('a', 'again')).toBe(false);

    log.expectEachOnce([...aKeys, ...bConsumerKeys]);
    expect(log.reasons.get('peer:a')).toEqual(['left']);
    expect(log.reasons.get(`transport:${a.sendTransportId}`)).toEqual(['left']);
    expect(bEvents).toEqual(['producer-closed', 'producer-closed']);
    expect(aEvents).toEqual([]); // a closing peer reports only its own 'closed'
    expect(a.peer.closed).toBe(true);
    expect(room.getPeer('a')).toBeUndefined();
    expect(room.counts()).toEqual({ peers: 1, transports: 2, producers: 2, consumers: 0 });
    expect(a.peer.counts()).toEqual({ transports: 0, producers: 0, consumers: 0 });
    expect(await routerTransportIds(room)).toEqual([b.sendTransportId, b.recvTransportId].sort());

    await expect(a.peer.createTransport('send')).rejects.toMatchObject({ code: 'PEER_CLOSED' });
    expect(() => a.peer.closeProducer(a.micId)).toThrow(expect.objectContaining({ code: 'PEER_CLOSED' }));
    // The id is free again: a new peer object for a rejoin.
    expect(room.addPeer('a')).not.toBe(a.peer);
  });

  it('closing the room releases everything once, even with concurrent closes of children and parents', async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a');
    const b = await joinAndPublish(room, 'b', { simulcast: true });
    await subscribe(room, a, b);
    await subscribe(room, b, a);
    const log = new CloseLog();
    log.watch('room', room);
    const keys = ['room', ...log.watchPeer(a.peer), ...log.watchPeer(b.peer)];
    const routerId = room.router.id;
    const [worker] = pool.workers;
    expect((await worker!.dump()).routerIds).toContain(routerId);

    // Children and parents racing: a consumer, a producer, a transport and a peer first.
    b.peer.getConsumer(b.peer.consumers()[0]!.id)!.close('child');
    a.peer.closeProducer(a.camId, 'child');
    b.peer.closeTransport(b.recvTransportId, 'child');
    a.peer.close('peer');
    room.close('ended');
    room.close('again');
    a.peer.close('again');
    b.peer.close('again');

    log.expectEachOnce(keys);
    expect(log.reasons.get('room')).toEqual(['ended']);
    expect(log.reasons.get('peer:b')).toEqual(['ended']);
    expect(room.closed).toBe(true);
    expect(room.counts()).toEqual({ peers: 0, transports: 0, producers: 0, consumers: 0 });
    expect(room.router.closed).toBe(true);
    expect((await worker!.dump()).routerIds).not.toContain(routerId);
    expect(() => room.addPeer('c')).toThrow(expect.objectContaining({ code: 'ROOM_CLOSED' }));
    await expect(a.peer.createTransport('send')).rejects.toMatchObject({ code: 'ROOM_CLOSED' });
  });

  it('a throwing listener does not break the close cascade', async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a');
    const errors: string[] = [];
    a.peer.on('closed', () => {
      throw new Error('listener bug');
    });
    a.peer.on('listenererror', (event, error) => errors.push(`${event}: ${error.message}`));
    let roomClosed = 0;
    room.on('closed', () => roomClosed++);
    room.close('ended');
    expect(errors).toEqual(['closed: listener bug']);
    expect(roomClosed).toBe(1);
    expect(room.counts()).toEqual({ peers: 0, transports: 0, producers: 0, consumers: 0 });
  });
});

describe('ownership checks', () => {
  it("a peer cannot connect, produce on or consume via another peer's transport, nor touch its producers or consumers", async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a');
    const b = await joinAndPublish(room, 'b');
    const [bMicConsumer] = await subscribe(room, b, a);
    const notFound = (code: string) => expect.objectContaining({ code });

    await expect(b.peer.connectTransport(a.recvTransportId, clientDtlsParameters())).rejects.toMatchObject({ code: 'TRANSPORT_NOT_FOUND' });
    await expect(b.peer.restartIce(a.sendTransportId)).rejects.toMatchObject({ code: 'TRANSPORT_NOT_FOUND' });
    await expect(
      b.peer.produce({ transportId: a.sendTransportId, kind: 'video', source: 'screen', rtpParameters: vp8Parameters(ssrcBlock(), '2') }),
    ).rejects.toMatchObject({ code: 'TRANSPORT_NOT_FOUND' });
    await expect(b.peer.consume({ transportId: a.recvTransportId, producerId: a.micId, rtpCapabilities: room.rtpCapabilities })).rejects.toMatchObject({
      code: 'TRANSPORT_NOT_FOUND',
    });
    expect(() => b.peer.closeTransport(a.sendTransportId)).toThrow(notFound('TRANSPORT_NOT_FOUND'));
    expect(() => b.peer.closeProducer(a.micId)).toThrow(notFound('PRODUCER_NOT_FOUND'));
    await expect(b.peer.adminMute(a.micId)).rejects.toMatchObject({ code: 'PRODUCER_NOT_FOUND' });
    await expect(b.peer.setProducerPausedByPeer(a.micId, true)).rejects.toMatchObject({ code: 'PRODUCER_NOT_FOUND' });
    expect(() => a.peer.closeConsumer(bMicConsumer!)).toThrow(notFound('CONSUMER_NOT_FOUND'));
    await expect(a.peer.resumeConsumer(bMicConsumer!)).rejects.toMatchObject({ code: 'CONSUMER_NOT_FOUND' });
    expect(b.peer.getProducer(a.micId)).toBeUndefined();
    expect(b.peer.getTransport(a.sendTransportId)).toBeUndefined();

    // Nothing of a's was touched.
    expect(a.peer.counts()).toEqual({ transports: 2, producers: 2, consumers: 0 });
    expect(a.peer.producers().every((p) => !p.paused)).toBe(true);
    expect(b.peer.counts()).toEqual({ transports: 2, producers: 2, consumers: 2 });
  });

  it('enforces directions, kinds, one producer per source, unique peers and consumable capabilities', async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a');
    const b = await joinAndPublish(room, 'b');

    await expect(
      a.peer.produce({ transportId: a.recvTransportId, kind: 'audio', source: 'microphone', rtpParameters: opusParameters(ssrcBlock()) }),
    ).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    await expect(b.peer.consume({ transportId: b.sendTransportId, producerId: a.micId, rtpCapabilities: room.rtpCapabilities })).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    await expect(
      a.peer.produce({ transportId: a.sendTransportId, kind: 'audio', source: 'camera', rtpParameters: opusParameters(ssrcBlock(), '2') }),
    ).rejects.toThrow(TypeError);
    await expect(
      a.peer.produce({ transportId: a.sendTransportId, kind: 'audio', source: 'microphone', rtpParameters: opusParameters(ssrcBlock(), '2') }),
    ).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    expect(() => room.addPeer('a')).toThrow(expect.objectContaining({ code: 'PEER_EXISTS' }));
    await expect(b.peer.consume({ transportId: b.recvTransportId, producerId: 'nope', rtpCapabilities: room.rtpCapabilities })).rejects.toMatchObject({
      code: 'PRODUCER_NOT_FOUND',
    });

    // A device that only decodes opus (e.g. audio-only client) cannot receive VP8.
    const audioOnly = { codecs: room.rtpCapabilities.codecs!.filter((c) => c.kind === 'audio'), headerExtensions: room.rtpCapabilities.headerExtensions };
    await expect(b.peer.consume({ transportId: b.recvTransportId, producerId: a.camId, rtpCapabilities: audioOnly })).rejects.toMatchObject({
      code: 'CANNOT_CONSUME',
    });
    await expect(b.peer.consume({ transportId: b.recvTransportId, producerId: a.micId, rtpCapabilities: audioOnly })).resolves.toMatchObject({ kind: 'audio' });

    // A second source is fine, and so is re-publishing after closing.
    await expect(
      a.peer.produce({ transportId: a.sendTransportId, kind: 'video', source: 'screen', rtpParameters: vp8Parameters(ssrcBlock(), '2') }),
    ).resolves.toBeDefined();
    a.peer.closeProducer(a.micId);
    await expect(
      a.peer.produce({ transportId: a.sendTransportId, kind: 'audio', source: 'microphone', rtpParameters: opusParameters(ssrcBlock(), '3') }),
    ).resolves.toBeDefined();
    expect(room.counts()).toEqual({ peers: 2, transports: 4, producers: 5, consumers: 0 });
  });
});

describe('operations racing with closes', () => {
  it('objects created while their peer or room closes are released, and the call says why', async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a');
    const b = await joinAndPublish(room, 'b');

    // Peer closes while its transport is being created.
    const x = room.addPeer('x');
    const creating = x.createTransport('send');
    x.close('left');
    await expect(creating).rejects.toMatchObject({ code: 'PEER_CLOSED' });

    // Producer's owner leaves while someone consumes it.
    const consuming = b.peer.consume({ transportId: b.recvTransportId, producerId: a.camId, rtpCapabilities: room.rtpCapabilities });
    a.peer.close('left');
    await expect(consuming).rejects.toMatchObject({ code: 'PRODUCER_NOT_FOUND' });

    // Peer closes while producing.
    const y = room.addPeer('y');
    const yt = await y.createTransport('send');
    const producing = y.produce({ transportId: yt.id, kind: 'audio', source: 'microphone', rtpParameters: opusParameters(ssrcBlock()) });
    y.close('left');
    await expect(producing).rejects.toMatchObject({ code: 'PEER_CLOSED' });

    expect(room.counts()).toEqual({ peers: 1, transports: 2, producers: 2, consumers: 0 });
    const dump = await room.router.dump();
    expect(dump.transportIds.sort()).toEqual([b.sendTransportId, b.recvTransportId].sort());
    expect(dump.mapConsumerIdProducerId).toEqual([]);
    expect(dump.mapProducerIdConsumerIds.map((e) => e.key).sort()).toEqual([b.micId, b.camId].sort());

    // The room closes while a transport is being created.
    const z = room.addPeer('z');
    const late = [z.createTransport('send'), z.createTransport('recv')];
    room.close('ended');
    const outcomes = await Promise.allSettled(late);
    expect(outcomes.map((o) => o.status === 'rejected' && (o.reason as { code?: string }).code)).toEqual(['ROOM_CLOSED', 'ROOM_CLOSED']);
    expect((await pool.workers[0]!.dump()).routerIds).not.toContain(room.router.id);
  });
});

describe('no leaks', () => {
  it('50 join/publish/subscribe/leave cycles leave zero server objects and no extra listeners', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const room = await newRoom();
      const webRtcServer = room.router.appData.webRtcServer;
      const b = await joinAndPublish(room, 'b');
      const listenerCounts = () => ({
        workerclose: room.router.listenerCount('workerclose'),
        bConsumerClosed: b.peer.listenerCount('consumerclosed'),
      });
      let bConsumerClosed = 0;
      b.peer.on('consumerclosed', () => bConsumerClosed++);
      const before = listenerCounts();

      for (let i = 0; i < 50; i++) {
        const a = await joinAndPublish(room, 'a', { simulcast: i % 2 === 0 });
        await subscribe(room, b, a);
        await subscribe(room, a, b);
        expect(room.counts()).toEqual({ peers: 2, transports: 4, producers: 4, consumers: 4 });
        a.peer.close('left');
        expect(room.counts()).toEqual({ peers: 1, transports: 2, producers: 2, consumers: 0 });
      }
      expect(bConsumerClosed).toBe(100);
      expect(listenerCounts()).toEqual(before);

      b.peer.close('left');
      expect(room.counts()).toEqual({ peers: 0, transports: 0, producers: 0, consumers: 0 });
      const dump = await room.router.dump();
      expect(dump.transportIds).toEqual([]);
      expect(dump.mapProducerIdConsumerIds).toEqual([]);
      expect(dump.mapConsumerIdProducerId).toEqual([]);
      expect(dump.mapProducerIdObserverIds).toEqual([]);
      expect(dump.rtpObserverIds).toHaveLength(1); // the room's active-speaker observer stays until the room closes
      expect((await webRtcServer.dump()).webRtcTransportIds).toEqual([]);
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
