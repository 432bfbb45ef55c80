// Password hashing with scrypt (memory-hard; N=2^15, r=8 → 32 MiB per hash), from node:crypto.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: 128 * options.N! * options.r! * 2 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A readable random password for first-start accounts (no 0/O/1/l confusion). */
export function generatePassword(length = 16): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export const MIN_PASSWORD_LENGTH = 10;

/**
 * Why a new password a user chose for itself is too weak (a Chinese sentence for the user), or
 * null: at least 10 characters, two kinds of character (letters, digits, others), not containing
 * the username (one of 4 characters or more; a shorter one would rule out too much), and not the
 * password it replaces.
 */
export function passwordProblem(password: string, user: { username: string; current: string }): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `新密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符`;
  if (password === user.current) return '新密码不能与当前密码相同';
  const name = user.username.toLowerCase();
  if (name.length >= 4 ? password.toLowerCase().includes(name) : password.toLowerCase() === name) return '新密码不能包含用户名';
  const kinds = [/\p{L}/u, /\p{Nd}/u, /[^\p{L}\p{Nd}]/u].filter((re) => re.test(password)).length;
  if (kinds < 2) return '新密码需包含字母、数字、符号中的至少两类';
  return null;
}
