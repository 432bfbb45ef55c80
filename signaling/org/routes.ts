// The mediation committee: its details and the seal image used on agreements (decoded and
// checked at upload: signing/png-image.ts).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { staffOf } from '../http/access-hook.ts';
import { errors, OrgView } from '../http/schemas.ts';
import type { OrgService } from './org-service.ts';

export const orgRoutes =
  (org: OrgService): FastifyPluginAsyncTypebox =>
  async (app) => {
    const view = (o: { id: string; name: string; shortName: string; phone: string | null; sealPng: Uint8Array | null }) => ({
      org: { id: o.id, name: o.name, shortName: o.shortName, phone: o.phone, hasSeal: o.sealPng !== null },
    });

    app.get(
      '',
      { schema: { tags: ['org'], summary: '调解组织信息', response: { 200: OrgView, ...errors(401) } }, config: { action: 'org.read' } },
      async (request) => view(await org.of(staffOf(request))),
    );

    app.put(
      '',
      {
        schema: {
          tags: ['org'],
          summary: '修改调解组织的联系电话',
          body: Type.Object(
            { phone: Type.String({ title: '联系电话', minLength: 7, maxLength: 20, pattern: '^[0-9][0-9-]{5,18}[0-9]$' }) },
            { additionalProperties: false },
          ),
          response: { 200: OrgView, ...errors(400, 401, 403) },
        },
        config: { action: 'org.manage' },
      },
      async (request) => view(await org.setPhone(staffOf(request), request.body.phone)),
    );

    app.get('/seal', { schema: { tags: ['org'], summary: '印章图片（PNG）' }, config: { action: 'org.read' } }, async (request, reply) => {
      return reply
        .type('image/png')
        .header('cache-control', 'no-store')
        .send(await org.sealPng(staffOf(request)));
    });

    app.put(
      '/seal',
      {
        schema: {
          tags: ['org'],
          summary: '上传印章图片（PNG，base64）',
          body: Type.Object(
            { pngBase64: Type.String({ minLength: 1, maxLength: 1_500_000, pattern: '^[A-Za-z0-9+/]+={0,2}$' }) },
            { additionalProperties: false },
          ),
          response: { 200: OrgView, ...errors(400, 401, 403) },
        },
        config: { action: 'org.manage' },
      },
      async (request) => view(await org.replaceSeal(staffOf(request), request.body.pngBase64)),
    );
  };
