// Request authentication: staff by session cookie (+ CSRF header on mutations),
// parties by their link token in the Authorization header.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfMatches, lookupSession, SESSION_COOKIE } from '../auth/sessions.ts';
import { resolveLink } from '../cases/invitation-service.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';

export type PartyLink = Awaited<ReturnType<typeof resolveLink>>;

declare module 'fastify' {
  interface FastifyRequest {
    staff: StaffPrincipal | null;
    /** The staff session's CSRF token, echoed to the client by /api/auth/me. */
    staffCsrfToken: string | null;
    party: PartyLink | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What a user who must change its password first may still do (routes as registered). */
const BEFORE_PASSWORD_CHANGE = new Set(['/api/auth/me', '/api/auth/logout', '/api/auth/password']);

export function readSessionCookie(request: FastifyRequest): string | null {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? unsigned.value : null;
}

export function requireStaff(ctx: AppContext, ...roles: StaffPrincipal['role'][]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const cookie = readSessionCookie(request);
    const session = cookie ? await lookupSession(ctx, cookie) : null;
    if (!session) throw new DomainError('NOT_AUTHENTICATED', '请先登录');
    if (!SAFE_METHODS.has(request.method) && !csrfMatches(session.csrfToken, request.headers['x-csrf-token'] as string | undefined)) {
      throw new DomainError('CSRF', '请求校验失败，请刷新页面后重试');
    }
    if (session.mustChangePassword && !BEFORE_PASSWORD_CHANGE.has(request.routeOptions.url ?? '')) throw new DomainError('PASSWORD_CHANGE_REQUIRED');
    if (roles.length > 0 && !roles.includes(session.user.role)) throw new DomainError('FORBIDDEN', '您的账号无权执行此操作');
    request.staff = session.user;
    request.staffCsrfToken = session.csrfToken;
  };
}

export function requireParty(ctx: AppContext) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const m = /^Bearer (\S+)$/.exec(header);
    if (!m) throw new DomainError('TOKEN_MALFORMED', '缺少邀请链接凭证，请通过调解员发送的链接打开');
    request.party = await resolveLink(ctx, m[1]!, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });
  };
}

export function staffOf(request: FastifyRequest): StaffPrincipal {
  if (!request.staff) throw new DomainError('NOT_AUTHENTICATED', '请先登录');
  return request.staff;
}

export function partyOf(request: FastifyRequest): PartyLink {
  if (!request.party) throw new DomainError('TOKEN_MALFORMED', '缺少邀请链接凭证');
  return request.party;
}

export type CasePrincipal = { kind: 'party'; participant: PartyLink['participant'] } | { kind: 'staff'; user: StaffPrincipal };

/**
 * Who is asking about one case, for APIs both sides use: a party by its link token (Bearer),
 * which must belong to `caseId`, or else a staff session (cookie + CSRF on mutations).
 */
export async function caseRequester(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, caseId: string): Promise<CasePrincipal> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer (\S+)$/.exec(header);
    if (!m) throw new DomainError('TOKEN_MALFORMED', '缺少邀请链接凭证，请通过调解员发送的链接打开');
    const link = await resolveLink(ctx, m[1]!, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '', expectCaseId: caseId });
    return { kind: 'party', participant: link.participant };
  }
  await requireStaff(ctx)(request, reply);
  return { kind: 'staff', user: staffOf(request) };
}
