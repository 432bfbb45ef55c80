// Starts either server under test in its own process and places the load plan's participants
// on it. jiefen: through the /room socket protocol, as clients do (join, admit from the lobby,
// plain transports, media:ready, produce; the server creates and resumes the consumers once
// acknowledged). Bare: straight mediasoup calls in bare.child.ts.
import { fileURLToPath } from 'node:url';
import { RoomTestClient } from '../../tests/support/room-client.ts';
import type { BenchContext } from '../lib/types.ts';
import { sleep } from '../lib/env.ts';
import type { BareApi } from './bare.child.ts';
import { ChildRpc } from './child-rpc.ts';
import type { JiefenApi, SeededRoom } from './jiefen-server.child.ts';
import { audioRtpParameters, receiverCapabilities, videoRtpParameters } from './rtp.ts';
import type { LoadPlan, PlacedParticipant, ServerSide } from './side.ts';

const child = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export async function startBare(ctx: BenchContext, workers: number): Promise<ServerSide> {
  const startedAt = Date.now();
  const rpc = new ChildRpc<BareApi>(child('./bare.child.ts'), (l) => ctx.log(`[bare] ${l}`));
  const unregister = ctx.onCleanup(() => rpc.kill());
  const { workerPids } = await rpc.call('start', { workers });
  return {
    name: 'bare',
    pids: [rpc.pid, ...workerPids],
    startedAt,
    collectGarbage: () => rpc.collectGarbage(),
    setUp: (plan) => rpc.call('setUp', plan),
    windowStart: () => rpc.call('windowStart', undefined),
    windowEnd: () => rpc.call('windowEnd', undefined),
    async close() {
      await rpc.close();
      unregister();
    },
  };
}

export async function startJiefen(ctx: BenchContext, workers: number, rooms: number): Promise<ServerSide> {
  const startedAt = Date.now();
  const rpc = new ChildRpc<JiefenApi>(child('./jiefen-server.child.ts'), (l) => ctx.log(`[jiefen] ${l}`));
  const unregister = ctx.onCleanup(() => rpc.kill());
  const { url, workerPids } = await rpc.call('start', { workers });
  const seeded = await rpc.call('seed', { rooms });
  const clients: RoomTestClient[] = [];
  return {
    name: 'jiefen',
    pids: [rpc.pid, ...workerPids],
    startedAt,
    collectGarbage: () => rpc.collectGarbage(),
    async setUp(plan) {
      const placed: PlacedParticipant[][] = [];
      for (const [r, peers] of plan.entries()) placed.push(await enterRoom(url, seeded.mediatorCookie, seeded.rooms[r]!, peers, clients));
      return placed;
    },
    windowStart: () => rpc.call('windowStart', undefined),
    windowEnd: () => rpc.call('windowEnd', undefined),
    async close() {
      for (const c of clients) c.close();
      await rpc.close();
      unregister();
    },
  };
}

/** The mediator and the three parties enter one room, publish, and get each other's consumers. */
async function enterRoom(
  url: string,
  mediatorCookie: string,
  room: SeededRoom,
  peers: LoadPlan[number],
  clients: RoomTestClient[],
): Promise<PlacedParticipant[]> {
  const mediator = new RoomTestClient(url, { cookie: mediatorCookie });
  const parties = room.partyTokens.map((token) => new RoomTestClient(url, { token }));
  const members = [mediator, ...parties];
  if (members.length !== peers.length) throw new Error(`a room has ${members.length} participants, the plan ${peers.length}`);
  clients.push(...members);
  await Promise.all(members.map((c) => c.connected()));
  await mediator.ok('room:join', { caseId: room.caseId });
  for (const p of parties) await p.ok('room:join', { caseId: room.caseId });
  const lobby = await mediator.waitFor('room:lobby', (l: { waiting: unknown[] }) => l.waiting.length === parties.length);
  for (const w of lobby.waiting as Array<{ peerId: string }>) await mediator.ok('mediator:admit', { peerId: w.peerId });

  const sends = await Promise.all(
    members.map(async (c, i) => {
      const { rtpCapabilities } = await c.ok('media:getRouterRtpCapabilities');
      const send = await c.ok('media:createPlainTransport', { direction: 'send' });
      const recv = await c.ok('media:createPlainTransport', { direction: 'recv' });
      await c.ok('media:connectPlainTransport', { transportId: recv.id, ip: '127.0.0.1', port: peers[i]!.sinkPort });
      await c.ok('media:ready', { rtpCapabilities: receiverCapabilities(rtpCapabilities as never) as never });
      return send;
    }),
  );
  const ssrcOfProducer = new Map<string, number>();
  for (const [i, c] of members.entries()) {
    const { ids } = peers[i]!;
    const audio = await c.ok('media:produce', {
      transportId: sends[i]!.id,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: audioRtpParameters(ids.audioSsrc) as never,
    });
    const video = await c.ok('media:produce', {
      transportId: sends[i]!.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: videoRtpParameters(ids.videoSsrc) as never,
    });
    ssrcOfProducer.set(audio.producerId, ids.audioSsrc);
    ssrcOfProducer.set(video.producerId, ids.videoSsrc);
  }
  const expected = 2 * (members.length - 1);
  const newConsumers = (c: RoomTestClient) =>
    c.events
      .filter((e) => e.event === 'media:newConsumer')
      .map((e) => e.payload as { producerId: string; rtpParameters: { encodings: Array<{ ssrc: number }> } });
  for (let waited = 0; members.some((c) => newConsumers(c).length < expected); waited += 50) {
    if (waited > 20_000) throw new Error(`consumers missing after 20 s: ${members.map((c) => newConsumers(c).length).join(', ')} of ${expected} each`);
    await sleep(50);
  }
  return members.map((c, i) => ({
    sendPort: sends[i]!.port,
    consumers: newConsumers(c).map((p) => ({ ssrc: p.rtpParameters.encodings[0]!.ssrc, fromSsrc: ssrcOfProducer.get(p.producerId)! })),
  }));
}
