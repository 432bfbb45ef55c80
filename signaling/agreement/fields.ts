// Fill-in fields: typed values referenced from text as {{key}} placeholders. Values stay data
// (normalised strings: amounts as "8600.00", dates as "2026-03-15") and are only turned into
// words when text is rendered.
import { formatDateChinese, formatDateCn, parseCalendarDate } from './dates.ts';
import { fenToDecimal, formatAmount, formatAmountWords, parseAmount, parseNumberToken } from './money.ts';

export const FIELD_TYPES = ['amount', 'date', 'bankAccount', 'place', 'text', 'integer'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  amount: '金额（元）',
  date: '日期',
  bankAccount: '银行账号',
  place: '地点',
  text: '文字',
  integer: '整数',
};

/** A field as stored in a document block: its definition plus the value (null = not filled). */
export interface FieldValue {
  type: FieldType;
  label: string;
  value: string | null;
}

export const FIELD_KEY_RE = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const PLACEHOLDER_RE = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;

/** Keys of the {{key}} placeholders in the text, in order of first appearance. */
export function placeholderKeys(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER_RE)].map((m) => m[1]!))];
}

/** Text with placeholders removed: what a reader sees apart from the fill-ins. */
export function stripPlaceholders(text: string): string {
  return text.replace(PLACEHOLDER_RE, '');
}

export type NormalizeResult = { ok: true; value: string } | { ok: false; problem: string };

/** Checks a raw input for a field type and returns the value to store. Problems are Chinese. */
export function normalizeFieldValue(type: FieldType, raw: string): NormalizeResult {
  const t = raw.trim();
  if (!t) return { ok: false, problem: '未填写' };
  switch (type) {
    case 'amount': {
      const a = parseAmount(t);
      if (!a) return { ok: false, problem: '金额格式不正确，请填写如 8600、8,600.00、1.2万元' };
      if (a.fen <= 0) return { ok: false, problem: '金额应大于零' };
      return { ok: true, value: fenToDecimal(a.fen) };
    }
    case 'date': {
      const d = parseCalendarDate(t);
      return d ? { ok: true, value: d } : { ok: false, problem: '日期格式不正确，请填写如 2026年3月15日 或 2026-03-15' };
    }
    case 'bankAccount': {
      const digits = t.replace(/[\s-]/g, '');
      return /^\d{10,30}$/.test(digits) ? { ok: true, value: digits } : { ok: false, problem: '银行账号应为10至30位数字' };
    }
    case 'integer': {
      const n = parseNumberToken(t);
      return n !== null && Number.isInteger(n) && n > 0 ? { ok: true, value: String(n) } : { ok: false, problem: '应填写正整数' };
    }
    case 'place':
      return t.length >= 2 ? { ok: true, value: t } : { ok: false, problem: '地点过于简略' };
    case 'text':
      return { ok: true, value: t };
  }
}

export type DateStyle = 'arabic' | 'chinese';

/** How a stored value reads in the document: 8600.00 → 8,600.00元（大写：捌仟陆佰元整）. */
export function formatFieldValue(type: FieldType, value: string, dateStyle: DateStyle = 'arabic'): string {
  const n = normalizeFieldValue(type, value);
  if (!n.ok) return value;
  switch (type) {
    case 'amount': {
      const fen = Math.round(Number(n.value) * 100);
      return `${formatAmount(fen)}（大写：${formatAmountWords(fen)}）`;
    }
    case 'date':
      return dateStyle === 'chinese' ? formatDateChinese(n.value) : formatDateCn(n.value);
    case 'bankAccount':
      return n.value.replace(/(\d{4})(?=\d)/g, '$1 ');
    default:
      return n.value;
  }
}

export interface RenderOptions {
  /** What to print for an unfilled field; default 【label】. */
  unfilled?: (key: string, field: FieldValue | undefined) => string;
  dateStyle?: DateStyle;
}

/** Substitutes field values into the text. */
export function renderText(text: string, fields: Readonly<Record<string, FieldValue>>, opts: RenderOptions = {}): string {
  const unfilled = opts.unfilled ?? ((key, f) => `【${f?.label ?? key}】`);
  return text.replace(PLACEHOLDER_RE, (_, key: string) => {
    const f = fields[key];
    return f && f.value !== null && f.value.trim() !== '' ? formatFieldValue(f.type, f.value, opts.dateStyle) : unfilled(key, f);
  });
}
