// 分流规则 as data: the suggestion shown to the dispatcher for a registered matter (which unit and
// why). data/routing-rules.json replaces the built-in list when present; read and validated at
// start, a bad file stops the start. The first rule that matches wins; the dispatcher decides.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DISPUTE_TYPE_KEYS } from '../domain/vocabulary.ts';

const BUILT_IN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'routing-rules.json');

const Rule = z
  .object({
    name: z.string().min(1).max(40),
    why: z.string().min(1).max(120),
    unit: z.string().regex(/^[a-z0-9-]{2,40}$/),
    disputeTypes: z.array(z.enum(DISPUTE_TYPE_KEYS)).min(1).optional(),
    areaCodePrefixes: z
      .array(z.string().regex(/^\d{2,12}$/))
      .min(1)
      .optional(),
    minAmountYuan: z.number().nonnegative().optional(),
    maxAmountYuan: z.number().nonnegative().optional(),
  })
  .strict();
const RulesFile = z.object({ $comment: z.string().optional(), rules: z.array(Rule).min(1) }).strict();

export type RoutingRule = z.infer<typeof Rule>;

export function routingRulesFile(dataDir: string): string {
  const own = path.join(dataDir, 'routing-rules.json');
  return existsSync(own) ? own : BUILT_IN;
}

export function loadRoutingRules(file: string): RoutingRule[] {
  const parsed = RulesFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.rules;
}

export interface RoutedFacts {
  disputeType: string;
  areaCode: string | null;
  amountFen: number | null;
}

export function ruleMatches(rule: RoutingRule, m: RoutedFacts): boolean {
  if (rule.disputeTypes && !(rule.disputeTypes as readonly string[]).includes(m.disputeType)) return false;
  if (rule.areaCodePrefixes && !rule.areaCodePrefixes.some((p) => m.areaCode?.startsWith(p))) return false;
  if (rule.minAmountYuan !== undefined && (m.amountFen === null || m.amountFen < rule.minAmountYuan * 100)) return false;
  if (rule.maxAmountYuan !== undefined && (m.amountFen === null || m.amountFen > rule.maxAmountYuan * 100)) return false;
  return true;
}

export interface UnitRef {
  id: string;
  code: string | null;
  name: string;
}

export interface RoutingSuggestion {
  unitId: string;
  unitName: string;
  rule: string;
  why: string;
}

/** The first matching rule whose unit is one of `units` (the centre's active units that can receive). */
export function suggestUnit(rules: readonly RoutingRule[], m: RoutedFacts, units: readonly UnitRef[]): RoutingSuggestion | null {
  for (const rule of rules) {
    if (!ruleMatches(rule, m)) continue;
    const unit = units.find((u) => u.code === rule.unit);
    if (unit) return { unitId: unit.id, unitName: unit.name, rule: rule.name, why: rule.why };
  }
  return null;
}
