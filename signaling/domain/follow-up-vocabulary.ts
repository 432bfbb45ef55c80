// The words of 回访 (browser-safe): why a task was opened, how a call or visit was made, what the
// person said, and how the task ended. Shared by the server, the 回访记录 PDF and the web client.
import type { FollowUpReason } from '../followup/policy.ts';

export const FOLLOW_UP_REASON_LABELS: Record<FollowUpReason, string> = {
  POOR_RATING: '当事人差评',
  MISSED_PERFORMANCE: '逾期未履行',
  SAMPLED: '结案抽样回访',
  MANUAL: '人工发起',
};

export const FOLLOW_UP_METHODS = ['PHONE', 'VISIT', 'VIDEO', 'SMS'] as const;
export type FollowUpMethod = (typeof FOLLOW_UP_METHODS)[number];
export const FOLLOW_UP_METHOD_LABELS: Record<FollowUpMethod, string> = { PHONE: '电话回访', VISIT: '上门回访', VIDEO: '视频回访', SMS: '短信回访' };

/** The person's opinion of the mediation (回访记录's 当事人意见, as a choice; the words go in partyOpinion). */
export const FOLLOW_UP_RESULTS = ['satisfied', 'neutral', 'dissatisfied', 'unreachable'] as const;
export type FollowUpResult = (typeof FOLLOW_UP_RESULTS)[number];
export const FOLLOW_UP_RESULT_LABELS: Record<FollowUpResult, string> = {
  satisfied: '满意',
  neutral: '基本满意',
  dissatisfied: '不满意',
  unreachable: '未联系上',
};

export const FOLLOW_UP_OUTCOMES = ['RESOLVED', 'NEEDS_REOPEN', 'UNREACHABLE', 'OTHER'] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];
export const FOLLOW_UP_OUTCOME_LABELS: Record<FollowUpOutcome, string> = {
  RESOLVED: '问题已解决，当事人无异议',
  NEEDS_REOPEN: '需重新调解（重新办理本案）',
  UNREACHABLE: '多次联系未果',
  OTHER: '其他',
};

export const FOLLOW_UP_STATUS_LABELS: Record<string, string> = { OPEN: '待回访', DONE: '已办结', CANCELLED: '已取消' };

export const FOLLOW_UP_FILTERS = ['open', 'overdue', 'mine', 'all'] as const;
export type FollowUpFilter = (typeof FOLLOW_UP_FILTERS)[number];
export const FOLLOW_UP_FILTER_LABELS: Record<FollowUpFilter, string> = { open: '待回访', overdue: '已超期', mine: '我的', all: '全部' };

/** Longest text of one field of a 回访 record (characters). */
export const RECORD_TEXT_MAX = 2000;
