// The live-room socket protocol against a real server (real mediasoup, real SQLite), from
// Node clients: lobby and admission, authorization of every mediator-only event, malformed
// payloads for every event, server-initiated consumers, mute, leave and audit entries.
import { waitFor } from '../support/wait.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClientRequests, type ClientRequestName } from '../../signaling/protocol/room.ts';
import { produceAudioVideo, readyToReceive, RoomTestClient } from '../support/room-client.ts';
import { acknowledgeNotice, createStaffUser, makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let mediatorCookie: string;
let caseId: string;
let otherCaseId: string;
let tokenA: string;
let tokenB: string;
let partyAId: string;
const clients: RoomTestClient[] = [];

function client(options: ConstructorParameters<typeof RoomTestClient>[1]) {
  const c = new RoomTestClient(server.url, options);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startTestServer({ ROOM_RECONNECT_GRACE_SEC: '2' });
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  const { client: mediator } = await createStaffUser(admin, { username: 'bianwl', displayName: '边文玲', role: 'MEDIATOR', password: 'mediator-pass-1' });
  mediatorCookie = mediator.cookie;
  caseId = (await mediator.json('POST', '/api/cases', { title: '房屋买卖合同纠纷', disputeType: 'PROPERTY_SALE', summary: '剩余购房款及违约金' }, 201)).case.id;
  otherCaseId = (await mediator.json('POST', '/api/cases', { title: '另一案件', disputeType: 'GENERAL', summary: 'x' }, 201)).case.id;
  const addParty = async (name: string, side: string, role: string, id17: string) =>
    (await mediator.json('POST', `/api/cases/${caseId}/participants`, { role, side, name, phone: '13800138000', idNumber: makeIdNumber(id17) }, 201))
      .participant.id as string;
  partyAId = await addParty('某房地产公司', 'A', 'APPLICANT', '15020319700101001');
  const partyBId = await addParty('张某', 'B', 'RESPONDENT', '15020419850505123');
  const link = async (pid: string) =>
    (await mediator.json('POST', `/api/cases/${caseId}/invitations`, { participantId: pid }, 201)).invitation.url.split('/j/')[1] as string;
  tokenA = await link(partyAId);
  tokenB = await link(partyBId);
  // The 权利义务告知书 is acknowledged before anyone enters (tests/legal covers the refusal).
  for (const t of [tokenA, tokenB]) await acknowledgeNotice(server.url, caseId, t);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(() => server?.close());

async function mediatorIn(): Promise<RoomTestClient> {
  const m = client({ cookie: mediatorCookie });
  await m.connected();
  const joined = await m.ok('room:join', { caseId });
  expect(joined.status).toBe('admitted');
  return m;
}

async function partyInLobby(token: string): Promise<RoomTestClient> {
  const p = client({ token });
  await p.connected();
  const joined = await p.ok('room:join', { caseId });
  expect(joined.status).toBe('lobby');
  return p;
}

const room = () => server.rooms.get(caseId);

describe('connection authentication', () => {
  it('refuses a connection with no credentials', async () => {
    const err = await client({})
      .connected()
      .catch((e: { message: string; data?: { code: string } }) => e);
    expect((err as { data?: { code: string } }).data?.code).toBe('NOT_AUTHENTICATED');
  });

  it('refuses a tampered link token with its reason', async () => {
    const err = await client({ token: tokenA.slice(0, -1) + (tokenA.endsWith('A') ? 'B' : 'A') })
      .connected()
      .catch((e) => e);
    expect(err.data.code).toBe('TOKEN_INVALID');
  });

  it("refuses a party joining another case's room", async () => {
    const p = client({ token: tokenA });
    await p.connected();
    const res = await p.request('room:join', { caseId: otherCaseId });
    expect(res).toMatchObject({ ok: false, code: 'TOKEN_WRONG_CASE' });
    expect(server.rooms.get(otherCaseId)).toBeUndefined();
  });
});

describe('lobby and admission', () => {
  it('parties wait in the lobby; the mediator sees them and admits one, denies another', async () => {
    const m = await mediatorIn();
    const a = await partyInLobby(tokenA);
    const b = await partyInLobby(tokenB);
    const lobby = await m.waitFor('room:lobby', (p) => p.waiting.length === 2);
    expect(lobby.waiting.map((w: { displayName: string }) => w.displayName).sort()).toEqual(['张某', '某房地产公司']);
    expect(lobby.waiting[0]).toMatchObject({ identityConfirmed: false, consentGiven: false });
    // A lobby member cannot touch media.
    expect(await a.request('media:createTransport', { direction: 'send' })).toMatchObject({ ok: false, code: 'NOT_ADMITTED' });

    await m.ok('mediator:admit', { peerId: partyAId });
    await a.waitFor('room:admitted');
    await a.waitFor('room:peers', (p) => p.peers.length === 2);
    const bEntry = lobby.waiting.find((w: { displayName: string }) => w.displayName === '张某');
    await m.ok('mediator:deny', { peerId: bEntry.peerId, reason: '请稍后再试' });
    expect((await b.waitFor('room:denied')).message).toContain('请稍后再试');
    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId, type: { in: ['ROOM_JOINED', 'ROOM_ADMITTED', 'ROOM_DENIED'] } } });
    expect(audit.map((e) => e.type)).toEqual(expect.arrayContaining(['ROOM_JOINED', 'ROOM_ADMITTED', 'ROOM_DENIED']));
    await m.ok('mediator:end', {});
    await a.waitFor('room:ended');
  });
});

describe('a join in few round trips', () => {
  it("the router's capabilities come with an admitted join and with an admission, never to the lobby", async () => {
    const m = client({ cookie: mediatorCookie });
    await m.connected();
    const joined = await m.ok('room:join', { caseId });
    expect(joined.status).toBe('admitted');
    const caps = (await m.ok('media:getRouterRtpCapabilities', {})).rtpCapabilities;
    expect(joined.rtpCapabilities).toEqual(caps);
    expect((caps.codecs as unknown[]).length).toBeGreaterThan(0);

    const a = client({ token: tokenA });
    await a.connected();
    const waiting = await a.ok('room:join', { caseId });
    expect(waiting.status).toBe('lobby');
    expect(waiting.rtpCapabilities).toBeUndefined();
    await m.ok('mediator:admit', { peerId: partyAId });
    expect((await a.waitFor('room:admitted')).rtpCapabilities).toEqual(caps);
    await m.ok('mediator:end', {});
  });

  it('media:createTransports makes both transports in one request (or only the receiving one), each replacing the last', async () => {
    const m = client({ cookie: mediatorCookie });
    await m.connected();
    const { peerId } = (await m.ok('room:join', { caseId })).self;
    const both = await m.ok('media:createTransports', { send: true });
    const send = both.send!;
    expect(send.id).not.toBe(both.recv.id);
    for (const t of [send, both.recv]) expect(t).toMatchObject({ iceParameters: expect.any(Object), dtlsParameters: expect.any(Object) });
    const member = () => room()!.member(peerId)!;
    expect([member().sendTransportId, member().recvTransportId]).toEqual([send.id, both.recv.id]);
    expect(room()!.media.counts().transports).toBe(2);

    const recvOnly = await m.ok('media:createTransports', { send: false });
    expect(recvOnly.send).toBeUndefined();
    expect(member().recvTransportId).toBe(recvOnly.recv.id);
    expect(member().sendTransportId).toBe(send.id);
    expect(room()!.media.counts().transports).toBe(2);

    // A lobby member gets none.
    const b = await partyInLobby(tokenB);
    expect(await b.request('media:createTransports', { send: true })).toMatchObject({ ok: false, code: 'NOT_ADMITTED' });
    expect(room()!.media.counts().transports).toBe(2);
    await m.ok('mediator:end', {});
  });
});

describe('authorization', () => {
  const mediatorOnly: Array<[ClientRequestName, (peerId: string) => unknown]> = [
    ['mediator:admit', (peerId) => ({ peerId })],
    ['mediator:deny', (peerId) => ({ peerId })],
    ['mediator:mute', (peerId) => ({ peerId, kind: 'audio', muted: true })],
    ['mediator:remove', (peerId) => ({ peerId })],
    ['mediator:end', () => ({})],
  ];

  it.each(mediatorOnly)('a party calling %s gets FORBIDDEN and nothing changes', async (event, payload) => {
    const m = await mediatorIn();
    const a = await partyInLobby(tokenA);
    await m.ok('mediator:admit', { peerId: partyAId });
    await a.waitFor('room:admitted');
    const b = await partyInLobby(tokenB);
    const bPeer = (await m.waitFor('room:lobby', (p) => p.waiting.length === 1)).waiting[0].peerId;
    await produceAudioVideo(a, 2000);
    const before = JSON.stringify(
      room()!
        .members()
        .map((x) => [x.peerId, x.status, x.media?.producers().map((p) => [p.id, p.paused, p.adminMuted])]),
    );
    const auditBefore = await server.ctx.db.auditEntry.count();

    const res = await a.request(event, payload(event === 'mediator:admit' || event === 'mediator:deny' ? bPeer : partyAId));
    expect(res).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(
      JSON.stringify(
        room()!
          .members()
          .map((x) => [x.peerId, x.status, x.media?.producers().map((p) => [p.id, p.paused, p.adminMuted])]),
      ),
    ).toBe(before);
    expect(await server.ctx.db.auditEntry.count()).toBe(auditBefore);
    expect(b.last('room:admitted')).toBeUndefined();
    await m.ok('mediator:end', {});
  });

  it("a party cannot close another participant's producer", async () => {
    const m = await mediatorIn();
    const mine = await produceAudioVideo(m, 3000);
    const a = await partyInLobby(tokenA);
    await m.ok('mediator:admit', { peerId: partyAId });
    await a.waitFor('room:admitted');
    await a.ok('media:createTransport', { direction: 'send' });
    expect(await a.request('media:closeProducer', { producerId: mine.audio })).toMatchObject({ ok: false, code: 'PRODUCER_NOT_FOUND' });
    expect(await a.request('media:setProducerPaused', { producerId: mine.video, paused: true })).toMatchObject({ ok: false, code: 'PRODUCER_NOT_FOUND' });
    expect(
      room()!
        .member(m.last('room:peers').peers.find((p: { roomRole: string }) => p.roomRole === 'mediator').peerId)!
        .media!.producers(),
    ).toHaveLength(2);
    await m.ok('mediator:end', {});
  });
});

describe('malformed payloads', () => {
  const bad: Array<[ClientRequestName, unknown]> = [
    ['room:join', { caseId: 42 }],
    ['room:join', null],
    ['room:leave', { extra: 1 }],
    ['media:getRouterRtpCapabilities', 'x'],
    ['media:createTransport', { direction: 'sideways' }],
    ['media:createTransports', { send: 'yes' }],
    ['media:createTransports', { send: true, direction: 'recv' }],
    ['media:connectTransport', { transportId: 'x', dtlsParameters: { fingerprints: [] } }],
    ['media:createPlainTransport', { direction: 'send', plain: true }],
    ['media:connectPlainTransport', { transportId: 'x', ip: '127.0.0.1', port: 70000 }],
    ['media:restartIce', {}],
    ['media:ready', { rtpCapabilities: 'all' }],
    ['media:produce', { transportId: 't', kind: 'smell', rtpParameters: { codecs: [{}] }, source: 'microphone' }],
    ['media:produce', { transportId: 't', kind: 'audio', rtpParameters: { codecs: [] }, source: 'microphone' }],
    ['media:closeProducer', { producerId: '' }],
    ['media:setProducerPaused', { producerId: 'p', paused: 'yes' }],
    ['media:setPreferredLayers', { consumerId: 'c', spatialLayer: 9 }],
    ['media:setAudioOnly', { audioOnly: 'yes', automatic: false }],
    ['chat:send', { text: '   ' }],
    ['chat:send', { text: '长'.repeat(2001) }],
    ['chat:history', [1, 2]],
    ['mediator:admit', {}],
    ['mediator:deny', { peerId: 'x', reason: 'r'.repeat(201) }],
    ['mediator:mute', { peerId: 'x', kind: 'audio' }],
    ['mediator:remove', { peerId: 7 }],
    ['mediator:end', { now: true }],
    ['caucus:knock', { loud: true }],
    ['notepad:get', { side: 'NEUTRAL' }],
    ['notepad:update', { side: 'A', content: 'x'.repeat(20_001) }],
    ['caucus:start', { peerIds: [] }],
    ['caucus:end', { caucusId: 5 }],
    ['caucus:endAll', { all: 1 }],
    ['caucus:carry', { fromSide: 'A', toSide: 'B', text: '  ' }],
  ];

  it('covers every client event', () => {
    const covered = new Set(bad.map(([e]) => e));
    expect([...covered].sort()).toEqual(Object.keys(ClientRequests).sort());
  });

  it.each(bad)('%s with %j → VALIDATION and the server keeps running', async (event, payload) => {
    const m = await mediatorIn();
    const res = await m.request(event, payload);
    expect(res).toMatchObject({ ok: false, code: 'VALIDATION' });
    expect((res as { message: string }).message).toMatch(/^参数无效/);
    expect((await m.request('chat:history', {})).ok).toBe(true);
    await m.ok('mediator:end', {});
  });

  it('mediasoup-level garbage (bad RTP parameters) is a VALIDATION error too', async () => {
    const m = await mediatorIn();
    const send = await m.ok('media:createTransport', { direction: 'send' });
    const res = await m.request('media:produce', {
      transportId: send.id,
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/nonsense' }], encodings: [{ ssrc: 1 }] },
      source: 'microphone',
    });
    expect(res.ok).toBe(false);
    expect(['VALIDATION']).toContain((res as { code: string }).code);
    expect((await m.request('chat:history', {})).ok).toBe(true);
    await m.ok('mediator:end', {});
  });

  it('ignores requests without an ack callback', async () => {
    const m = await mediatorIn();
    m.socket.emit('mediator:end', {});
    m.socket.emit('chat:send');
    expect((await m.request('chat:history', {})).ok).toBe(true);
    expect(room()).toBeDefined();
    await m.ok('mediator:end', {});
  });
});

describe('media routing and mediator controls', () => {
  it('each admitted participant receives the others; mute pauses at the others; leaving releases every object', async () => {
    const m = await mediatorIn();
    const a = await partyInLobby(tokenA);
    await m.ok('mediator:admit', { peerId: partyAId });
    await a.waitFor('room:admitted');
    const mProd = await produceAudioVideo(m, 5000);
    const aProd = await produceAudioVideo(a, 6000);
    await readyToReceive(m);
    await readyToReceive(a);
    const aGets = await Promise.all([
      a.waitFor('media:newConsumer', (c) => c.producerId === mProd.audio),
      a.waitFor('media:newConsumer', (c) => c.producerId === mProd.video),
    ]);
    const mGets = await Promise.all([
      m.waitFor('media:newConsumer', (c) => c.producerId === aProd.audio),
      m.waitFor('media:newConsumer', (c) => c.producerId === aProd.video),
    ]);
    expect(aGets.map((c) => c.kind).sort()).toEqual(['audio', 'video']);
    expect(mGets.every((c) => c.peerId === partyAId)).toBe(true);
    expect(room()!.media.counts()).toMatchObject({ peers: 2, transports: 4, producers: 4, consumers: 4 });

    // Server-side mute: the party's audio consumer at the mediator is paused; the party cannot undo it.
    await m.ok('mediator:mute', { peerId: partyAId, kind: 'audio', muted: true });
    await a.waitFor('media:adminMuted', (p) => p.muted && p.producerId === aProd.audio);
    await m.waitFor('media:consumerPaused', (p) => p.consumerId === mGets.find((c) => c.kind === 'audio').consumerId && p.paused);
    expect(await a.request('media:setProducerPaused', { producerId: aProd.audio, paused: false })).toMatchObject({ ok: false, code: 'ADMIN_MUTED' });
    await m.ok('mediator:mute', { peerId: partyAId, kind: 'audio', muted: false });
    await a.waitFor('media:adminMuted', (p) => !p.muted);

    // Chat is persisted and delivered.
    await a.ok('chat:send', { text: '我同意分期付款' });
    expect((await m.waitFor('chat:message')).text).toBe('我同意分期付款');
    expect(await server.ctx.db.chatMessage.count({ where: { caseId } })).toBeGreaterThan(0);

    // The party leaves: its objects and the mediator's consumers of it are gone.
    await a.ok('room:leave', {});
    await m.waitFor('media:consumerClosed', (p) => p.consumerId === mGets[0].consumerId);
    expect(room()!.media.counts()).toMatchObject({ peers: 1, transports: 2, producers: 2, consumers: 0 });
    await m.ok('room:leave', {});
    await waitFor(() => room() === undefined);
    const types = (await server.ctx.db.auditEntry.findMany({ where: { caseId }, select: { type: true } })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ROOM_JOINED', 'ROOM_ADMITTED', 'ROOM_MUTED', 'ROOM_LEFT']));
  });

  it('removing a participant closes its media and tells it; it must be admitted again', async () => {
    const m = await mediatorIn();
    const a = await partyInLobby(tokenA);
    await m.ok('mediator:admit', { peerId: partyAId });
    await a.waitFor('room:admitted');
    await produceAudioVideo(a, 7000);
    await m.ok('mediator:remove', { peerId: partyAId });
    await a.waitFor('room:removed');
    expect(room()!.member(partyAId)).toBeUndefined();
    expect(room()!.media.counts().producers).toBe(0);
    expect(await a.request('media:createTransport', { direction: 'send' })).toMatchObject({ ok: false, code: 'NOT_JOINED' });
    expect((await a.ok('room:join', { caseId })).status).toBe('lobby');
    await m.ok('mediator:end', {});
  });

  it('a dropped party keeps its admission within the grace period and loses it after', async () => {
    const m = await mediatorIn();
    const a = await partyInLobby(tokenA);
    await m.ok('mediator:admit', { peerId: partyAId });
    await a.waitFor('room:admitted');
    a.close();
    await m.waitFor('room:peers', (p) => p.peers.some((x: { peerId: string; connected: boolean }) => x.peerId === partyAId && !x.connected));
    const back = client({ token: tokenA });
    await back.connected();
    expect((await back.ok('room:join', { caseId })).status).toBe('admitted');
    back.close();
    await waitFor(() => room()!.member(partyAId) === undefined, 6000);
    const again = client({ token: tokenA });
    await again.connected();
    expect((await again.ok('room:join', { caseId })).status).toBe('lobby');
    const left = await server.ctx.db.auditEntry.findMany({ where: { caseId, type: 'ROOM_LEFT' } });
    expect(left.some((e) => JSON.parse(e.data).reason === 'timeout')).toBe(true);
    await m.ok('mediator:end', {});
  });
});
