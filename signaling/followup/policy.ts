// 回访 and 履行 as data (#16): how long a follow-up may take per reason, what counts as a poor rating,
// how many closed cases are sampled, and when the sides of an obligation are reminded. Defaults in
// default-followup-policy.json; a centre corrects any key in <data dir>/followup-policy.json.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const FOLLOW_UP_REASONS = ['POOR_RATING', 'MISSED_PERFORMANCE', 'SAMPLED', 'MANUAL'] as const;
export type FollowUpReason = (typeof FOLLOW_UP_REASONS)[number];

const ReasonRule = z.object({ days: z.number().int().min(1).max(366), basis: z.string().min(1) }).strict();

export const FollowUpPolicySchema = z
  .object({
    followUpDays: z.object({ POOR_RATING: ReasonRule, MISSED_PERFORMANCE: ReasonRule, SAMPLED: ReasonRule, MANUAL: ReasonRule }).strict(),
    /** A rating at or below this (of 5) opens a 回访 task. */
    poorRatingAtMost: z.number().int().min(1).max(4),
    /** Percentage of closed cases sampled for a 回访. */
    sampleClosedPercent: z.number().min(0).max(100),
    /** The obligor is reminded this many days before each due date. */
    remindObligorDaysBefore: z.number().int().min(0).max(60),
    /** The obligee is asked to confirm this many days after each due date. */
    remindObligeeDaysAfter: z.number().int().min(0).max(60),
    /** 回访 (限时办结): the one responsible is reminded this many hours before a task's deadline (督办 to the unit's head at it). */
    remindFollowUpHoursBefore: z
      .number()
      .int()
      .min(0)
      .max(24 * 30),
  })
  .strict();
export type FollowUpPolicy = z.infer<typeof FollowUpPolicySchema>;

export const FOLLOWUP_POLICY_FILE = 'followup-policy.json';
const BUILT_IN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'default-followup-policy.json');

export class FollowUpPolicyError extends Error {}

function readJson(file: string): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  delete raw.$comment;
  return raw;
}

/** The built-in policy with the centre's file (if any) laid over it, key by key. */
export function loadFollowUpPolicy(dataDir: string | null): FollowUpPolicy {
  const merged = readJson(BUILT_IN);
  const file = dataDir ? path.join(dataDir, FOLLOWUP_POLICY_FILE) : null;
  if (file && existsSync(file)) Object.assign(merged, readJson(file));
  const parsed = FollowUpPolicySchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FollowUpPolicyError(`回访政策文件 ${file ?? BUILT_IN} 的 ${issue.path.join('.') || '(根)'} 有误：${issue.message}`);
  }
  return parsed.data;
}
