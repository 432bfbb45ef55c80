// /api/signing/:caseId — locking the agreement for signing, per-clause consent, the signing
// ceremony, the mediator's signature and the issued PDF. Parties by their link token (Bearer,
// which must belong to this case); staff by session cookie (+ CSRF on mutations).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { loadCase } from '../cases/case-service.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { accessOf, partyOf, staffOf } from '../http/access-hook.ts';
import { sendFile } from '../http/file-reply.ts';
import { errors, Id, Text } from '../http/schemas.ts';
import type { SigningService } from './signing-service.ts';
import { SigningViewBody } from './schemas.ts';

const CaseParams = Type.Object({ caseId: Id });
const ClauseId = Type.String({ minLength: 3, maxLength: 64, pattern: '^c_[a-z0-9]+$' });
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const PngBase64 = Type.String({ minLength: 100, maxLength: 420_000, pattern: '^[A-Za-z0-9+/]+={0,2}$' });
const OnBehalfOf = Type.Optional(Id);

export const signingRoutes =
  (ctx: AppContext, service: SigningService): FastifyPluginAsyncTypebox =>
  async (app) => {
    const party = (request: FastifyRequest) => partyOf(request).participant;
    const staff = (request: FastifyRequest): StaffPrincipal => staffOf(request);
    const requestInfo = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });
    const security: Array<Record<string, string[]>> = [{ session: [] }, { link: [] }];

    app.get(
      '/:caseId',
      {
        schema: {
          tags: ['signing'],
          summary: '当前签署状态（锁定的协议版本、逐条确认、签名进度）',
          security,
          params: CaseParams,
          response: { 200: SigningViewBody, ...errors(401, 403, 404) },
        },
        config: { action: 'signing.read' },
      },
      async (request) => {
        const who = accessOf(request).principal;
        return service.view(request.params.caseId, who?.kind === 'party' ? who.participant : null);
      },
    );

    app.post(
      '/:caseId/lock',
      {
        schema: {
          tags: ['signing'],
          summary: '锁定协议版本供签署（调解员）',
          security: [{ session: [] }],
          params: CaseParams,
          body: Type.Object({ versionSeq: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })) }, { additionalProperties: false }),
          response: {
            201: Type.Object({ roundId: Type.String(), contentSha256: Type.String(), versionSeq: Type.Integer() }),
            ...errors(400, 401, 403, 404, 409),
          },
        },
        config: { action: 'signing.manage' },
      },
      async (request, reply) => {
        const round = await service.lock(staff(request), request.params.caseId, request.body.versionSeq);
        return reply.status(201).send({ roundId: round.id, contentSha256: round.contentSha256, versionSeq: round.versionSeq });
      },
    );

    app.post(
      '/:caseId/unlock',
      {
        schema: {
          tags: ['signing'],
          summary: '解除锁定（已收集的确认和签名全部作废，记入审计）',
          security: [{ session: [] }],
          params: CaseParams,
          body: Type.Object({ reason: Text(200) }, { additionalProperties: false }),
          response: { 200: Type.Object({ voidedSignatures: Type.Integer(), voidedConsents: Type.Integer() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'signing.manage' },
      },
      async (request) => service.unlock(staff(request), request.params.caseId, request.body.reason),
    );

    app.put(
      '/:caseId/agents/:participantId/authority',
      {
        schema: {
          tags: ['signing'],
          summary: '授权（或取消授权）委托代理人代为确认和签署',
          security: [{ session: [] }],
          params: Type.Object({ caseId: Id, participantId: Id }),
          body: Type.Object({ authorised: Type.Boolean() }, { additionalProperties: false }),
          response: { 200: Type.Object({ participantId: Type.String(), authorised: Type.Boolean() }), ...errors(400, 401, 403, 404) },
        },
        config: { action: 'signing.manage' },
      },
      async (request) => {
        await loadCase(ctx, request.params.caseId);
        return service.setAgentAuthority(staff(request), request.params.caseId, request.params.participantId, request.body.authorised);
      },
    );

    app.post(
      '/:caseId/consent',
      {
        config: { action: 'signing.sign', rateLimit: { max: 120, timeWindow: '1 minute' } },
        schema: {
          tags: ['signing'],
          summary: '确认一条协议条款（当事人或经授权的代理人）',
          security: [{ link: [] }],
          params: CaseParams,
          body: Type.Object({ clauseId: ClauseId, clauseSha256: Sha256, onBehalfOf: OnBehalfOf }, { additionalProperties: false }),
          response: { 200: Type.Object({ clauseId: Type.String(), at: Type.String() }), ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const row = await service.consent(party(request), request.body);
        return { clauseId: row.clauseId, at: row.at.toISOString() };
      },
    );

    app.post(
      '/:caseId/objections',
      {
        config: { action: 'signing.sign', rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags: ['signing'],
          summary: '对一条协议条款提出异议（当事人或经授权的代理人；调解员在协议编辑页的该条款下看到）',
          security: [{ link: [] }],
          params: CaseParams,
          body: Type.Object({ clauseId: ClauseId, clauseSha256: Sha256, text: Text(1000), onBehalfOf: OnBehalfOf }, { additionalProperties: false }),
          response: { 201: Type.Object({ commentId: Type.String(), at: Type.String() }), ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const comment = await service.object(party(request), request.body);
        return reply.status(201).send({ commentId: comment.id, at: comment.createdAt });
      },
    );

    app.post(
      '/:caseId/code',
      {
        // Per link, not per address: parties of one family may share a phone network's IP.
        config: {
          action: 'signing.sign',
          rateLimit: { max: 5, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => request.headers.authorization ?? request.ip },
        },
        schema: {
          tags: ['signing'],
          summary: '发送签署验证码到本人手机',
          security: [{ link: [] }],
          params: CaseParams,
          body: Type.Object({ onBehalfOf: OnBehalfOf }, { additionalProperties: false }),
          response: { 200: Type.Object({ phone: Type.String(), expiresInSec: Type.Integer() }), ...errors(400, 401, 403, 409, 429) },
        },
      },
      async (request) => service.sendCode(party(request), request.body.onBehalfOf),
    );

    app.post(
      '/:caseId/sign',
      {
        config: {
          action: 'signing.sign',
          rateLimit: { max: 10, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => request.headers.authorization ?? request.ip },
        },
        schema: {
          tags: ['signing'],
          summary: '签署：身份核验 + 验证码 + 手写签名 + 确认声明',
          security: [{ link: [] }],
          params: CaseParams,
          body: Type.Object(
            {
              onBehalfOf: OnBehalfOf,
              name: Text(50),
              idLast4: Type.String({ pattern: '^[0-9]{3}[0-9Xx]$' }),
              code: Type.String({ pattern: '^[0-9]{6}$' }),
              signaturePngBase64: PngBase64,
              affirmation: Text(60),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ signedAt: Type.String(), participantId: Type.String() }), ...errors(400, 401, 403, 409, 429) },
        },
      },
      async (request) => {
        const { signaturePngBase64, ...rest } = request.body;
        return service.sign(party(request), { ...rest, png: Buffer.from(signaturePngBase64, 'base64') }, requestInfo(request));
      },
    );

    app.post(
      '/:caseId/mediator-sign',
      {
        schema: {
          tags: ['signing'],
          summary: '调解员签署并出具协议书（加盖印章与机构数字签名）',
          security: [{ session: [] }],
          params: CaseParams,
          body: Type.Object({ signaturePngBase64: PngBase64 }, { additionalProperties: false }),
          response: { 200: Type.Object({ pdfSha256: Type.String(), pages: Type.Integer(), bytes: Type.Integer() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'signing.mediator-sign' },
      },
      async (request) =>
        service.mediatorSign(staff(request), request.params.caseId, Buffer.from(request.body.signaturePngBase64, 'base64'), requestInfo(request)),
    );

    app.get(
      '/:caseId/pdf',
      {
        schema: { tags: ['signing'], summary: '下载已签署的协议书（PDF）', security, params: CaseParams },
        config: { action: 'agreement.download' },
      },
      async (request, reply) => {
        const { bytes, fileName } = await service.pdf(request.params.caseId);
        return sendFile(reply, { bytes, type: 'application/pdf', asciiName: 'agreement.pdf', name: fileName });
      },
    );
  };
