// The one way a case changes status. Every caller names its process (workflow, signing,
// judicial); the move must belong to that process in CASE_MOVES, happen from the status the
// caller saw (a conditional update, so two concurrent moves cannot both win) and is written with
// its audit entry in the caller's transaction. A move that concludes the case may also open its
// 结案抽样回访 (#16, followup/sampling.ts) in that same transaction.
import { appendAudit, type Actor } from '../audit/log.ts';
import type { Tx } from '../db.ts';
import { CASE_MOVES, isCaseStatus, moveOf, transitionProblem, type CaseProcess, type CaseStatus } from '../domain/case-status.ts';
import { DomainError } from '../errors.ts';
import { sampleConcludedCase } from '../followup/sampling.ts';

export interface CaseTransition {
  caseId: string;
  to: CaseStatus;
  by: CaseProcess;
  actor: Actor;
  reason?: string | undefined;
  /** The status the caller based its decision on; another one means someone moved first. */
  from?: CaseStatus;
}

export async function transitionCase(tx: Tx, t: CaseTransition): Promise<{ from: CaseStatus; to: CaseStatus }> {
  const current = await tx.case.findUnique({ where: { id: t.caseId }, select: { status: true } });
  if (!current) throw new DomainError('CASE_NOT_FOUND');
  if (!isCaseStatus(current.status)) throw new DomainError('INTERNAL', `案件状态异常：${current.status}`);
  const from = current.status;
  if (t.from !== undefined && from !== t.from) throw new DomainError('STALE_STATE', '案件状态已被他人修改，请刷新后重试');
  const problem = transitionProblem(from, t.to, t.by);
  if (problem) throw new DomainError(problem.code, problem.message);
  const reason = t.reason?.trim();
  if (moveOf(from, t.to)?.reasonRequired && !reason) throw new DomainError('REASON_REQUIRED', '请填写变更原因');
  const { count } = await tx.case.updateMany({ where: { id: t.caseId, status: from }, data: { status: t.to } });
  if (count !== 1) throw new DomainError('STALE_STATE', '案件状态已被他人修改，请刷新后重试');
  await appendAudit(tx, t.actor, t.caseId, { type: 'CASE_TRANSITION', data: { from, to: t.to, ...(reason ? { reason } : {}) } });
  await sampleConcludedCase(tx, t.caseId, t.to);
  return { from, to: t.to };
}

/** The statuses a mediator may choose by hand from `status` (the case page's buttons). */
export function manualTargets(status: string): CaseStatus[] {
  return isCaseStatus(status) ? CASE_MOVES[status].filter((m) => m.by === 'workflow').map((m) => m.to) : [];
}
