// Reopening a matter because a 回访 found it is not settled (the person still disputes, the
// mediation broke off too early): the case goes back to 调解中 by the move the state machine gives
// the follow-up (调解不成/已撤回 → 调解中, with the 回访's reason; 已驳回 → 调解中 is the
// workflow's own move, made here with the same reason), and its registered matter — when it had
// been closed or withdrawn — goes back to 办理中 with a new 限时办结 deadline and a step in its
// history (REOPENED), all in the caller's transaction with the task's own audit row.
//
// A signed agreement is not reopened: it binds the parties (人民调解法 第三十一条) and a dispute
// about it goes to the court (第三十二条) or, after 司法确认, to enforcement; a case still being
// mediated needs no reopening.
import type { Actor } from '../../audit/log.ts';
import { transitionCase } from '../../cases/case-transitions.ts';
import type { Tx } from '../../db.ts';
import { CASE_STATUS_LABELS, isCaseStatus, moveOf, type CaseStatus } from '../../domain/case-status.ts';
import { DomainError } from '../../errors.ts';
import { recordMatterEvent } from '../../intake/matter-events.ts';
import { startStage } from '../../intake/stage-deadline.ts';

const REOPENABLE: ReadonlySet<CaseStatus> = new Set(['FAILED', 'WITHDRAWN', 'DISMISSED']);
const BOUND: ReadonlySet<CaseStatus> = new Set(['SIGNED', 'CONFIRMATION_REQUESTED', 'CONFIRMED']);

/** Why a case in `status` cannot be reopened (null: it can). */
export function reopenProblem(status: string): string | null {
  if (!isCaseStatus(status)) return '案件状态异常';
  if (REOPENABLE.has(status)) return null;
  if (BOUND.has(status))
    return `案件${CASE_STATUS_LABELS[status]}：调解协议已签署生效，不能重新调解；就协议履行或内容发生争议的，可告知当事人向人民法院起诉，已司法确认的可申请强制执行`;
  return `案件仍在办理中（${CASE_STATUS_LABELS[status]}），无需重新办理`;
}

/** Back to 调解中, and its matter back to 办理中 (in the caller's transaction). */
export async function reopenCase(tx: Tx, input: { caseId: string; reason: string; actor: Actor; actorLabel: string; at: Date }): Promise<void> {
  const kase = await tx.case.findUniqueOrThrow({ where: { id: input.caseId }, select: { status: true, matter: { select: { id: true, status: true } } } });
  const problem = reopenProblem(kase.status);
  if (problem) throw new DomainError('REOPEN_NOT_POSSIBLE', problem);
  const from = kase.status as CaseStatus;
  const by = moveOf(from, 'MEDIATING')!.by;
  await transitionCase(tx, { caseId: input.caseId, from, to: 'MEDIATING', by, actor: input.actor, reason: `回访后重新调解：${input.reason}` });
  const matter = kase.matter;
  if (matter && (matter.status === 'CLOSED' || matter.status === 'WITHDRAWN')) {
    const { count } = await tx.matter.updateMany({ where: { id: matter.id, status: matter.status }, data: { status: 'ASSIGNED' } });
    if (count !== 1) throw new DomainError('MATTER_CHANGED');
    await recordMatterEvent(tx, matter.id, 'REOPENED', { caseId: input.caseId, reason: input.reason }, input.actorLabel, input.at);
    await startStage(tx, matter.id, 'ASSIGNED', input.at, input.actorLabel);
  }
}
