// Co-mediators (协办调解员) against a real server: the responsible mediator assigns a colleague,
// who then sees the case, leads the room with them (admits from the lobby) and edits the draft —
// but neither moves the case, manages its parties, assigns others nor signs; removing them takes
// the case away again — at once, also from the room and the draft they have open. Every change is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import { connectClient, wsUrl, type DraftClient } from '../drafting/sync-support.ts';
import { waitFor } from '../support/wait.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { createStaffUser, seedLeakCase, startTestServer, StaffClient, type SeededParty, type TestServer } from '../support/server.ts';

let server: TestServer;
let mediator: StaffClient;
let colleague: StaffClient;
let colleagueId: string;
let caseId: string;
let parties: SeededParty[];
const sockets: RoomTestClient[] = [];
const drafts: DraftClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  ({ mediator, caseId, parties } = await seedLeakCase(server));
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  ({ id: colleagueId, client: colleague } = await createStaffUser(admin, {
    username: 'zhangyl',
    displayName: '张应丽',
    role: 'MEDIATOR',
    password: 'mediator-pass-2',
  }));
  await admin.json('POST', '/api/users', { username: 'judge-co', displayName: '法官', role: 'JUDGE', password: 'judge-pass-12345' }, 201);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  for (const d of drafts) d.destroy();
  await server?.close();
});

describe('co-mediators', () => {
  it('only colleagues who mediate can be assigned, once; the colleague cannot see the case before', async () => {
    expect((await colleague.request('GET', `/api/cases/${caseId}`)).status).toBe(404);
    const { mediators } = await mediator.json('GET', `/api/cases/${caseId}/co-mediators/candidates`);
    const committee = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'committee' } });
    expect(mediators).toEqual([{ id: colleagueId, displayName: '张应丽', unitId: committee.id, unitName: committee.name }]);
    const judgeId = (await server.ctx.db.user.findUniqueOrThrow({ where: { username: 'judge-co' } })).id;
    const refused = await mediator.request('POST', `/api/cases/${caseId}/co-mediators`, { userId: judgeId });
    expect(refused.status).toBe(400);
    expect((await refused.json()).code).toBe('NOT_A_COLLEAGUE');

    const { case: c } = await mediator.json('POST', `/api/cases/${caseId}/co-mediators`, { userId: colleagueId });
    expect(c.coMediators).toEqual([{ id: colleagueId, displayName: '张应丽' }]);
    const again = await mediator.request('POST', `/api/cases/${caseId}/co-mediators`, { userId: colleagueId });
    expect((await again.json()).code).toBe('ALREADY_ON_CASE');
    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId, type: 'CO_MEDIATOR_ASSIGNED' } });
    expect(audit.map((e) => JSON.parse(e.data))).toEqual([{ userId: colleagueId, name: '张应丽' }]);
  });

  it('the co-mediator sees the case but cannot move it, manage its parties or assign others', async () => {
    const { cases } = await colleague.json('GET', '/api/cases');
    expect(cases.map((c: { id: string }) => c.id)).toContain(caseId);
    const { case: c } = await colleague.json('GET', `/api/cases/${caseId}`);
    expect(c).toMatchObject({ viewerRole: 'co-mediator', allowedTransitions: [] });
    const status = (await server.ctx.db.case.findUniqueOrThrow({ where: { id: caseId } })).status;
    for (const [method, path, body] of [
      ['POST', `/api/cases/${caseId}/transition`, { to: 'TRIAGED' }],
      ['DELETE', `/api/cases/${caseId}/participants/${parties[0]!.id}`, undefined],
      ['POST', `/api/cases/${caseId}/co-mediators`, { userId: colleagueId }],
      ['POST', `/api/signing/${caseId}/lock`, {}],
    ] as const) {
      const res = await colleague.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await res.json()).code).toBe('FORBIDDEN');
    }
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe(status);
    expect(await server.ctx.db.participant.count({ where: { caseId } })).toBe(2);
  });

  let co: RoomTestClient;
  let party: RoomTestClient;

  it('in the room the co-mediator leads with the mediator: it admits a party from the lobby', async () => {
    co = new RoomTestClient(server.url, { cookie: colleague.cookie });
    sockets.push(co);
    await co.connected();
    const joined = await co.ok('room:join', { caseId });
    expect(joined.self).toMatchObject({ roomRole: 'mediator', roleLabel: '协办调解员' });
    party = new RoomTestClient(server.url, { token: parties[0]!.token });
    sockets.push(party);
    await party.connected();
    expect((await party.ok('room:join', { caseId })).status).toBe('lobby');
    const { waiting } = await co.waitFor('room:lobby', (p: { waiting: unknown[] }) => p.waiting.length === 1);
    await co.ok('mediator:admit', { peerId: waiting[0].peerId });
    await party.waitFor('room:admitted');
  });

  it('removing the co-mediator takes the case away again, at once (its room socket and draft connection too), audited', async () => {
    const draft = connectClient({ url: wsUrl(server.url), docName: agreementDocName(caseId), cookie: colleague.cookie });
    drafts.push(draft);
    await draft.ready;
    let draftClosed = false;
    let refused: string | null = null;
    draft.socket.on('close', () => (draftClosed = true));
    draft.provider.on('authenticationFailed', ({ reason }: { reason: string }) => (refused = reason));

    const { case: c } = await mediator.json('DELETE', `/api/cases/${caseId}/co-mediators/${colleagueId}`);
    expect(c.coMediators).toEqual([]);
    expect(await co.waitFor('room:removed', () => true, 3000)).toMatchObject({ reason: 'access-revoked' });
    await waitFor(() => !co.socket.connected, 3000, 'the co-mediator’s room socket closed');
    expect(server.rooms.get(caseId)?.member(colleagueId)).toBeUndefined();
    await waitFor(() => draftClosed, 3000, 'the co-mediator’s drafting connection closed');
    await waitFor(() => refused !== null, 5000, 'drafting reconnect refused');
    expect(refused).toBe('CASE_NOT_FOUND');
    // The party stays; the colleague's account is untouched elsewhere (it still logs in and lists cases).
    expect(party.socket.connected).toBe(true);
    expect(server.rooms.get(caseId)?.member(parties[0]!.id)).toBeDefined();
    expect((await colleague.request('GET', `/api/cases/${caseId}`)).status).toBe(404);
    expect((await colleague.json('GET', '/api/cases')).cases.map((x: { id: string }) => x.id)).not.toContain(caseId);
    expect(await server.ctx.db.auditEntry.count({ where: { caseId, type: 'CO_MEDIATOR_REMOVED' } })).toBe(1);
  });
});
