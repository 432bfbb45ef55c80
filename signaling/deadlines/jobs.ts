// The durable jobs of 限时办结. Setting a deadline writes its jobs in the same transaction (so a
// deadline never exists without its reminder and 督办, and a rolled-back move leaves none):
//
//   REMIND              remindBeforeHours before the deadline     → REMINDED  to the owner
//   ESCALATE_UNIT_HEAD  at the deadline                           → ESCALATED to the unit's head
//   ESCALATE_CENTRE     escalateToCentreAfterHours after it       → ESCALATED to the centre (dispatchers)
//
// Running a job is idempotent and happens once: one transaction claims the row (PENDING → DONE,
// conditionally) and writes the event, so a second runner — a restart, another node, a queue's
// redelivery — finds it done and does nothing. A job whose matter has moved on (another stage, an
// extended deadline, closed) is SKIPPED. Delivery to people (SMS, WeChat) is the notification
// consumer's: it reads the events.
import type { Db, Tx } from '../db.ts';
import type { TimedStage } from '../intake/stage-deadline.ts';
import { recordMatterEvent } from '../intake/matter-events.ts';
import { stageTiming, type DeadlinePolicy } from './policy.ts';

export const JOB_KINDS = ['REMIND', 'ESCALATE_UNIT_HEAD', 'ESCALATE_CENTRE'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Who the history names for steps the scheduler takes. */
export const SCHEDULER_ACTOR = '系统（限时办结）';

const HOUR = 3600_000;

/** Replaces the matter's pending jobs with those of its new deadline (in the caller's transaction). */
export async function scheduleStageJobs(
  tx: Tx,
  matter: { id: string; disputeType: string },
  stage: TimedStage,
  dueAt: Date,
  at: Date,
  policy: DeadlinePolicy,
): Promise<void> {
  await tx.scheduledJob.updateMany({ where: { matterId: matter.id, status: 'PENDING' }, data: { status: 'CANCELLED', doneAt: at } });
  await tx.scheduledJob.createMany({ data: stageJobs(matter, stage, dueAt, at, policy) });
}

export interface StageJob {
  matterId: string;
  kind: JobKind;
  stage: TimedStage;
  dueAt: Date;
  runAt: Date;
}

/** The reminder and 督办 of a stage's deadline, set at `at`. */
export function stageJobs(matter: { id: string; disputeType: string }, stage: TimedStage, dueAt: Date, at: Date, policy: DeadlinePolicy): StageJob[] {
  const { remindBeforeHours } = stageTiming(policy, stage, matter.disputeType);
  const jobs: { kind: JobKind; runAt: Date }[] = [
    { kind: 'ESCALATE_UNIT_HEAD', runAt: dueAt },
    { kind: 'ESCALATE_CENTRE', runAt: new Date(dueAt.getTime() + policy.escalateToCentreAfterHours * HOUR) },
  ];
  const remindAt = new Date(dueAt.getTime() - remindBeforeHours * HOUR);
  // A deadline already that close (an extension by an hour) needs no separate reminder.
  if (remindBeforeHours > 0 && remindAt > at) jobs.unshift({ kind: 'REMIND', runAt: remindAt });
  return jobs.map((j) => ({ matterId: matter.id, kind: j.kind, stage, dueAt, runAt: j.runAt }));
}

/** The jobs of new matters, which have none pending to replace (a batch import), in one statement. */
export async function scheduleNewMattersJobs(tx: Tx, jobs: readonly StageJob[]): Promise<void> {
  if (jobs.length) await tx.scheduledJob.createMany({ data: [...jobs] });
}

/** The unit that must act in a stage: while routed, the unit it was routed to; otherwise the owner's. */
function actingUnit(matter: { status: string; ownerUnitId: string; pendingUnitId: string | null }): string {
  return matter.status === 'ROUTED' && matter.pendingUnitId ? matter.pendingUnitId : matter.ownerUnitId;
}

export type JobOutcome = 'DONE' | 'SKIPPED' | 'ALREADY_RUN';

/**
 * Runs one job at `now` on behalf of `node`. Exactly once: the claim and the event commit together.
 * `attempts` counts pick-ups (outside the claim), so a test can tell a duplicate delivery from none.
 */
export async function runJob(db: Db, jobId: string, now: Date, node: string): Promise<JobOutcome> {
  await db.scheduledJob.updateMany({ where: { id: jobId }, data: { attempts: { increment: 1 } } });
  return db.$transaction(async (tx) => {
    const claimed = await tx.scheduledJob.updateMany({ where: { id: jobId, status: 'PENDING' }, data: { status: 'DONE', doneAt: now, ranBy: node } });
    if (claimed.count !== 1) return 'ALREADY_RUN';
    const job = await tx.scheduledJob.findUniqueOrThrow({ where: { id: jobId } });
    const matter = await tx.matter.findUnique({
      where: { id: job.matterId },
      select: { status: true, stageDueAt: true, ownerUnitId: true, ownerUserId: true, pendingUnitId: true },
    });
    if (!matter || matter.status !== job.stage || matter.stageDueAt?.getTime() !== job.dueAt.getTime()) {
      await tx.scheduledJob.update({ where: { id: jobId }, data: { status: 'SKIPPED' } });
      return 'SKIPPED';
    }
    const about = { stage: job.stage, dueAt: job.dueAt.toISOString() };
    const kind = job.kind as JobKind;
    if (kind === 'REMIND') {
      await recordMatterEvent(tx, job.matterId, 'REMINDED', { ...about, userId: matter.ownerUserId, unitId: actingUnit(matter) }, SCHEDULER_ACTOR, now);
    } else {
      const level = kind === 'ESCALATE_UNIT_HEAD' ? 'UNIT_HEAD' : 'CENTRE';
      await recordMatterEvent(tx, job.matterId, 'ESCALATED', { ...about, level, unitId: actingUnit(matter) }, SCHEDULER_ACTOR, now);
    }
    return 'DONE';
  });
}

/** Several nodes: a job queued this long ago and still pending is queued again (BullMQ dedupes by its id). */
export const REQUEUE_AFTER_MS = 10 * 60_000;

/** Pending jobs due at `now` and not waiting in a queue, oldest first. */
export async function dueJobIds(db: Db, now: Date, limit = 200): Promise<string[]> {
  const rows = await db.scheduledJob.findMany({
    where: { status: 'PENDING', runAt: { lte: now }, OR: [{ queuedAt: null }, { queuedAt: { lt: new Date(now.getTime() - REQUEUE_AFTER_MS) } }] },
    orderBy: { runAt: 'asc' },
    take: limit,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** When the next pending job not yet queued is due (null: none). */
export async function nextRunAt(db: Db): Promise<Date | null> {
  const row = await db.scheduledJob.findFirst({ where: { status: 'PENDING', queuedAt: null }, orderBy: { runAt: 'asc' }, select: { runAt: true } });
  return row?.runAt ?? null;
}
