// The mediation committee: its details and the seal image used on agreements (decoded and
// checked at upload: signing/png-image.ts).
import { createHash } from 'node:crypto';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { appendAudit } from '../../audit/log.ts';
import { staffActor } from '../../cases/case-service.ts';
import type { AppContext } from '../../context.ts';
import { DomainError } from '../../errors.ts';
import { checkSealPng } from '../../signing/png-image.ts';
import { staffOf } from '../access-hook.ts';
import { errors, OrgView } from '../schemas.ts';

export const orgRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const view = (o: { id: string; name: string; shortName: string; sealPng: Uint8Array | null }) => ({
      org: { id: o.id, name: o.name, shortName: o.shortName, hasSeal: o.sealPng !== null },
    });

    app.get(
      '',
      { schema: { tags: ['org'], summary: '调解组织信息', response: { 200: OrgView, ...errors(401) } }, config: { action: 'org.read' } },
      async (request) => view(await ctx.db.organisation.findUniqueOrThrow({ where: { id: staffOf(request).orgId } })),
    );

    app.get('/seal', { schema: { tags: ['org'], summary: '印章图片（PNG）' }, config: { action: 'org.read' } }, async (request, reply) => {
      const org = await ctx.db.organisation.findUniqueOrThrow({ where: { id: staffOf(request).orgId } });
      if (!org.sealPng) throw new DomainError('SEAL_NOT_FOUND', '尚未上传印章图片');
      return reply.type('image/png').header('cache-control', 'no-store').send(Buffer.from(org.sealPng));
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
      async (request) => {
        const bytes = Buffer.from(request.body.pngBase64, 'base64');
        // Decoded and embedded once here, so a seal that reaches an agreement can always be printed.
        await checkSealPng(bytes);
        const admin = staffOf(request);
        const org = await ctx.db.$transaction(async (tx) => {
          const updated = await tx.organisation.update({ where: { id: admin.orgId }, data: { sealPng: bytes } });
          await appendAudit(tx, staffActor(admin), null, {
            type: 'ORG_SEAL_UPDATED',
            data: { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') },
          });
          return updated;
        });
        return view(org);
      },
    );
  };
