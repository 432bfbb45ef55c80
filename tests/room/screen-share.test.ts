// The mediator's shared screen is one more video producer (source 'screen') and the routing policy
// decides who receives it, as for any video: a party the caucus leaves outside gets no consumer of
// it at all, gets it once everyone is back together, and loses it when the sharing stops. Only
// whoever leads the room may share a screen. Real server, real mediasoup, real SQLite.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OPUS_RTP_PARAMETERS, RoomTestClient, vp8RtpParameters } from '../support/room-client.ts';
import { acknowledgeNotice, createStaffUser, makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';

let server: TestServer;
let mediatorCookie: string;
let mediatorId: string;
let caseId: string;
const party: Record<'A' | 'B', { id: string; token: string }> = {} as never;
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  const created = await createStaffUser(admin, { username: 'zhoujm', displayName: '周建明', role: 'MEDIATOR', password: 'mediator-pass-1' });
  mediatorId = created.id;
  mediatorCookie = created.client.cookie;
  const mediator = created.client;
  caseId = (await mediator.json('POST', '/api/cases', { title: '装修款纠纷', disputeType: 'NEIGHBOUR', summary: '装修尾款争议' }, 201)).case.id;
  const add = async (key: 'A' | 'B', name: string, side: 'A' | 'B', role: string, id17: string) => {
    const p = (await mediator.json('POST', `/api/cases/${caseId}/participants`, { role, side, name, phone: '13800138000', idNumber: makeIdNumber(id17) }, 201))
      .participant;
    const token = (await mediator.json('POST', `/api/cases/${caseId}/invitations`, { participantId: p.id }, 201)).invitation.url.split('/j/')[1];
    party[key] = { id: p.id, token };
    await acknowledgeNotice(server.url, caseId, token);
  };
  await add('A', '刘某', 'A', 'APPLICANT', '15020419750312101');
  await add('B', '陈某', 'B', 'RESPONDENT', '15020419800101123');
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  const room = server.rooms.get(caseId);
  room?.close('shutdown');
  await room?.stateKept();
  await server.ctx.db.roomState.deleteMany({});
});
afterAll(() => server?.close());

let ssrc = 40_000;
async function withMedia(c: RoomTestClient): Promise<string> {
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
  return send.id;
}

async function room3() {
  const m = new RoomTestClient(server.url, { cookie: mediatorCookie });
  clients.push(m);
  await m.connected();
  await m.ok('room:join', { caseId });
  const out = { m } as Record<'m' | 'A' | 'B', RoomTestClient>;
  for (const key of ['A', 'B'] as const) {
    const c = new RoomTestClient(server.url, { token: party[key].token });
    clients.push(c);
    await c.connected();
    await c.ok('room:join', { caseId });
    await m.ok('mediator:admit', { peerId: party[key].id });
    await c.waitFor('room:admitted');
    out[key] = c;
  }
  const sendOf: Record<string, string> = {};
  for (const [k, c] of Object.entries(out)) sendOf[k] = await withMedia(c);
  await settle();
  return { c: out, mediatorSend: sendOf.m! };
}

async function settle() {
  const room = server.rooms.get(caseId)!;
  for (let i = 0; i < 5; i++) {
    await room.syncConsumers();
    await new Promise((r) => setTimeout(r, 30));
  }
}

/** The receiver's consumer of this producer on the server: absent, or whether it flows. */
function consumerOf(receiverId: string, producerId: string): 'none' | 'paused' | 'flowing' {
  const member = server.rooms.get(caseId)!.member(receiverId)!;
  const c = member.consumers.get(producerId);
  if (!c) return 'none';
  const live = member.media!.getConsumer(c.consumerId);
  if (!live) return 'none';
  return c.resumed && !live.paused ? 'flowing' : 'paused';
}

/** A second video on the same send transport needs its own MID. */
const screenRtp = () => ({ ...vp8RtpParameters(ssrc++), mid: '2', rtcp: { cname: 'test-screen' } });

const screenOffers = (c: RoomTestClient) => c.events.filter((e) => e.event === 'media:newConsumer' && e.payload.source === 'screen');

describe('screen sharing', () => {
  it('a screen shared during a caucus reaches only the caucus; the party outside gets no consumer until everyone is back', async () => {
    const { c, mediatorSend } = await room3();
    await c.m.ok('caucus:start', { peerIds: [party.A.id] });
    await c.B.waitFor('room:location', (l) => l.waiting);

    const { producerId: screen } = await c.m.ok('media:produce', { transportId: mediatorSend, kind: 'video', rtpParameters: screenRtp(), source: 'screen' });
    await settle();
    expect(consumerOf(party.A.id, screen)).toBe('flowing');
    expect(consumerOf(party.B.id, screen)).toBe('none');
    expect(screenOffers(c.B)).toEqual([]);
    const offered = await c.A.waitFor('media:newConsumer', (p) => p.producerId === screen);
    expect(offered).toMatchObject({ source: 'screen', kind: 'video', peerId: mediatorId });
    // The roster B is shown does not even name the mediator's screen.
    expect(JSON.stringify(c.B.last('room:peers'))).not.toContain(screen);

    await c.m.ok('caucus:endAll', {});
    await settle();
    expect(consumerOf(party.B.id, screen)).toBe('flowing');
    expect((await c.B.waitFor('media:newConsumer', (p) => p.producerId === screen)).source).toBe('screen');

    // Sharing stops: every consumer of the screen goes, the camera stays.
    await c.m.ok('media:closeProducer', { producerId: screen });
    await waitFor(() => consumerOf(party.A.id, screen) === 'none' && consumerOf(party.B.id, screen) === 'none', 5000, 'screen consumers closed');
    await c.B.waitFor('media:consumerClosed', (e) => e.consumerId === screenOffers(c.B)[0]!.payload.consumerId);
    const camera = server.rooms
      .get(caseId)!
      .member(mediatorId)!
      .media!.producers()
      .find((p) => p.source === 'camera')!;
    expect(consumerOf(party.B.id, camera.id)).toBe('flowing');
  });

  it('a screen shared before a caucus is paused for the party left outside and resumed after', async () => {
    const { c, mediatorSend } = await room3();
    const { producerId: screen } = await c.m.ok('media:produce', { transportId: mediatorSend, kind: 'video', rtpParameters: screenRtp(), source: 'screen' });
    await settle();
    expect(consumerOf(party.B.id, screen)).toBe('flowing');
    await c.m.ok('caucus:start', { peerIds: [party.A.id] });
    // Break before make: by the acknowledgement B's screen consumer no longer flows.
    expect(consumerOf(party.B.id, screen)).toBe('paused');
    expect(consumerOf(party.A.id, screen)).toBe('flowing');
    await c.m.ok('caucus:endAll', {});
    await settle();
    expect(consumerOf(party.B.id, screen)).toBe('flowing');
  });

  it('a party cannot share a screen, and a leader shares one screen at a time', async () => {
    const { c, mediatorSend } = await room3();
    const aSend = (await c.A.ok('media:createTransport', { direction: 'send' })).id;
    const refused = await c.A.request('media:produce', { transportId: aSend, kind: 'video', rtpParameters: screenRtp(), source: 'screen' });
    expect(refused).toMatchObject({ ok: false, code: 'SCREEN_SHARE_NOT_ALLOWED' });
    expect(
      server.rooms
        .get(caseId)!
        .member(party.A.id)!
        .media!.producers()
        .some((p) => p.source === 'screen'),
    ).toBe(false);

    await c.m.ok('media:produce', { transportId: mediatorSend, kind: 'video', rtpParameters: screenRtp(), source: 'screen' });
    const second = await c.m.request('media:produce', { transportId: mediatorSend, kind: 'video', rtpParameters: screenRtp(), source: 'screen' });
    expect(second.ok).toBe(false);
    // A screen is video: audio labelled 'screen' is refused by the schema check.
    const audioScreen = await c.m.request('media:produce', {
      transportId: mediatorSend,
      kind: 'audio',
      rtpParameters: { ...OPUS_RTP_PARAMETERS, encodings: [{ ssrc: ssrc++ }] },
      source: 'screen',
    });
    expect(audioScreen).toMatchObject({ ok: false, code: 'VALIDATION' });
  });
});
