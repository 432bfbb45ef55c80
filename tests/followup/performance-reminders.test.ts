// 履行 over months on a FakeClock: the mediator derives, corrects and confirms the schedule; the
// obligor is reminded before each due day, once, and nobody else is; nothing is reminded once an
// obligation is performed; a partly paid obligation becomes 逾期 the day after its due day and opens
// exactly one MISSED_PERFORMANCE 回访 — however many scans, restarts or nodes run the step — and the
// obligee is asked to confirm and told what it can do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../signaling/audit/log.ts';
import { FakeClock } from '../../signaling/deadlines/clock.ts';
import { loadFollowUpPolicy } from '../../signaling/followup/policy.ts';
import { runPerformanceSteps } from '../../signaling/followup/performance/tracker.ts';
import { SmsOutbox } from '../signing/signing-support.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { asParty, receipt, signedLoanCase, type SignedCase } from './performance-support.ts';

const sms = new SmsOutbox();
const clock = new FakeClock(Date.now());
let server: TestServer;
let k: SignedCase;
let principalId: string;
let interestId: string;

async function advanceTo(iso: string): Promise<void> {
  const ms = Date.parse(iso) - clock.now().getTime();
  if (ms > 0) clock.advance(ms);
  await server.deadlines.scheduler.runDue();
}

const events = (obligationId: string, type?: string) =>
  server.ctx.db.obligationEvent.findMany({ where: { obligationId, ...(type ? { type } : {}) }, orderBy: { id: 'asc' } });

beforeAll(async () => {
  server = await startTestServer({}, { sms, clock });
  k = await signedLoanCase(server, sms);
}, 120_000);
afterAll(() => server?.close());

describe('the schedule: derived, corrected, confirmed', () => {
  it('is derived from the signed text as a draft the parties do not see yet', async () => {
    const view = await k.mediator.json('POST', `/api/performance/${k.caseId}/schedule/derive`, {});
    expect(view.schedule.status).toBe('DRAFT');
    expect(view.obligations.map((o: any) => [o.seq, o.kind, o.obligorSide, o.obligeeSide, o.amountFen, o.dueDate])).toEqual([
      [1, 'PAYMENT', 'B', 'A', 5_000_000, '2027-04-30'],
      [2, 'PAYMENT', 'B', 'A', 150_000, '2027-04-30'],
    ]);
    expect(view.obligations[0].obligorLabel).toBe('乙方（王某）');
    [principalId, interestId] = view.obligations.map((o: any) => o.id as string);
    const party = await asParty(server, k.tokenB, 'GET', `/api/performance/${k.caseId}`);
    expect(party.status).toBe(200);
    expect(party.body.schedule.status).toBe('DRAFT');
    expect(party.body.obligations).toEqual([]);
    // Only the case's mediator derives and confirms.
    expect((await asParty(server, k.tokenA, 'POST', `/api/performance/${k.caseId}/schedule/derive`, {})).status).toBe(403);
  });

  it('a case not yet signed has no schedule', async () => {
    const res = await k.mediator.request('POST', `/api/performance/${k.otherCaseId}/schedule/derive`, {});
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe('PERFORMANCE_NOT_SIGNED');
    expect(await server.ctx.db.performanceSchedule.count({ where: { caseId: k.otherCaseId } })).toBe(0);
  });

  it('the mediator corrects an item (audited), and confirms what it saw — not a schedule changed meanwhile', async () => {
    await k.mediator.json(
      'PUT',
      `/api/performance/${k.caseId}/obligations/${interestId}`,
      {
        kind: 'PAYMENT',
        description: '利息：乙方于2027年5月31日前向甲方支付利息人民币1,500.00元',
        obligorSide: 'B',
        obligeeSide: 'A',
        amount: '1500',
        dueDate: '2027-05-31',
      },
      204,
    );
    const stale = await k.mediator.request('POST', `/api/performance/${k.caseId}/schedule/confirm`, { obligations: 3 });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { code: string }).code).toBe('SCHEDULE_CHANGED');
    const view = await k.mediator.json('POST', `/api/performance/${k.caseId}/schedule/confirm`, { obligations: 2 });
    expect(view.schedule.status).toBe('CONFIRMED');
    expect(view.obligations.map((o: any) => [o.dueDate, o.status])).toEqual([
      ['2027-04-30', 'NOT_DUE'],
      ['2027-05-31', 'NOT_DUE'],
    ]);
    const after = await k.mediator.request('PUT', `/api/performance/${k.caseId}/obligations/${interestId}`, {
      kind: 'PAYMENT',
      description: '利息',
      obligorSide: 'B',
      obligeeSide: 'A',
      amount: '1',
      dueDate: '2027-05-31',
    });
    expect(((await after.json()) as { code: string }).code).toBe('SCHEDULE_CONFIRMED');
    const audit = await server.ctx.db.auditEntry.findMany({
      where: { caseId: k.caseId, type: { in: ['PERFORMANCE_SCHEDULE_DERIVED', 'OBLIGATION_CORRECTED', 'PERFORMANCE_SCHEDULE_CONFIRMED'] } },
      orderBy: { seq: 'asc' },
    });
    expect(audit.map((a) => a.type)).toEqual(['PERFORMANCE_SCHEDULE_DERIVED', 'OBLIGATION_CORRECTED', 'PERFORMANCE_SCHEDULE_CONFIRMED']);
    expect(JSON.parse(audit[1]!.data)).toMatchObject({ seq: 2, changes: ['内容', '期限'] });
  });
});

describe('reminders and 逾期 on the clock', () => {
  it('the obligor is reminded three days before, at 09:00, once, and only the obligor’s side', async () => {
    await advanceTo('2027-04-27T00:59:00Z'); // 08:59 in China
    expect(await events(principalId, 'REMIND_OBLIGOR')).toHaveLength(0);
    // Three "nodes" reach 09:00 at once (before this server's own tracker does): one reminder in all.
    const policy = loadFollowUpPolicy(server.dataDir);
    const at = new Date('2027-04-27T01:00:00Z');
    const written = await Promise.all([1, 2, 3].map(() => runPerformanceSteps(server.ctx.db, at, policy)));
    expect(written.reduce((a, b) => a + b, 0)).toBe(1);
    await advanceTo('2027-04-27T01:00:00Z');
    await server.deadlines.scheduler.runDue();
    const reminded = await events(principalId, 'REMIND_OBLIGOR');
    expect(reminded.map((e) => e.participantId)).toEqual([k.partyBId]);
    expect(reminded[0]!.amountFen).toBe(5_000_000);
    expect(await events(interestId, 'REMIND_OBLIGOR')).toHaveLength(0);
    // It reaches the obligor's phone, once, however often the scheduler runs again.
    await server.deadlines.scheduler.runDue();
    const phoneB = (await server.ctx.db.participant.findUniqueOrThrow({ where: { id: k.partyBId } })).phone;
    const toObligor = sms.messages.filter((m) => m.text.includes('将于2027-04-30到期'));
    expect(toObligor).toEqual([{ phone: phoneB, text: expect.stringContaining('第1项义务') }]);
    expect(toObligor[0]!.text).toContain('尚余50,000.00元');
    expect((await server.ctx.db.obligationEvent.findUniqueOrThrow({ where: { id: reminded[0]!.id } })).sendStatus).toBe('SENT');

    // Each side's page shows its own reminders only.
    const b = await asParty(server, k.tokenB, 'GET', `/api/performance/${k.caseId}`);
    expect(b.body.obligations[0].events.map((e: any) => e.type)).toEqual(['REMIND_OBLIGOR']);
    const a = await asParty(server, k.tokenA, 'GET', `/api/performance/${k.caseId}`);
    expect(a.body.obligations[0].events.map((e: any) => e.type)).toEqual([]);
    expect(a.body.obligations[0].canConfirmReceipt).toBe(true);
    expect(b.body.obligations[0].canConfirmReceipt).toBe(false);
    expect(b.body.obligations[0].canUploadProof).toBe(true);
  });

  it('once the obligee confirms full payment, nothing more is reminded and it is never 逾期', async () => {
    const r = await receipt(server, k, principalId, '50000');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'PERFORMED', receivedFen: 5_000_000 });
    await advanceTo('2027-05-02T02:00:00Z');
    expect((await events(principalId)).map((e) => e.type)).toEqual(['REMIND_OBLIGOR', 'RECEIPT_CONFIRMED']);
    expect((await server.ctx.db.obligation.findUniqueOrThrow({ where: { id: principalId } })).status).toBe('PERFORMED');
    expect(await server.ctx.db.followUpTask.count({ where: { sourceId: principalId } })).toBe(0);
  });

  it('a part payment is 部分履行 until the due day ends, then 逾期 with one 回访 task, however often the step runs', async () => {
    await advanceTo('2027-05-28T01:00:00Z');
    expect((await events(interestId, 'REMIND_OBLIGOR')).map((e) => e.participantId)).toEqual([k.partyBId]);
    expect((await receipt(server, k, interestId, '500')).body).toEqual({ status: 'PARTIAL', receivedFen: 50_000 });

    await advanceTo('2027-05-31T15:59:00Z'); // 23:59 on the due day in China
    expect((await server.ctx.db.obligation.findUniqueOrThrow({ where: { id: interestId } })).status).toBe('PARTIAL');
    expect(await events(interestId, 'OVERDUE')).toHaveLength(0);

    // 00:00 the next day, reached by three "nodes" at once and then by this server's scheduler.
    const policy = loadFollowUpPolicy(server.dataDir);
    const at = new Date('2027-05-31T16:00:00Z');
    const written = await Promise.all([1, 2, 3].map(() => runPerformanceSteps(server.ctx.db, at, policy)));
    expect(written.reduce((a, b) => a + b, 0)).toBe(1);
    await advanceTo('2027-05-31T16:00:00Z');
    await server.deadlines.scheduler.runDue();
    const o = await server.ctx.db.obligation.findUniqueOrThrow({ where: { id: interestId } });
    expect(o.status).toBe('OVERDUE');
    const overdue = await events(interestId, 'OVERDUE');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]!.amountFen).toBe(100_000);
    const tasks = await server.ctx.db.followUpTask.findMany({ where: { reason: 'MISSED_PERFORMANCE', sourceId: interestId } });
    expect(tasks).toHaveLength(1);
    const kase = await server.ctx.db.case.findUniqueOrThrow({ where: { id: k.caseId } });
    expect(tasks[0]).toMatchObject({ caseId: k.caseId, unitId: kase.orgId, assigneeId: kase.mediatorId, status: 'OPEN' });
    // Due by the policy's limit for missed performance (5 days).
    expect(tasks[0]!.dueAt.toISOString()).toBe('2027-06-05T16:00:00.000Z');
    expect(await events(interestId, 'OVERDUE')).toHaveLength(1);
    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId: k.caseId, type: { in: ['OBLIGATION_OVERDUE', 'FOLLOW_UP_OPENED'] } } });
    expect(audit.map((a) => a.type).sort()).toEqual(['FOLLOW_UP_OPENED', 'OBLIGATION_OVERDUE']);
    expect((await verifyAuditChain(server.ctx.db)).ok).toBe(true);
  });

  it('the obligee is asked to confirm the day after, and its page says what it can do; the obligor’s page does not', async () => {
    await advanceTo('2027-06-01T00:59:00Z');
    expect(await events(interestId, 'REMIND_OBLIGEE')).toHaveLength(0);
    await advanceTo('2027-06-01T01:00:00Z');
    expect((await events(interestId, 'REMIND_OBLIGEE')).map((e) => e.participantId)).toEqual([k.partyAId]);
    const phoneA = (await server.ctx.db.participant.findUniqueOrThrow({ where: { id: k.partyAId } })).phone;
    // Its due day was corrected to 2027-05-31 above.
    expect(sms.messages.filter((m) => m.text.includes('已于2027-05-31到期'))).toEqual([{ phone: phoneA, text: expect.stringContaining('第2项') }]);
    // The principal, performed, gets none.
    expect(await events(principalId, 'REMIND_OBLIGEE')).toHaveLength(0);

    const a = await asParty(server, k.tokenA, 'GET', `/api/performance/${k.caseId}`);
    expect(a.body.obligations[1].status).toBe('OVERDUE');
    expect(a.body.obligations[1].events.map((e: any) => e.type)).toEqual(['RECEIPT_CONFIRMED', 'OVERDUE', 'REMIND_OBLIGEE']);
    const local = await server.ctx.db.court.findFirstOrThrow({ where: { isLocal: true } });
    expect(a.body.remedies).toMatchObject({ confirmed: false, court: local.name });
    const text = a.body.remedies.paragraphs.join('');
    expect(text).toContain('提起诉讼');
    expect(text).toContain(local.name);
    expect(text).toContain('第2项 1,000.00元');
    const b = await asParty(server, k.tokenB, 'GET', `/api/performance/${k.caseId}`);
    expect(b.body.remedies).toBeNull();
    expect(b.body.obligations[1].events.map((e: any) => e.type)).toEqual(['REMIND_OBLIGOR', 'RECEIPT_CONFIRMED', 'OVERDUE']);
  });
});
