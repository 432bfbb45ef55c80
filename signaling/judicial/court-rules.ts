// Law-derived rules of the court procedure, kept as data a centre can correct without code
// (agreement-templates/court-rules/): the grounds for 不予受理 (解释 art. 355), 驳回 (art. 358,
// 355(2)) and the judge's review checklist; the province abbreviations of court case numbers; and
// the court codes in case numbers (which court is competent: jurisdiction.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DomainError } from '../errors.ts';

export const COURT_RULES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../agreement-templates/court-rules');

const Ground = Type.Object({
  key: Type.String({ pattern: '^[A-Z_]{2,40}$' }),
  article: Type.String(),
  label: Type.String(),
  needsExplanation: Type.Optional(Type.Boolean()),
});
const GroundsFile = Type.Object({
  about: Type.Optional(Type.String()),
  interpretation: Type.String(),
  refusal: Type.Array(Ground, { minItems: 1 }),
  dismissal: Type.Array(Ground, { minItems: 1 }),
  review: Type.Array(Type.Object({ key: Type.String({ pattern: '^[A-Z_]{2,40}$' }), label: Type.String() }), { minItems: 1 }),
});
const CodesFile = Type.Object({
  about: Type.Optional(Type.String()),
  provinces: Type.Record(Type.String({ pattern: '^\\d{2}$' }), Type.String({ minLength: 1 })),
});

export type JudicialGrounds = Static<typeof GroundsFile>;
export type LegalGround = Static<typeof Ground>;

function load<T extends Parameters<typeof Value.Check>[0]>(schema: T, file: string): Static<T> {
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Value.Check(schema, raw)) {
    const first = [...Value.Errors(schema, raw)][0];
    throw new Error(`${path.basename(file)}: ${first?.path ?? ''} ${first?.message ?? 'invalid'}`);
  }
  return raw;
}

export function loadJudicialGrounds(dir = COURT_RULES_DIR): JudicialGrounds {
  return load(GroundsFile, path.join(dir, 'judicial-grounds.json'));
}

/** The ground of a kind by key, or a VALIDATION error naming the allowed ones. */
export function groundOf(list: readonly LegalGround[], key: string, what: string): LegalGround {
  const g = list.find((x) => x.key === key);
  if (!g) throw new DomainError('VALIDATION', `请选择${what}：${list.map((x) => `${x.key}（${x.label}）`).join('、')}`);
  return g;
}

export const AREA_CODE = /^\d{6}$/;
export type CourtLevel = 'BASIC' | 'INTERMEDIATE';

let provinces: Record<string, string> | null = null;

/** The code a court's case numbers carry: the province's abbreviation and the area digits (150204 → 内0204; 150200 intermediate → 内02). */
export function courtCodeFor(areaCode: string, level: CourtLevel, dir = COURT_RULES_DIR): string {
  if (!AREA_CODE.test(areaCode)) throw new DomainError('VALIDATION', '行政区划代码应为6位数字');
  provinces ??= load(CodesFile, path.join(dir, 'court-codes.json')).provinces;
  const abbr = provinces[areaCode.slice(0, 2)];
  if (!abbr) throw new DomainError('VALIDATION', `未知的省级行政区代码 ${areaCode.slice(0, 2)}`);
  return level === 'INTERMEDIATE' ? `${abbr}${areaCode.slice(2, 4)}` : `${abbr}${areaCode.slice(2, 6)}`;
}
