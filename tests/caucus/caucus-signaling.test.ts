// 背对背 through the socket protocol against a real server (real mediasoup, real SQLite):
// isolation of media, chat and presence during a caucus, direct switching, knocks,
// per-side notepads and carries, the mediator's disconnect ending the caucus, audit entries.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OPUS_RTP_PARAMETERS, RoomTestClient, vp8RtpParameters } from '../support/room-client.ts';
import { acknowledgeNotice, createStaffUser, makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let mediatorCookie: string;
let mediatorId: string;
let caseId: string;
const party: Record<'A' | 'B' | 'agentA', { id: string; token: string }> = {} as never;
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ ROOM_RECONNECT_GRACE_SEC: '30' });
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  const created = await createStaffUser(admin, { username: 'lirf', displayName: '李瑞芳', role: 'MEDIATOR', password: 'mediator-pass-1' });
  mediatorId = created.id;
  const mediator = created.client;
  mediatorCookie = mediator.cookie;
  caseId = (await mediator.json('POST', '/api/cases', { title: '王某家漏水纠纷', disputeType: 'NEIGHBOUR', summary: '直饮水管道漏水' }, 201)).case.id;
  const add = async (key: 'A' | 'B' | 'agentA', name: string, side: 'A' | 'B', role: string, id17: string) => {
    const p = (await mediator.json('POST', `/api/cases/${caseId}/participants`, { role, side, name, phone: '13800138000', idNumber: makeIdNumber(id17) }, 201))
      .participant;
    const token = (await mediator.json('POST', `/api/cases/${caseId}/invitations`, { participantId: p.id }, 201)).invitation.url.split('/j/')[1];
    party[key] = { id: p.id, token };
    await acknowledgeNotice(server.url, caseId, token);
  };
  await add('A', '李某', 'A', 'APPLICANT', '15020419750312101');
  await add('agentA', '赵律师', 'A', 'AGENT', '15020419700101201');
  await add('B', '王某', 'B', 'RESPONDENT', '15020419800101123');
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await new Promise((r) => setTimeout(r, 50));
  // A fresh room for the next test: a room closed as 'shutdown' keeps its state for a restart (SQLite), so drop it.
  const room = server.rooms.get(caseId);
  room?.close('shutdown');
  await room?.stateKept();
  await server.ctx.db.roomState.deleteMany({});
});
afterAll(() => server?.close());

let ssrc = 10_000;
async function withMedia(c: RoomTestClient) {
  const send = await c.ok('media:createTransport', { direction: 'send' });
  await c.ok('media:produce', {
    transportId: send.id,
    kind: 'audio',
    rtpParameters: { ...OPUS_RTP_PARAMETERS, encodings: [{ ssrc: ssrc++ }] },
    source: 'microphone',
  });
  await c.ok('media:produce', { transportId: send.id, kind: 'video', rtpParameters: vp8RtpParameters(ssrc++), source: 'camera' });
  const { rtpCapabilities } = await c.ok('media:getRouterRtpCapabilities', {});
  await c.ok('media:createTransport', { direction: 'recv' });
  await c.ok('media:ready', { rtpCapabilities });
}

/** A mediator and three parties, all admitted and exchanging media. */
async function fullRoom() {
  const m = new RoomTestClient(server.url, { cookie: mediatorCookie });
  clients.push(m);
  await m.connected();
  await m.ok('room:join', { caseId });
  const out: Record<string, RoomTestClient> = { m };
  for (const key of ['A', 'agentA', 'B'] as const) {
    const c = new RoomTestClient(server.url, { token: party[key].token });
    clients.push(c);
    await c.connected();
    await c.ok('room:join', { caseId });
    await m.ok('mediator:admit', { peerId: party[key].id });
    await c.waitFor('room:admitted');
    out[key] = c;
  }
  for (const c of Object.values(out)) await withMedia(c);
  await settle();
  return out as Record<'m' | 'A' | 'agentA' | 'B', RoomTestClient>;
}

async function settle() {
  const room = server.rooms.get(caseId)!;
  for (let i = 0; i < 5; i++) {
    await room.syncConsumers();
    await new Promise((r) => setTimeout(r, 30));
  }
}

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
