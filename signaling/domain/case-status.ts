// The case lifecycle as an explicit state machine:
// 受理 → 分流 → 调解中 → 达成协议 / 调解不成 → 已签署 → 申请司法确认 → 已确认 / 已驳回, and 已撤回.

export const CASE_STATUSES = [
  'ACCEPTED',
  'TRIAGED',
  'MEDIATING',
  'AGREED',
  'FAILED',
  'SIGNED',
  'CONFIRMATION_REQUESTED',
  'CONFIRMED',
  'DISMISSED',
  'WITHDRAWN',
] as const;

export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_STATUS_LABELS: Record<CaseStatus, string> = {
  ACCEPTED: '受理',
  TRIAGED: '分流',
  MEDIATING: '调解中',
  AGREED: '达成协议',
  FAILED: '调解不成',
  SIGNED: '已签署',
  CONFIRMATION_REQUESTED: '申请司法确认',
  CONFIRMED: '已确认',
  DISMISSED: '已驳回',
  WITHDRAWN: '已撤回',
};

/**
 * Which process may make a move. A status is earned only by the process that owns it:
 *   workflow  the case's mediator by hand (受理→分流→调解中, 调解不成 and 撤回 with a reason, and
 *             back to 调解中 after a court dismissed the application — 民事诉讼法 art. 206), or the
 *             work itself: a mediator opening the room or the draft (domain/case-workflow.ts)
 *   signing   locking the agreement (→ 达成协议), unlocking it (→ 调解中), issuing it (→ 已签署)
 *   judicial  the parties' joint application (→ 申请司法确认) and the court's ruling (→ 已确认/已驳回)
 *   followup  回访 that finds the dispute unsettled reopens a case that ended without an agreement
 *             (调解不成/已撤回 → 调解中, with the 回访's reason; signaling/followup/tasks/reopen.ts)
 */
export type CaseProcess = 'workflow' | 'signing' | 'judicial' | 'followup';

export interface CaseMove {
  to: CaseStatus;
  by: CaseProcess;
  /** The move must say why (recorded in the audit entry). */
  reasonRequired?: true;
}

/**
 * Every legal move; anything not listed is illegal. A signed agreement binds the parties
 * (人民调解法 art. 31), so nothing leads from 已签署 back or to 已撤回.
 */
export const CASE_MOVES: Record<CaseStatus, readonly CaseMove[]> = {
  // A party may refuse mediation before it starts (人民调解法 arts. 17, 23): 调解不成 from 受理/分流 too.
  ACCEPTED: [
    { to: 'TRIAGED', by: 'workflow' },
    { to: 'FAILED', by: 'workflow', reasonRequired: true },
    { to: 'WITHDRAWN', by: 'workflow', reasonRequired: true },
  ],
  TRIAGED: [
    { to: 'MEDIATING', by: 'workflow' },
    { to: 'FAILED', by: 'workflow', reasonRequired: true },
    { to: 'WITHDRAWN', by: 'workflow', reasonRequired: true },
  ],
  MEDIATING: [
    { to: 'AGREED', by: 'signing' },
    { to: 'FAILED', by: 'workflow', reasonRequired: true },
    { to: 'WITHDRAWN', by: 'workflow', reasonRequired: true },
  ],
  AGREED: [
    { to: 'SIGNED', by: 'signing' },
    { to: 'MEDIATING', by: 'signing' },
  ],
  // Reopened only by a 回访 (#16) that finds the dispute unsettled; the party may ask again (art. 26).
  FAILED: [{ to: 'MEDIATING', by: 'followup', reasonRequired: true }],
  SIGNED: [{ to: 'CONFIRMATION_REQUESTED', by: 'judicial' }],
  CONFIRMATION_REQUESTED: [
    { to: 'CONFIRMED', by: 'judicial' },
    { to: 'DISMISSED', by: 'judicial' },
    // 不予受理 (解释 art. 355) or 准许撤回 (art. 357): the signed agreement stands as it was.
    { to: 'SIGNED', by: 'judicial' },
  ],
  CONFIRMED: [],
  DISMISSED: [{ to: 'MEDIATING', by: 'workflow', reasonRequired: true }],
  WITHDRAWN: [{ to: 'MEDIATING', by: 'followup', reasonRequired: true }],
};

/**
 * Concluded: nothing but a 回访's reopening can follow (调解不成, 已撤回, 已确认) — the case is
 * closed for every process that runs on its own (retention, the case page).
 */
export function isFinal(status: CaseStatus): boolean {
  return CASE_MOVES[status].every((m) => m.by === 'followup');
}

export function isCaseStatus(value: string): value is CaseStatus {
  return (CASE_STATUSES as readonly string[]).includes(value);
}

export function moveOf(from: CaseStatus, to: CaseStatus): CaseMove | undefined {
  return CASE_MOVES[from].find((m) => m.to === to);
}

/** The moves a person may make by hand from `status` (the case page's buttons). */
export function manualMoves(status: CaseStatus): readonly CaseMove[] {
  return CASE_MOVES[status].filter((m) => m.by === 'workflow');
}

const PROCESS_LABELS: Record<CaseProcess, string> = { workflow: '手动办理', signing: '协议签署流程', judicial: '司法确认流程', followup: '回访重新办理' };

/** Why `by` may not move a case from `from` to `to`, in Chinese; null when it may. */
export function transitionProblem(
  from: CaseStatus,
  to: CaseStatus,
  by: CaseProcess,
): { code: 'ILLEGAL_TRANSITION' | 'TRANSITION_NOT_OWNED'; message: string } | null {
  const move = moveOf(from, to);
  if (move && move.by === by) return null;
  if (move) return { code: 'TRANSITION_NOT_OWNED', message: `「${CASE_STATUS_LABELS[to]}」只能由${PROCESS_LABELS[move.by]}产生，不能手动变更` };
  if (from === to) return { code: 'ILLEGAL_TRANSITION', message: `案件已处于「${CASE_STATUS_LABELS[from]}」状态` };
  if (isFinal(from)) return { code: 'ILLEGAL_TRANSITION', message: `案件已处于终结状态「${CASE_STATUS_LABELS[from]}」，不能再变更` };
  const allowed = manualMoves(from).map((m) => `「${CASE_STATUS_LABELS[m.to]}」`);
  return {
    code: 'ILLEGAL_TRANSITION',
    message: `不能从「${CASE_STATUS_LABELS[from]}」变更为「${CASE_STATUS_LABELS[to]}」${allowed.length ? `，只能变更为${allowed.join('、')}` : ''}`,
  };
}
