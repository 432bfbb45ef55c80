// The close cascade across the sfu/signaling seam: when a room's media dies under it (its
// mediasoup worker dies), the live room closes with 'media-closed', tells every member — in the
// room and in the lobby — that the session ended, and the registry forgets it, so the next join
// opens a fresh room on a worker that is still alive.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { produceAudioVideo, readyToReceive, RoomTestClient } from '../support/room-client.ts';
import { addInvitedParty, createStaffUser, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

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
  // Two workers: the one under the room dies, the other serves the room opened afterwards.
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
    parties.push({ id, token });
  }
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(() => server?.close());

describe('a room whose media dies', () => {
  it("closes with 'media-closed', tells its members, and the registry forgets it", async () => {
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

    const room = server.rooms.get(caseId)!;
    const reasons: string[] = [];
    room.on('closed', (reason) => reasons.push(reason));
    const workerPid = room.media.router.appData.workerPid;
    process.kill(workerPid, 'SIGKILL');

    for (const c of [m, a, b]) expect((await c.waitFor('room:ended')).message).toContain('音视频服务出现故障');
    expect(room.closed).toBe(true);
    expect(reasons).toEqual(['media-closed']);
    expect(server.rooms.get(caseId)).toBeUndefined();
    // The sockets stay open to show the message, but they are out of the room.
    expect(await m.request('chat:send', { text: '还在吗' })).toMatchObject({ ok: false, code: 'NOT_JOINED' });

    // Joining again opens a new room, on the worker that is still alive.
    expect((await m.ok('room:join', { caseId })).status).toBe('admitted');
    const fresh = server.rooms.get(caseId)!;
    expect(fresh).not.toBe(room);
    expect(fresh.closed).toBe(false);
    expect(fresh.media.router.appData.workerPid).not.toBe(workerPid);
    await m.ok('mediator:end', {});
  });
});
