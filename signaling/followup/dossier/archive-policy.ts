// How long an archived case file (卷宗) is kept, as data a centre corrects without code: years by
// dispute type and by how the case ended, each with the rule it rests on (printed on the dossier's
// cover and shown on the case page). Defaults in default-archive-policy.json; a centre overrides
// any key in <data dir>/archive-policy.json (read at start; a bad file stops the start, naming the
// key). The period runs from 1 January of the year after archiving, as archive periods do.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DISPUTE_TYPE_KEYS } from '../../domain/vocabulary.ts';

/** How a case can end and be archived (its status then). */
export const ARCHIVE_OUTCOMES = ['SIGNED', 'CONFIRMED', 'FAILED', 'WITHDRAWN'] as const;
export type ArchiveOutcome = (typeof ARCHIVE_OUTCOMES)[number];

const Years = z.number().int().min(1).max(100);
const Basis = z.string().min(4).max(300);

const Rule = z
  .object({
    disputeTypes: z.array(z.enum(DISPUTE_TYPE_KEYS)).min(1).optional(),
    outcomes: z.array(z.enum(ARCHIVE_OUTCOMES)).min(1).optional(),
    years: Years,
    basis: Basis,
  })
  .strict();

export const ArchivePolicySchema = z
  .object({
    default: z.object({ years: Years, basis: Basis }).strict(),
    rules: z.array(Rule).max(100),
  })
  .strict();
export type ArchivePolicy = z.infer<typeof ArchivePolicySchema>;

export const ARCHIVE_POLICY_FILE = 'archive-policy.json';
const BUILT_IN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'default-archive-policy.json');

export class ArchivePolicyError extends Error {}

function readJson(file: string): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  delete raw.$comment;
  return raw;
}

/** The built-in policy with the centre's file (if any) laid over it, key by key. */
export function loadArchivePolicy(dataDir: string | null): ArchivePolicy {
  const merged = readJson(BUILT_IN);
  const file = dataDir ? path.join(dataDir, ARCHIVE_POLICY_FILE) : null;
  if (file && existsSync(file)) Object.assign(merged, readJson(file));
  const parsed = ArchivePolicySchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ArchivePolicyError(`卷宗保管期限文件 ${file ?? BUILT_IN} 的 ${issue.path.join('.') || '(根)'} 有误：${issue.message}`);
  }
  return parsed.data;
}

export interface Retention {
  years: number;
  basis: string;
  /** Index of the rule that matched (null: the default). */
  rule: number | null;
  /** The end of the period: 00:00 China time on 1 January of (archive year + 1 + years). */
  retainUntil: Date;
}

const CHINA_OFFSET_MS = 8 * 3600_000;

/** The period for a case of `disputeType` ending as `outcome`, archived at `archivedAt`. */
export function retentionFor(policy: ArchivePolicy, c: { disputeType: string; outcome: ArchiveOutcome }, archivedAt: Date): Retention {
  const index = policy.rules.findIndex(
    (r) => (!r.disputeTypes || (r.disputeTypes as readonly string[]).includes(c.disputeType)) && (!r.outcomes || r.outcomes.includes(c.outcome)),
  );
  const hit = index >= 0 ? policy.rules[index]! : policy.default;
  const archiveYear = new Date(archivedAt.getTime() + CHINA_OFFSET_MS).getUTCFullYear();
  const retainUntil = new Date(Date.UTC(archiveYear + 1 + hit.years, 0, 1) - CHINA_OFFSET_MS);
  return { years: hit.years, basis: hit.basis, rule: index >= 0 ? index : null, retainUntil };
}
