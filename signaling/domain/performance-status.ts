// 履行 (#16 item 1): the vocabulary of an obligation's performance, shared by the server, the staff
// case page and the party's link page. An obligation is due on its last day (China calendar); it is
// 逾期 from the next day on until it is fully performed — a partial payment after the due date is
// still 逾期 (what is missing is overdue), before it 部分履行.

export const PERFORMANCE_STATUSES = ['NOT_DUE', 'PERFORMED', 'PARTIAL', 'OVERDUE'] as const;
export type PerformanceStatus = (typeof PERFORMANCE_STATUSES)[number];

export const PERFORMANCE_STATUS_LABELS: Record<PerformanceStatus, string> = {
  NOT_DUE: '未到期',
  PERFORMED: '已履行',
  PARTIAL: '部分履行',
  OVERDUE: '逾期',
};

export const OBLIGATION_KINDS = ['PAYMENT', 'ACT'] as const;
export type ObligationKind = (typeof OBLIGATION_KINDS)[number];
export const OBLIGATION_KIND_LABELS: Record<ObligationKind, string> = { PAYMENT: '给付金钱', ACT: '履行行为' };

export const OBLIGATION_SIDES = ['A', 'B'] as const;
export type ObligationSide = (typeof OBLIGATION_SIDES)[number];
export const OBLIGATION_SIDE_LABELS: Record<ObligationSide, string> = { A: '甲方', B: '乙方' };

/** What can happen to an obligation (ObligationEvent.type). */
export const OBLIGATION_EVENT_TYPES = [
  'REMIND_OBLIGOR',
  'REMIND_OBLIGEE',
  'OVERDUE',
  'RECEIPT_CONFIRMED',
  'PROOF_UPLOADED',
  'RECORDED_BY_MEDIATOR',
  'CORRECTED',
] as const;
export type ObligationEventType = (typeof OBLIGATION_EVENT_TYPES)[number];
export const OBLIGATION_EVENT_LABELS: Record<ObligationEventType, string> = {
  REMIND_OBLIGOR: '到期前提醒履行',
  REMIND_OBLIGEE: '到期后提请确认收到',
  OVERDUE: '逾期未履行',
  RECEIPT_CONFIRMED: '权利人确认收到',
  PROOF_UPLOADED: '义务人上传履行凭证',
  RECORDED_BY_MEDIATOR: '调解员登记履行情况',
  CORRECTED: '调解员更正履行计划',
};

const DAY = 86_400_000;
const CHINA_OFFSET = 8 * 3600_000;

/** YYYY-MM-DD (a China calendar day) → that day's 00:00 in China (+08:00), the stored dueDate. */
export function chinaDayStart(iso: string): Date {
  return new Date(Date.parse(`${iso}T00:00:00.000Z`) - CHINA_OFFSET);
}

/** The China calendar day of an instant, YYYY-MM-DD. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET).toISOString().slice(0, 10);
}

/** The first instant at which an obligation due on `dueDate` (its day's 00:00 China) is overdue: the next day. */
export function overdueFrom(dueDate: Date): Date {
  return new Date(dueDate.getTime() + DAY);
}

export interface PerformanceFacts {
  kind: string;
  amountFen: number | null;
  receivedFen: number;
  dueDate: Date;
  performedAt: Date | null;
}

/** Fully performed: a payment received in full, an act confirmed done. */
export function isFullyPerformed(o: PerformanceFacts): boolean {
  if (o.kind === 'PAYMENT' && o.amountFen !== null) return o.receivedFen >= o.amountFen;
  return o.performedAt !== null;
}

/** The status at `now`. */
export function performanceStatus(o: PerformanceFacts, now: Date): PerformanceStatus {
  if (isFullyPerformed(o)) return 'PERFORMED';
  if (now.getTime() >= overdueFrom(o.dueDate).getTime()) return 'OVERDUE';
  return o.kind === 'PAYMENT' && o.receivedFen > 0 ? 'PARTIAL' : 'NOT_DUE';
}

export function isPerformanceStatus(v: string): v is PerformanceStatus {
  return (PERFORMANCE_STATUSES as readonly string[]).includes(v);
}
