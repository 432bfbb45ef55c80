// Staff login sessions: the cookie carries a random id; the database stores its SHA-256
// together with a per-session CSRF token that mutating requests must echo in a header.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppContext, StaffPrincipal } from '../context.ts';
import type { Tx } from '../db.ts';
import { recordAudit } from '../audit/log.ts';
import { DomainError } from '../errors.ts';
import { isUserRole } from '../domain/vocabulary.ts';
import { verifyPassword } from './password.ts';

export const SESSION_COOKIE = 'jf_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const sessionId = (cookieValue: string) => createHash('sha256').update(cookieValue).digest('hex');

// Verifying against a dummy hash keeps the response time of unknown usernames the same.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export async function login(ctx: AppContext, username: string, password: string, ip: string) {
  const user = await ctx.db.user.findUnique({ where: { username } });
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || !user.active) {
    await recordAudit(ctx.db, { type: 'anonymous' }, null, { type: 'USER_LOGIN_FAILED', data: { username: username.slice(0, 64), ip } });
    throw new DomainError('BAD_CREDENTIALS', '账号或密码错误');
  }
  const cookieValue = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await ctx.db.userSession.create({ data: { id: sessionId(cookieValue), userId: user.id, csrfToken, expiresAt: new Date(Date.now() + SESSION_TTL_MS) } });
  await recordAudit(ctx.db, { type: 'user', id: user.id, label: `${user.displayName}（${user.username}）` }, null, {
    type: 'USER_LOGIN',
    data: { username: user.username, ip },
  });
  return { cookieValue, csrfToken, user: toPrincipal(user), mustChangePassword: user.mustChangePassword };
}

/** The live session of this cookie: its user, CSRF token, and whether the user must change its password first. */
export async function lookupSession(ctx: AppContext, cookieValue: string) {
  const session = await ctx.db.userSession.findUnique({ where: { id: sessionId(cookieValue) }, include: { user: true } });
  if (!session || session.expiresAt.getTime() <= Date.now() || !session.user.active) return null;
  return { user: toPrincipal(session.user), csrfToken: session.csrfToken, mustChangePassword: session.user.mustChangePassword };
}

/** Ends every session of the user except the one of this cookie; returns how many ended. */
export async function endOtherSessions(db: Pick<Tx, 'userSession'>, userId: string, keepCookieValue: string): Promise<number> {
  const { count } = await db.userSession.deleteMany({ where: { userId, NOT: { id: sessionId(keepCookieValue) } } });
  return count;
}

export async function logout(ctx: AppContext, cookieValue: string, user: StaffPrincipal) {
  await ctx.db.userSession.deleteMany({ where: { id: sessionId(cookieValue) } });
  await recordAudit(ctx.db, { type: 'user', id: user.id, label: `${user.displayName}（${user.username}）` }, null, {
    type: 'USER_LOGOUT',
    data: { username: user.username },
  });
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function toPrincipal(u: { id: string; username: string; displayName: string; role: string; orgId: string; courtId: string | null }): StaffPrincipal {
  if (!isUserRole(u.role)) throw new Error(`corrupt role for user ${u.id}`);
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, orgId: u.orgId, courtId: u.courtId };
}
