// 统一社会信用代码 (unified social credit code) per GB 32100-2015: 18 characters — registration
// authority (1), organisation type (1), administrative division (6), organisation code (9, itself
// with a GB 11714 check character) and one check character over the first 17. The alphabet leaves
// out I, O, Z, S and V so they cannot be mistaken for digits. The tables are data a centre can
// check against the standard (GB 32100-2015 §5 and Appendix B).

/** The 31 code characters in order: a character's value is its index. */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weights of positions 1–17 for the check character: 3^(i-1) mod 31. */
export const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export function normalizeCreditCode(raw: string): string {
  return raw.replace(/\s/g, '').toUpperCase();
}

/** The 18th character for the first 17, or null when they hold a character outside the alphabet. */
export function creditCodeCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(first17[i] ?? '');
    if (v < 0) return null;
    sum += v * CREDIT_CODE_WEIGHTS[i]!;
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** null when valid, otherwise what is wrong, in Chinese. */
export function creditCodeProblem(raw: string): string | null {
  const code = normalizeCreditCode(raw);
  if (code.length !== 18) return '统一社会信用代码应为18位';
  if (![...code].every((c) => CREDIT_CODE_ALPHABET.includes(c))) return '统一社会信用代码只含数字和大写字母（不含I、O、Z、S、V）';
  if (!/^\d{6}$/.test(code.slice(2, 8))) return '统一社会信用代码第3至8位应为行政区划代码（6位数字）';
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return '统一社会信用代码校验位不正确，请核对营业执照';
  return null;
}
