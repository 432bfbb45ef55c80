// /api/procedure/:caseId — the procedure around the mediation: the 权利义务告知书 and its
// acknowledgement, 回避 (declaration, objections, their resolution), ending the mediation and the
// 调解终结告知书, the 调解笔录 (lines, sharing a caucus, locking, signing, the sealed PDF). Parties by
// their link token (Bearer, of this case), staff by session cookie (+ CSRF on mutations).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { accessOf, partyOf, staffOf } from '../http/access-hook.ts';
import { sendFile } from '../http/file-reply.ts';
import { errors, Id, Text } from '../http/schemas.ts';
import type { MinutesViewer } from './minutes-visibility.ts';
import type { ProcedureServices } from './index.ts';
import { MinutesEntryBody, MinutesView, ProcedureView, RecusalView } from './schemas.ts';

const CaseParams = Type.Object({ caseId: Id });
const Sha256 = (title: string) => Type.String({ pattern: '^[0-9a-f]{64}$', title });
const PngBase64 = Type.String({ minLength: 100, maxLength: 420_000, pattern: '^[A-Za-z0-9+/]+={0,2}$' });
const security: Array<Record<string, string[]>> = [{ session: [] }, { link: [] }];

export const procedureRoutes =
  (s: ProcedureServices): FastifyPluginAsyncTypebox =>
  async (app) => {
    const party = (request: FastifyRequest) => partyOf(request).participant;
    const minutesViewer = (request: FastifyRequest): MinutesViewer => {
      const { principal, role } = accessOf(request);
      if (role === 'mediator' || role === 'co-mediator') return { kind: 'mediator' };
      if (principal?.kind === 'party' && (role === 'party' || role === 'authorised-agent' || role === 'agent'))
        return { kind: 'party', side: principal.participant.side };
      return { kind: 'other' };
    };

    app.get(
      '/:caseId',
      {
        schema: {
          tags: ['procedure'],
          summary: '调解程序：权利义务告知书、回避、终止调解',
          security,
          params: CaseParams,
          response: { 200: ProcedureView, ...errors(401, 403, 404) },
        },
        config: { action: 'procedure.read' },
      },
      async (request) => {
        const who = accessOf(request).principal;
        return s.view(request.params.caseId, who?.kind === 'party' ? who.participant : null);
      },
    );

    app.post(
      '/:caseId/notice/acknowledge',
      {
        schema: {
          tags: ['procedure'],
          summary: '当事人确认已阅读《权利义务告知书》',
          security: [{ link: [] }],
          params: CaseParams,
          body: Type.Object({ sha256: Sha256('告知书摘要') }, { additionalProperties: false }),
          response: { 200: Type.Object({ acknowledgedAt: Type.String() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'procedure.party' },
      },
      async (request) => ({ acknowledgedAt: (await s.acknowledge(party(request), request.body.sha256)).toISOString() }),
    );

    app.post(
      '/:caseId/end',
      {
        schema: {
          tags: ['procedure'],
          summary: '终止调解（当事人随时可以要求；调解员在调解不成时）',
          security,
          params: CaseParams,
          body: Type.Object({ reason: Type.Optional(Text(300)) }, { additionalProperties: false }),
          response: { 200: Type.Object({ status: Type.Literal('FAILED') }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'procedure.end' },
      },
      async (request) => {
        const who = accessOf(request).principal;
        if (who?.kind === 'party') return s.termination.endByParty(who.participant, request.body.reason);
        return s.termination.endByMediator(staffOf(request), request.params.caseId, request.body.reason ?? '');
      },
    );

    app.get(
      '/:caseId/termination-notice',
      {
        schema: { tags: ['procedure'], summary: '下载调解终结告知书（PDF，加盖调解委员会印章）', security, params: CaseParams },
        config: { action: 'procedure.documents' },
      },
      async (request, reply) => {
        const { bytes, fileName } = await s.termination.noticePdf(request.params.caseId);
        return sendFile(reply, { bytes, type: 'application/pdf', asciiName: 'termination-notice.pdf', name: fileName });
      },
    );

    app.post(
      '/:caseId/recusal/declare',
      {
        schema: {
          tags: ['procedure'],
          summary: '调解员回避声明（与本案当事人无利害关系）',
          security: [{ session: [] }],
          params: CaseParams,
          response: { 200: Type.Object({ declaredAt: Type.String() }), ...errors(401, 403, 404) },
        },
        config: { action: 'procedure.declare' },
      },
      async (request) => ({ declaredAt: (await s.recusal.declare(staffOf(request), request.params.caseId)).declaredAt.toISOString() }),
    );

    app.post(
      '/:caseId/recusal/objections',
      {
        schema: {
          tags: ['procedure'],
          summary: '当事人申请调解员回避',
          security: [{ link: [] }],
          params: CaseParams,
          body: Type.Object({ reason: Text(1000) }, { additionalProperties: false }),
          response: { 201: Type.Object({ id: Type.String() }), ...errors(400, 401, 403, 404) },
        },
        config: { action: 'procedure.party' },
      },
      async (request, reply) => {
        const row = await s.recusal.object(party(request), request.body.reason);
        return reply.code(201).send({ id: row.id });
      },
    );

    app.post(
      '/:caseId/recusal/objections/:objectionId/resolve',
      {
        schema: {
          tags: ['procedure'],
          summary: '处理回避申请：更换调解员，或（管理员）说明理由后不予回避',
          security: [{ session: [] }],
          params: Type.Object({ caseId: Id, objectionId: Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9]+$', title: '回避申请' }) }),
          body: Type.Object(
            {
              decision: Type.Union([Type.Literal('replace'), Type.Literal('keep')], { title: '处理结果' }),
              newMediatorId: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9]+$', title: '新调解员' })),
              resolution: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S', title: '处理意见' }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ status: Type.String(), newMediatorName: Type.Union([Type.String(), Type.Null()]) }),
            ...errors(400, 401, 403, 404, 409),
          },
        },
        config: { action: 'procedure.recusal' },
      },
      async (request) => {
        const { decision, newMediatorId, resolution } = request.body;
        const d = decision === 'replace' ? { decision, newMediatorId: newMediatorId ?? '', resolution } : { decision, resolution };
        return s.recusal.resolve(staffOf(request), accessOf(request).role, request.params.caseId, request.params.objectionId, d);
      },
    );

    app.get(
      '/:caseId/recusal',
      {
        schema: { tags: ['procedure'], summary: '回避声明和回避申请', security, params: CaseParams, response: { 200: RecusalView, ...errors(401, 403, 404) } },
        config: { action: 'procedure.read' },
      },
      async (request) => {
        const who = accessOf(request).principal;
        return s.recusal.view(request.params.caseId, who?.kind === 'party' ? who.participant : null);
      },
    );

    // ── 调解笔录 ────────────────────────────────────────────────────────────────

    app.get(
      '/:caseId/minutes',
      {
        schema: {
          tags: ['procedure'],
          summary: '调解笔录（按查看人过滤背对背记录）',
          security,
          params: CaseParams,
          response: { 200: MinutesView, ...errors(401, 403, 404) },
        },
        config: { action: 'minutes.read' },
      },
      async (request) => {
        const who = accessOf(request).principal;
        return s.minutes.view(request.params.caseId, minutesViewer(request), who?.kind === 'party' ? who.participant : null);
      },
    );

    app.post(
      '/:caseId/minutes/entries',
      {
        schema: {
          tags: ['procedure'],
          summary: '记录调解笔录（调解员）',
          security: [{ session: [] }],
          params: CaseParams,
          body: MinutesEntryBody,
          response: { 201: Type.Object({ id: Type.String(), seq: Type.Integer() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'minutes.record' },
      },
      async (request, reply) => {
        const row = await s.minutes.record(staffOf(request), request.params.caseId, request.body);
        return reply.code(201).send({ id: row.id, seq: row.seq });
      },
    );

    app.post(
      '/:caseId/minutes/share',
      {
        schema: {
          tags: ['procedure'],
          summary: '同意公开本方的背对背沟通记录',
          security: [{ link: [] }],
          params: CaseParams,
          response: { 200: Type.Object({ shared: Type.Integer() }), ...errors(401, 403, 404, 409) },
        },
        config: { action: 'minutes.share' },
      },
      async (request) => s.minutes.share(party(request)),
    );

    app.post(
      '/:caseId/minutes/lock',
      {
        schema: {
          tags: ['procedure'],
          summary: '锁定调解笔录供当事人核对签名（调解员）',
          security: [{ session: [] }],
          params: CaseParams,
          response: { 200: Type.Object({ contentSha256: Type.String() }), ...errors(401, 403, 404, 409) },
        },
        config: { action: 'minutes.manage' },
      },
      async (request) => s.minutes.lock(staffOf(request), request.params.caseId),
    );

    app.post(
      '/:caseId/minutes/unlock',
      {
        schema: {
          tags: ['procedure'],
          summary: '解除调解笔录锁定（已有签名作废）',
          security: [{ session: [] }],
          params: CaseParams,
          body: Type.Object({ reason: Text(300) }, { additionalProperties: false }),
          response: { 200: Type.Object({ voidedSignatures: Type.Integer() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'minutes.manage' },
      },
      async (request) => s.minutes.unlock(staffOf(request), request.params.caseId, request.body.reason),
    );

    app.post(
      '/:caseId/minutes/code',
      {
        schema: {
          tags: ['procedure'],
          summary: '发送签署调解笔录的验证码到本人手机',
          security: [{ link: [] }],
          params: CaseParams,
          response: { 200: Type.Object({ phone: Type.String(), expiresInSec: Type.Integer() }), ...errors(400, 401, 403, 404, 409, 429) },
        },
        // Per link, not per address: parties of one family may share a phone network's IP.
        config: {
          action: 'minutes.sign',
          rateLimit: { max: 5, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => request.headers.authorization ?? request.ip },
        },
      },
      async (request) => s.minutes.sendCode(party(request)),
    );

    app.post(
      '/:caseId/minutes/sign',
      {
        schema: {
          tags: ['procedure'],
          summary: '当事人核对并签署调解笔录',
          security: [{ link: [] }],
          params: CaseParams,
          body: Type.Object(
            {
              contentSha256: Sha256('笔录摘要'),
              name: Text(50),
              idLast4: Type.String({ pattern: '^[0-9]{3}[0-9Xx]$' }),
              code: Type.String({ pattern: '^[0-9]{6}$', title: '短信验证码' }),
              signaturePngBase64: PngBase64,
              affirmation: Text(100),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ signed: Type.Boolean() }), ...errors(400, 401, 403, 404, 409, 429) },
        },
        config: { action: 'minutes.sign' },
      },
      async (request) => {
        const b = request.body;
        return s.minutes.sign(
          party(request),
          {
            contentSha256: b.contentSha256,
            name: b.name,
            idLast4: b.idLast4,
            code: b.code,
            png: Buffer.from(b.signaturePngBase64, 'base64'),
            affirmation: b.affirmation,
          },
          { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' },
        );
      },
    );

    app.get(
      '/:caseId/minutes.pdf',
      {
        schema: { tags: ['procedure'], summary: '下载已签名归档的调解笔录（PDF）', security, params: CaseParams },
        config: { action: 'minutes.read' },
      },
      async (request, reply) => {
        const { bytes, fileName } = await s.minutes.pdf(request.params.caseId);
        return sendFile(reply, { bytes, type: 'application/pdf', asciiName: 'minutes.pdf', name: fileName });
      },
    );
  };
