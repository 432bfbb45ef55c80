// 限时办结: each stage of a matter has a time limit; entering a stage sets when it is due and
// schedules its reminder and 督办 (deadlines/jobs.ts), in the caller's transaction. The limits are
// the centre's deadline policy (deadlines/policy.ts: per stage and dispute type, as data); a caller
// may pass its own `limit`. Callers: every move of a matter into a stage calls startStage.
import type { Tx } from '../db.ts';
import type { MatterStatus } from '../domain/matter-status.ts';
import { scheduleStageJobs } from '../deadlines/jobs.ts';
import { policyOf, stageTiming } from '../deadlines/policy.ts';
import { recordMatterEvent } from './matter-events.ts';

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
  const hours = limit ? limit(stage, matter.disputeType) : stageTiming(policy, stage, matter.disputeType).hours;
  const dueAt = new Date(at.getTime() + hours * 3600_000);
  await tx.matter.update({ where: { id: matterId }, data: { stageDueAt: dueAt } });
  await recordMatterEvent(tx, matterId, 'DEADLINE_SET', { stage, dueAt: dueAt.toISOString() }, actorLabel, at);
  await scheduleStageJobs(tx, matter, stage, dueAt, at, policy);
  return dueAt;
}
