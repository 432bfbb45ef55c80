// /api/courts — the courts judicial confirmation can go to: listed for staff, added by an admin
// (the local court comes from configuration on first start). Judges are created against one.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { staffOf } from '../http/access-hook.ts';
import { errors, Text } from '../http/schemas.ts';
import type { CourtService } from './court-service.ts';

const CourtView = Type.Object({ id: Type.String(), name: Type.String(), code: Type.String(), region: Type.String(), isLocal: Type.Boolean() });
const view = (c: { id: string; name: string; code: string; region: string; isLocal: boolean }) => ({
  id: c.id,
  name: c.name,
  code: c.code,
  region: c.region,
  isLocal: c.isLocal,
});

export const courtRoutes =
  (courts: CourtService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '',
      {
        config: { action: 'courts.read' },
        schema: { tags: ['courts'], summary: '法院列表', response: { 200: Type.Object({ courts: Type.Array(CourtView) }), ...errors(401) } },
      },
      async () => ({ courts: (await courts.list()).map(view) }),
    );

    app.post(
      '',
      {
        config: { action: 'org.manage' },
        schema: {
          tags: ['courts'],
          summary: '添加法院（管理员）',
          body: Type.Object(
            {
              name: Type.String({ ...Text(60), title: '法院名称' }),
              code: Type.String({ minLength: 2, maxLength: 12, pattern: '^[\\u4e00-\\u9fa5]{1,2}[0-9]{1,6}$', title: '法院代码' }),
              region: Text(60),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ court: CourtView }), ...errors(400, 401, 403, 409) },
        },
      },
      async (request, reply) => reply.status(201).send({ court: view(await courts.add(staffOf(request), request.body)) }),
    );
  };
