// 限时办结: each stage of a matter has a time limit; entering a stage sets when it is due and
// schedules its reminder and 督办 (deadlines/jobs.ts), in the caller's transaction. The limits are
// the centre's deadline policy (deadlines/policy.ts: per stage and dispute type, as data); a caller
// may pass its own `limit`. Callers: every move of a matter into a stage calls startStage.
import type { Tx } from '../db.ts';
import type { MatterStatus } from '../domain/matter-status.ts';
import { scheduleStageJobs, stageJobs, type StageJob } from '../deadlines/jobs.ts';
import { policyOf, stageTiming, type DeadlinePolicy } from '../deadlines/policy.ts';
import { matterEvent, recordMatterEvent, type MatterEventRow } from './matter-events.ts';

/** Stages that have a time limit: 分流 at the centre, 接收 by the unit, 指派 by its head, 办结 by the mediator. */
export const TIMED_STAGES = ['REGISTERED', 'ROUTED', 'ACCEPTED', 'ASSIGNED'] as const satisfies readonly MatterStatus[];
export type TimedStage = (typeof TIMED_STAGES)[number];

export function isTimedStage(status: string): status is TimedStage {
  return (TIMED_STAGES as readonly string[]).includes(status);
}

/** How long (hours) a stage may take for a matter, when a caller overrides the centre's policy. */
export type StageLimit = (stage: TimedStage, disputeType: string) => number;

export async function startStage(tx: Tx, matterId: string, stage: TimedStage, at: Date, actorLabel: string, limit?: StageLimit): Promise<Date> {
  const matter = await tx.matter.findUniqueOrThrow({ where: { id: matterId }, select: { id: true, disputeType: true, centreId: true } });
  const policy = await policyOf(tx, matter.centreId);
  const dueAt = stageDueAt(policy, stage, matter.disputeType, at, limit);
  await tx.matter.update({ where: { id: matterId }, data: { stageDueAt: dueAt } });
  await recordMatterEvent(tx, matterId, 'DEADLINE_SET', { stage, dueAt: dueAt.toISOString() }, actorLabel, at);
  await scheduleStageJobs(tx, matter, stage, dueAt, at, policy);
  return dueAt;
}

/** When a stage entered at `at` is due: the centre's policy, or the caller's own limit. */
export function stageDueAt(policy: DeadlinePolicy, stage: TimedStage, disputeType: string, at: Date, limit?: StageLimit): Date {
  const hours = limit ? limit(stage, disputeType) : stageTiming(policy, stage, disputeType).hours;
  return new Date(at.getTime() + hours * 3600_000);
}

/** A stage entered by a matter written in a batch: what startStage would write, not yet written. */
export interface PlannedStage {
  dueAt: Date;
  /** Its DEADLINE_SET step, for the matter's history in its place. */
  event: MatterEventRow;
  /** Its reminder and 督办, for the stage the matter rests in. */
  jobs: StageJob[];
}

/**
 * startStage for matters written in a batch (an import registers, routes, accepts and assigns each
 * in one instant): the caller writes the step in the history, the due time on the matter and the
 * jobs of the stage the matter rests in. A stage left in the same instant keeps its step but has
 * no jobs: startStage would have cancelled them at once.
 */
export function planStage(policy: DeadlinePolicy, matter: { id: string; disputeType: string }, stage: TimedStage, at: Date, actorLabel: string): PlannedStage {
  const dueAt = stageDueAt(policy, stage, matter.disputeType, at);
  return {
    dueAt,
    event: matterEvent(matter.id, 'DEADLINE_SET', { stage, dueAt: dueAt.toISOString() }, actorLabel, at),
    jobs: stageJobs(matter, stage, dueAt, at, policy),
  };
}
