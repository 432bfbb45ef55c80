// The timed steps of 履行 (#16 item 1), driven by the Clock: for every obligation of a confirmed
// schedule that is not fully performed —
//
//   REMIND_OBLIGOR   remindObligorDaysBefore days before the due day, 09:00  → each party of the obligor's side
//   OVERDUE          the day after the due day, 00:00                        → status 逾期, a MISSED_PERFORMANCE 回访
//   REMIND_OBLIGEE   remindObligeeDaysAfter days after the due day, 09:00    → each party of the obligee's side
//
// (China time.) Each step is an ObligationEvent with a dedupeKey naming the step, the due day and the
// recipient, written in one BEGIN IMMEDIATE transaction with what the step changes: a restart, a
// second node or a second scan finds the key and does nothing, so each step happens exactly once. The
// transaction re-reads the obligation first, so nothing is reminded once it is performed. The page of
// each side shows its reminders; delivery by SMS is not wired (see the folder's README).
import { appendAudit, type Actor } from '../../audit/log.ts';
import type { Db, Tx } from '../../db.ts';
import type { DueSource } from '../../deadlines/scheduler.ts';
import { chinaDay, isFullyPerformed, overdueFrom, performanceStatus } from '../../domain/performance-status.ts';
import { openFollowUpTask } from '../follow-up-tasks.ts';
import type { FollowUpPolicy } from '../policy.ts';
import type { SmsProvider } from '../../signing/sms.ts';
import { deliverReminders } from './reminder-sms.ts';

const DAY = 86_400_000;
const NINE_AM = 9 * 3600_000;

export const PERFORMANCE_ACTOR: Actor = { type: 'system', label: '系统（履行跟踪）' };

export type StepKind = 'REMIND_OBLIGOR' | 'OVERDUE' | 'REMIND_OBLIGEE';

export interface StepObligation {
  id: string;
  dueDate: Date;
}

/** When each step of an obligation falls due. */
export function stepTimes(o: StepObligation, policy: Pick<FollowUpPolicy, 'remindObligorDaysBefore' | 'remindObligeeDaysAfter'>): Record<StepKind, Date> {
  const due = o.dueDate.getTime();
  return {
    REMIND_OBLIGOR: new Date(due - policy.remindObligorDaysBefore * DAY + NINE_AM),
    OVERDUE: overdueFrom(o.dueDate),
    REMIND_OBLIGEE: new Date(due + policy.remindObligeeDaysAfter * DAY + NINE_AM),
  };
}

/** The step's idempotency key: one per step, due day and recipient (null: the obligation itself). */
export function stepKey(kind: StepKind, o: StepObligation, recipientId: string | null): string {
  return [kind, o.id, chinaDay(o.dueDate), ...(recipientId ? [recipientId] : [])].join(':');
}

const PARTY_ROLES = ['APPLICANT', 'RESPONDENT'];

/**
 * Obligations not yet performed, due within `horizon`, of confirmed schedules (a draft's are not
 * tracked). The due-date index narrows first; the schedules are then looked up for those cases only.
 */
async function openObligations(db: Db, horizon: Date, take?: number) {
  const candidates = await db.obligation.findMany({
    where: { status: { not: 'PERFORMED' }, dueDate: { lte: horizon } },
    orderBy: [{ dueDate: 'asc' }, { seq: 'asc' }],
    ...(take ? { take } : {}),
  });
  if (candidates.length === 0) return [];
  const confirmed = new Set<string>();
  const caseIds = [...new Set(candidates.map((o) => o.caseId))];
  for (let i = 0; i < caseIds.length; i += 500) {
    const rows = await db.performanceSchedule.findMany({ where: { caseId: { in: caseIds.slice(i, i + 500) }, status: 'CONFIRMED' }, select: { caseId: true } });
    for (const r of rows) confirmed.add(r.caseId);
  }
  return candidates.filter((o) => confirmed.has(o.caseId));
}

/** Runs every step due at `now`; returns how many it wrote. Safe to run anywhere, any number of times. */
export async function runPerformanceSteps(db: Db, now: Date, policy: FollowUpPolicy): Promise<number> {
  const horizon = new Date(now.getTime() + (policy.remindObligorDaysBefore + 1) * DAY);
  const open = await openObligations(db, horizon);
  // Steps already taken are skipped without a transaction (the one in runStep is what guarantees "once").
  const taken = new Set<string>();
  for (let i = 0; i < open.length; i += 500) {
    const rows = await db.obligationEvent.findMany({
      where: { obligationId: { in: open.slice(i, i + 500).map((o) => o.id) }, type: { in: ['REMIND_OBLIGOR', 'OVERDUE', 'REMIND_OBLIGEE'] } },
      select: { obligationId: true, type: true },
    });
    for (const r of rows) taken.add(`${r.obligationId}:${r.type}`);
  }
  let written = 0;
  for (const o of open) {
    const times = stepTimes(o, policy);
    for (const kind of ['REMIND_OBLIGOR', 'OVERDUE', 'REMIND_OBLIGEE'] as const) {
      if (times[kind] > now || taken.has(`${o.id}:${kind}`)) continue;
      written += await db.$transaction((tx) => runStep(tx, kind, o.id, now, policy));
    }
  }
  return written;
}

async function runStep(tx: Tx, kind: StepKind, obligationId: string, now: Date, policy: FollowUpPolicy): Promise<number> {
  const o = await tx.obligation.findUnique({ where: { id: obligationId } });
  if (!o || isFullyPerformed(o)) return 0;
  if (kind === 'OVERDUE') {
    const key = stepKey('OVERDUE', o, null);
    if (await tx.obligationEvent.findUnique({ where: { dedupeKey: key }, select: { id: true } })) return 0;
    await tx.obligationEvent.create({
      data: { obligationId: o.id, at: now, type: 'OVERDUE', dedupeKey: key, amountFen: o.amountFen === null ? null : o.amountFen - o.receivedFen },
    });
    await tx.obligation.update({ where: { id: o.id }, data: { status: performanceStatus(o, now) } });
    await appendAudit(tx, PERFORMANCE_ACTOR, o.caseId, { type: 'OBLIGATION_OVERDUE', data: { obligationId: o.id, seq: o.seq, dueDate: chinaDay(o.dueDate) } });
    await openFollowUpTask(tx, { caseId: o.caseId, reason: 'MISSED_PERFORMANCE', sourceId: o.id }, now, policy, PERFORMANCE_ACTOR);
    return 1;
  }
  // A reminder before the due day that would only arrive after it helps nobody (a schedule confirmed late).
  if (kind === 'REMIND_OBLIGOR' && now >= overdueFrom(o.dueDate)) return 0;
  const side = kind === 'REMIND_OBLIGOR' ? o.obligorSide : o.obligeeSide;
  const recipients = await tx.participant.findMany({
    where: { caseId: o.caseId, side, role: { in: PARTY_ROLES } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
  });
  let written = 0;
  for (const r of recipients) {
    const key = stepKey(kind, o, r.id);
    if (await tx.obligationEvent.findUnique({ where: { dedupeKey: key }, select: { id: true } })) continue;
    await tx.obligationEvent.create({
      data: {
        obligationId: o.id,
        at: now,
        type: kind,
        participantId: r.id,
        dedupeKey: key,
        amountFen: o.amountFen === null ? null : o.amountFen - o.receivedFen,
        // reminder-sms.ts sends it to the party's phone once the step has committed.
        sendStatus: 'PENDING',
      },
    });
    written++;
  }
  return written;
}

/** The next instant a step falls due after `now` (null: none pending). */
export async function nextStepAt(db: Db, now: Date, policy: FollowUpPolicy): Promise<Date | null> {
  const soon = await openObligations(db, new Date(now.getTime() + 400 * DAY), 500);
  let next: Date | null = null;
  for (const o of soon) {
    for (const at of Object.values(stepTimes(o, policy))) if (at > now && (!next || at < next)) next = at;
  }
  return next;
}

/**
 * The steps as a source of the one deadline scheduler (deadlines/scheduler.ts): it wakes at the next
 * step (and at least every scan, for schedules confirmed on another node), so the server keeps one
 * timer whatever areas time things. Tests move a FakeClock and await the scheduler's `runDue()`.
 */
export function performanceSource(db: Db, policy: FollowUpPolicy, sms: SmsProvider): DueSource {
  return {
    name: 'performance',
    runDue: async (now) => (await runPerformanceSteps(db, now, policy)) + (await deliverReminders(db, sms, now)),
    nextAt: (now) => nextStepAt(db, now, policy),
  };
}
