// How long each kind of personal data is kept, as data a centre can change: the defaults below,
// overridden per key by <JIEFEN_DATA_DIR>/retention.json (read at start; a bad file stops the
// start, naming the key). `null` keeps that kind for good. "After closing" counts from the move
// into a final status (调解不成 FAILED, 已确认 CONFIRMED, 已撤回 WITHDRAWN — those with no further move).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const RETENTION_KINDS = ['chat', 'notepads', 'signingCodes', 'linkUses', 'materials'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

const days = z.number().int().min(1).max(36_500).nullable();

export const RetentionPolicySchema = z
  .object({
    /** Live-room chat messages, days after the case closed. */
    chatDaysAfterClosing: days,
    /** The sides' caucus notepads, days after the case closed. */
    notepadsDaysAfterClosing: days,
    /** Uploaded application materials (ID documents, evidence), rows and files, days after the case closed. */
    materialsDaysAfterClosing: days,
    /** One-time signing code records (hash, attempts), days after the code was sent. */
    signingCodeDays: days,
    /** Each opening of a party's link (IP address, browser), days after it. */
    linkUseDays: days,
    /** How often the job runs. */
    runEveryMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
  })
  .strict();
export type RetentionPolicy = z.infer<typeof RetentionPolicySchema>;

export const DEFAULT_RETENTION: RetentionPolicy = {
  chatDaysAfterClosing: 90,
  notepadsDaysAfterClosing: 90,
  materialsDaysAfterClosing: 180,
  signingCodeDays: 30,
  linkUseDays: 90,
  runEveryMinutes: 60,
};

export const RETENTION_FILE = 'retention.json';

export class RetentionPolicyError extends Error {}

/** The defaults with the centre's file (if any) laid over them. */
export function loadRetentionPolicy(dataDir: string): RetentionPolicy {
  const file = path.join(dataDir, RETENTION_FILE);
  if (!existsSync(file)) return DEFAULT_RETENTION;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RetentionPolicyError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = RetentionPolicySchema.partial().safeParse(raw);
  if (!parsed.success) throw new RetentionPolicyError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { ...DEFAULT_RETENTION, ...parsed.data };
}
