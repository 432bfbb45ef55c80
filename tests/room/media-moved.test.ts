// Across the sfu/signaling seam: when a room's media dies under it (its mediasoup worker is
// killed), the live room stays open and moves to a new router on a live worker. Admitted members
// are told `media:restart` and set their media up again without re-joining; whoever waits in the
// lobby keeps waiting; a leader's mute stays on the new producers. (Chromium, with the recovery
// time measured: tests/operations/worker-recovery.e2e.test.ts.)
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { produceAudioVideo, readyToReceive, RoomTestClient } from '../support/room-client.ts';
import { acknowledgeNotice, addInvitedParty, createStaffUser, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let mediatorCookie: string;
let caseId: string;
const parties: Array<{ id: string; token: string }> = [];
const clients: RoomTestClient[] = [];

function client(options: ConstructorParameters<typeof RoomTestClient>[1]) {
  const c = new RoomTestClient(server.url, options);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  // Two workers: the one under the room dies, the room moves to the other.
  server = await startTestServer({ MEDIASOUP_WORKERS: '2' });
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  const { client: mediator } = await createStaffUser(admin, { username: 'gaoym', displayName: '高雅敏', role: 'MEDIATOR', password: 'mediator-pass-1' });
  mediatorCookie = mediator.cookie;
  caseId = (await mediator.json('POST', '/api/cases', { title: '租赁合同纠纷', disputeType: 'GENERAL', summary: '押金退还' }, 201)).case.id;
  for (const party of [
    { name: '刘某', side: 'A', role: 'APPLICANT', id17: '15020419760203101' },
    { name: '陈某', side: 'B', role: 'RESPONDENT', id17: '15020419820304123' },
  ] as const) {
    const { id, token } = await addInvitedParty(mediator, caseId, party);
    await acknowledgeNotice(server.url, caseId, token);
    parties.push({ id, token });
  }
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(() => server?.close());

describe('a room whose media dies', () => {
  it('moves to a live worker, keeps admissions and mutes, and has its members set media up again', async () => {
    const m = client({ cookie: mediatorCookie });
    await m.connected();
    expect((await m.ok('room:join', { caseId })).status).toBe('admitted');
    const a = client({ token: parties[0]!.token });
    await a.connected();
    await a.ok('room:join', { caseId });
    await m.ok('mediator:admit', { peerId: parties[0]!.id });
    await a.waitFor('room:admitted');
    const b = client({ token: parties[1]!.token });
    await b.connected();
    expect((await b.ok('room:join', { caseId })).status).toBe('lobby');
    // Media flowing both ways, so the dying worker holds transports, producers and consumers.
    await produceAudioVideo(m, 41_000);
    await produceAudioVideo(a, 42_000);
    await readyToReceive(m);
    await readyToReceive(a);
    await a.waitFor('media:newConsumer');
    await m.ok('mediator:mute', { peerId: parties[0]!.id, kind: 'audio', muted: true });

    const room = server.rooms.get(caseId)!;
    const reasons: string[] = [];
    room.on('closed', (reason) => reasons.push(reason));
    const oldMedia = room.media;
    const workerPid = oldMedia.router.appData.workerPid;
    const eventsBefore = b.events.length;
    process.kill(workerPid, 'SIGKILL');

    for (const c of [m, a]) expect((await c.waitFor('media:restart')).message).toContain('自动重新连接');
    expect(room.closed).toBe(false);
    expect(reasons).toEqual([]);
    expect(server.rooms.get(caseId)).toBe(room);
    expect(room.media).not.toBe(oldMedia);
    expect(room.media.router.appData.workerPid).not.toBe(workerPid);
    expect(room.members().map((x) => [x.peerId, x.status])).toEqual(
      expect.arrayContaining([
        [parties[0]!.id, 'admitted'],
        [parties[1]!.id, 'lobby'],
      ]),
    );
    // The lobby is not told anything: it keeps waiting.
    expect(b.events.slice(eventsBefore).map((e) => e.event)).not.toContain('media:restart');
    expect(b.events.map((e) => e.event)).not.toContain('room:ended');

    // The clients set their media up again on the new router: no join, no admission.
    const consumersBefore = a.events.filter((e) => e.event === 'media:newConsumer').length;
    await produceAudioVideo(m, 51_000);
    const again = await produceAudioVideo(a, 52_000);
    await readyToReceive(m);
    await readyToReceive(a);
    await a.waitFor('media:newConsumer', () => a.events.filter((e) => e.event === 'media:newConsumer').length > consumersBefore);
    // The mute from before the move holds on the new microphone.
    expect(room.media.getPeer(parties[0]!.id)!.getProducer(again.audio)!.adminMuted).toBe(true);
    expect(room.snapshot().adminMuted[parties[0]!.id]).toEqual(['microphone']);
    const audit = await server.ctx.db.auditEntry.findFirst({ where: { caseId, type: 'ROOM_MEDIA_MOVED' } });
    expect(audit).not.toBeNull();
    expect(await m.request('chat:send', { text: '还在吗' })).toMatchObject({ ok: true });
    await m.ok('mediator:end', {});
  });
});
