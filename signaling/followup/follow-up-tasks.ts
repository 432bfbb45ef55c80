// Opening a 回访 task is shared by ratings, performance tracking and sampling: one task per source
// (the unique reason+sourceId makes a repeated trigger — a retry, another node — a no-op), owned by
// the case's unit, due by the policy's limit for its reason.
import type { Tx } from '../db.ts';
import { appendAudit, type Actor } from '../audit/log.ts';
import type { FollowUpPolicy, FollowUpReason } from './policy.ts';

const DAY = 86_400_000;

export interface OpenFollowUp {
  caseId: string;
  reason: FollowUpReason;
  /** The rating, obligation or sampling run it comes from; null only for MANUAL. */
  sourceId: string | null;
  assigneeId?: string | null;
}

/** Opens the task in the caller's transaction; returns it, or the one already open for that source. */
export async function openFollowUpTask(tx: Tx, input: OpenFollowUp, at: Date, policy: FollowUpPolicy, actor: Actor): Promise<{ id: string; created: boolean }> {
  if (input.sourceId) {
    const existing = await tx.followUpTask.findUnique({ where: { reason_sourceId: { reason: input.reason, sourceId: input.sourceId } }, select: { id: true } });
    if (existing) return { id: existing.id, created: false };
  }
  const kase = await tx.case.findUniqueOrThrow({ where: { id: input.caseId }, select: { orgId: true, mediatorId: true, matter: { select: { id: true } } } });
  const dueAt = new Date(at.getTime() + policy.followUpDays[input.reason].days * DAY);
  const task = await tx.followUpTask.create({
    data: {
      caseId: input.caseId,
      matterId: kase.matter?.id ?? null,
      reason: input.reason,
      sourceId: input.sourceId,
      unitId: kase.orgId,
      assigneeId: input.assigneeId ?? kase.mediatorId,
      dueAt,
      createdAt: at,
    },
  });
  await appendAudit(tx, actor, input.caseId, { type: 'FOLLOW_UP_OPENED', data: { taskId: task.id, reason: input.reason, dueAt: dueAt.toISOString() } });
  return { id: task.id, created: true };
}
