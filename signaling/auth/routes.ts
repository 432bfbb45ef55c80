// Staff login / logout / current user / changing one's own password.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { login, logout, SESSION_COOKIE, SESSION_TTL_MS } from './sessions.ts';
import type { AppContext } from '../context.ts';
import { sessionCookieOf } from '../access/principal.ts';
import type { UserService } from '../users/user-service.ts';
import { DomainError } from '../errors.ts';
import { accessOf, staffOf } from '../http/access-hook.ts';
import { errors, MeView, Text } from '../http/schemas.ts';

const Me = MeView;

export const authRoutes =
  (ctx: AppContext, users: UserService): FastifyPluginAsyncTypebox =>
  async (app) => {
    const secure = ctx.config.publicUrl.startsWith('https:');

    app.post(
      '/login',
      {
        schema: {
          tags: ['auth'],
          summary: '工作人员登录',
          body: Type.Object({ username: Text(64), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
          response: { 200: Me, ...errors(400, 401, 429) },
        },
        config: { action: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const session = await login(ctx, request.body.username, request.body.password, request.ip);
        reply.setCookie(SESSION_COOKIE, session.cookieValue, {
          httpOnly: true,
          sameSite: 'strict',
          // Secure when served over https, directly or behind a trusted proxy (X-Forwarded-Proto, TRUST_PROXY).
          secure: secure || request.protocol === 'https',
          path: '/',
          signed: true,
          maxAge: Math.floor(SESSION_TTL_MS / 1000),
        });
        return { user: { ...session.user, mustChangePassword: session.mustChangePassword }, csrfToken: session.csrfToken };
      },
    );

    app.post(
      '/logout',
      { schema: { tags: ['auth'], summary: '退出登录', response: { 204: Type.Null(), ...errors(401, 403) } }, config: { action: 'auth.self' } },
      async (request, reply) => {
        const cookie = sessionCookieOf((raw) => request.unsignCookie(raw), request.headers.cookie);
        if (cookie) await logout(ctx, cookie, staffOf(request));
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/me',
      { schema: { tags: ['auth'], summary: '当前登录用户', response: { 200: Me, ...errors(401) } }, config: { action: 'auth.self' } },
      async (request) => {
        const principal = accessOf(request).principal;
        if (principal?.kind !== 'staff') throw new DomainError('NOT_AUTHENTICATED');
        return { user: { ...principal.user, mustChangePassword: principal.mustChangePassword }, csrfToken: principal.csrfToken };
      },
    );

    app.post(
      '/password',
      {
        schema: {
          tags: ['auth'],
          summary: '修改自己的密码（需当前密码；本账号的其他登录会话随即失效）',
          body: Type.Object(
            { currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Type.String({ minLength: 1, maxLength: 200 }) },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), ...errors(400, 401, 403, 429) },
        },
        // Per session (guessing the current password with a stolen session), not per address: colleagues behind one NAT change theirs independently.
        config: {
          action: 'auth.self',
          rateLimit: { max: 10, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => request.headers.cookie ?? request.ip },
        },
      },
      async (request, reply) => {
        const cookieValue = sessionCookieOf((raw) => request.unsignCookie(raw), request.headers.cookie) ?? '';
        await users.changeOwnPassword(staffOf(request), { cookieValue, ip: request.ip }, request.body);
        return reply.status(204).send(null);
      },
    );
  };
