// The centre and its units on /api/centre: every staff member reads them; an administrator adds and
// changes units and their seals, and lists each unit's staff (accounts are made on /api/users with a unitId).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { staffOf } from '../http/access-hook.ts';
import { errors, IdParams, UserView } from '../http/schemas.ts';
import { userView } from '../http/views.ts';
import type { UserService } from '../users/user-service.ts';
import { CentreView, NewUnitBody, SealBody, UnitChangesBody, UnitView } from './schemas.ts';
import type { UnitService } from './unit-service.ts';

export const unitRoutes =
  (units: UnitService, users: UserService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '',
      {
        schema: { tags: ['centre'], summary: '综治中心及其成员单位（按类别）', response: { 200: CentreView, ...errors(401) } },
        config: { action: 'centre.read' },
      },
      async (request) => units.centreOf(staffOf(request)),
    );

    app.post(
      '/units',
      {
        schema: {
          tags: ['centre'],
          summary: '新增成员单位（类别、名称、案号简称）',
          body: NewUnitBody,
          response: { 201: Type.Object({ unit: UnitView }), ...errors(400, 401, 403, 409) },
        },
        config: { action: 'centre.manage' },
      },
      async (request, reply) => reply.status(201).send({ unit: await units.add(staffOf(request), request.body) }),
    );

    app.patch(
      '/units/:id',
      {
        schema: {
          tags: ['centre'],
          summary: '修改成员单位（名称、联系电话、启用/停用）',
          params: IdParams,
          body: UnitChangesBody,
          response: { 200: Type.Object({ unit: UnitView }), ...errors(400, 401, 403, 404) },
        },
        config: { action: 'centre.manage' },
      },
      async (request) => ({ unit: await units.update(staffOf(request), request.params.id, request.body) }),
    );

    app.put(
      '/units/:id/seal',
      {
        schema: {
          tags: ['centre'],
          summary: '上传成员单位印章图片（PNG，base64）',
          params: IdParams,
          body: SealBody,
          response: { 200: Type.Object({ unit: UnitView }), ...errors(400, 401, 403, 404) },
        },
        config: { action: 'centre.manage' },
      },
      async (request) => ({ unit: await units.replaceSeal(staffOf(request), request.params.id, request.body.pngBase64) }),
    );

    app.get(
      '/units/:id/staff',
      {
        schema: {
          tags: ['centre'],
          summary: '成员单位的工作人员账号',
          params: IdParams,
          response: { 200: Type.Object({ users: Type.Array(UserView) }), ...errors(401, 403, 404) },
        },
        config: { action: 'centre.manage' },
      },
      async (request) => ({ users: (await users.listOfUnit(staffOf(request), request.params.id)).map(userView) }),
    );
  };
