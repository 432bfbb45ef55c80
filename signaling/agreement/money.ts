// Amounts of money in Chinese agreement text: parsing (5000元, ¥5,000.00, 人民币伍仟元整, 5千元,
// 1.2万元), formatting (8,600.00元) and the 大写 form used next to every figure in a 调解协议书.
// Values are integer 分 (fen) so sums and comparisons are exact.

const DIGIT: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  壹: 1,
  二: 2,
  两: 2,
  贰: 2,
  貳: 2,
  三: 3,
  叁: 3,
  參: 3,
  四: 4,
  肆: 4,
  五: 5,
  伍: 5,
  六: 6,
  陆: 6,
  陸: 6,
  七: 7,
  柒: 7,
  八: 8,
  捌: 8,
  九: 9,
  玖: 9,
};
const SMALL_UNIT: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };
const BIG_UNIT: Record<string, number> = { 万: 1e4, 萬: 1e4, 亿: 1e8, 億: 1e8 };

export const CN_NUMBER_CHARS = '零〇一壹二两贰貳三叁參四肆五伍六陆陸七柒八捌九玖十拾百佰千仟万萬亿億';

/**
 * 十五 → 15, 一万二千三百 → 12300, 一百零五 → 105, 壹拾万 → 100000, 二〇二六 → 2026 (digit by digit).
 * Returns null for anything that is not a well-formed Chinese integer.
 */
export function parseChineseInteger(s: string): number | null {
  if (!s) return null;
  const chars = [...s];
  if (chars.some((c) => !(c in DIGIT) && !(c in SMALL_UNIT) && !(c in BIG_UNIT))) return null;
  // Digits only (二〇二六, 一五): positional.
  if (chars.length > 1 && chars.every((c) => c in DIGIT)) return Number(chars.map((c) => DIGIT[c]).join(''));
  let total = 0;
  let section = 0;
  let number = 0;
  let lastSmall = Infinity;
  for (const c of chars) {
    const d = DIGIT[c];
    if (d !== undefined) {
      number = d;
      continue;
    }
    const small = SMALL_UNIT[c];
    if (small !== undefined) {
      if (small >= lastSmall) return null; // 十百, 千千
      section += (number === 0 ? 1 : number) * small;
      number = 0;
      lastSmall = small;
      continue;
    }
    const big = BIG_UNIT[c]!;
    const value = section + number;
    if (big === 1e8) total = (total + value) * big;
    else total += (value === 0 ? 1 : value) * big;
    section = 0;
    number = 0;
    lastSmall = Infinity;
  }
  return total + section + number;
}

/** An Arabic or Chinese integer/decimal: "15", "十五", "3.5". */
export function parseNumberToken(s: string): number | null {
  const t = s.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t);
  return parseChineseInteger(t);
}

export interface AmountMention {
  /** Position in the text (UTF-16 index) and the matched text. */
  index: number;
  end: number;
  raw: string;
  fen: number;
  /** Stated as money (元, ¥, 人民币); false for a bare figure after a payment verb. */
  currency: boolean;
  /** Written in Chinese numerals (大写 or 小写 characters) rather than digits. */
  words: boolean;
}

const ARABIC = String.raw`\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
const CN = `[${CN_NUMBER_CHARS}]`;
const CN_DIGIT = '[零〇一壹二两贰貳三叁參四肆五伍六陆陸七柒八捌九玖]';
/** One regex, two alternatives: digits (group 1–4) or Chinese numerals (group 5–9). */
const AMOUNT_RE = new RegExp(
  String.raw`(人民币|RMB|CNY|[¥￥])?\s*(?:(${ARABIC})\s*(万|千|百)?\s*(?:(元|圆|块)(?:整|正)?)?|(${CN}+)(元|圆|块)(?:(${CN_DIGIT})角)?零?(?:(${CN_DIGIT})分)?(整|正)?)`,
  'g',
);
/** What must not follow a bare figure for it to count as money (days, floors, percent…). */
const NOT_MONEY_AFTER = /^\s*(?:[日天月年期号楼层室栋单户个次份周倍条款项%％‰]|平方|㎡|米|小时|分钟|工作日)/;
const PAYMENT_VERB = /支付|赔偿|补偿|偿还|返还|给付|退还|缴纳|归还|付清|赔付|交付/;

function toFen(value: number): number {
  return Math.round(value * 100);
}

/** Every money amount in the text, in order. */
export function findAmounts(text: string): AmountMention[] {
  const out: AmountMention[] = [];
  for (const m of text.matchAll(AMOUNT_RE)) {
    const index = m.index;
    const prefix = m[1];
    let raw = m[0];
    let start = index;
    // The regex may swallow leading blanks before a figure without a prefix.
    if (!prefix) {
      const lead = raw.length - raw.trimStart().length;
      start += lead;
      raw = raw.trimStart();
    }
    if (m[2] !== undefined) {
      const digits = m[2].replace(/[,，]/g, '');
      if (!/^\d+(?:\.\d+)?$/.test(digits)) continue;
      const mult = m[3] === '万' ? 1e4 : m[3] === '千' ? 1e3 : m[3] === '百' ? 100 : 1;
      const hasYuan = m[4] !== undefined;
      // A figure directly inside a longer number or a date (2026年) is not an amount.
      const before = text[start - 1] ?? '';
      if (/[\d.]/.test(before)) continue;
      let currency = Boolean(prefix) || hasYuan;
      if (!currency) {
        // Bare figure: money only after a payment verb in the same clause fragment, and not
        // followed by days/floors/percent/万分之.
        const after = text.slice(start + raw.length);
        if (NOT_MONEY_AFTER.test(after) || /^\s*分之/.test(after) || (m[3] && /^分之/.test(after))) continue;
        if (m[3] === undefined && /^\s*万分之/.test(after)) continue;
        const fragment =
          text
            .slice(0, start)
            .split(/[。；;，,\n]/)
            .pop() ?? '';
        if (!PAYMENT_VERB.test(fragment)) continue;
        currency = false;
      }
      // Trailing blanks are not part of the mention.
      raw = raw.trimEnd();
      out.push({ index: start, end: start + raw.length, raw, fen: toFen(Number(digits) * mult), currency, words: false });
    } else if (m[5] !== undefined) {
      const yuan = parseChineseInteger(m[5]);
      if (yuan === null) continue;
      const jiao = m[7] !== undefined ? DIGIT[m[7]]! : 0;
      const fen = m[8] !== undefined ? DIGIT[m[8]]! : 0;
      out.push({ index: start, end: start + raw.length, raw, fen: yuan * 100 + jiao * 10 + fen, currency: true, words: true });
    }
  }
  return out;
}

/**
 * A whole string as one amount: "5000元", "¥5,000.00", "人民币伍仟元整", "5千元", "1.2万元".
 * A bare number ("8600", "8600.00") is accepted with currency=false.
 */
export function parseAmount(s: string): { fen: number; currency: boolean } | null {
  const t = s.trim().replace(/\s+/g, '');
  if (!t) return null;
  const bare = /^(\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (bare) return { fen: toFen(Number(`${bare[1]!.replace(/[,，]/g, '')}.${bare[2] ?? '0'}`)), currency: false };
  const bareMult = /^(\d+(?:\.\d+)?)(万|千)$/.exec(t);
  if (bareMult) return { fen: toFen(Number(bareMult[1]) * (bareMult[2] === '万' ? 1e4 : 1e3)), currency: false };
  // Less than one yuan in words: 伍角, 伍分, 伍角伍分.
  const small = new RegExp(`^(?:人民币)?(?:(${CN_DIGIT})角)?(?:(${CN_DIGIT})分)?$`).exec(t);
  if (small && (small[1] || small[2])) return { fen: (small[1] ? DIGIT[small[1]]! * 10 : 0) + (small[2] ? DIGIT[small[2]]! : 0), currency: true };
  const all = findAmounts(t);
  if (all.length !== 1) return null;
  const a = all[0]!;
  if (a.index !== 0 || a.end !== t.length) return null;
  // Arabic amounts may carry at most two decimals (分).
  if (!a.words && /\.\d{3,}/.test(a.raw) && !/[万千]/.test(a.raw)) return null;
  return { fen: a.fen, currency: a.currency };
}

/** 860000 → "8,600.00元". */
export function formatAmount(fen: number): string {
  return `${formatAmountNumber(fen)}元`;
}

/** 860000 → "8,600.00". */
export function formatAmountNumber(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  const yuan = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}${yuan.toLocaleString('en-US')}.${cents}`;
}

/** 860000 → "8600.00": the normalised value stored in an amount field. */
export function fenToDecimal(fen: number): string {
  const abs = Math.abs(Math.round(fen));
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const UPPER_DIGITS = '零壹贰叁肆伍陆柒捌玖';
const UPPER_POS = ['', '拾', '佰', '仟'];
const UPPER_GROUP = ['', '万', '亿', '万亿'];

/**
 * The 大写 form as written on cheques and agreements: 860000 → "捌仟陆佰元整",
 * 1000500 → "壹万零伍元整", 10000000 → "壹拾万元整", 12345 → "壹佰贰拾叁元肆角伍分", 5 → "伍分".
 */
export function formatAmountWords(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`cannot write ${fen} 分 in words`);
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cent = fen % 10;
  let out = '';
  if (yuan > 0) {
    const groups: number[] = [];
    for (let n = yuan; n > 0; n = Math.floor(n / 1e4)) groups.push(n % 1e4);
    let pendingZero = false;
    for (let g = groups.length - 1; g >= 0; g--) {
      const value = groups[g]!;
      if (value === 0) {
        if (out) pendingZero = true;
        continue;
      }
      if (out && (pendingZero || value < 1000)) out += '零';
      pendingZero = false;
      let inner = '';
      let innerZero = false;
      for (let p = 3; p >= 0; p--) {
        const d = Math.floor(value / 10 ** p) % 10;
        if (d === 0) {
          if (inner) innerZero = true;
          continue;
        }
        if (innerZero) inner += '零';
        innerZero = false;
        inner += UPPER_DIGITS[d]! + UPPER_POS[p]!;
      }
      out += inner + UPPER_GROUP[g]!;
    }
    out += '元';
  }
  if (jiao === 0 && cent === 0) return (out || '零元') + '整';
  if (jiao > 0) out += UPPER_DIGITS[jiao]! + '角';
  else if (yuan > 0) out += '零';
  if (cent > 0) out += UPPER_DIGITS[cent]! + '分';
  return out;
}
