// Administrators manage staff accounts.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { UserService } from './user-service.ts';
import { staffOf } from '../http/access-hook.ts';
import { errors, Id, IdParams, Text, UserRoleT, UserView } from '../http/schemas.ts';
import { userView } from '../http/views.ts';

const Password = Type.String({ minLength: 10, maxLength: 200, description: '至少10个字符' });

export const userRoutes =
  (users: UserService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '',
      {
        schema: { tags: ['users'], summary: '账号列表', response: { 200: Type.Object({ users: Type.Array(UserView) }), ...errors(401, 403) } },
        config: { action: 'org.manage' },
      },
      async (request) => ({ users: (await users.listOf(staffOf(request))).map(userView) }),
    );

    app.post(
      '',
      {
        schema: {
          tags: ['users'],
          summary: '创建账号（调解员、法官、管理员）',
          body: Type.Object(
            {
              username: Type.String({ pattern: '^[a-zA-Z0-9_.-]{3,32}$' }),
              displayName: Text(32),
              role: Type.Union(UserRoleT.anyOf, { title: '角色' }),
              password: Password,
              courtId: Type.Optional(Id),
              /** The unit of the centre the account belongs to (default: the administrator's own). */
              unitId: Type.Optional(Id),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ user: UserView }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'org.manage' },
      },
      async (request, reply) => {
        const user = await users.create(staffOf(request), request.body);
        return reply.status(201).send({ user: userView(user) });
      },
    );

    app.patch(
      '/:id',
      {
        schema: {
          tags: ['users'],
          summary: '修改账号（姓名、启用/停用、重置密码）',
          params: IdParams,
          body: Type.Object(
            { displayName: Type.Optional(Text(32)), active: Type.Optional(Type.Boolean()), password: Type.Optional(Password) },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: Type.Object({ user: UserView }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'org.manage' },
      },
      async (request) => ({ user: userView(await users.update(staffOf(request), request.params.id, request.body)) }),
    );
  };
