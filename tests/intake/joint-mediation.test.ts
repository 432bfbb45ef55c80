// 联合调解 across units (#15 item 5), against a real server with real mediasoup: the seed's
// water-leak case of the community committee (李瑞芳) gets co-mediators from the 司法所 and the
// 派出所. Before the invitation they cannot see the case; after it they see it, join the room shown
// with their unit to everyone, and the 司法所's co-mediator leads a 背对背 caucus with side A while
// side B receives none of its media or chat (isolation enforced by the server). The invitations
// are steps of the case's registered matter; staff of a unit nobody invited still see nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerMatter } from '../../signaling/intake/registration.ts';
import { OPUS_RTP_PARAMETERS, RoomTestClient, vp8RtpParameters } from '../support/room-client.ts';
import { seedLeakCase, startTestServer, type SeededParty, type StaffClient, type TestServer } from '../support/server.ts';
import { createUnitStaff, unitIdOf } from './joint-support.ts';

const JUSTICE_UNIT = '青山区司法局自由路司法所';
const POLICE_UNIT = '青山公安分局自由路派出所';

let server: TestServer;
let mediator: StaffClient;
let mediatorId: string;
let caseId: string;
let matterId: string;
let parties: SeededParty[];
const staff = {} as Record<'justice' | 'police' | 'petition', { id: string; client: StaffClient }>;
const sockets: RoomTestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  ({ mediator, mediatorId, caseId, parties } = await seedLeakCase(server));
  staff.justice = await createUnitStaff(server, await unitIdOf(server, 'justice-office'), {
    username: 'zhaosf',
    displayName: '赵司法',
    role: 'MEDIATOR',
    password: 'justice-pass-1',
  });
  staff.police = await createUnitStaff(server, await unitIdOf(server, 'police'), {
    username: 'liujg',
    displayName: '刘警官',
    role: 'UNIT_HEAD',
    password: 'police-pass-12',
  });
  staff.petition = await createUnitStaff(server, await unitIdOf(server, 'petition'), {
    username: 'xinfang',
    displayName: '信访干部',
    role: 'MEDIATOR',
    password: 'petition-pass-1',
  });
  // The case came in as a registered matter of the centre (set up directly: routing is another part's).
  const committee = await unitIdOf(server, 'committee');
  const centreId = (await server.ctx.db.centre.findFirstOrThrow()).id;
  matterId = await server.ctx.db.$transaction(async (tx) => {
    const m = await registerMatter(tx, {
      centreId,
      channel: 'WINDOW',
      disputeType: 'NEIGHBOUR',
      title: '王某家漏水纠纷',
      summary: '6楼直饮水管道漏水',
      registeredById: mediatorId,
      owner: { unitId: committee, userId: mediatorId },
      parties: [{ role: 'APPLICANT', name: '李某' }],
      at: new Date(),
      actorLabel: '李瑞芳',
    });
    await tx.matter.update({ where: { id: m.id }, data: { caseId } });
    return m.id;
  });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

let ssrc = 20_000;
async function joinWithMedia(c: RoomTestClient) {
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

async function staffSocket(client: StaffClient): Promise<RoomTestClient> {
  const s = new RoomTestClient(server.url, { cookie: client.cookie });
  sockets.push(s);
  await s.connected();
  return s;
}

describe('joint mediation across units', () => {
  it('staff of other units see nothing of the case until invited', async () => {
    for (const s of Object.values(staff)) {
      const res = await s.client.request('GET', `/api/cases/${caseId}`);
      expect(res.status).toBe(404);
      expect((await s.client.request('GET', '/api/cases')).status === 403 || !JSON.stringify(await s.client.json('GET', '/api/cases')).includes(caseId)).toBe(
        true,
      );
    }
    const outsider = await staffSocket(staff.justice.client);
    expect(await outsider.request('room:join', { caseId })).toMatchObject({ ok: false, code: 'CASE_NOT_FOUND' });
    outsider.close();
  });

  it("the case's mediator invites 司法所 and 派出所 staff from the centre's units; each invitation is a step of the matter", async () => {
    const { mediators } = await mediator.json('GET', `/api/cases/${caseId}/co-mediators/candidates`);
    expect(mediators).toEqual(
      expect.arrayContaining([
        { id: staff.justice.id, displayName: '赵司法', unitId: await unitIdOf(server, 'justice-office'), unitName: JUSTICE_UNIT },
        { id: staff.police.id, displayName: '刘警官', unitId: await unitIdOf(server, 'police'), unitName: POLICE_UNIT },
      ]),
    );
    // Another unit's staff cannot invite anyone to it.
    expect((await staff.petition.client.request('POST', `/api/cases/${caseId}/co-mediators`, { userId: staff.petition.id })).status).toBe(404);
    for (const s of [staff.justice, staff.police]) await mediator.json('POST', `/api/cases/${caseId}/co-mediators`, { userId: s.id });
    const steps = await server.ctx.db.matterEvent.findMany({ where: { matterId, type: 'CO_MEDIATOR_INVITED' }, orderBy: { at: 'asc' } });
    expect(steps.map((e) => JSON.parse(e.data))).toEqual([
      { unitId: await unitIdOf(server, 'justice-office'), userId: staff.justice.id },
      { unitId: await unitIdOf(server, 'police'), userId: staff.police.id },
    ]);
    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId, type: 'CO_MEDIATOR_ASSIGNED' }, orderBy: { seq: 'asc' } });
    expect(audit.map((a) => JSON.parse(a.data).unit)).toEqual([JUSTICE_UNIT, POLICE_UNIT]);

    for (const s of [staff.justice, staff.police]) {
      expect((await s.client.json('GET', '/api/cases')).cases.map((c: { id: string }) => c.id)).toContain(caseId);
      expect((await s.client.json('GET', `/api/cases/${caseId}`)).case.viewerRole).toBe('co-mediator');
      // Helping is not managing: the case's parties stay the responsible mediator's.
      expect((await s.client.request('POST', `/api/cases/${caseId}/invitations`, { participantId: parties[0]!.id })).status).toBe(403);
    }
    expect((await staff.petition.client.request('GET', `/api/cases/${caseId}`)).status).toBe(404);
  });

  it('in the room each co-mediator is shown with its unit, and the 司法所 co-mediator leads a caucus with side A that side B cannot see or hear', async () => {
    const m = await staffSocket(mediator);
    await m.ok('room:join', { caseId });
    const justice = await staffSocket(staff.justice.client);
    await justice.ok('room:join', { caseId });
    const police = await staffSocket(staff.police.client);
    await police.ok('room:join', { caseId });
    const [a, b] = [parties[0]!, parties[1]!];
    const side: Record<'A' | 'B', RoomTestClient> = {} as never;
    for (const [key, p] of [
      ['A', a],
      ['B', b],
    ] as const) {
      const c = new RoomTestClient(server.url, { token: p.token });
      sockets.push(c);
      await c.connected();
      await c.ok('room:join', { caseId });
      await justice.ok('mediator:admit', { peerId: p.id });
      await c.waitFor('room:admitted');
      side[key] = c;
    }
    for (const c of [m, justice, police, side.A, side.B]) await joinWithMedia(c);
    await settle();

    // Everyone, the parties included, sees whom each co-mediator comes from.
    const labels = (peers: Array<{ peerId: string; roleLabel: string }>) => Object.fromEntries(peers.map((p) => [p.peerId, p.roleLabel]));
    const seenByB = labels((await side.B.waitFor('room:peers', (e) => e.peers.length === 5)).peers);
    expect(seenByB).toMatchObject({
      [mediatorId]: '调解员',
      [staff.justice.id]: `协办调解员 · ${JUSTICE_UNIT}`,
      [staff.police.id]: `协办调解员 · ${POLICE_UNIT}`,
    });
    expect(labels((await m.waitFor('room:peers', (e) => e.peers.length === 5)).peers)[staff.justice.id]).toBe(`协办调解员 · ${JUSTICE_UNIT}`);
    expect(receivingFrom(b.id)).toEqual([mediatorId, staff.justice.id, staff.police.id, a.id].sort());

    // 背对背, led by the 司法所's co-mediator with side A.
    const { caucusId } = await justice.ok('caucus:start', { peerIds: [a.id] });
    expect(receivingFrom(b.id)).not.toContain(staff.justice.id);
    expect(receivingFrom(b.id)).not.toContain(a.id);
    expect(receivingFrom(a.id)).toEqual([staff.justice.id]);
    expect(receivingFrom(staff.justice.id)).toEqual([a.id]);
    await settle();
    expect(receivingFrom(b.id)).not.toContain(staff.justice.id);
    expect(receivingFrom(b.id)).not.toContain(a.id);
    expect((await side.A.waitFor('room:location', (l) => l.room === caucusId)).waiting).toBe(false);
    const bPeers = side.B.last('room:peers').peers.map((p: { peerId: string }) => p.peerId);
    expect(bPeers).not.toContain(a.id);
    expect(bPeers).not.toContain(staff.justice.id);

    // The caucus's chat stays in it.
    await side.A.ok('chat:send', { text: '我们最多承担维修费三千元' });
    await justice.ok('chat:send', { text: '好的，我去和对方沟通' });
    await justice.waitFor('chat:message', (msg) => msg.text === '我们最多承担维修费三千元');
    await side.A.waitFor('chat:message', (msg) => msg.text === '好的，我去和对方沟通');
    const heardByB = () => side.B.events.filter((e) => e.event === 'chat:message').map((e) => (e.payload as { text: string }).text);
    const history = (await side.B.ok('chat:history', {})).messages.map((msg: { text: string }) => msg.text);
    expect(history).not.toContain('我们最多承担维修费三千元');
    expect(heardByB()).not.toContain('我们最多承担维修费三千元');
    expect(heardByB()).not.toContain('好的，我去和对方沟通');

    await justice.ok('caucus:end', { caucusId });
    await settle();
    expect(receivingFrom(b.id)).toEqual([mediatorId, staff.justice.id, staff.police.id, a.id].sort());
    expect(heardByB()).not.toContain('我们最多承担维修费三千元');
    const started = await server.ctx.db.auditEntry.findMany({ where: { caseId, type: 'CAUCUS_STARTED' } });
    expect(started).toHaveLength(1);
    expect(started[0]!.actorId).toBe(staff.justice.id);
  });
});
