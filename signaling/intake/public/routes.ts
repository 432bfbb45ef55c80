// Thin routes of the public application page (/api/apply), the person's follow page (/api/follow)
// and the staff side of both (/api/intake/public: the QR poster, the notification outbox).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.ts';
import { DISPUTE_TYPES } from '../../domain/vocabulary.ts';
import { DomainError } from '../../errors.ts';
import { bearerToken } from '../../access/principal.ts';
import { errors } from '../../http/schemas.ts';
import { maskedLinkUrl, resolveMatterLink } from '../follow/matter-links.ts';
import { fillLink } from '../follow/notice-text.ts';
import { followView } from '../follow/status-view.ts';
import type { ApplyCodes } from './apply-codes.ts';
import type { ApplyService } from './apply-service.ts';
import { PHOTO_LIMITS } from './photos.ts';
import { renderApplyPoster } from './poster-pdf.ts';
import type { PrivacyNotice } from './privacy-notice.ts';
import { ApplyBody, ApplyResult, ApplyTownsView, CodeBody, FollowView, OutboxQuery, OutboxView, VerifyBody } from './schemas.ts';

/** Three photos of 5 MB as base64, and the rest of the form. */
const APPLY_BODY_LIMIT = Math.ceil((PHOTO_LIMITS.maxCount * PHOTO_LIMITS.maxBytes) / 3) * 4 + 256 * 1024;

export const applyRoutes =
  (ctx: AppContext, codes: ApplyCodes, service: ApplyService, notice: PrivacyNotice): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/form',
      {
        schema: {
          tags: ['apply'],
          summary: '申请调解页面：个人信息处理告知、纠纷类型、照片限制',
          response: {
            200: Type.Object({
              centreName: Type.String(),
              notice: Type.Unknown(),
              disputeTypes: Type.Unknown(),
              photoLimits: Type.Unknown(),
              towns: ApplyTownsView,
            }),
          },
        },
        config: { action: 'apply.public' },
      },
      async () => ({ centreName: ctx.config.centre.name, notice, disputeTypes: DISPUTE_TYPES, photoLimits: PHOTO_LIMITS, towns: service.towns() }),
    );

    app.post(
      '/code',
      {
        schema: {
          tags: ['apply'],
          summary: '发送手机验证码',
          body: CodeBody,
          response: { 200: Type.Object({ phone: Type.String(), expiresInSec: Type.Number(), resendInSec: Type.Number() }), ...errors(400, 429, 502) },
        },
        config: { action: 'apply.public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      },
      async (request) => codes.send(request.body.phone, request.ip, new Date()),
    );

    app.post(
      '/verify',
      {
        schema: {
          tags: ['apply'],
          summary: '核对手机验证码（得到提交申请用的凭证）',
          body: VerifyBody,
          response: { 200: Type.Object({ ticket: Type.String(), expiresInSec: Type.Number() }), ...errors(400, 429) },
        },
        config: { action: 'apply.public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      },
      async (request) => codes.verify(request.body.phone, request.body.code, new Date()),
    );

    app.post(
      '',
      {
        bodyLimit: APPLY_BODY_LIMIT,
        schema: { tags: ['apply'], summary: '提交调解申请', body: ApplyBody, response: { 201: ApplyResult, ...errors(400, 413, 429, 503) } },
        config: { action: 'apply.public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      },
      async (request, reply) =>
        reply
          .status(201)
          .header('cache-control', 'no-store')
          .send(await service.apply(request.body, request.ip, new Date())),
    );
  };

export const followRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '',
      {
        schema: { tags: ['follow'], summary: '办理进度（Authorization: Bearer 进度查询链接凭证）', response: { 200: FollowView, ...errors(404, 429) } },
        config: { action: 'matter.follow', rateLimit: { max: 60, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const token = bearerToken(request.headers.authorization);
        if (!token) throw new DomainError('MATTER_LINK_INVALID');
        const link = await resolveMatterLink(ctx.db, ctx.secrets.tokenKey, token);
        return reply.header('cache-control', 'no-store').send(await followView(ctx.db, link.matterId));
      },
    );
  };

export const intakePublicStaffRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/poster.pdf',
      { schema: { tags: ['apply'], summary: '申请调解二维码海报（PDF）' }, config: { action: 'intake.poster' } },
      async (_request, reply) => {
        const pdf = await renderApplyPoster(ctx.config.centre.name, `${ctx.config.publicUrl}/apply`);
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="apply-poster.pdf"; filename*=UTF-8''${encodeURIComponent('申请调解二维码海报.pdf')}`)
          .send(Buffer.from(pdf));
      },
    );

    app.get(
      '/outbox',
      {
        schema: {
          tags: ['apply'],
          summary: '通知发件箱（已发送或将发送的短信、微信通知）',
          querystring: OutboxQuery,
          response: { 200: OutboxView, ...errors(401, 403) },
        },
        config: { action: 'intake.outbox' },
      },
      async (request) => {
        const rows = await ctx.db.notification.findMany({ orderBy: { id: 'desc' }, take: request.query.limit ?? 100 });
        const matters = await ctx.db.matter.findMany({
          where: { id: { in: [...new Set(rows.map((r) => r.matterId))] } },
          select: { id: true, registrationNo: true },
        });
        const numberOf = new Map(matters.map((m) => [m.id, m.registrationNo]));
        return {
          notifications: rows.map((r) => ({
            id: r.id,
            createdAt: r.createdAt.toISOString(),
            sentAt: r.sentAt?.toISOString() ?? null,
            registrationNo: numberOf.get(r.matterId) ?? '',
            kind: r.kind,
            channel: r.channel,
            provider: r.provider,
            recipient: r.recipient,
            // The person's link is a credential: staff see that there was one, not the link.
            text: fillLink(r.text, maskedLinkUrl(ctx.config.publicUrl, r.linkId)),
            status: r.status,
            error: r.error,
          })),
        };
      },
    );
  };
