// Kill the node that owns a live room (SIGKILL: no goodbye to Redis): the room comes back on the
// surviving node with its admissions, caucus and mutes, and every client gets back in without
// the mediator admitting anyone again.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../signaling/db.ts';
import { produceAudioVideo, readyToReceive, RoomTestClient } from '../support/room-client.ts';
import type { TestCluster } from '../support/cluster.ts';
import { connect, enterWithMedia, policyViolations, roomsOf, useClusterCase } from './cluster-support.ts';
import { waitFor } from '../support/wait.ts';

const fixture = useClusterCase();

const disconnected = (c: RoomTestClient) => new Promise<void>((resolve) => (c.socket.connected ? c.socket.once('disconnect', () => resolve()) : resolve()));

describe('room failover', () => {
  it('the owner dies: the room is recreated on the other node and clients recover without re-admission', async () => {
    const [node1, node2] = fixture.cluster.nodes as [NonNullable<TestCluster['nodes'][0]>, NonNullable<TestCluster['nodes'][0]>];
    // Party A connects to node 1 first (node 1 owns the room); the mediator and party B use node 2.
    const partyA = await connect(node1.url, { token: fixture.kase.parties[0]!.token });
    const joinA = await partyA.ok('room:join', { caseId: fixture.kase.caseId });
    const mediator = await connect(node2.url, { cookie: fixture.kase.mediatorCookie });
    const partyB = await connect(node2.url, { token: fixture.kase.parties[1]!.token });
    fixture.closeAfter(partyA, mediator, partyB);
    const mediatorId = await enterWithMedia(mediator, fixture.kase.caseId, null, 1000);
    await mediator.ok('mediator:admit', { peerId: joinA.self.peerId });
    await partyA.waitFor('room:admitted');
    await produceAudioVideo(partyA, 2000);
    await readyToReceive(partyA);
    const peerB = await enterWithMedia(partyB, fixture.kase.caseId, mediator, 3000);
    const peerA = joinA.self.peerId;
    // 背对背 with side A; side B's microphone muted by the mediator.
    const { caucusId } = await mediator.ok('caucus:start', { peerIds: [peerA] });
    await mediator.ok('mediator:mute', { peerId: peerB, kind: 'audio', muted: true });
    await partyB.waitFor('room:location', (l) => l.waiting === true);
    const before = (await roomsOf(node1.url)).rooms[0]!;
    expect(before.caucuses.map((c) => c.caucusId)).toEqual([caucusId]);
    expect((await roomsOf(node2.url)).rooms).toEqual([]);

    const killedAt = Date.now();
    const lost = [partyA, mediator, partyB].map(disconnected);
    await node1.kill();
    // Party A was on node 1: its socket drops at once. The others are on node 2, which notices its
    // room's owner is gone and closes their sockets so they re-join.
    await Promise.all(lost);
    const allDisconnectedMs = Date.now() - killedAt;

    // Reconnect as the web client does (party A through the load balancer, i.e. to node 2).
    const partyA2 = new RoomTestClient(node2.url, { token: fixture.kase.parties[0]!.token });
    fixture.closeAfter(partyA2);
    await partyA2.connected();
    for (const c of [mediator, partyB]) {
      c.events.length = 0;
      c.socket.connect();
      await c.connected();
    }
    const rejoined = await Promise.all([mediator, partyA2, partyB].map((c) => c.ok('room:join', { caseId: fixture.kase.caseId })));
    expect(rejoined.map((r) => r.status)).toEqual(['admitted', 'admitted', 'admitted']); // nobody back in the lobby
    const recoveredMs = Date.now() - killedAt;

    // The room now lives on node 2 with the caucus it had: side B still waits, unheard.
    const after = (await roomsOf(node2.url)).rooms[0]!;
    expect(after.caseId).toBe(fixture.kase.caseId);
    expect(after.caucuses).toEqual([expect.objectContaining({ caucusId, memberPeerIds: [peerA], mediatorPeerIds: [mediatorId] })]);
    await partyB.waitFor('room:location', (l) => l.waiting === true);
    await partyA2.waitFor('room:location', (l) => l.room === caucusId && l.waiting === false);

    // Media is set up again on node 2 (new transports); the routing policy holds at once.
    await produceAudioVideo(mediator, 1100);
    await readyToReceive(mediator);
    await produceAudioVideo(partyA2, 2100);
    await readyToReceive(partyA2);
    await produceAudioVideo(partyB, 3100);
    await readyToReceive(partyB);
    await waitFor(async () => policyViolations((await roomsOf(node2.url)).rooms[0]!).allowedNotLive.length === 0, 5000, 'allowed consumers live on node 2');
    const live = (await roomsOf(node2.url)).rooms[0]!;
    expect(policyViolations(live).forbiddenLive).toEqual([]);
    expect(
      live.consumers
        .filter((c) => c.live)
        .map((c) => `${c.sender}→${c.receiver}`)
        .sort(),
    ).toEqual([`${peerA}→${mediatorId}`, `${peerA}→${mediatorId}`, `${mediatorId}→${peerA}`, `${mediatorId}→${peerA}`].sort());
    // The mediator's mute carried over: B's new microphone starts muted and B cannot undo it.
    const peers = await mediator.waitFor('room:peers', (p) =>
      p.peers.some((x: { peerId: string; producers: unknown[] }) => x.peerId === peerB && x.producers.length === 2),
    );
    const micB = peers.peers.find((x: { peerId: string }) => x.peerId === peerB).producers.find((p: { kind: string }) => p.kind === 'audio');
    expect(micB.adminMuted).toBe(true);
    expect(await partyB.request('media:setProducerPaused', { producerId: micB.producerId, paused: false })).toMatchObject({ ok: false, code: 'ADMIN_MUTED' });

    // The audit trail says what happened.
    const db = openDb(path.join(fixture.cluster.dataDir, 'jiefen.db'));
    try {
      const audit = await db.auditEntry.findMany({
        where: { caseId: fixture.kase.caseId, type: { in: ['ROOM_RESTORED', 'ROOM_JOINED', 'ROOM_ADMITTED'] } },
        orderBy: { seq: 'asc' },
      });
      const restoredAt = audit.findIndex((e) => e.type === 'ROOM_RESTORED');
      expect(restoredAt).toBeGreaterThan(0);
      const afterRestore = audit.slice(restoredAt + 1);
      expect(afterRestore.filter((e) => e.type === 'ROOM_ADMITTED')).toEqual([]);
      expect(
        afterRestore
          .filter((e) => e.type === 'ROOM_JOINED')
          .map((e) => JSON.parse(e.data).via)
          .sort(),
      ).toEqual(['failover', 'failover', 'failover']);
    } finally {
      await db.$disconnect();
    }
    console.log(`[failover] all sockets dropped ${allDisconnectedMs} ms after the kill; all three re-joined (admitted) ${recoveredMs} ms after it`);
  }, 90_000);
});
