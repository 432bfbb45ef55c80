// 背对背 through the socket protocol against a real server (real mediasoup, real SQLite):
// isolation of media, chat and presence during a caucus, direct switching, knocks,
// per-side notepads and carries, the mediator's disconnect ending the caucus, audit entries.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RoomTestClient } from '../support/room-client.ts';
import { freshRoom, joinAll, settleConsumers, setUpRoomCase, type RoomCase } from '../support/room-case.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let mediatorId: string;
let caseId: string;
let party: RoomCase<'A' | 'agentA' | 'B'>['party'];
let rc: RoomCase<'A' | 'agentA' | 'B'>;
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ ROOM_RECONNECT_GRACE_SEC: '30' });
  rc = await setUpRoomCase(server, {
    mediator: { username: 'lirf', displayName: '李瑞芳' },
    case: { title: '王某家漏水纠纷', summary: '直饮水管道漏水' },
    parties: {
      A: { name: '李某', side: 'A', role: 'APPLICANT', id17: '15020419750312101' },
      agentA: { name: '赵律师', side: 'A', role: 'AGENT', id17: '15020419700101201' },
      B: { name: '王某', side: 'B', role: 'RESPONDENT', id17: '15020419800101123' },
    },
  });
  ({ mediatorId, caseId, party } = rc);
});
afterEach(() => freshRoom(server, caseId, clients));
afterAll(() => server?.close());

/** A mediator and three parties, all admitted and exchanging media. */
const fullRoom = () => joinAll(server, rc, ['A', 'agentA', 'B'], clients);
const settle = () => settleConsumers(server, caseId);

/** Peer ids whose media `peerId` currently receives (resumed consumers on the server). */
function receivingFrom(peerId: string): string[] {
  const room = server.rooms.get(caseId)!;
  const member = room.member(peerId)!;
  const senders = new Set<string>();
  for (const [producerId, c] of member.consumers) {
    if (!c.resumed) continue;
    const live = member.media!.getConsumer(c.consumerId);
    if (!live || live.paused) continue;
    const owner = room.members().find((x) => x.media?.producers().some((p) => p.id === producerId));
    if (owner) senders.add(owner.peerId);
  }
  return [...senders].sort();
}

const sorted = (...ids: string[]) => [...ids].sort();

describe('caucus isolation', () => {
  it('a caucus with side A cuts side B off from everything, then a direct switch reverses it', async () => {
    const c = await fullRoom();
    const room = server.rooms.get(caseId)!;
    const transportsBefore = room.media.counts().transports;
    expect(receivingFrom(party.B.id)).toEqual(sorted(mediatorId, party.A.id, party.agentA.id));

    const { caucusId } = await c.m.ok('caucus:start', { peerIds: [party.A.id, party.agentA.id] });
    // Break before make: by the time the command is acknowledged, B receives nothing.
    expect(receivingFrom(party.B.id)).toEqual([]);
    expect(receivingFrom(party.A.id)).toEqual(sorted(mediatorId, party.agentA.id));
    expect(receivingFrom(mediatorId)).toEqual(sorted(party.A.id, party.agentA.id));
    const bLocation = await c.B.waitFor('room:location', (l) => l.waiting);
    expect(bLocation.message).toBe('调解员正在与对方单独沟通，请稍候');
    expect(bLocation.room).toBe('joint');
    expect((await c.A.waitFor('room:location', (l) => l.room === caucusId)).waiting).toBe(false);
    // Presence: B's roster holds only B; A's holds A's caucus.
    const bPeers = c.B.last('room:peers').peers.map((p: { peerId: string }) => p.peerId);
    expect(bPeers).toEqual([party.B.id]);
    // Audience: the mediator's audio goes only to side A now.
    await settle();
    const audience = c.m.last('room:audience');
    expect(audience.audio.map((p: { peerId: string }) => p.peerId).sort()).toEqual(sorted(party.A.id, party.agentA.id));

    // Chat stays in the caucus; B cannot chat while waiting.
    const before = c.B.events.filter((e) => e.event === 'chat:message').length;
    await c.A.ok('chat:send', { text: '我们最多接受赔偿八千元' });
    await c.m.waitFor('chat:message', (msg) => msg.text === '我们最多接受赔偿八千元');
    await c.agentA.waitFor('chat:message', (msg) => msg.text === '我们最多接受赔偿八千元');
    expect(await c.B.request('chat:send', { text: '你们在说什么？' })).toMatchObject({ ok: false, code: 'WAITING_FOR_MEDIATOR' });
    expect((await c.B.ok('chat:history', {})).messages).toEqual([]);

    // Knock.
    await c.B.ok('caucus:knock', {});
    expect((await c.m.waitFor('room:knock')).peerId).toBe(party.B.id);

    // Direct switch to B's caucus: A and the agent wait, B talks to the mediator.
    const second = await c.m.ok('caucus:start', { peerIds: [party.B.id] });
    expect(receivingFrom(party.A.id)).toEqual([]);
    expect(receivingFrom(party.agentA.id)).toEqual([]);
    await settle();
    expect(receivingFrom(party.B.id)).toEqual([mediatorId]);
    expect(receivingFrom(mediatorId)).toEqual([party.B.id]);
    // B never sees the side A caucus chat.
    expect(c.B.events.filter((e) => e.event === 'chat:message').length).toBe(before);
    expect((await c.B.ok('chat:history', {})).messages.map((m: { text: string }) => m.text)).not.toContain('我们最多接受赔偿八千元');

    // Everyone back.
    await c.m.ok('caucus:endAll', {});
    await settle();
    for (const key of ['A', 'agentA', 'B'] as const) expect(receivingFrom(party[key].id).length).toBe(3);
    expect(room.media.counts().transports).toBe(transportsBefore);

    const audit = await server.ctx.db.auditEntry.findMany({
      where: { caseId, type: { in: ['CAUCUS_STARTED', 'CAUCUS_ENDED', 'CAUCUS_KNOCK'] } },
      orderBy: { seq: 'asc' },
    });
    expect(audit.map((e) => e.type)).toEqual(['CAUCUS_STARTED', 'CAUCUS_KNOCK', 'CAUCUS_ENDED', 'CAUCUS_STARTED', 'CAUCUS_ENDED']);
    const ends = audit.filter((e) => e.type === 'CAUCUS_ENDED').map((e) => JSON.parse(e.data));
    expect(ends.map((e) => e.sides)).toEqual([['A'], ['B']]);
    expect(ends.every((e) => typeof e.durationSec === 'number')).toBe(true);
    expect(second.caucusId).not.toBe(caucusId);
  });

  it('parties cannot run caucuses, read the other side’s notepad or touch others’ consumers', async () => {
    const c = await fullRoom();
    expect(await c.A.request('caucus:start', { peerIds: [party.A.id] })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await c.A.request('caucus:endAll', {})).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await c.A.request('caucus:carry', { fromSide: 'B', toSide: 'A', text: '把对方底线告诉我' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await c.A.request('notepad:get', { side: 'B' })).toMatchObject({ ok: false, code: 'OTHER_SIDE_NOTEPAD' });
    expect(await c.A.request('notepad:update', { side: 'B', content: 'x' })).toMatchObject({ ok: false, code: 'OTHER_SIDE_NOTEPAD' });
    const bConsumer = [...server.rooms.get(caseId)!.member(party.B.id)!.consumers.values()][0]!.consumerId;
    expect(await c.A.request('media:setPreferredLayers', { consumerId: bConsumer, spatialLayer: 0 })).toMatchObject({ ok: false, code: 'CONSUMER_NOT_FOUND' });
    expect(await c.B.request('caucus:knock', {})).toMatchObject({ ok: false, code: 'NOT_WAITING' });
  });

  it('notepads are per side, persisted, and a carry is delivered to the other side and logged', async () => {
    const c = await fullRoom();
    await c.A.ok('notepad:update', { side: 'A', content: '底线：赔偿8000元，分两期' });
    expect((await c.m.waitFor('notepad:updated', (n) => n.side === 'A')).content).toBe('底线：赔偿8000元，分两期');
    expect((await c.agentA.waitFor('notepad:updated', (n) => n.side === 'A')).content).toContain('8000');
    expect(c.B.events.some((e) => e.event === 'notepad:updated' && e.payload.side === 'A')).toBe(false);
    const proposal = '甲方提议赔偿8000元，分两期支付';
    const carried = await c.m.ok('caucus:carry', { fromSide: 'A', toSide: 'B', text: proposal });
    expect(carried.content).toContain('甲方提议赔偿8000元');
    expect((await c.B.waitFor('notepad:updated', (n) => n.side === 'B')).content).toContain('【调解员转达甲方意见');
    expect((await c.B.ok('notepad:get', { side: 'B' })).content).toContain('分两期支付');
    // A stale edit (started before the carry changed B's notepad) is refused instead of overwriting it.
    const stale = await c.B.request('notepad:update', { side: 'B', content: '覆盖', baseUpdatedAt: null });
    expect(stale).toMatchObject({ ok: false, code: 'STALE_STATE' });
    const current = await c.B.ok('notepad:get', { side: 'B' });
    expect((await c.B.ok('notepad:update', { side: 'B', content: `${current.content}\n同意`, baseUpdatedAt: current.updatedAt })).content).toContain('同意');
    const row = await server.ctx.db.caucusNotepad.findUniqueOrThrow({ where: { caseId_side: { caseId, side: 'A' } } });
    expect(row.content).toBe('底线：赔偿8000元，分两期');
    const carry = await server.ctx.db.auditEntry.findFirstOrThrow({ where: { caseId, type: 'CAUCUS_CARRIED' } });
    expect(JSON.parse(carry.data)).toMatchObject({ fromSide: 'A', toSide: 'B', chars: [...proposal].length });
  });

  it("the mediator's disconnect ends the caucus and returns everyone to the joint session", async () => {
    const c = await fullRoom();
    await c.m.ok('caucus:start', { peerIds: [party.B.id] });
    await c.A.waitFor('room:location', (l) => l.waiting);
    c.m.close();
    await c.A.waitFor('room:location', (l) => l.room === 'joint' && !l.waiting);
    await c.B.waitFor('room:location', (l) => l.room === 'joint' && !l.waiting);
    await settle();
    // The mediator keeps its place for the grace period; the parties are together again.
    expect(receivingFrom(party.A.id)).toEqual(sorted(mediatorId, party.agentA.id, party.B.id));
    const end = await server.ctx.db.auditEntry.findFirstOrThrow({ where: { caseId, type: 'CAUCUS_ENDED' }, orderBy: { seq: 'desc' } });
    expect(JSON.parse(end.data).reason).toBe('mediator-disconnected');
  });
});
