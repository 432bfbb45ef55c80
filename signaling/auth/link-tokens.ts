// Personal link tokens for parties: "<invitationId>.<secret>". Only an HMAC of the secret
// is stored. Every rejection has its own code so the party sees why, and it is audited.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../errors.ts';

// Keyed with the installation's token key, so rotating that key voids every link at once.
export function hashSecret(tokenKey: string, secret: string): string {
  return createHmac('sha256', tokenKey).update(secret).digest('hex');
}

export function issueLinkSecret(tokenKey: string): { secret: string; secretHash: string } {
  const secret = randomBytes(24).toString('base64url');
  return { secret, secretHash: hashSecret(tokenKey, secret) };
}

export function formatLinkToken(invitationId: string, secret: string): string {
  return `${invitationId}.${secret}`;
}

export function parseLinkToken(token: string): { invitationId: string; secret: string } {
  const m = /^([a-z0-9]{20,40})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!m) throw new DomainError('TOKEN_MALFORMED', '链接不完整或格式错误，请检查是否完整复制了调解员发送的链接');
  return { invitationId: m[1]!, secret: m[2]! };
}

export function secretMatches(tokenKey: string, secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(tokenKey, secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The invitation a token names, or null when it is not a well-formed token (no secret check). */
export function invitationIdOf(token: string): string | null {
  try {
    return parseLinkToken(token).invitationId;
  } catch {
    return null;
  }
}
