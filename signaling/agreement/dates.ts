// Dates in Chinese agreement text: 2026年3月1日, 2026-03-01, 二〇二六年三月一日, 2026年3月底, and
// deadlines relative to signing (本协议签订之日起十五日内). Calendar dates are ISO strings
// (YYYY-MM-DD) and compare as strings.
import { parseNumberToken } from './money.ts';

export type ParsedDate =
  | { kind: 'absolute'; date: string; precision: 'day' | 'month' }
  | { kind: 'relative'; amount: number; unit: 'day' | 'month' | 'year'; anchor: 'signing' | 'effective' };

export interface DateMention {
  index: number;
  end: number;
  raw: string;
  /** null when the text looks like a date but is not one (2026年2月30日). */
  parsed: ParsedDate | null;
  /** Read as a time limit (…前, 最迟…, 于…支付, 签订之日起…内) rather than a past event. */
  deadline: boolean;
}

const CN_YEAR_DIGIT = '[〇零一二三四五六七八九]';
const CN_SMALL = '[一二三四五六七八九十]';

const DATE_RE = new RegExp(
  [
    String.raw`(?<y>\d{4})\s*年\s*(?<m>\d{1,2})\s*月\s*(?<d>\d{1,2})\s*[日号]`,
    String.raw`(?<y2>\d{4})[-/.](?<m2>\d{1,2})[-/.](?<d2>\d{1,2})(?![\d])`,
    String.raw`(?<y3>${CN_YEAR_DIGIT}{4})\s*年\s*(?<m3>${CN_SMALL}{1,2})\s*月\s*(?<d3>${CN_SMALL}{1,3})\s*[日号]`,
    String.raw`(?<y4>\d{4})\s*年\s*(?<m4>\d{1,2})\s*月(?<e4>底|末|份)?(?!\s*\d)`,
    String.raw`(?:自|从)?(?:本|该)?(?:调解)?(?:协议书?)?(?<anchor>签订|签署|签字|签名|盖章|生效)(?:之日|之后|后)?(?:起|后)?\s*(?<n>\d+|[一二两三四五六七八九十百]+)\s*个?\s*(?<u>日|天|工作日|月|年)(?:之内|以内|内)?`,
  ].join('|'),
  'g',
);

const PERFORM_VERB = /^[^，。；,;]{0,4}?(?:支付|付清|履行|完成|交付|偿还|赔偿|修复|维修|检修|返还|办理|搬离|腾退|给付|缴纳|归还|赔礼|整改|拆除|恢复)/;

function isoDate(y: number, m: number, d: number): string | null {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function lastDayOfMonth(y: number, m: number): string | null {
  if (m < 1 || m > 12) return null;
  const d = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return isoDate(y, m, d);
}

function parseMatch(g: Record<string, string | undefined>): ParsedDate | null {
  if (g.y) {
    const date = isoDate(Number(g.y), Number(g.m), Number(g.d));
    return date ? { kind: 'absolute', date, precision: 'day' } : null;
  }
  if (g.y2) {
    const date = isoDate(Number(g.y2), Number(g.m2), Number(g.d2));
    return date ? { kind: 'absolute', date, precision: 'day' } : null;
  }
  if (g.y3) {
    const y = parseNumberToken(g.y3);
    const m = parseNumberToken(g.m3!);
    const d = parseNumberToken(g.d3!);
    const date = y !== null && m !== null && d !== null ? isoDate(y, m, d) : null;
    return date ? { kind: 'absolute', date, precision: 'day' } : null;
  }
  if (g.y4) {
    const date = lastDayOfMonth(Number(g.y4), Number(g.m4));
    return date ? { kind: 'absolute', date, precision: 'month' } : null;
  }
  const amount = parseNumberToken(g.n!);
  if (amount === null || amount <= 0) return null;
  const unit = g.u === '月' ? 'month' : g.u === '年' ? 'year' : 'day';
  return { kind: 'relative', amount, unit, anchor: g.anchor === '生效' ? 'effective' : 'signing' };
}

/** Every date or relative deadline in the text, in order. */
export function findDates(text: string): DateMention[] {
  const out: DateMention[] = [];
  for (const m of text.matchAll(DATE_RE)) {
    const g = m.groups ?? {};
    const parsed = parseMatch(g);
    const index = m.index;
    const end = index + m[0].length;
    const before = text.slice(Math.max(0, index - 6), index);
    const after = text.slice(end);
    const deadline =
      g.anchor !== undefined ||
      /^\s*(?:之前|以前|前)/.test(after) ||
      /(?:最迟|不晚于|最晚)\s*(?:于|在)?\s*$/.test(before) ||
      (/(?:于|在)\s*$/.test(before) && !/已(?:经)?\s*(?:于|在)\s*$/.test(before) && PERFORM_VERB.test(after));
    out.push({ index, end, raw: m[0], parsed, deadline });
  }
  return out;
}

/**
 * A whole string as one calendar day: "2026年3月1日", "2026-03-01", "2026/3/1", "二〇二六年三月一日".
 * Returns YYYY-MM-DD, or null.
 */
export function parseCalendarDate(s: string): string | null {
  const t = s.trim();
  const all = findDates(t);
  if (all.length !== 1) return null;
  const d = all[0]!;
  if (d.index !== 0 || d.end !== t.length || d.parsed?.kind !== 'absolute' || d.parsed.precision !== 'day') return null;
  return d.parsed.date;
}

/** A deadline as written in a performance section: the latest date it names, or null. */
export function parseDeadline(s: string): ParsedDate | null {
  const all = findDates(s).filter((d) => d.parsed !== null);
  if (all.length === 0) return null;
  return all[all.length - 1]!.parsed;
}

export function addToDate(iso: string, amount: number, unit: 'day' | 'month' | 'year'): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (unit === 'day') dt.setUTCDate(dt.getUTCDate() + amount);
  else if (unit === 'month') dt.setUTCMonth(dt.getUTCMonth() + amount);
  else dt.setUTCFullYear(dt.getUTCFullYear() + amount);
  return dt.toISOString().slice(0, 10);
}

/** The calendar day a parsed date stands for, given the signing date (relative deadlines need it). */
export function resolveDate(p: ParsedDate, signingDate: string | null): string | null {
  if (p.kind === 'absolute') return p.date;
  return signingDate ? addToDate(signingDate, p.amount, p.unit) : null;
}

/** Approximate days after signing, for comparing two relative deadlines when no signing date is set. */
export function relativeDays(p: ParsedDate): number | null {
  if (p.kind !== 'relative') return null;
  return p.amount * (p.unit === 'day' ? 1 : p.unit === 'month' ? 30 : 365);
}

/** 2026-03-01 → 2026年3月1日 */
export function formatDateCn(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

const CN_DIGITS = '〇一二三四五六七八九';

function smallChinese(n: number): string {
  if (n < 10) return CN_DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : CN_DIGITS[tens]}十${ones ? CN_DIGITS[ones] : ''}`;
}

/** 2026-03-10 → 二〇二六年三月十日, the style of court documents. */
export function formatDateChinese(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${[...y!].map((c) => CN_DIGITS[Number(c)]).join('')}年${smallChinese(Number(m))}月${smallChinese(Number(d))}日`;
}

/** Today in China Standard Time as YYYY-MM-DD. */
export function todayInChina(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
