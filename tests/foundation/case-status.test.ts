// The case lifecycle: every pair of statuses × every process, as a pure rule and through the
// HTTP API (real SQLite). A status is earned only by the process that owns it: by hand a
// mediator makes only workflow moves; 达成协议/已签署 come from signing, 申请司法确认/已确认/已驳回
// from the judicial process; each move is written with its audit entry in one transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_STATUSES, transitionProblem, type CaseProcess, type CaseStatus } from '../../signaling/domain/case-status.ts';
import { transitionCase } from '../../signaling/cases/case-transitions.ts';
import { DomainError } from '../../signaling/errors.ts';
import { createStaffUser, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

// The specification, written out independently of the table under test.
const LEGAL: Array<[CaseStatus, CaseStatus, CaseProcess]> = [
  ['ACCEPTED', 'TRIAGED', 'workflow'],
  ['ACCEPTED', 'FAILED', 'workflow'],
  ['ACCEPTED', 'WITHDRAWN', 'workflow'],
  ['TRIAGED', 'MEDIATING', 'workflow'],
  ['TRIAGED', 'FAILED', 'workflow'],
  ['TRIAGED', 'WITHDRAWN', 'workflow'],
  ['MEDIATING', 'AGREED', 'signing'],
  ['MEDIATING', 'FAILED', 'workflow'],
  ['MEDIATING', 'WITHDRAWN', 'workflow'],
  ['AGREED', 'SIGNED', 'signing'],
  ['AGREED', 'MEDIATING', 'signing'],
  ['SIGNED', 'CONFIRMATION_REQUESTED', 'judicial'],
  ['CONFIRMATION_REQUESTED', 'CONFIRMED', 'judicial'],
  ['CONFIRMATION_REQUESTED', 'DISMISSED', 'judicial'],
  // 不予受理 (解释 art. 355) or 准许撤回 (art. 357): back to the signed agreement.
  ['CONFIRMATION_REQUESTED', 'SIGNED', 'judicial'],
  ['DISMISSED', 'MEDIATING', 'workflow'],
  // #16 回访: a case that ended without an agreement is reopened when the 回访 finds the dispute unsettled.
  ['FAILED', 'MEDIATING', 'followup'],
  ['WITHDRAWN', 'MEDIATING', 'followup'],
];
const PROCESSES: CaseProcess[] = ['workflow', 'signing', 'judicial', 'followup'];
const ownerOf = (from: CaseStatus, to: CaseStatus) => LEGAL.find(([f, t]) => f === from && t === to)?.[2];
const ALL_PAIRS = CASE_STATUSES.flatMap((from) => CASE_STATUSES.map((to) => [from, to] as [CaseStatus, CaseStatus]));

describe('case state machine (pure)', () => {
  it.each(ALL_PAIRS)('%s → %s: allowed only to its owning process', (from, to) => {
    for (const by of PROCESSES) {
      const problem = transitionProblem(from, to, by);
      const owner = ownerOf(from, to);
      if (owner === by) expect(problem).toBeNull();
      else expect(problem?.code).toBe(owner ? 'TRANSITION_NOT_OWNED' : 'ILLEGAL_TRANSITION');
    }
  });

  it('explains refusals in Chinese, naming the moves a mediator can make', () => {
    expect(transitionProblem('ACCEPTED', 'SIGNED', 'workflow')?.message).toBe('不能从「受理」变更为「已签署」，只能变更为「分流」、「调解不成」、「已撤回」');
    expect(transitionProblem('CONFIRMED', 'MEDIATING', 'workflow')?.message).toContain('终结状态「已确认」');
    expect(transitionProblem('AGREED', 'SIGNED', 'workflow')?.message).toBe('「已签署」只能由协议签署流程产生，不能手动变更');
    expect(transitionProblem('SIGNED', 'WITHDRAWN', 'workflow')?.code).toBe('ILLEGAL_TRANSITION');
  });
});

describe('case transitions through the API', () => {
  let server: TestServer;
  let mediator: StaffClient;

  beforeAll(async () => {
    server = await startTestServer();
    const admin = new StaffClient(server.url);
    await admin.login(server.admin.username, server.admin.password);
    mediator = (await createStaffUser(admin, { username: 'bianwl', displayName: '边文玲', role: 'MEDIATOR', password: 'mediator-pass-1' })).client;
  });
  afterAll(() => server?.close());

  /** A case already in `status` (written directly: how it got there is not under test here). */
  async function caseIn(status: CaseStatus): Promise<string> {
    const { case: c } = await mediator.json('POST', '/api/cases', { title: `状态测试 ${status}`, disputeType: 'GENERAL', summary: '测试' }, 201);
    await server.ctx.db.case.update({ where: { id: c.id }, data: { status } });
    return c.id;
  }

  it.each(ALL_PAIRS)('%s → %s by hand', async (from, to) => {
    const id = await caseIn(from);
    const auditBefore = await server.ctx.db.auditEntry.count({ where: { caseId: id } });
    const res = await mediator.request('POST', `/api/cases/${id}/transition`, { to, reason: '测试' });
    const body = await res.json();
    const after = await server.ctx.db.case.findUniqueOrThrow({ where: { id } });
    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId: id }, orderBy: { seq: 'asc' } });
    const owner = ownerOf(from, to);
    if (owner === 'workflow') {
      expect(res.status).toBe(200);
      expect(body.case.status).toBe(to);
      expect(after.status).toBe(to);
      expect(audit).toHaveLength(auditBefore + 1);
      expect(JSON.parse(audit.at(-1)!.data)).toEqual({ from, to, reason: '测试' });
    } else {
      expect(res.status).toBe(409);
      expect(body.code).toBe(owner ? 'TRANSITION_NOT_OWNED' : 'ILLEGAL_TRANSITION');
      expect(body.message).toMatch(/不能|终结状态|已处于|只能由/);
      expect(after.status).toBe(from);
      expect(audit).toHaveLength(auditBefore);
    }
  });

  it('offers exactly the workflow moves as buttons', async () => {
    const id = await caseIn('MEDIATING');
    const { case: c } = await mediator.json('GET', `/api/cases/${id}`);
    expect(c.allowedTransitions).toEqual(['FAILED', 'WITHDRAWN']);
    await server.ctx.db.case.update({ where: { id }, data: { status: 'SIGNED' } });
    expect((await mediator.json('GET', `/api/cases/${id}`)).case.allowedTransitions).toEqual([]);
  });

  it('调解不成 and 撤回 need a reason', async () => {
    for (const [from, to] of [
      ['MEDIATING', 'FAILED'],
      ['ACCEPTED', 'WITHDRAWN'],
      ['DISMISSED', 'MEDIATING'],
    ] as const) {
      const id = await caseIn(from);
      const res = await mediator.request('POST', `/api/cases/${id}/transition`, { to });
      expect(res.status).toBe(400);
      expect((await res.json()).code).toBe('REASON_REQUIRED');
      expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id } })).status).toBe(from);
    }
  });

  it("a process cannot make another process's move either", async () => {
    const id = await caseIn('SIGNED');
    const tryAs = (by: CaseProcess) =>
      server.ctx.db.$transaction((tx) => transitionCase(tx, { caseId: id, to: 'CONFIRMATION_REQUESTED', by, actor: { type: 'system' } }));
    await expect(tryAs('signing')).rejects.toMatchObject({ code: 'TRANSITION_NOT_OWNED' });
    await expect(tryAs('workflow')).rejects.toMatchObject({ code: 'TRANSITION_NOT_OWNED' });
    await expect(tryAs('judicial')).resolves.toEqual({ from: 'SIGNED', to: 'CONFIRMATION_REQUESTED' });
  });

  it('refuses a move based on a status someone else already changed', async () => {
    const id = await caseIn('MEDIATING');
    const move = server.ctx.db.$transaction((tx) => transitionCase(tx, { caseId: id, from: 'AGREED', to: 'SIGNED', by: 'signing', actor: { type: 'system' } }));
    await expect(move).rejects.toMatchObject({ code: 'STALE_STATE' });
  });

  it('rolls the state change back when its audit entry cannot be written (same transaction)', async () => {
    const id = await caseIn('ACCEPTED');
    // Occupy the next audit hash slot's prevHash so the append violates its unique constraint.
    const head = await server.ctx.db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    await server.ctx.db.$executeRawUnsafe(`UPDATE AuditHead SET hash = (SELECT prevHash FROM AuditEntry WHERE seq = 1) WHERE id = 1`);
    await expect(
      server.ctx.db.$transaction((tx) => transitionCase(tx, { caseId: id, to: 'TRIAGED', by: 'workflow', actor: { type: 'system' } })),
    ).rejects.toThrow();
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id } })).status).toBe('ACCEPTED');
    await server.ctx.db.auditHead.update({ where: { id: 1 }, data: { hash: head.hash } });
  });

  it('rejects an unknown status as a domain error', async () => {
    const id = await caseIn('ACCEPTED');
    const res = await mediator.request('POST', `/api/cases/${id}/transition`, { to: 'DONE' });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('VALIDATION');
    await expect(
      server.ctx.db.$transaction((tx) => transitionCase(tx, { caseId: id, to: 'DONE' as CaseStatus, by: 'workflow', actor: { type: 'system' } })),
    ).rejects.toBeInstanceOf(DomainError);
  });
});
