// Property-based check of caucus isolation against the real room logic and real mediasoup:
// random sequences of joins, admissions, leaves, drops, reconnects, caucus starts/switches/ends,
// co-mediator arrivals and chat. After every step the live (resumed, unpaused) mediasoup
// consumers, the chat deliveries and the rosters must be exactly what the policy allows.
// JIEFEN_PROPERTY_RUNS sets the number of sequences (the caucus benchmark runs ≥ 10,000).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerPool, MediaRoom, type WorkerPool } from '../../sfu/index.ts';
import { opusParameters, vp8Parameters } from '../../sfu/testing.ts';
import type { AuditEvent } from '../../signaling/audit/events.ts';
import { LiveRoom, type RoomPersistence } from '../../signaling/rooms/live-room.ts';
import type { MemberIdentity, MemberSocket } from '../../signaling/rooms/member.ts';
import { isWaiting, mayKnowOf, mayReceive, roomOf } from '../../signaling/rooms/routing-policy.ts';

const RUNS = Number(process.env.JIEFEN_PROPERTY_RUNS ?? 40);

const PEOPLE: MemberIdentity[] = [
  { peerId: 'm1', roomRole: 'mediator', displayName: '调解员甲', roleLabel: '调解员', side: 'NEUTRAL', identityConfirmed: true, consentGiven: true },
  { peerId: 'm2', roomRole: 'mediator', displayName: '调解员乙', roleLabel: '调解员', side: 'NEUTRAL', identityConfirmed: true, consentGiven: true },
  { peerId: 'a1', roomRole: 'party', displayName: '李某', roleLabel: '申请人', side: 'A', identityConfirmed: true, consentGiven: true },
  { peerId: 'a2', roomRole: 'party', displayName: '赵律师', roleLabel: '代理人', side: 'A', identityConfirmed: true, consentGiven: true },
  { peerId: 'b1', roomRole: 'party', displayName: '王某', roleLabel: '被申请人', side: 'B', identityConfirmed: true, consentGiven: true },
  { peerId: 'n1', roomRole: 'party', displayName: '翻译', roleLabel: '翻译', side: 'NEUTRAL', identityConfirmed: true, consentGiven: true },
];
const PARTIES = PEOPLE.filter((p) => p.roomRole === 'party').map((p) => p.peerId);
const MEDIATORS = ['m1', 'm2'];
const peerArb = fc.constantFrom(...PEOPLE.map((p) => p.peerId));

type Cmd =
  | { t: 'join'; p: string }
  | { t: 'admit'; p: string }
  | { t: 'media'; p: string }
  | { t: 'leave'; p: string }
  | { t: 'drop'; p: string }
  | { t: 'reconnect'; p: string }
  | { t: 'caucus'; parties: string[]; mediator: string }
  | { t: 'end' }
  | { t: 'endAll' }
  | { t: 'chat'; p: string }
  | { t: 'mute'; p: string; paused: boolean };

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: peerArb.map((p) => ({ t: 'join' as const, p })) },
  { weight: 3, arbitrary: peerArb.map((p) => ({ t: 'admit' as const, p })) },
  { weight: 3, arbitrary: peerArb.map((p) => ({ t: 'media' as const, p })) },
  { weight: 1, arbitrary: peerArb.map((p) => ({ t: 'leave' as const, p })) },
  { weight: 1, arbitrary: peerArb.map((p) => ({ t: 'drop' as const, p })) },
  { weight: 1, arbitrary: peerArb.map((p) => ({ t: 'reconnect' as const, p })) },
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant('caucus' as const), parties: fc.subarray(PARTIES, { minLength: 1 }), mediator: fc.constantFrom(...MEDIATORS) }),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'end' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'endAll' as const }) },
  { weight: 2, arbitrary: peerArb.map((p) => ({ t: 'chat' as const, p })) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('mute' as const), p: peerArb, paused: fc.boolean() }) },
);

class FakeSocket implements MemberSocket {
  static next = 0;
  readonly id = `s${FakeSocket.next++}`;
  readonly events: Array<{ event: string; payload: any }> = [];
  emit(event: string, payload: unknown): void {
    this.events.push({ event, payload });
  }
  async request(event: string, payload: unknown): Promise<unknown> {
    this.events.push({ event, payload });
    return { ok: true };
  }
  detach(): void {}
  last(event: string): any {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]!.event === event) return this.events[i]!.payload;
    return undefined;
  }
}

function memoryPersistence(): RoomPersistence {
  const notes = new Map<string, string>();
  let n = 0;
  return {
    audit: async (_actor, _event: AuditEvent) => undefined,
    saveChat: async (m) => ({ id: `c${n++}`, fromPeerId: m.senderId, fromName: m.senderName, text: m.text, at: new Date().toISOString(), scope: m.scope }),
    listChat: async () => [],
    listChatExcept: async () => [],
    getNotepad: async (side) => ({ side, content: notes.get(side) ?? '', updatedAt: null, updatedBy: null }),
    saveNotepad: async (side, content) => (notes.set(side, content), { side, content, updatedAt: new Date().toISOString(), updatedBy: null }),
  };
}

describe('caucus isolation (property-based)', () => {
  let pool: WorkerPool;
  let ssrc = 1000;
  beforeAll(async () => {
    pool = await createWorkerPool({ numWorkers: 1, listenIp: '127.0.0.1', rtcPort: 0, logLevel: 'error' });
  });
  afterAll(() => pool?.close());

  it(`live consumers, chat and presence always equal the policy (${RUNS} random sequences)`, async () => {
    let steps = 0;
    const seen = { liveConsumers: 0, forbiddenPairs: 0, caucusSteps: 0, waitingSteps: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(cmdArb, { minLength: 5, maxLength: 30 }), async (cmds) => {
        // Like the registry: a room that closed (everyone left) is replaced by a fresh one.
        const newRoom = async () =>
          new LiveRoom({
            caseId: 'case',
            caseNumber: 'x',
            caseTitle: 'x',
            media: await MediaRoom.create(pool, { roomId: `prop-${ssrc++}` }),
            persistence: memoryPersistence(),
            reconnectGraceMs: 60_000,
            onClosed: () => undefined,
          });
        let room = await newRoom();
        const sockets = new Map<string, FakeSocket>();
        try {
          // Every sequence starts from a working joint session (mediator + both sides with media),
          // then random steps take it anywhere, including back to empty.
          const opening: Cmd[] = ['m1', 'a1', 'a2', 'b1'].flatMap(
            (p) =>
              [
                { t: 'join', p },
                { t: 'admit', p },
                { t: 'media', p },
              ] as Cmd[],
          );
          for (const cmd of [...opening, ...cmds]) {
            if (room.closed) room = await newRoom();
            const chat = await apply(room, sockets, cmd);
            await quiesce(room);
            check(room, sockets, chat, seen);
            steps++;
          }
        } finally {
          room.close('shutdown');
        }
      }),
      { numRuns: RUNS },
    );
    expect(steps).toBeGreaterThan(RUNS * 5 - 1);
    console.log(`caucus property: ${RUNS} sequences, ${steps} steps`, seen);
    // The sequences must reach the interesting states, not just empty rooms.
    expect(seen.liveConsumers).toBeGreaterThan(RUNS);
    expect(seen.forbiddenPairs).toBeGreaterThan(RUNS / 4);
    expect(seen.caucusSteps).toBeGreaterThan(RUNS / 4);
    expect(seen.waitingSteps).toBeGreaterThan(0);
  });

  async function apply(room: LiveRoom, sockets: Map<string, FakeSocket>, cmd: Cmd): Promise<{ sender: string; text: string } | null> {
    const member = 'p' in cmd ? room.member(cmd.p) : undefined;
    const ignore = (p: Promise<unknown>) => p.catch(() => undefined);
    switch (cmd.t) {
      case 'join':
      case 'reconnect': {
        if (cmd.t === 'reconnect' && (!member || member.socket)) return null;
        if (cmd.t === 'join' && member) return null;
        const socket = new FakeSocket();
        sockets.set(cmd.p, socket);
        await room.join(
          PEOPLE.find((x) => x.peerId === cmd.p)!,
          socket,
        );
        if (cmd.t === 'reconnect' && member?.recvTransportId) await ignore(room.ready(cmd.p, room.media.rtpCapabilities));
        return null;
      }
      case 'admit': {
        const mediator = MEDIATORS.map((id) => room.member(id)).find((m) => m?.status === 'admitted');
        if (mediator && member?.status === 'lobby') await room.admit(mediator, cmd.p);
        return null;
      }
      case 'media': {
        if (!member || member.status !== 'admitted' || member.media) return null;
        const send = await room.createTransport(cmd.p, 'send');
        await room.produce(cmd.p, send.id, 'audio', opusParameters(ssrc++), 'microphone');
        await room.produce(cmd.p, send.id, 'video', vp8Parameters(ssrc++), 'camera');
        await room.createTransport(cmd.p, 'recv');
        if (member.socket) await room.ready(cmd.p, room.media.rtpCapabilities);
        return null;
      }
      case 'leave':
        await room.leave(cmd.p, 'left');
        return null;
      case 'drop':
        if (member?.socket) room.socketClosed(cmd.p, member.socket.id);
        return null;
      case 'caucus': {
        const mediator = room.member(cmd.mediator);
        if (!mediator || mediator.status !== 'admitted') return null;
        const parties = cmd.parties.filter((p) => room.member(p)?.status === 'admitted');
        if (parties.length) await room.startCaucus(mediator, parties, [cmd.mediator]);
        return null;
      }
      case 'end': {
        const mediator = MEDIATORS.map((id) => room.member(id)).find((m) => m?.status === 'admitted');
        const first = room.caucuses()[0];
        if (mediator && first) await room.endCaucus(mediator, first.caucusId);
        return null;
      }
      case 'endAll': {
        const mediator = MEDIATORS.map((id) => room.member(id)).find((m) => m?.status === 'admitted');
        if (mediator) await room.endAllCaucuses(mediator);
        return null;
      }
      case 'chat': {
        if (!member || member.status !== 'admitted') return null;
        const text = `消息${ssrc++}`;
        const sent = await room.chat(cmd.p, text).then(
          () => true,
          () => false,
        );
        return sent ? { sender: cmd.p, text } : { sender: cmd.p, text: '' };
      }
      case 'mute': {
        const producer = member?.media?.producers()[0];
        if (producer) await ignore(room.setProducerPaused(cmd.p, producer.id, cmd.paused));
        return null;
      }
    }
  }

  async function quiesce(room: LiveRoom) {
    // Consumer acks resolve on microtasks and queue another reconciliation; let them settle.
    for (let i = 0; i < 3; i++) {
      await room.syncConsumers();
      await new Promise((r) => setImmediate(r));
    }
  }

  function check(room: LiveRoom, sockets: Map<string, FakeSocket>, chat: { sender: string; text: string } | null, seen: Record<string, number>) {
    const state = room.policyState();
    const members = room.members();
    if (state.caucuses.length) seen.caucusSteps!++;
    if (members.some((m) => isWaiting(state, m.peerId))) seen.waitingSteps!++;
    for (const r of members) {
      for (const s of members) {
        for (const p of s.media?.producers() ?? []) {
          const c = r.consumers.get(p.id);
          const sfuConsumer = c ? r.media?.getConsumer(c.consumerId) : undefined;
          // The server's bookkeeping and mediasoup agree.
          if (c) expect(sfuConsumer, 'consumer exists in mediasoup').toBeDefined();
          if (c && sfuConsumer) expect(sfuConsumer.paused).toBe(!c.resumed);
          const live = Boolean(c?.resumed && sfuConsumer && !sfuConsumer.paused);
          const ready = Boolean(r.socket && r.recvTransportId && r.rtpCapabilities);
          const allowed = mayReceive(state, r.peerId, s.peerId);
          if (live) seen.liveConsumers!++;
          if (!allowed && r.status === 'admitted' && s.status === 'admitted' && r !== s) seen.forbiddenPairs!++;
          if (live) expect(allowed, `${r.peerId} receives ${s.peerId} (${roomOf(state, r.peerId)} / ${roomOf(state, s.peerId)})`).toBe(true);
          if (allowed && ready) expect(live, `${r.peerId} should receive ${s.peerId}`).toBe(true);
          if (isWaiting(state, r.peerId)) expect(live).toBe(false);
        }
      }
    }
    if (chat?.text) {
      const got = members
        .filter((m) => sockets.get(m.peerId)?.events.some((e) => e.event === 'chat:message' && e.payload.text === chat.text))
        .map((m) => m.peerId)
        .sort();
      const expected = members
        .filter((m) => m.socket && mayReceive(state, m.peerId, chat.sender))
        .map((m) => m.peerId)
        .sort();
      expect(got).toEqual(expected);
    }
    for (const m of members) {
      if (m.status !== 'admitted' || !m.socket) continue;
      const roster = (sockets.get(m.peerId)!.last('room:peers')?.peers ?? []).map((p: { peerId: string }) => p.peerId).sort();
      const expected = members
        .filter((x) => x.status === 'admitted' && mayKnowOf(state, m.peerId, x.peerId))
        .map((x) => x.peerId)
        .sort();
      expect(roster, `roster of ${m.peerId}`).toEqual(expected);
    }
  }
});
