// 限时办结 of 回访 tasks, as signaling/deadlines does it for matters: each open task is reminded
// to the one responsible `remindFollowUpHoursBefore` its deadline (REMIND), and at the deadline
// the head of its unit is told (督办, ESCALATE_UNIT_HEAD). The state is durable on the task itself
// (remindedAt, escalatedAt) and each step runs exactly once: one transaction claims it (a
// conditional update from null) and writes its audit row, so a second runner — a restart, another
// node — finds it claimed and does nothing. A step due while the server was down runs at the next
// start. What each step tells people is read from the audit rows (the task list shows 督办).
//
// The steps run on the 限时办结 scheduler (a DueSource of deadlines/scheduler.ts): it wakes when the
// next step is due on the Clock (tests move a FakeClock and await `deadlines.scheduler.runDue()`),
// and at least every DEADLINE_SCAN_SEC (tasks are opened by requests on any node).
import { appendAudit, type Actor } from '../../audit/log.ts';
import type { Db } from '../../db.ts';
import type { DueSource } from '../../deadlines/scheduler.ts';
import type { FollowUpPolicy } from '../policy.ts';

const HOUR = 3600_000;
const BATCH = 200;

export const FOLLOW_UP_SCHEDULER_ACTOR: Actor = { type: 'system', label: '系统（回访限时办结）' };

export type StepKind = 'REMIND' | 'ESCALATE_UNIT_HEAD';

/** Runs every step due at `now`; how many were written (a step another runner claimed first is not counted). */
export async function runDueSteps(db: Db, now: Date, policy: FollowUpPolicy): Promise<number> {
  const lead = policy.remindFollowUpHoursBefore * HOUR;
  let written = 0;
  // Reminders only before the deadline: a task opened already late goes straight to 督办.
  const toRemind = await db.followUpTask.findMany({
    where: { status: 'OPEN', remindedAt: null, dueAt: { gt: now, lte: new Date(now.getTime() + lead) } },
    orderBy: { dueAt: 'asc' },
    take: BATCH,
    select: { id: true },
  });
  for (const t of toRemind) if (await runStep(db, t.id, 'REMIND', now)) written++;
  const toEscalate = await db.followUpTask.findMany({
    where: { status: 'OPEN', escalatedAt: null, dueAt: { lte: now } },
    orderBy: { dueAt: 'asc' },
    take: BATCH,
    select: { id: true },
  });
  for (const t of toEscalate) if (await runStep(db, t.id, 'ESCALATE_UNIT_HEAD', now)) written++;
  return written;
}

/** One step of one task, exactly once: the claim and the audit row commit together. */
export async function runStep(db: Db, taskId: string, kind: StepKind, now: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const claim =
      kind === 'REMIND'
        ? await tx.followUpTask.updateMany({ where: { id: taskId, status: 'OPEN', remindedAt: null }, data: { remindedAt: now } })
        : await tx.followUpTask.updateMany({ where: { id: taskId, status: 'OPEN', escalatedAt: null }, data: { escalatedAt: now } });
    if (claim.count !== 1) return false;
    const task = await tx.followUpTask.findUniqueOrThrow({ where: { id: taskId } });
    const dueAt = task.dueAt.toISOString();
    if (kind === 'REMIND') {
      await appendAudit(tx, FOLLOW_UP_SCHEDULER_ACTOR, task.caseId, {
        type: 'FOLLOW_UP_REMINDED',
        data: { taskId, dueAt, ...(task.assigneeId ? { userId: task.assigneeId } : {}) },
      });
    } else {
      const heads = await tx.user.findMany({ where: { orgId: task.unitId, role: 'UNIT_HEAD', active: true }, select: { id: true } });
      await appendAudit(tx, FOLLOW_UP_SCHEDULER_ACTOR, task.caseId, {
        type: 'FOLLOW_UP_ESCALATED',
        data: { taskId, dueAt, unitId: task.unitId, headIds: heads.map((h) => h.id) },
      });
    }
    return true;
  });
}

/** When the next step is due (null: none). */
export async function nextStepAt(db: Db, now: Date, policy: FollowUpPolicy): Promise<Date | null> {
  const lead = policy.remindFollowUpHoursBefore * HOUR;
  const [remind, escalate] = await Promise.all([
    db.followUpTask.findFirst({ where: { status: 'OPEN', remindedAt: null, dueAt: { gt: now } }, orderBy: { dueAt: 'asc' }, select: { dueAt: true } }),
    db.followUpTask.findFirst({ where: { status: 'OPEN', escalatedAt: null }, orderBy: { dueAt: 'asc' }, select: { dueAt: true } }),
  ]);
  const times = [remind ? remind.dueAt.getTime() - lead : null, escalate ? escalate.dueAt.getTime() : null].filter((t): t is number => t !== null);
  return times.length ? new Date(Math.min(...times)) : null;
}

/** The steps as a source of the 限时办结 scheduler (deadlines/scheduler.ts): one timer and one scan for both. */
export function followUpDueSource(db: Db, policy: FollowUpPolicy): DueSource {
  return { name: 'followup', runDue: (now) => runDueSteps(db, now, policy), nextAt: (now) => nextStepAt(db, now, policy) };
}
