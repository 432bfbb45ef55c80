// The mediation committee: its details and the seal image used on agreements.
import { createHash } from 'node:crypto';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { appendAudit } from '../../audit/log.ts';
import { staffActor } from '../../cases/case-service.ts';
import type { AppContext } from '../../context.ts';
import { DomainError } from '../../errors.ts';
import { staffOf } from '../access-hook.ts';
import { errors } from '../schemas.ts';

const OrgView = Type.Object({ org: Type.Object({ id: Type.String(), name: Type.String(), shortName: Type.String(), hasSeal: Type.Boolean() }) });
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAX_SEAL_BYTES = 1024 * 1024;

export function pngProblem(bytes: Buffer): string | null {
  if (bytes.length === 0) return '图片为空';
  if (bytes.length > MAX_SEAL_BYTES) return '印章图片不能超过 1 MB';
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_MAGIC) || bytes.subarray(12, 16).toString('latin1') !== 'IHDR') return '印章图片必须是 PNG 格式';
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width < 32 || height < 32 || width > 4096 || height > 4096) return '印章图片尺寸应在 32～4096 像素之间';
  return null;
}

export const orgRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  const view = (o: { id: string; name: string; shortName: string; sealPng: Uint8Array | null }) => ({
    org: { id: o.id, name: o.name, shortName: o.shortName, hasSeal: o.sealPng !== null },
  });

  app.get('', { schema: { tags: ['org'], summary: '调解组织信息', response: { 200: OrgView, ...errors(401) } }, config: { action: 'org.read' } }, async (request) =>
    view(await ctx.db.organisation.findUniqueOrThrow({ where: { id: staffOf(request).orgId } })),
  );

  app.get('/seal', { schema: { tags: ['org'], summary: '印章图片（PNG）' }, config: { action: 'org.read' } }, async (request, reply) => {
    const org = await ctx.db.organisation.findUniqueOrThrow({ where: { id: staffOf(request).orgId } });
    if (!org.sealPng) throw new DomainError('SEAL_NOT_FOUND', '尚未上传印章图片');
    return reply.type('image/png').header('cache-control', 'no-store').send(Buffer.from(org.sealPng));
  });

  app.put('/seal', {
    schema: {
      tags: ['org'],
      summary: '上传印章图片（PNG，base64）',
      body: Type.Object({ pngBase64: Type.String({ minLength: 1, maxLength: 1_500_000, pattern: '^[A-Za-z0-9+/]+={0,2}$' }) }, { additionalProperties: false }),
      response: { 200: OrgView, ...errors(400, 401, 403) },
    },
    config: { action: 'org.manage' },
  }, async (request) => {
    const bytes = Buffer.from(request.body.pngBase64, 'base64');
    const problem = pngProblem(bytes);
    if (problem) throw new DomainError('INVALID_IMAGE', problem);
    const admin = staffOf(request);
    const org = await ctx.db.$transaction(async (tx) => {
      const updated = await tx.organisation.update({ where: { id: admin.orgId }, data: { sealPng: bytes } });
      await appendAudit(tx, staffActor(admin), null, { type: 'ORG_SEAL_UPDATED', data: { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') } });
      return updated;
    });
    return view(org);
  });
};
