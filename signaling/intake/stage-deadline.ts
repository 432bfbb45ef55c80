// 限时办结: each stage of a matter has a time limit; entering a stage sets when it is due. The
// limits here are the built-in defaults (hours per stage); the deadlines module makes them
// configurable per dispute type and runs the reminders and escalation. Callers: every move of a
// matter into a stage calls startStage in the same transaction.
import type { Tx } from '../db.ts';
import type { MatterStatus } from '../domain/matter-status.ts';
import { recordMatterEvent } from './matter-events.ts';

/** Stages that have a time limit: 分流 at the centre, 接收 by the unit, 指派 by its head, 办结 by the mediator. */
export const TIMED_STAGES = ['REGISTERED', 'ROUTED', 'ACCEPTED', 'ASSIGNED'] as const satisfies readonly MatterStatus[];
export type TimedStage = (typeof TIMED_STAGES)[number];

export const DEFAULT_STAGE_LIMIT_HOURS: Record<TimedStage, number> = {
  REGISTERED: 24,
  ROUTED: 48,
  ACCEPTED: 24,
  ASSIGNED: 30 * 24,
};

/** How long a stage may take for a matter; replaced by the configurable table of the deadlines module. */
export type StageLimit = (stage: TimedStage, disputeType: string) => number;
export const defaultStageLimit: StageLimit = (stage) => DEFAULT_STAGE_LIMIT_HOURS[stage];

export async function startStage(
  tx: Tx,
  matterId: string,
  stage: TimedStage,
  at: Date,
  actorLabel: string,
  limit: StageLimit = defaultStageLimit,
): Promise<Date> {
  const matter = await tx.matter.findUniqueOrThrow({ where: { id: matterId }, select: { disputeType: true } });
  const dueAt = new Date(at.getTime() + limit(stage, matter.disputeType) * 3600_000);
  await tx.matter.update({ where: { id: matterId }, data: { stageDueAt: dueAt } });
  await recordMatterEvent(tx, matterId, 'DEADLINE_SET', { stage, dueAt: dueAt.toISOString() }, actorLabel, at);
  return dueAt;
}
