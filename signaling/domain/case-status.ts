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

/** Every legal move; anything not listed is illegal. 已撤回 is reachable until a court rules. */
export const CASE_TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  ACCEPTED: ['TRIAGED', 'WITHDRAWN'],
  TRIAGED: ['MEDIATING', 'WITHDRAWN'],
  MEDIATING: ['AGREED', 'FAILED', 'WITHDRAWN'],
  AGREED: ['SIGNED', 'MEDIATING', 'WITHDRAWN'],
  FAILED: [],
  SIGNED: ['CONFIRMATION_REQUESTED', 'WITHDRAWN'],
  CONFIRMATION_REQUESTED: ['CONFIRMED', 'DISMISSED', 'WITHDRAWN'],
  CONFIRMED: [],
  DISMISSED: [],
  WITHDRAWN: [],
};

export function isCaseStatus(value: string): value is CaseStatus {
  return (CASE_STATUSES as readonly string[]).includes(value);
}

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return CASE_TRANSITIONS[from].includes(to);
}

/** Null when legal; otherwise the reason in Chinese. */
export function transitionProblem(from: CaseStatus, to: CaseStatus): string | null {
  if (canTransition(from, to)) return null;
  if (from === to) return `案件已处于「${CASE_STATUS_LABELS[from]}」状态`;
  if (CASE_TRANSITIONS[from].length === 0) return `案件已处于终结状态「${CASE_STATUS_LABELS[from]}」，不能再变更`;
  const allowed = CASE_TRANSITIONS[from].map((s) => `「${CASE_STATUS_LABELS[s]}」`).join('、');
  return `不能从「${CASE_STATUS_LABELS[from]}」变更为「${CASE_STATUS_LABELS[to]}」，只能变更为${allowed}`;
}
