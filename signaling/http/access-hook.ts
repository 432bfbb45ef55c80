// Every API route names the action it performs (`config: { action }`); one preHandler resolves
// who is asking (link token or session cookie, CSRF on staff mutations), computes their role for
// the action's scope and checks the grant (signaling/access/grants.ts). A route that names no
// action cannot be registered, so none is left unguarded by omission.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireGrant, roleFor } from '../access/case-access.ts';
import { scopeOf, type Action, type CaseRole } from '../access/grants.ts';
import { bearerToken, resolvePrincipal, type Principal } from '../access/principal.ts';
import { csrfMatches } from '../auth/sessions.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';
import { assertNotArchived, FROZEN_WHEN_ARCHIVED } from '../followup/dossier/archive-guard.ts';

export interface RequestAccess {
  principal: Principal | null;
  role: CaseRole | null;
  /** The case the action is about (case, application and link scopes). */
  caseId: string | null;
}

/** A registered route and the action it declared (listed for the authorization matrix test and /docs). */
export interface DeclaredRoute {
  method: string;
  url: string;
  action: Action;
  /** What its schema validates (the body, the query string, which path parameters). */
  validates: { body: boolean; query: boolean; params: string[] };
  /** The schemas themselves (every property they declare needs a Chinese label: http/field-labels.ts). */
  schemas: { body?: unknown; querystring?: unknown; params?: unknown };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    action?: Action;
  }
  interface FastifyRequest {
    access: RequestAccess | null;
  }
  interface FastifyInstance {
    declaredRoutes: DeclaredRoute[];
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes outside /api that also need no principal (the party link page is checked in its handler). */
const UNGUARDED_PREFIXES = ['/docs', '/j/', '/metrics'];

export function installAccessHook(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('access', null);
  app.decorate('declaredRoutes', [] as DeclaredRoute[]);

  app.addHook('onRoute', (route) => {
    const action = route.config?.action;
    if (action) {
      const schema = (route.schema ?? {}) as { body?: unknown; querystring?: unknown; params?: { properties?: Record<string, unknown> } };
      const validates = { body: schema.body !== undefined, query: schema.querystring !== undefined, params: Object.keys(schema.params?.properties ?? {}) };
      const schemas = { body: schema.body, querystring: schema.querystring, params: schema.params };
      for (const method of [route.method].flat()) if (method !== 'HEAD') app.declaredRoutes.push({ method, url: route.url, action, validates, schemas });
      return;
    }
    if (!route.url.startsWith('/api') || UNGUARDED_PREFIXES.some((p) => route.url.startsWith(p))) return;
    throw new Error(`route ${String(route.method)} ${route.url} does not name its access action (config.action)`);
  });

  // Before validation: who may not act learns nothing about what a valid request looks like.
  app.addHook('preValidation', async (request) => {
    const action = request.routeOptions.config.action;
    if (!action) return;
    const scope = scopeOf(action);
    if (scope === 'public') {
      request.access = { principal: null, role: null, caseId: null };
      return;
    }
    const caseId = await caseIdOf(ctx, request, scope);
    const principal = await resolvePrincipal(ctx, (raw) => request.unsignCookie(raw), {
      token: bearerToken(request.headers.authorization),
      cookieHeader: request.headers.cookie,
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? '',
      expectCaseId: scope === 'case' && caseId !== null ? caseId : undefined,
    });
    if (
      principal.kind === 'staff' &&
      !SAFE_METHODS.has(request.method) &&
      !csrfMatches(principal.csrfToken, request.headers['x-csrf-token'] as string | undefined)
    ) {
      throw new DomainError('CSRF');
    }
    // A first-start or reset password must be changed before anything else (auth.self: me, logout, the change).
    if (principal.kind === 'staff' && principal.mustChangePassword && action !== 'auth.self') throw new DomainError('PASSWORD_CHANGE_REQUIRED');
    const subject = scope === 'link' && principal.kind === 'party' ? principal.participant.caseId : caseId;
    const role = await roleFor(ctx, principal, scope, subject);
    requireGrant(role, action, scope);
    // An archived case's 卷宗 must stay true: what would change it is refused (followup/dossier/archive-guard.ts).
    if (subject !== null && !SAFE_METHODS.has(request.method) && FROZEN_WHEN_ARCHIVED.has(action)) await assertNotArchived(ctx.db, subject);
    request.access = { principal, role, caseId: subject };
  });
}

/** Ids are lowercase letters and digits (cuid); a malformed one is bad input, not an unknown case. */
const ID_SHAPE = /^[a-z0-9]{1,40}$/;

async function caseIdOf(ctx: AppContext, request: FastifyRequest, scope: string): Promise<string | null> {
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  const id = scope === 'case' ? (params.caseId ?? params.id) : scope === 'application' ? params.id : undefined;
  if (id !== undefined && !ID_SHAPE.test(id)) throw new DomainError('VALIDATION', '请求参数无效：编号格式不正确');
  if (scope === 'case') return id ?? null;
  if (scope === 'application' && id) {
    const a = await ctx.db.judicialApplication.findUnique({ where: { id }, select: { caseId: true } });
    return a?.caseId ?? null;
  }
  return null;
}

export function accessOf(request: FastifyRequest): RequestAccess {
  if (!request.access) throw new DomainError('NOT_AUTHENTICATED');
  return request.access;
}

/** The staff member behind a request whose action admits only staff. */
export function staffOf(request: FastifyRequest): StaffPrincipal {
  const p = request.access?.principal;
  if (p?.kind !== 'staff') throw new DomainError('NOT_AUTHENTICATED');
  return p.user;
}

/** The party behind a request whose action admits only links. */
export function partyOf(request: FastifyRequest): Extract<Principal, { kind: 'party' }> {
  const p = request.access?.principal;
  if (p?.kind !== 'party') throw new DomainError('TOKEN_MALFORMED');
  return p;
}
