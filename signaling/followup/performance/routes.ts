// /api/performance/:caseId — 履行 (#16 item 1): the schedule (derive, correct, confirm: the case's
// mediator), the obligee's signed confirmation of receipt and the obligor's proof (their links), the
// mediator's record, and the proofs for staff. Parties by link token (Bearer, of this case), staff by
// session cookie (+ CSRF on mutations).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { accessOf, partyOf, staffOf } from '../../http/access-hook.ts';
import { sendFile } from '../../http/file-reply.ts';
import { errors, Id } from '../../http/schemas.ts';
import { DomainError } from '../../errors.ts';
import { MAX_PROOF_BYTES, yuanToFen, type ObligationInput, type PerformanceService } from './performance-service.ts';
import { ConfirmScheduleBody, DeriveBody, ObligationBody, PerformanceView, ProofQuery, ReceiptBody, RecordBody, type ObligationBodyT } from './schemas.ts';

const CaseParams = Type.Object({ caseId: Id });
const ObligationParams = Type.Object({ caseId: Id, obligationId: Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9]+$', title: '履行义务' }) });
const FileParams = Type.Object({ caseId: Id, eventId: Type.String({ pattern: '^[1-9][0-9]{0,11}$', title: '履行记录' }) });
const security: Array<Record<string, string[]>> = [{ session: [] }, { link: [] }];
const PROOF_TYPES = ['image/jpeg', 'image/png', 'application/pdf'];

const input = (b: ObligationBodyT): ObligationInput => ({
  kind: b.kind,
  description: b.description.trim(),
  obligorSide: b.obligorSide,
  obligeeSide: b.obligeeSide,
  amountFen: b.amount === undefined ? null : yuanToFen(b.amount),
  dueDate: b.dueDate,
});

export const performanceRoutes =
  (s: PerformanceService): FastifyPluginAsyncTypebox =>
  async (app) => {
    // A proof is the request body itself (the file); its type is checked again by its bytes.
    for (const type of PROOF_TYPES)
      app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: MAX_PROOF_BYTES + 1 }, (_req, body, done) => done(null, body));
    const party = (request: FastifyRequest) => partyOf(request).participant;

    app.get(
      '/:caseId',
      {
        schema: {
          tags: ['performance'],
          summary: '履行情况：履行计划、各项义务的状态和记录',
          security,
          params: CaseParams,
          response: { 200: PerformanceView, ...errors(401, 403, 404) },
        },
        config: { action: 'performance.read' },
      },
      async (request) => {
        const who = accessOf(request).principal;
        return s.view(request.params.caseId, who?.kind === 'party' ? { kind: 'party', participant: who.participant } : { kind: 'staff' });
      },
    );

    app.post(
      '/:caseId/schedule/derive',
      {
        schema: {
          tags: ['performance'],
          summary: '从已签署的协议生成履行计划草稿（草稿阶段可重新生成）',
          security: [{ session: [] }],
          params: CaseParams,
          body: DeriveBody,
          response: { 200: PerformanceView, ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'performance.manage' },
      },
      async (request) => {
        await s.derive(request.params.caseId, staffOf(request));
        return s.view(request.params.caseId, { kind: 'staff' });
      },
    );

    app.post(
      '/:caseId/obligations',
      {
        schema: {
          tags: ['performance'],
          summary: '在履行计划草稿中新增一项义务',
          security: [{ session: [] }],
          params: CaseParams,
          body: ObligationBody,
          response: { 201: Type.Object({ id: Type.String() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'performance.manage' },
      },
      async (request, reply) => reply.status(201).send(await s.add(request.params.caseId, input(request.body), staffOf(request))),
    );

    app.put(
      '/:caseId/obligations/:obligationId',
      {
        schema: {
          tags: ['performance'],
          summary: '核对并更正履行计划草稿中的一项义务',
          security: [{ session: [] }],
          params: ObligationParams,
          body: ObligationBody,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'performance.manage' },
      },
      async (request, reply) => {
        await s.correct(request.params.caseId, request.params.obligationId, input(request.body), staffOf(request));
        return reply.status(204).send(null);
      },
    );

    app.delete(
      '/:caseId/obligations/:obligationId',
      {
        schema: {
          tags: ['performance'],
          summary: '从履行计划草稿中删除一项义务',
          security: [{ session: [] }],
          params: ObligationParams,
          response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
        },
        config: { action: 'performance.manage' },
      },
      async (request, reply) => {
        await s.remove(request.params.caseId, request.params.obligationId, staffOf(request));
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/:caseId/schedule/confirm',
      {
        schema: {
          tags: ['performance'],
          summary: '调解员确认履行计划（此后开始提醒和跟踪）',
          security: [{ session: [] }],
          params: CaseParams,
          body: ConfirmScheduleBody,
          response: { 200: PerformanceView, ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'performance.manage' },
      },
      async (request) => {
        await s.confirm(request.params.caseId, request.body.obligations, staffOf(request));
        return s.view(request.params.caseId, { kind: 'staff' });
      },
    );

    app.post(
      '/:caseId/obligations/:obligationId/receipt',
      {
        schema: {
          tags: ['performance'],
          summary: '权利人确认收到（全部或部分），手写签名',
          security: [{ link: [] }],
          params: ObligationParams,
          body: ReceiptBody,
          response: { 200: Type.Object({ status: Type.String(), receivedFen: Type.Integer() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'performance.party', rateLimit: { max: 20, timeWindow: '1 minute' } },
      },
      async (request) => {
        const b = request.body;
        return s.confirmReceipt(party(request), request.params.obligationId, {
          amountFen: b.amount === undefined ? null : yuanToFen(b.amount),
          note: b.note?.trim() || null,
          name: b.name,
          idLast4: b.idLast4,
          png: Buffer.from(b.signaturePngBase64, 'base64'),
          affirmation: b.affirmation,
        });
      },
    );

    app.post(
      '/:caseId/obligations/:obligationId/proof',
      {
        schema: {
          tags: ['performance'],
          summary: '义务人上传履行凭证（请求体为文件本身：image/jpeg、image/png 或 application/pdf，≤ 10 MB）',
          security: [{ link: [] }],
          params: ObligationParams,
          querystring: ProofQuery,
          response: { 201: Type.Object({ id: Type.Integer() }), ...errors(400, 401, 403, 404, 409, 413, 415) },
        },
        config: { action: 'performance.party', rateLimit: { max: 20, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const body = request.body;
        if (!Buffer.isBuffer(body)) throw new DomainError('INVALID_FILE', '请上传 JPG、PNG 图片或 PDF 文件');
        const declared = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        return reply
          .status(201)
          .send(await s.uploadProof(party(request), request.params.obligationId, { declaredMime: declared, fileName: request.query.name, bytes: body }));
      },
    );

    app.post(
      '/:caseId/obligations/:obligationId/record',
      {
        schema: {
          tags: ['performance'],
          summary: '调解员登记履行情况（权利人电话或当面告知）',
          security: [{ session: [] }],
          params: ObligationParams,
          body: RecordBody,
          response: { 200: Type.Object({ status: Type.String(), receivedFen: Type.Integer() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'performance.manage' },
      },
      async (request) =>
        s.record(
          request.params.caseId,
          request.params.obligationId,
          { amountFen: request.body.amount === undefined ? null : yuanToFen(request.body.amount), note: request.body.note.trim() },
          staffOf(request),
        ),
    );

    app.get(
      '/:caseId/files/:eventId',
      {
        schema: {
          tags: ['performance'],
          summary: '下载履行凭证或收到确认的签名',
          security: [{ session: [] }],
          params: FileParams,
          response: { ...errors(401, 403, 404) },
        },
        config: { action: 'performance.files' },
      },
      async (request, reply) => {
        const f = await s.file(request.params.caseId, Number(request.params.eventId));
        const ext = f.mime === 'application/pdf' ? 'pdf' : f.mime === 'image/png' ? 'png' : 'jpg';
        return sendFile(reply, { bytes: f.bytes, type: f.mime, asciiName: `proof-${request.params.eventId}.${ext}`, name: f.fileName, disposition: 'inline' });
      },
    );
  };
