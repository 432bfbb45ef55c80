// Room controls on the real mediasoup worker: admin mute against the peer's own
// mute, simulcast consumers and their layers, the audio observers behind
// 'volumes'/'activespeaker', stats, and a worker dying under a room.
import type { types } from 'mediasoup';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerPool, MediaRoom, type MediaRoomOptions, type PoolLogger, type WorkerPool } from '../../sfu/index.ts';
import { joinAndPublish, opusParameters, ssrcBlock, type Publisher } from '../../sfu/testing.ts';

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

async function newRoom(on: WorkerPool = pool, options: Partial<MediaRoomOptions> = {}): Promise<MediaRoom> {
  const room = await MediaRoom.create(on, { roomId: `controls-${++roomSeq}`, ...options });
  openRooms.push(room);
  return room;
}

async function consume(room: MediaRoom, to: Publisher, producerId: string) {
  return to.peer.consume({ transportId: to.recvTransportId, producerId, rtpCapabilities: room.rtpCapabilities });
}

async function workerPaused(p: Publisher, producerId: string): Promise<boolean> {
  return (await p.peer.getProducer(producerId)!.mediasoupProducer.dump()).paused;
}

describe('admin mute', () => {
  it('pauses the producer, consumers see producer-paused, the peer cannot undo it, adminUnmute resumes', async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a');
    const b = await joinAndPublish(room, 'b');
    const { consumerId } = await consume(room, b, a.micId);
    const events: unknown[] = [];
    b.peer.on('consumerpaused', (e) => events.push(e));
    b.peer.on('consumerresumed', (e) => events.push(e));

    await a.peer.adminMute(a.micId);
    expect(a.peer.producers()[0]).toMatchObject({ id: a.micId, paused: true, adminMuted: true, pausedByPeer: false });
    expect(await workerPaused(a, a.micId)).toBe(true);
    await expect.poll(() => events).toEqual([{ consumerId, producerId: a.micId, paused: true }]);
    expect(b.peer.consumers()[0]!.producerPaused).toBe(true);

    expect(await a.peer.setProducerPausedByPeer(a.micId, false)).toBe(false);
    expect(await workerPaused(a, a.micId)).toBe(true);
    expect(a.peer.producers()[0]).toMatchObject({ paused: true, adminMuted: true });

    await a.peer.adminUnmute(a.micId);
    expect(a.peer.producers()[0]).toMatchObject({ paused: false, adminMuted: false, pausedByPeer: false });
    expect(await workerPaused(a, a.micId)).toBe(false);
    await expect.poll(() => events).toHaveLength(2);
    expect(events[1]).toEqual({ consumerId, producerId: a.micId, paused: false });
    expect(b.peer.consumers()[0]!.producerPaused).toBe(false);
    // The camera was never touched.
    expect(await workerPaused(a, a.camId)).toBe(false);
  });

  it("keeps the peer's own mute through an admin mute and unmute", async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a');
    expect(await a.peer.setProducerPausedByPeer(a.micId, true)).toBe(true);
    await a.peer.adminMute(a.micId);
    expect(await a.peer.setProducerPausedByPeer(a.micId, true)).toBe(true); // muting more is always allowed
    await a.peer.adminUnmute(a.micId);
    expect(a.peer.producers()[0]).toMatchObject({ paused: true, pausedByPeer: true, adminMuted: false });
    expect(await workerPaused(a, a.micId)).toBe(true);
    expect(await a.peer.setProducerPausedByPeer(a.micId, false)).toBe(true);
    expect(await workerPaused(a, a.micId)).toBe(false);
  });

  it('outlives closing and re-publishing the same source', async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a');
    const b = await joinAndPublish(room, 'b');
    await a.peer.adminMute(a.micId);
    a.peer.closeProducer(a.micId, 'republish');
    const { producerId } = await a.peer.produce({
      transportId: a.sendTransportId,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: opusParameters(ssrcBlock(), '2'),
    });
    expect(a.peer.getProducer(producerId)!.info()).toMatchObject({ paused: true, adminMuted: true, pausedByPeer: false });
    expect(await workerPaused(a, producerId)).toBe(true);
    expect(await consume(room, b, producerId)).toMatchObject({ producerPaused: true, source: 'microphone', producerPeerId: 'a' });
    expect(await a.peer.setProducerPausedByPeer(producerId, false)).toBe(false);
    await a.peer.adminUnmute(producerId);
    expect(await workerPaused(a, producerId)).toBe(false);
  });

  it('concurrent mute calls end in the state of the last call', async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a');
    const [, refused] = await Promise.all([a.peer.adminMute(a.micId), a.peer.setProducerPausedByPeer(a.micId, false)]);
    expect(refused).toBe(false);
    expect(await workerPaused(a, a.micId)).toBe(true);
    await Promise.all([a.peer.adminUnmute(a.micId), a.peer.setProducerPausedByPeer(a.micId, true), a.peer.setProducerPausedByPeer(a.micId, false)]);
    expect(a.peer.producers()[0]).toMatchObject({ paused: false, adminMuted: false, pausedByPeer: false });
    expect(await workerPaused(a, a.micId)).toBe(false);
  });
});

describe('simulcast', () => {
  it('consumes a 3-layer VP8 producer as one simulcast stream and sets preferred layers', async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a', { simulcast: true });
    const b = await joinAndPublish(room, 'b');
    const cam = await consume(room, b, a.camId);
    expect(cam).toMatchObject({ kind: 'video', source: 'camera', type: 'simulcast', producerPeerId: 'a', producerPaused: false });
    expect(cam.rtpParameters.encodings).toHaveLength(1);
    expect(cam.rtpParameters.encodings![0]!.scalabilityMode).toMatch(/^L3T3/);
    expect(cam.rtpParameters.codecs.map((c) => c.mimeType)).toEqual(['video/VP8', 'video/rtx']);

    await b.peer.setPreferredLayers(cam.consumerId, { spatialLayer: 1, temporalLayer: 2 });
    expect(b.peer.getConsumer(cam.consumerId)!.mediasoupConsumer.preferredLayers).toEqual({ spatialLayer: 1, temporalLayer: 2 });
    await b.peer.setPreferredLayers(cam.consumerId, { spatialLayer: 0 });
    expect(b.peer.getConsumer(cam.consumerId)!.mediasoupConsumer.preferredLayers?.spatialLayer).toBe(0);

    const mic = await consume(room, b, a.micId);
    expect(mic.type).toBe('simple');
    await expect(b.peer.setPreferredLayers(mic.consumerId, { spatialLayer: 0 })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(a.peer.setPreferredLayers(cam.consumerId, { spatialLayer: 0 })).rejects.toMatchObject({ code: 'CONSUMER_NOT_FOUND' });

    // Client-side pause/resume of the consumer.
    await b.peer.resumeConsumer(cam.consumerId);
    expect(b.peer.getConsumer(cam.consumerId)!.info().paused).toBe(false);
    await b.peer.pauseConsumer(cam.consumerId);
    expect((await b.peer.getConsumer(cam.consumerId)!.mediasoupConsumer.dump()).paused).toBe(true);
  });
});

describe('audio observers', () => {
  it('a room has only the active-speaker observer unless per-microphone levels are asked for', async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a');
    const dump = await room.router.dump();
    expect(dump.rtpObserverIds).toHaveLength(1);
    expect(dump.mapProducerIdObserverIds.find((e) => e.key === a.micId)?.values).toEqual(dump.rtpObserverIds);
  });

  it('adds microphones (not cameras) to the audio-level and active-speaker observers', async () => {
    const room = await newRoom(pool, { audioLevel: {} });
    const a = await joinAndPublish(room, 'a');
    const b = await joinAndPublish(room, 'b');
    const dump = await room.router.dump();
    expect(dump.rtpObserverIds).toHaveLength(2);
    const observed = Object.fromEntries(dump.mapProducerIdObserverIds.filter((e) => e.values.length > 0).map((e) => [e.key, [...e.values].sort()]));
    expect(Object.keys(observed).sort()).toEqual([a.micId, b.micId].sort());
    expect(observed[a.micId]).toEqual([...dump.rtpObserverIds].sort());
  });

  it("turns the observers' events into peer ids: 'volumes' and 'activespeaker' (null when the speaker's microphone goes)", async () => {
    // Capture the room's mediasoup observers as the worker creates them, to play the worker's part.
    const observers: types.RtpObserver[] = [];
    pool.workers[0]!.observer.once('newrouter', (router) => router.observer.on('newrtpobserver', (o) => observers.push(o)));
    const room = await newRoom(pool, { audioLevel: {} });
    const audioLevel = observers.find((o): o is types.AudioLevelObserver => o.type === 'audiolevel')!;
    const activeSpeaker = observers.find((o): o is types.ActiveSpeakerObserver => o.type === 'activespeaker')!;
    expect(audioLevel && activeSpeaker).toBeTruthy();

    const a = await joinAndPublish(room, 'a');
    const b = await joinAndPublish(room, 'b');
    const aMic = a.peer.getProducer(a.micId)!.mediasoupProducer;
    const bMic = b.peer.getProducer(b.micId)!.mediasoupProducer;
    const volumes: unknown[] = [];
    const speakers: (string | null)[] = [];
    room.on('volumes', (v) => volumes.push(v));
    room.on('activespeaker', (peerId) => speakers.push(peerId));

    audioLevel.emit('volumes', [
      { producer: bMic, volume: -22 },
      { producer: aMic, volume: -48 },
    ]);
    audioLevel.emit('silence');
    expect(volumes).toEqual([
      [
        { peerId: 'b', producerId: b.micId, volume: -22 },
        { peerId: 'a', producerId: a.micId, volume: -48 },
      ],
      [],
    ]);

    activeSpeaker.emit('dominantspeaker', { producer: bMic });
    activeSpeaker.emit('dominantspeaker', { producer: bMic }); // no change, no event
    activeSpeaker.emit('dominantspeaker', { producer: aMic });
    b.peer.closeProducer(b.micId); // not the speaker: nothing
    a.peer.close('left'); // the speaker's microphone goes
    expect(speakers).toEqual(['b', 'a', null]);
  });
});

describe('stats', () => {
  it('reports every peer, transport, producer and consumer with bitrates, loss and a quality grade', async () => {
    const room = await newRoom();
    const a = await joinAndPublish(room, 'a', { simulcast: true });
    const b = await joinAndPublish(room, 'b');
    const { consumerId } = await consume(room, b, a.camId);
    const stats = await room.stats();
    expect(stats.roomId).toBe(room.id);
    expect(stats.peers.map((p) => p.peerId)).toEqual(['a', 'b']);
    const bStats = stats.peers[1]!;
    expect(bStats.quality).toBe('unknown'); // no media has flowed
    const [send, recv] = bStats.transports;
    expect(send).toMatchObject({ transportId: b.sendTransportId, direction: 'send', iceState: 'new', dtlsState: 'new', sendBitrate: 0, recvBitrate: 0 });
    expect(send!.producers.map((p) => p.source)).toEqual(['microphone', 'camera']);
    expect(recv!.consumers).toEqual([
      expect.objectContaining({ consumerId, producerId: a.camId, kind: 'video', source: 'camera', bitrate: 0, lossRatio: 0, paused: true }),
    ]);
  });
});

describe('worker death', () => {
  it("closes the room and every peer with reason 'worker-closed'", async () => {
    const ownPool = await createWorkerPool({ numWorkers: 1, listenIp: '127.0.0.1', rtcPort: 0, logger: quiet });
    try {
      const room = await newRoom(ownPool);
      const a = await joinAndPublish(room, 'a');
      const b = await joinAndPublish(room, 'b');
      await consume(room, b, a.micId);
      const closes: string[] = [];
      room.on('closed', (reason) => closes.push(`room:${reason}`));
      a.peer.on('closed', (reason) => closes.push(`a:${reason}`));
      b.peer.getTransport(b.recvTransportId)!.on('closed', (reason) => closes.push(`b-recv:${reason}`));

      process.kill(ownPool.workers[0]!.pid, 'SIGKILL');
      await expect.poll(() => room.closed, { timeout: 5_000 }).toBe(true);
      expect(closes.sort()).toEqual(['a:worker-closed', 'b-recv:worker-closed', 'room:worker-closed']);
      expect(room.counts()).toEqual({ peers: 0, transports: 0, producers: 0, consumers: 0 });
      await expect(a.peer.createTransport('send')).rejects.toMatchObject({ code: 'ROOM_CLOSED' });
    } finally {
      ownPool.close();
    }
  });
});
