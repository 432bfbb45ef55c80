// The duplicate check and the early-warning (弱信号) rules are data a centre can correct: the
// built-in screening-rules.json, replaced by data/intake-screening.json or INTAKE_SCREENING_FILE.
// Read and validated at start: a bad file stops the start rather than silently screening nothing.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const BUILT_IN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screening-rules.json');

const Key = z.string().regex(/^[A-Z][A-Z0-9_]{1,40}$/);
const Label = z.string().min(2).max(40);
const Keywords = z.array(z.string().min(1).max(20)).max(200);

const ScreeningRulesFile = z.object({
  duplicates: z.object({
    periodDays: z.number().int().min(1).max(3650),
    partyRules: z.array(z.object({ key: Key, label: Label, fields: z.array(z.enum(['name', 'phone', 'idNumber'])).min(1) })).max(10),
    placeRule: z.object({ key: Key, label: Label, sameDisputeType: z.boolean() }).nullable(),
  }),
  risks: z.object({
    violence: z.object({ key: Key, label: Label, keywords: Keywords }),
    repeated: z.object({ key: Key, label: Label, periodDays: z.number().int().min(1).max(3650), minPriorReports: z.number().int().min(1).max(100) }),
    elderly: z.object({ key: Key, label: Label, minAge: z.number().int().min(50).max(120) }),
    minor: z.object({ key: Key, label: Label, maxAge: z.number().int().min(0).max(17) }),
    disability: z.object({ key: Key, label: Label, keywords: Keywords }),
  }),
});

export type ScreeningRules = z.infer<typeof ScreeningRulesFile>;

export function screeningRulesFile(dataDir: string, configured: string | undefined): string {
  if (configured) return path.resolve(configured);
  const own = path.join(dataDir, 'intake-screening.json');
  return existsSync(own) ? own : BUILT_IN;
}

export function loadScreeningRules(file: string): ScreeningRules {
  const parsed = ScreeningRulesFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Every flag key the rules can raise, with its label (the client shows labels; the matter stores keys). */
export function riskFlagLabels(rules: ScreeningRules): Record<string, string> {
  return Object.fromEntries(Object.values(rules.risks).map((r) => [r.key, r.label]));
}
