// Staff login / logout / current user.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { login, logout, SESSION_COOKIE, SESSION_TTL_MS } from '../../auth/sessions.ts';
import type { AppContext } from '../../context.ts';
import { sessionCookieOf } from '../../access/principal.ts';
import { accessOf, staffOf } from '../access-hook.ts';
import { errors, Text, UserRoleT } from '../schemas.ts';

const Me = Type.Object({
  user: Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String(), role: UserRoleT }),
  csrfToken: Type.String(),
});

export const authRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const secure = ctx.config.publicUrl.startsWith('https:');

  app.post('/auth/login', {
    schema: {
      tags: ['auth'],
      summary: '工作人员登录',
      body: Type.Object({ username: Text(64), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 200: Me, ...errors(400, 401, 429) },
    },
    config: { action: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
  }, async (request, reply) => {
    const session = await login(ctx, request.body.username, request.body.password, request.ip);
    reply.setCookie(SESSION_COOKIE, session.cookieValue, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
      signed: true,
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return { user: session.user, csrfToken: session.csrfToken };
  });

  app.post('/auth/logout', { schema: { tags: ['auth'], summary: '退出登录', response: { 204: Type.Null(), ...errors(401, 403) } }, config: { action: 'auth.self' } }, async (request, reply) => {
    const cookie = sessionCookieOf((raw) => request.unsignCookie(raw), request.headers.cookie);
    if (cookie) await logout(ctx, cookie, staffOf(request));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/auth/me', { schema: { tags: ['auth'], summary: '当前登录用户', response: { 200: Me, ...errors(401) } }, config: { action: 'auth.self' } }, async (request) => {
    const principal = accessOf(request).principal;
    return { user: staffOf(request), csrfToken: principal?.kind === 'staff' ? principal.csrfToken : '' };
  });
};
