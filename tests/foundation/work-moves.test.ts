// The workflow follows the work, against a real server: a mediator (or co-mediator) joining the
// room or opening the draft moves a 受理/分流 case to 调解中 through 分流, each step audited with the
// work as its reason; parties, judges and administrators opening the same things move nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceOnWork } from '../../signaling/cases/work-moves.ts';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import { connectClient, setUpDraftCase, wsUrl, type DraftCase, type DraftClient } from '../drafting/sync-support.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { createStaffUser, sharedStaffSession, startTestServer, type StaffClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: StaffClient;
const sockets: RoomTestClient[] = [];
const drafts: DraftClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  admin = await sharedStaffSession(server.url, server.admin);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  for (const d of drafts) d.destroy();
  await server?.close();
});

async function statusOf(caseId: string) {
  return (await server.ctx.db.case.findUniqueOrThrow({ where: { id: caseId } })).status;
}
async function transitions(caseId: string) {
  const rows = await server.ctx.db.auditEntry.findMany({ where: { caseId, type: 'CASE_TRANSITION' }, orderBy: { seq: 'asc' } });
  return rows.map((r) => ({ actor: r.actorLabel, ...(JSON.parse(r.data) as object) }));
}
async function joinRoom(caseId: string, who: { cookie?: string; token?: string }) {
  const c = new RoomTestClient(server.url, who);
  sockets.push(c);
  await c.connected();
  return c.ok('room:join', { caseId });
}
async function openDraft(caseId: string, who: { cookie?: string; token?: string }) {
  const d = connectClient({ url: wsUrl(server.url), docName: agreementDocName(caseId), ...who });
  drafts.push(d);
  await d.ready;
}
const mediatorLabel = (k: DraftCase) => `调解员${k.mediatorLogin.username.split('-').at(-1)}号（${k.mediatorLogin.username}）`;

describe('work moves the case', () => {
  it('the mediator joining the room moves 受理 → 分流 → 调解中, each step audited as 进入调解室', async () => {
    const k = await setUpDraftCase(server.url, server.admin);
    expect(await statusOf(k.caseId)).toBe('ACCEPTED');
    await joinRoom(k.caseId, { cookie: k.mediator.cookie });
    expect(await statusOf(k.caseId)).toBe('MEDIATING');
    expect(await transitions(k.caseId)).toEqual([
      { actor: mediatorLabel(k), from: 'ACCEPTED', to: 'TRIAGED', reason: '进入调解室' },
      { actor: mediatorLabel(k), from: 'TRIAGED', to: 'MEDIATING', reason: '进入调解室' },
    ]);
    // The case page now offers the moves of 调解中, and the audit trail reads the reason.
    expect((await k.mediator.json('GET', `/api/cases/${k.caseId}`)).case.allowedTransitions).toEqual(['FAILED', 'WITHDRAWN']);
    // Joining again moves nothing more.
    await joinRoom(k.caseId, { cookie: k.mediator.cookie });
    expect(await transitions(k.caseId)).toHaveLength(2);
  });

  it('the mediator opening the draft moves 分流 → 调解中, audited as 开始起草协议', async () => {
    const k = await setUpDraftCase(server.url, server.admin);
    await k.mediator.json('POST', `/api/cases/${k.caseId}/transition`, { to: 'TRIAGED' }, 200);
    await openDraft(k.caseId, { cookie: k.mediator.cookie });
    expect(await statusOf(k.caseId)).toBe('MEDIATING');
    expect((await transitions(k.caseId)).at(-1)).toEqual({ actor: mediatorLabel(k), from: 'TRIAGED', to: 'MEDIATING', reason: '开始起草协议' });
    expect(await transitions(k.caseId)).toHaveLength(2);
  });

  it('a co-mediator opening the draft moves the case too, in its own name', async () => {
    const k = await setUpDraftCase(server.url, server.admin);
    const { id, client: colleague } = await createStaffUser(admin, {
      username: 'xiebanyuan',
      displayName: '协办员',
      role: 'MEDIATOR',
      password: 'mediator-pass-9',
    });
    await k.mediator.json('POST', `/api/cases/${k.caseId}/co-mediators`, { userId: id });
    await openDraft(k.caseId, { cookie: colleague.cookie });
    expect(await statusOf(k.caseId)).toBe('MEDIATING');
    expect((await transitions(k.caseId)).map((t) => t.actor)).toEqual(['协办员（xiebanyuan）', '协办员（xiebanyuan）']);
  });

  it('parties and the administrator opening the room or the draft move nothing', async () => {
    const k = await setUpDraftCase(server.url, server.admin);
    for (const token of [k.tokenA, k.tokenB]) {
      await server.ctx.db.participant.updateMany({ where: { caseId: k.caseId }, data: { identityConfirmedAt: new Date(), consentAt: new Date() } });
      expect((await joinRoom(k.caseId, { token })).status).toBe('lobby');
    }
    await openDraft(k.caseId, { token: k.tokenA });
    await openDraft(k.caseId, { cookie: admin.cookie });
    expect(await statusOf(k.caseId)).toBe('ACCEPTED');
    expect(await transitions(k.caseId)).toEqual([]);
  });

  it('nothing moves for a judge, nor from a status the work does not start (已驳回 needs the mediator’s reason)', async () => {
    const k = await setUpDraftCase(server.url, server.admin);
    // A judge only reaches the room while reviewing an application; whatever the case's status, its role moves nothing.
    const judge = { id: 'judge-1', username: 'judge-wm', displayName: '法官', role: 'JUDGE' as const, orgId: 'org', courtId: 'court' };
    expect(await advanceOnWork(server.ctx, k.caseId, 'room-opened', judge, 'judge')).toEqual([]);
    expect(await statusOf(k.caseId)).toBe('ACCEPTED');

    await server.ctx.db.case.update({ where: { id: k.caseId }, data: { status: 'DISMISSED' } });
    await openDraft(k.caseId, { cookie: k.mediator.cookie });
    expect(await statusOf(k.caseId)).toBe('DISMISSED');
    expect(await transitions(k.caseId)).toEqual([]);
  });

  it('the lock refusal before 调解中 says how to get there', async () => {
    const k = await setUpDraftCase(server.url, server.admin);
    const res = await k.mediator.request('POST', `/api/signing/${k.caseId}/lock`, {});
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'CASE_NOT_SIGNABLE', message: '案件尚未进入「调解中」：进入调解室或打开协议草稿后即可锁定' });
  });
});
