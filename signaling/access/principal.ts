// Who is asking, resolved the same way for HTTP requests, room sockets and drafting WebSockets:
// a party by its personal link token (Bearer header or socket/WebSocket auth token), or staff by
// the signed session cookie. Also the one cross-site check (Origin) all three transports use.
import fastifyCookie from '@fastify/cookie';
import { lookupSession, SESSION_COOKIE } from '../auth/sessions.ts';
import { resolveLink } from '../cases/link-resolution.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';

export type LinkResolution = Awaited<ReturnType<typeof resolveLink>>;
export type LinkParticipant = LinkResolution['participant'];

export type Principal =
  /** `mustChangePassword`: until changed, the user may only see itself, log out and change it. */
  | { kind: 'staff'; user: StaffPrincipal; csrfToken: string; mustChangePassword: boolean }
  | { kind: 'party'; participant: LinkParticipant; link: LinkResolution; token: string; invitationId: string };

export interface Credentials {
  /** A party's link token (already taken out of "Bearer …" or the socket's auth). */
  token?: string | null | undefined;
  /** The raw Cookie header; the session cookie is read out of it and its signature checked. */
  cookieHeader?: string | undefined;
  ip: string;
  userAgent: string;
  /** When acting on one case, a link must belong to it (TOKEN_WRONG_CASE otherwise). */
  expectCaseId?: string | undefined;
}

/** A party by its link token (checked again, e.g. at room:join against the case it joins). */
export async function linkPrincipal(
  ctx: AppContext,
  token: string,
  req: Omit<Credentials, 'token' | 'cookieHeader'>,
): Promise<Extract<Principal, { kind: 'party' }>> {
  const link = await resolveLink(ctx, token, {
    ip: req.ip,
    userAgent: req.userAgent,
    ...(req.expectCaseId !== undefined ? { expectCaseId: req.expectCaseId } : {}),
  });
  return { kind: 'party', participant: link.participant, link, token, invitationId: link.id };
}

/** Checks a signed cookie value (fastify's unsignCookie). */
export type Unsigner = (raw: string) => { valid: boolean; value: string | null };

/** The principal behind a set of credentials; a link wins over a cookie (a staff member opening a party link sees the party's page). */
export async function resolvePrincipal(ctx: AppContext, unsign: Unsigner, creds: Credentials): Promise<Principal> {
  if (creds.token) return linkPrincipal(ctx, creds.token, creds);
  const cookie = sessionCookieOf(unsign, creds.cookieHeader);
  const session = cookie ? await lookupSession(ctx, cookie) : null;
  if (!session) throw new DomainError('NOT_AUTHENTICATED', '请先登录或通过邀请链接进入');
  return { kind: 'staff', user: session.user, csrfToken: session.csrfToken, mustChangePassword: session.mustChangePassword };
}

/** The verified session id out of a Cookie header, or null. */
export function sessionCookieOf(unsign: Unsigner, cookieHeader: string | undefined): string | null {
  const raw = fastifyCookie.parse(cookieHeader ?? '')[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = unsign(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : null;
}

/** "Bearer <token>" → token; undefined when absent; TOKEN_MALFORMED when present but not a bearer token. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer (\S+)$/.exec(header);
  if (!m) throw new DomainError('TOKEN_MALFORMED');
  return m[1];
}

/**
 * Browsers send Origin with every cross-site request, WebSocket and XHR: anything but our own
 * address (or the Host the request came to) is refused. No Origin = not a browser's cross-site call.
 */
export function originAllowed(publicUrl: string, origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  return origin === new URL(publicUrl).origin || origin === `http://${host}` || origin === `https://${host}`;
}
