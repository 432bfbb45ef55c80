// 弱信号: early warnings raised when a matter is registered, from the rules in screening-rules.json —
// threats of violence in what was said, the same person reporting again and again, and vulnerable
// people (elderly or minor by the birth date in their ID number, a disability mentioned). The
// matter stores the keys; the dispatcher sees the labels and what raised each.
import { fromIdNumber } from '../../domain/party-details.ts';
import type { ScreeningRules } from './rules.ts';

export interface RiskFlag {
  key: string;
  label: string;
  /** What raised it (a keyword, a party's role and age, a count): never a name or a number. */
  detail: string;
}

export interface RiskProbe {
  title: string;
  summary: string;
  parties: readonly { role: string; idNumber?: string | undefined }[];
  /** Matters the same applicant reported within the rule's period (counted by the caller). */
  priorReports: number;
  at: Date;
}

const ROLE_LABELS: Record<string, string> = { APPLICANT: '申请人', RESPONDENT: '被申请人', OTHER: '其他当事人' };

/** Whole years of age at `at` (China time) from a GB 11643 birth date; null when the number carries none. */
export function ageAt(idNumber: string, at: Date): number | null {
  const birth = fromIdNumber(idNumber)?.birthDate;
  if (!birth) return null;
  const [y, m, d] = birth.split('-').map(Number) as [number, number, number];
  const china = new Date(at.getTime() + 8 * 3600_000);
  const [ty, tm, td] = [china.getUTCFullYear(), china.getUTCMonth() + 1, china.getUTCDate()];
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

const found = (text: string, keywords: readonly string[]) => keywords.filter((k) => text.includes(k));

export function riskFlagsOf(probe: RiskProbe, rules: ScreeningRules): RiskFlag[] {
  const { violence, repeated, elderly, minor, disability } = rules.risks;
  const text = `${probe.title}\n${probe.summary}`;
  const flags: RiskFlag[] = [];
  const threats = found(text, violence.keywords);
  if (threats.length) flags.push({ key: violence.key, label: violence.label, detail: `提到“${threats.join('”“')}”` });
  if (probe.priorReports >= repeated.minPriorReports)
    flags.push({ key: repeated.key, label: repeated.label, detail: `近${repeated.periodDays}天内已反映${probe.priorReports}次` });
  const ages = probe.parties.flatMap((p) => {
    const age = p.idNumber ? ageAt(p.idNumber, probe.at) : null;
    return age === null ? [] : [{ role: ROLE_LABELS[p.role] ?? '当事人', age }];
  });
  const old = ages.filter((a) => a.age >= elderly.minAge);
  if (old.length) flags.push({ key: elderly.key, label: elderly.label, detail: old.map((a) => `${a.role}${a.age}岁`).join('、') });
  const young = ages.filter((a) => a.age <= minor.maxAge);
  if (young.length) flags.push({ key: minor.key, label: minor.label, detail: young.map((a) => `${a.role}${a.age}岁`).join('、') });
  const disabled = found(text, disability.keywords);
  if (disabled.length) flags.push({ key: disability.key, label: disability.label, detail: `提到“${disabled.join('”“')}”` });
  return flags;
}
