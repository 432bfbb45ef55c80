// Which court may confirm an agreement (民事诉讼法 art. 205), on structured 6-digit
// administrative-area codes, never on address text:
//   1. a court invited the mediation (先行调解), or delegated/entrusted it (委派/委托, 特邀调解规定
//      arts. 1, 11): that court and no other (art. 205(1));
//   2. the dispute belongs to an intermediate court (art. 19, the thresholds the Supreme People's
//      Court set — data in court-rules/courts.json): the intermediate court whose prefecture holds
//      a connecting point (art. 205(2), second half);
//   3. otherwise a basic court covering a connecting point: the mediation organisation's place
//      (the local court), a party's 住所地, the 标的物所在地 (art. 205(2)).
// The courts' areas and the intermediate rules are data a centre corrects (courts.json); courts
// not listed there use their own areaCode/level columns. Pure: no database.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AREA_CODE, COURT_RULES_DIR, type CourtLevel } from './court-rules.ts';

const Code6 = Type.String({ pattern: '^\\d{6}$' });
const DirectoryEntry = Type.Object({
  name: Type.String({ minLength: 1 }),
  code: Type.String({ minLength: 2 }),
  level: Type.Union([Type.Literal('BASIC'), Type.Literal('INTERMEDIATE')]),
  areaCodes: Type.Array(Code6, { minItems: 1 }),
  intermediate: Type.Optional(
    Type.Object({
      /** The dispute's amount (yuan) from which it is this intermediate court's. */
      minAmountYuan: Type.Optional(Type.Number({ minimum: 0 })),
      /** The same when a party's 住所地 is outside the court's province. */
      minAmountYuanCrossProvince: Type.Optional(Type.Number({ minimum: 0 })),
      /** Dispute types (DISPUTE_TYPES keys) that always go to it. */
      disputeTypes: Type.Optional(Type.Array(Type.String())),
      source: Type.Optional(Type.String()),
    }),
  ),
});
const DirectoryFile = Type.Object({ about: Type.Optional(Type.String()), courts: Type.Array(DirectoryEntry) });
export type CourtDirectory = Static<typeof DirectoryFile>['courts'];

export function loadCourtDirectory(file = path.join(COURT_RULES_DIR, 'courts.json')): CourtDirectory {
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Value.Check(DirectoryFile, raw)) {
    const first = [...Value.Errors(DirectoryFile, raw)][0];
    throw new Error(`${path.basename(file)}: ${first?.path ?? ''} ${first?.message ?? 'invalid'}`);
  }
  const codes = raw.courts.map((c) => c.code);
  const dup = codes.find((c, i) => codes.indexOf(c) !== i);
  if (dup) throw new Error(`${path.basename(file)}: 法院代码 ${dup} 重复`);
  return raw.courts;
}

export interface CourtRow {
  id: string;
  name: string;
  code: string;
  isLocal: boolean;
  areaCode: string | null;
  level: string;
}

/** Mediation a court sent us: 先行调解 it invited (MS 205(1)), 委派 before filing, 委托 after (特邀调解规定 art. 11). */
export type ReferralKind = 'INVITED' | 'DELEGATED' | 'ENTRUSTED';
export const REFERRAL_LABELS: Record<ReferralKind, string> = { INVITED: '邀请先行调解', DELEGATED: '委派调解', ENTRUSTED: '委托调解' };

export interface JurisdictionFacts {
  referral: { courtId: string; kind: ReferralKind } | null;
  /** Each applying party's 住所地 code, as far as given. */
  domicileAreaCodes: string[];
  subjectAreaCode: string | null;
  /** The amount in dispute (yuan), when stated. */
  amountYuan: number | null;
  disputeType: string | null;
}

export interface CompetentCourt {
  id: string;
  name: string;
  reasons: string[];
}

export type Jurisdiction = { rule: 'REFERRAL' | 'INTERMEDIATE' | 'BASIC'; courts: CompetentCourt[] };

interface Area {
  level: CourtLevel;
  areaCodes: string[];
  intermediate: CourtDirectory[number]['intermediate'];
}

function areaOf(court: CourtRow, directory: CourtDirectory): Area {
  const listed = directory.find((d) => d.code === court.code);
  if (listed) return { level: listed.level, areaCodes: listed.areaCodes, intermediate: listed.intermediate };
  return { level: court.level === 'INTERMEDIATE' ? 'INTERMEDIATE' : 'BASIC', areaCodes: court.areaCode ? [court.areaCode] : [], intermediate: undefined };
}

/** A basic court covers its county-level areas (all six digits), an intermediate court its prefectures (the first four). */
export function areaCovers(area: { level: CourtLevel; areaCodes: string[] }, code: string | null | undefined): boolean {
  if (!code || !AREA_CODE.test(code)) return false;
  return area.areaCodes.some((a) => (area.level === 'INTERMEDIATE' ? a.slice(0, 4) === code.slice(0, 4) : a === code));
}

/** Whether a dispute is the intermediate court's under its rules (MS 19; amount thresholds, dispute types). */
function belongsToIntermediate(area: Area, facts: JurisdictionFacts): boolean {
  const r = area.intermediate;
  if (!r) return false;
  if (facts.disputeType && r.disputeTypes?.includes(facts.disputeType)) return true;
  if (facts.amountYuan === null) return false;
  const province = area.areaCodes[0]!.slice(0, 2);
  const crossProvince = facts.domicileAreaCodes.some((c) => c.slice(0, 2) !== province);
  const threshold = crossProvince ? (r.minAmountYuanCrossProvince ?? r.minAmountYuan) : r.minAmountYuan;
  return threshold !== undefined && facts.amountYuan >= threshold;
}

/** The courts competent for an application, each with why; the first of the list is the one to suggest. */
export function competentCourts(courts: CourtRow[], facts: JurisdictionFacts, directory: CourtDirectory): Jurisdiction {
  if (facts.referral) {
    const referring = courts.find((c) => c.id === facts.referral!.courtId);
    return {
      rule: 'REFERRAL',
      courts: referring
        ? [{ id: referring.id, name: referring.name, reasons: [`${REFERRAL_LABELS[facts.referral.kind]}的人民法院（民事诉讼法第二百零五条第一项）`] }]
        : [],
    };
  }
  const local = courts.find((c) => c.isLocal);
  const orgArea = local ? areaOf(local, directory).areaCodes : [];
  const points: Array<{ code: string; why: string }> = [
    ...orgArea.map((code) => ({ code, why: '调解组织所在地' })),
    ...facts.domicileAreaCodes.map((code) => ({ code, why: '当事人住所地' })),
    ...(facts.subjectAreaCode ? [{ code: facts.subjectAreaCode, why: '标的物所在地' }] : []),
  ];
  const withReasons = (level: CourtLevel) =>
    courts
      .map((c) => ({ c, area: areaOf(c, directory) }))
      .filter((x) => x.area.level === level)
      .map(({ c, area }) => ({
        court: { id: c.id, name: c.name, reasons: [...new Set(points.filter((p) => areaCovers(area, p.code)).map((p) => p.why))] },
        area,
        isLocal: c.isLocal,
      }))
      .filter((x) => x.court.reasons.length > 0);

  const intermediate = withReasons('INTERMEDIATE').filter((x) => belongsToIntermediate(x.area, facts));
  if (intermediate.length)
    return {
      rule: 'INTERMEDIATE',
      courts: intermediate.map((x) => ({ ...x.court, reasons: x.court.reasons.map((r) => `${r}（应由中级人民法院管辖）`) })),
    };
  // The organisation's own court first: the parties' usual choice.
  const basic = withReasons('BASIC').sort((a, b) => Number(b.isLocal) - Number(a.isLocal));
  return { rule: 'BASIC', courts: basic.map((x) => x.court) };
}
