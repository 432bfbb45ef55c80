// The case lifecycle state machine: every legal and every illegal transition, as a pure
// function and through the HTTP API (real SQLite), with the audit entry in the same transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_STATUSES, CASE_TRANSITIONS, canTransition, transitionProblem, type CaseStatus } from '../../signaling/domain/case-status.ts';
import { transitionCase } from '../../signaling/cases/case-service.ts';
import { DomainError } from '../../signaling/errors.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';

const LEGAL: Array<[CaseStatus, CaseStatus]> = [
  ['ACCEPTED', 'TRIAGED'], ['ACCEPTED', 'WITHDRAWN'],
  ['TRIAGED', 'MEDIATING'], ['TRIAGED', 'WITHDRAWN'],
  ['MEDIATING', 'AGREED'], ['MEDIATING', 'FAILED'], ['MEDIATING', 'WITHDRAWN'],
  ['AGREED', 'SIGNED'], ['AGREED', 'MEDIATING'], ['AGREED', 'WITHDRAWN'],
  ['SIGNED', 'CONFIRMATION_REQUESTED'], ['SIGNED', 'WITHDRAWN'],
  ['CONFIRMATION_REQUESTED', 'CONFIRMED'], ['CONFIRMATION_REQUESTED', 'DISMISSED'], ['CONFIRMATION_REQUESTED', 'WITHDRAWN'],
];
const isLegal = (from: CaseStatus, to: CaseStatus) => LEGAL.some(([f, t]) => f === from && t === to);
const ALL_PAIRS = CASE_STATUSES.flatMap((from) => CASE_STATUSES.map((to) => [from, to] as [CaseStatus, CaseStatus]));

/** Shortest legal path from 受理 to the target status (breadth-first over the table under test). */
function pathTo(target: CaseStatus): CaseStatus[] {
  const prev = new Map<CaseStatus, CaseStatus | null>([['ACCEPTED', null]]);
  const queue: CaseStatus[] = ['ACCEPTED'];
  while (queue.length) {
    const s = queue.shift()!;
    for (const n of CASE_TRANSITIONS[s]) if (!prev.has(n)) prev.set(n, s), queue.push(n);
  }
  const path: CaseStatus[] = [];
  for (let s: CaseStatus | null | undefined = target; s && s !== 'ACCEPTED'; s = prev.get(s)) path.unshift(s);
  return path;
}

describe('case state machine (pure)', () => {
  it.each(ALL_PAIRS)('%s → %s is legal exactly when listed', (from, to) => {
    expect(canTransition(from, to)).toBe(isLegal(from, to));
    expect(transitionProblem(from, to) === null).toBe(isLegal(from, to));
  });

  it('explains illegal moves in Chinese, naming the allowed ones', () => {
    expect(transitionProblem('ACCEPTED', 'SIGNED')).toBe('不能从「受理」变更为「已签署」，只能变更为「分流」、「已撤回」');
    expect(transitionProblem('CONFIRMED', 'MEDIATING')).toContain('终结状态「已确认」');
  });
});

describe('case transitions through the API', () => {
  let server: TestServer;
  let mediator: StaffClient;

  beforeAll(async () => {
    server = await startTestServer();
    const admin = new StaffClient(server.url);
    await admin.login(server.admin.username, server.admin.password);
    await admin.json('POST', '/api/users', { username: 'bianwl', displayName: '边文玲', role: 'MEDIATOR', password: 'mediator-pass-1' }, 201);
    mediator = new StaffClient(server.url);
    expect((await mediator.login('bianwl', 'mediator-pass-1')).status).toBe(200);
  });
  afterAll(() => server?.close());

  async function caseIn(status: CaseStatus): Promise<string> {
    const { case: c } = await mediator.json('POST', '/api/cases', { title: `状态测试 ${status}`, disputeType: 'GENERAL', summary: '测试' }, 201);
    for (const step of pathTo(status)) await mediator.json('POST', `/api/cases/${c.id}/transition`, { to: step });
    return c.id;
  }

  it.each(ALL_PAIRS)('%s → %s', async (from, to) => {
    const id = await caseIn(from);
    const auditBefore = await server.ctx.db.auditEntry.count({ where: { caseId: id } });
    const res = await mediator.request('POST', `/api/cases/${id}/transition`, { to, reason: '测试' });
    const body = await res.json();
    const after = await server.ctx.db.case.findUniqueOrThrow({ where: { id } });
    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId: id }, orderBy: { seq: 'asc' } });
    if (isLegal(from, to)) {
      expect(res.status).toBe(200);
      expect(body.case.status).toBe(to);
      expect(after.status).toBe(to);
      expect(audit).toHaveLength(auditBefore + 1);
      expect(JSON.parse(audit.at(-1)!.data)).toEqual({ from, to, reason: '测试' });
    } else {
      expect(res.status).toBe(409);
      expect(body.code).toBe('ILLEGAL_TRANSITION');
      expect(body.message).toMatch(/不能|终结状态|已处于/);
      expect(after.status).toBe(from);
      expect(audit).toHaveLength(auditBefore);
    }
  });

  it('rolls the state change back when its audit entry cannot be written (same transaction)', async () => {
    const id = await caseIn('ACCEPTED');
    // Occupy the next audit hash slot's prevHash so the append violates its unique constraint.
    const head = await server.ctx.db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    await server.ctx.db.$executeRawUnsafe(`UPDATE AuditHead SET hash = (SELECT prevHash FROM AuditEntry WHERE seq = 1) WHERE id = 1`);
    await expect(transitionCase(server.ctx, { type: 'system' }, id, 'TRIAGED', undefined)).rejects.toThrow();
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id } })).status).toBe('ACCEPTED');
    await server.ctx.db.auditHead.update({ where: { id: 1 }, data: { hash: head.hash } });
  });

  it('rejects an unknown status as a domain error', async () => {
    const id = await caseIn('ACCEPTED');
    await expect(transitionCase(server.ctx, { type: 'system' }, id, 'DONE', undefined)).rejects.toBeInstanceOf(DomainError);
  });
});
