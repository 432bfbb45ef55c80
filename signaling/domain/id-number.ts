// Resident identity numbers (居民身份证号码) per GB 11643-1999:
// 6-digit area code, 8-digit birth date, 3-digit sequence, ISO 7064 MOD 11-2 check character.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Returns null when valid, otherwise a Chinese explanation of what is wrong. */
export function idNumberProblem(raw: string): string | null {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号码应为18位，前17位为数字，最后一位为数字或X';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  const valid = birth.getUTCFullYear() === y && birth.getUTCMonth() === m - 1 && birth.getUTCDate() === d;
  if (!valid || y < 1900 || birth.getTime() > Date.now()) return '身份证号码中的出生日期无效';
  if (idNumberCheckChar(id.slice(0, 17)) !== id[17]) return '身份证号码校验位不正确，请核对';
  return null;
}

export function normalizeIdNumber(raw: string): string {
  return raw.trim().toUpperCase();
}

/**
 * How much of an identity number a mask keeps: the first character and none at the end. The last
 * four characters are what a party types to prove who it is (link, signing, 笔录, 司法确认 — see
 * ID_CHECK_DIGITS), so no mask may show any of them; a mask printed on every copy would hand them
 * to the other side.
 */
export const ID_MASK_HEAD = 1;
/** The characters a person types to confirm identity: the number's last four. */
export const ID_CHECK_DIGITS = 4;

/**
 * 110101199003071234 → 1*****************. Also re-masks an already masked value (an older
 * 1101**********1234 keeps only its first character), so no stored or typed-in mask leaks more.
 */
export function maskIdNumber(id: string): string {
  const chars = [...id.trim()];
  if (chars.length < 8) return '*'.repeat(chars.length);
  return chars.slice(0, ID_MASK_HEAD).join('') + '*'.repeat(chars.length - ID_MASK_HEAD);
}

/** The digits a party types to confirm its identity (compare with what it typed, upper-cased). */
export const idCheckDigits = (id: string) => id.trim().toUpperCase().slice(-ID_CHECK_DIGITS);
