// Two nodes + Redis, one room: a party reaching node 1 and a mediator reaching node 2 are in the
// same room (media on the owner, everything relayed through the other node), and caucus
// isolation holds across nodes — checked against the live state both nodes report.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { produceAudioVideo, readyToReceive, type RoomTestClient } from '../support/room-client.ts';
import { connect, enterWithMedia, policyOf, policyViolations, roomsOf, useClusterCase } from './cluster-support.ts';
import { waitFor } from '../support/wait.ts';
import { mayReceive } from '../../signaling/rooms/routing-policy.ts';

const fixture = useClusterCase();

describe('two nodes serve one room', () => {
  let mediator: RoomTestClient;
  let partyA: RoomTestClient;
  let partyB: RoomTestClient;
  let agentA: RoomTestClient;
  const peer = { mediator: '', A: '', B: '', agentA: '' };

  it('a party on node 1 and the mediator on node 2 meet in one room on one node', async () => {
    const [node1, node2] = fixture.cluster.nodes;
    partyA = await connect(node1!.url, { token: fixture.kase.parties[0]!.token });
    fixture.closeAfter(partyA);
    const joinedA = await partyA.ok('room:join', { caseId: fixture.kase.caseId });
    expect(joinedA.status).toBe('lobby');
    peer.A = joinedA.self.peerId;

    mediator = await connect(node2!.url, { cookie: fixture.kase.mediatorCookie });
    fixture.closeAfter(mediator);
    const joinedM = await mediator.ok('room:join', { caseId: fixture.kase.caseId });
    expect(joinedM.status).toBe('admitted');
    peer.mediator = joinedM.self.peerId;
    // The mediator (node 2) sees the party waiting on node 1's room and admits her.
    await mediator.waitFor('room:lobby', (p) => p.waiting.some((w: { peerId: string }) => w.peerId === peer.A));
    await mediator.ok('mediator:admit', { peerId: peer.A });
    await partyA.waitFor('room:admitted');

    // One room, on node 1 (first come); node 2 holds no room and no media.
    const [r1, r2] = await Promise.all([roomsOf(node1!.url), roomsOf(node2!.url)]);
    expect(r1.nodeId).not.toBe(r2.nodeId);
    expect(r2.rooms).toEqual([]);
    expect(r1.rooms.map((r) => r.caseId)).toEqual([fixture.kase.caseId]);
    expect(r1.rooms[0]!.members.map((m) => m.peerId).sort()).toEqual([peer.A, peer.mediator].sort());
  });

  it('media: each receives the other’s audio and video (consumers offered through node 2, live on node 1)', async () => {
    const node1 = fixture.cluster.nodes[0]!;
    await produceAudioVideo(partyA, 1000);
    await readyToReceive(partyA);
    // The mediator publishes and receives (its requests are forwarded by node 2).
    await produceAudioVideo(mediator, 2000);
    await readyToReceive(mediator);
    await mediator.waitFor('media:newConsumer', (p) => p.peerId === peer.A && p.kind === 'audio');
    await mediator.waitFor('media:newConsumer', (p) => p.peerId === peer.A && p.kind === 'video');
    await partyA.waitFor('media:newConsumer', (p) => p.peerId === peer.mediator && p.kind === 'audio');
    await waitFor(
      async () => {
        const room = (await roomsOf(node1.url)).rooms[0]!;
        return room.consumers.filter((c) => c.live).length === 4;
      },
      5000,
      'four live consumers on the owner',
    );
    const room = (await roomsOf(node1.url)).rooms[0]!;
    expect(room.consumers.map((c) => `${c.sender}→${c.receiver}:${c.kind}:${c.live}`).sort()).toEqual(
      [
        `${peer.A}→${peer.mediator}:audio:true`,
        `${peer.A}→${peer.mediator}:video:true`,
        `${peer.mediator}→${peer.A}:audio:true`,
        `${peer.mediator}→${peer.A}:video:true`,
      ].sort(),
    );
  });

  it('the other side and an agent join through either node', async () => {
    const [node1, node2] = fixture.cluster.nodes;
    partyB = await connect(node2!.url, { token: fixture.kase.parties[1]!.token });
    agentA = await connect(node2!.url, { token: fixture.kase.parties[2]!.token });
    fixture.closeAfter(partyB, agentA);
    peer.B = await enterWithMedia(partyB, fixture.kase.caseId, mediator, 3000);
    peer.agentA = await enterWithMedia(agentA, fixture.kase.caseId, mediator, 4000);
    await waitFor(async () => policyViolations((await roomsOf(node1!.url)).rooms[0]!).allowedNotLive.length === 0, 5000, 'everyone receives everyone');
    const room = (await roomsOf(node1!.url)).rooms[0]!;
    expect(room.consumers.filter((c) => c.live)).toHaveLength(4 * 3 * 2);
  });

  it('caucus isolation holds across nodes (random caucus moves and chat, checked against both nodes)', async () => {
    const [node1, node2] = fixture.cluster.nodes;
    const byPeer = new Map<string, RoomTestClient>([
      [peer.mediator, mediator],
      [peer.A, partyA],
      [peer.B, partyB],
      [peer.agentA, agentA],
    ]);
    const parties = [peer.A, peer.B, peer.agentA];
    type Step = { op: 'start'; members: string[] } | { op: 'end' } | { op: 'endAll' } | { op: 'chat'; from: string };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ op: fc.constant('start' as const), members: fc.subarray(parties, { minLength: 1 }) }),
      fc.constant({ op: 'end' as const }),
      fc.constant({ op: 'endAll' as const }),
      fc.record({ op: fc.constant('chat' as const), from: fc.constantFrom(peer.mediator, ...parties) }),
    );
    let checks = 0;
    let chatNo = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 8 }), async (steps) => {
        await mediator.ok('caucus:endAll', {});
        for (const s of steps) {
          const before = (await roomsOf(node1!.url)).rooms[0]!;
          if (s.op === 'start') await mediator.ok('caucus:start', { peerIds: s.members });
          else if (s.op === 'end') {
            const c = before.caucuses[0];
            if (c) await mediator.ok('caucus:end', { caucusId: c.caucusId });
          } else if (s.op === 'endAll') await mediator.ok('caucus:endAll', {});
          else {
            const text = `消息 ${++chatNo}`;
            let sent = await byPeer.get(s.from)!.request('chat:send', { text });
            // Chat is rate-limited per connection (10 at once, then 1/s): wait for the next token.
            while (!sent.ok && sent.code === 'RATE_LIMITED') {
              await new Promise((r) => setTimeout(r, 1100));
              sent = await byPeer.get(s.from)!.request('chat:send', { text });
            }
            const state = policyOf(before);
            if (!sent.ok) {
              expect(sent.code).toBe('WAITING_FOR_MEDIATOR'); // waiting: nobody to talk to
              continue;
            }
            const should = [...byPeer.keys()].filter((id) => id !== s.from && mayReceive(state, id, s.from));
            await waitFor(
              () => should.every((id) => byPeer.get(id)!.events.some((e) => e.event === 'chat:message' && e.payload.text === text)),
              3000,
              `chat ${text} delivered`,
            );
            await new Promise((r) => setTimeout(r, 100));
            const got = [...byPeer.entries()]
              .filter(([id, c]) => id !== s.from && c.events.some((e) => e.event === 'chat:message' && e.payload.text === text))
              .map(([id]) => id);
            expect(got.sort()).toEqual(should.sort());
          }
          // Right after the ack nothing forbidden is live anywhere; what is allowed is (or soon is) live.
          const [r1, r2] = await Promise.all([roomsOf(node1!.url), roomsOf(node2!.url)]);
          expect(r2.rooms).toEqual([]);
          expect(policyViolations(r1.rooms[0]!).forbiddenLive).toEqual([]);
          await waitFor(async () => policyViolations((await roomsOf(node1!.url)).rooms[0]!).allowedNotLive.length === 0, 3000, 'allowed consumers live');
          checks++;
        }
      }),
      { numRuns: 20, endOnFailure: true },
    );
    expect(checks).toBeGreaterThan(60);
  });
});
