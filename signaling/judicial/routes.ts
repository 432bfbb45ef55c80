// /api/judicial/:caseId — the joint application for judicial confirmation (parties by link token,
// the case's mediator by session) — and /api/judge/applications, the court-scoped queue a judge
// sees (only their own court's submitted applications).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';
import { accessOf, partyOf, staffOf } from '../http/access-hook.ts';
import { sendFile } from '../http/file-reply.ts';
import { errors, Id, Text } from '../http/schemas.ts';
import type { JudicialApplicationService } from './application-service.ts';
import { JudgeApplicationDetail, JudgeApplicationSummary, JudicialView } from './schemas.ts';
import type { GroundKey, JudicialReviewService } from './review-service.ts';
import type { CourtDocuments } from './court-documents.ts';
import type { CourtBundleService } from './court-bundle.ts';
import { MATERIAL_KINDS, MAX_MATERIAL_BYTES, storeMaterial } from './materials.ts';

const CaseParams = Type.Object({ caseId: Id });
const Apply = {
  courtId: Id,
  serviceAddress: Text(200),
  phone: Type.String({ minLength: 7, maxLength: 20 }),
  /** 送达地址确认书: consent to electronic service of court documents through the party's own link (MS art. 90). */
  electronicService: Type.Optional(Type.Boolean()),
  /** 住所地 as a 6-digit administrative-area code (GB/T 2260). */
  domicileAreaCode: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
  /** 标的物所在地 as a 6-digit administrative-area code, when the dispute concerns a thing. */
  subjectAreaCode: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
  /** The amount in dispute (yuan): an intermediate court's jurisdiction depends on it (court-rules/courts.json). */
  disputeAmountYuan: Type.Optional(Type.Number({ minimum: 0, maximum: 1e13 })),
};
/** What the court options depend on, as an applicant is filling them in. */
const JurisdictionQuery = Type.Object(
  {
    domicileAreaCode: Apply.domicileAreaCode,
    subjectAreaCode: Apply.subjectAreaCode,
    disputeAmountYuan: Apply.disputeAmountYuan,
  },
  { additionalProperties: false },
);
const DocParams = Type.Object({ caseId: Id, documentId: Id });
const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'application/pdf'];
const MAX_RULING_BYTES = 20 * 1024 * 1024;

export const judicialRoutes =
  (
    ctx: AppContext,
    service: JudicialApplicationService,
    review: JudicialReviewService,
    documents: CourtDocuments,
    bundles: CourtBundleService,
  ): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Raw uploads: one more byte than allowed, so an oversized body is refused by the parser (413).
    app.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer', bodyLimit: MAX_MATERIAL_BYTES + 1 }, (_req, body, done) => done(null, body));
    const party = (request: FastifyRequest) => partyOf(request).participant;
    const staff = (request: FastifyRequest): StaffPrincipal => staffOf(request);

    // POST: each export is recorded (its id is what the court's ruling comes back against).
    app.post(
      '/:caseId/bundle',
      {
        schema: { tags: ['judicial'], summary: '导出案卷包（zip：全部文书与材料、清单及其 SHA-256、本机构签名），供在自有平台裁定的法院', params: CaseParams },
        config: { action: 'judicial.bundle' },
      },
      async (request, reply) => {
        const { zip, fileName, bundleId } = await bundles.export(staff(request), await bundles.applicationOfCase(request.params.caseId));
        return sendFile(reply.header('x-bundle-id', bundleId), { bytes: zip, type: 'application/zip', asciiName: 'court-bundle.zip', name: fileName });
      },
    );

    app.get(
      '/:caseId',
      {
        schema: {
          tags: ['judicial'],
          summary: '司法确认申请：期限、可选法院（按所填住所地、标的物所在地、标的额）、申请进度',
          params: CaseParams,
          querystring: JurisdictionQuery,
          response: { 200: JudicialView, ...errors(400, 401, 403, 404) },
        },
        config: { action: 'judicial.read' },
      },
      async (request) => {
        const who = accessOf(request).principal;
        return service.view(request.params.caseId, who?.kind === 'party' ? who.participant : null, request.query);
      },
    );

    app.post(
      '/:caseId/referral',
      {
        schema: {
          tags: ['judicial'],
          summary: '登记本案由法院邀请先行调解、委派或委托调解：司法确认只能向该法院申请（民事诉讼法第二百零五条第一项）',
          params: CaseParams,
          body: Type.Object(
            {
              courtId: Id,
              kind: Type.Union([Type.Literal('INVITED'), Type.Literal('DELEGATED'), Type.Literal('ENTRUSTED')], { title: '委派方式' }),
            },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'judicial.referral' },
      },
      async (request, reply) => {
        await service.recordReferral(staff(request), request.params.caseId, request.body);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/:caseId/apply',
      {
        config: { action: 'judicial.apply', rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['judicial'],
          summary: '当事人确认申请司法确认（选择法院、送达地址、电话）',
          params: CaseParams,
          body: Type.Object(Apply, { additionalProperties: false }),
          response: { 201: Type.Object({ status: Type.String() }), ...errors(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const application = await service.apply(party(request), request.body);
        return reply.status(201).send({ status: application.status });
      },
    );

    app.post(
      '/:caseId/consents',
      {
        schema: {
          tags: ['judicial'],
          summary: '调解员登记当事人同意由对方共同申请（如当面表示同意）',
          params: CaseParams,
          body: Type.Object({ participantId: Id, ...Apply }, { additionalProperties: false }),
          response: { 201: Type.Object({ status: Type.String() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'judicial.record-consent' },
      },
      async (request, reply) => {
        const { participantId, ...input } = request.body;
        const application = await service.recordConsent(staff(request), request.params.caseId, participantId, input);
        return reply.status(201).send({ status: application.status });
      },
    );

    app.post(
      '/:caseId/confirm-consent',
      {
        config: { action: 'judicial.apply', rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['judicial'],
          summary: '当事人确认调解员登记的同意（由对方共同申请司法确认）',
          params: CaseParams,
          response: { 200: Type.Object({ status: Type.String() }), ...errors(401, 403, 409) },
        },
      },
      async (request) => ({ status: (await service.confirmConsent(party(request))).status }),
    );

    app.post(
      '/:caseId/decline-consent',
      {
        config: { action: 'judicial.apply', rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['judicial'],
          summary: '当事人拒绝调解员登记的同意（撤销该登记）',
          params: CaseParams,
          response: { 200: Type.Object({ status: Type.String() }), ...errors(401, 403, 409) },
        },
      },
      async (request) => ({ status: (await service.declineConsent(party(request))).status }),
    );

    app.get(
      '/:caseId/application.pdf',
      {
        schema: { tags: ['judicial'], summary: '下载司法确认申请书（PDF）', params: CaseParams },
        config: { action: 'judicial.documents' },
      },
      async (request, reply) => {
        const { bytes, fileName } = await service.applicationPdf(request.params.caseId);
        return sendFile(reply, { bytes, type: 'application/pdf', asciiName: 'application.pdf', name: fileName });
      },
    );

    app.get(
      '/:caseId/ruling.pdf',
      {
        schema: { tags: ['judicial'], summary: '下载法院的民事裁定书（PDF）', params: CaseParams },
        config: { action: 'judicial.documents' },
      },
      async (request, reply) => {
        const principal = accessOf(request).principal;
        const { bytes, fileName } = await service.ruling(request.params.caseId, principal?.kind === 'party' ? principal.participant : null);
        return sendFile(reply, { bytes, type: 'application/pdf', asciiName: 'ruling.pdf', name: fileName });
      },
    );

    app.post(
      '/:caseId/application-code',
      {
        // Per link, not per address: parties of one family may share a phone network's IP.
        config: {
          action: 'judicial.apply',
          rateLimit: { max: 5, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => request.headers.authorization ?? request.ip },
        },
        schema: {
          tags: ['judicial'],
          summary: '发送签署司法确认申请书的验证码到本人手机',
          params: CaseParams,
          response: { 200: Type.Object({ phone: Type.String(), expiresInSec: Type.Integer() }), ...errors(400, 401, 403, 409, 429) },
        },
      },
      async (request) => service.sendApplicationCode(party(request)),
    );

    app.post(
      '/:caseId/sign-application',
      {
        config: {
          action: 'judicial.apply',
          rateLimit: { max: 10, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => request.headers.authorization ?? request.ip },
        },
        schema: {
          tags: ['judicial'],
          summary: '申请人本人签署司法确认申请书（身份核验 + 验证码 + 确认声明 + 手写签名）',
          params: CaseParams,
          body: Type.Object(
            {
              name: Text(50),
              idLast4: Type.String({ pattern: '^[0-9]{3}[0-9Xx]$' }),
              code: Type.String({ pattern: '^[0-9]{6}$', title: '短信验证码' }),
              affirmation: Text(60),
              signaturePngBase64: Type.String({ minLength: 100, maxLength: 420_000, pattern: '^[A-Za-z0-9+/]+={0,2}$' }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ status: Type.String() }), ...errors(400, 401, 403, 409, 429) },
        },
      },
      async (request) => {
        const { signaturePngBase64, ...rest } = request.body;
        const application = await service.signApplication(party(request), { ...rest, png: Buffer.from(signaturePngBase64, 'base64') });
        return { status: application.status };
      },
    );

    app.get(
      '/:caseId/service-address.pdf',
      {
        schema: { tags: ['judicial'], summary: '下载送达地址确认书（PDF）', params: CaseParams },
        config: { action: 'judicial.documents' },
      },
      async (request, reply) => {
        const { bytes, fileName } = await service.serviceAddressPdf(request.params.caseId);
        return sendFile(reply, { bytes, type: 'application/pdf', asciiName: 'service-address.pdf', name: fileName });
      },
    );

    app.get(
      '/:caseId/court-documents/:documentId',
      {
        schema: { tags: ['judicial'], summary: '查看法院文书（当事人本人链接打开即为电子送达回执）', params: DocParams },
        config: { action: 'judicial.documents' },
      },
      async (request, reply) => {
        const principal = accessOf(request).principal;
        const d = await documents.open(request.params.caseId, request.params.documentId, principal?.kind === 'party' ? principal.participant : null);
        return sendFile(reply, { bytes: d.bytes, type: 'application/pdf', asciiName: 'court-document.pdf', name: `${d.title}.pdf` });
      },
    );

    app.post(
      '/:caseId/materials-supplied',
      {
        config: { action: 'judicial.apply', rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['judicial'],
          summary: '当事人已按法院要求补充材料（审查期限恢复计算）',
          params: CaseParams,
          response: { 204: Type.Null(), ...errors(401, 403, 409) },
        },
      },
      async (request, reply) => {
        await review.materialsSupplied(party(request));
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/:caseId/withdraw',
      {
        config: { action: 'judicial.apply', rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['judicial'],
          summary: '当事人申请撤回司法确认申请（由法院裁定是否准许）',
          params: CaseParams,
          response: { 204: Type.Null(), ...errors(401, 403, 409) },
        },
      },
      async (request, reply) => {
        await review.requestWithdrawal(party(request));
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/:caseId/materials',
      {
        config: { action: 'judicial.apply', rateLimit: { max: 20, timeWindow: '1 minute' } },
        schema: {
          tags: ['judicial'],
          summary: '上传申请材料（请求体为文件本身：image/jpeg、image/png 或 application/pdf，≤ 10 MB）',
          params: CaseParams,
          querystring: Type.Object(
            {
              kind: Type.Union(
                MATERIAL_KINDS.map((k) => Type.Literal(k)),
                { title: '材料类型' },
              ),
              name: Type.String({ minLength: 1, maxLength: 200, title: '文件名' }),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({ id: Type.String(), displayName: Type.String(), mime: Type.String(), bytes: Type.Integer() }),
            ...errors(400, 401, 403, 409, 413, 415),
          },
        },
      },
      async (request, reply) => {
        const p = party(request);
        const body = request.body;
        if (!Buffer.isBuffer(body)) throw new DomainError('VALIDATION', '请上传 JPG、PNG 图片或 PDF 文件');
        const declared = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const row = await storeMaterial(ctx, p, { kind: request.query.kind, declaredMime: declared, fileName: request.query.name, bytes: body });
        return reply.status(201).send({ id: row.id, displayName: row.displayName, mime: row.mime, bytes: row.bytes });
      },
    );
  };

/** The judge's desk: their own court's applications only (another court's do not exist for them). */
export const judgeRoutes =
  (
    ctx: AppContext,
    review: JudicialReviewService,
    applications: JudicialApplicationService,
    documents: CourtDocuments,
    bundles: CourtBundleService,
  ): FastifyPluginAsyncTypebox =>
  async (app) => {
    const IdP = Type.Object({ id: Id });
    // The court's ruling PDF, uploaded as the body itself.
    app.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: MAX_RULING_BYTES }, (_req, body, done) => done(null, body));

    app.post(
      '/applications/:id/bundle',
      { schema: { tags: ['judge'], summary: '导出案卷包（zip，可离线核验）', params: IdP }, config: { action: 'judicial.review' } },
      async (request, reply) => {
        const judge = staffOf(request);
        const a = await review.own(judge, request.params.id);
        const { zip, fileName, bundleId } = await bundles.export(judge, a.id);
        return sendFile(reply.header('x-bundle-id', bundleId), { bytes: zip, type: 'application/zip', asciiName: 'court-bundle.zip', name: fileName });
      },
    );

    app.post(
      '/applications/:id/ruling-import',
      {
        schema: {
          tags: ['judge'],
          summary: '导入本院在自有平台作出的民事裁定书（请求体为 PDF 本身，须以本院签名证书签署）',
          params: IdP,
          querystring: Type.Object(
            {
              bundleId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9a-zA-Z-]+$', title: '案卷包编号' }),
              decision: Type.Union([Type.Literal('confirm'), Type.Literal('dismiss')], { title: '裁定结果' }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ status: Type.String(), rulingSha256: Type.String() }), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
        },
        config: { action: 'judicial.review' },
      },
      async (request) => {
        const judge = staffOf(request);
        const a = await review.own(judge, request.params.id);
        if (!Buffer.isBuffer(request.body)) throw new DomainError('RULING_NOT_PDF');
        return bundles.importRuling(judge, a.id, { bundleId: request.query.bundleId, decision: request.query.decision, pdf: request.body });
      },
    );

    app.get(
      '/applications',
      {
        schema: {
          tags: ['judge'],
          summary: '本院的司法确认申请（待受理、已受理、审查中、已裁定）',
          response: { 200: Type.Object({ applications: Type.Array(JudgeApplicationSummary) }), ...errors(401, 403) },
        },
        config: { action: 'judge.queue' },
      },
      async (request) => ({ applications: await review.queue(staffOf(request)) }),
    );

    app.get(
      '/applications/:id',
      {
        schema: {
          tags: ['judge'],
          summary: '审查一件申请：协议书完整性、审计摘要、审查事项',
          params: IdP,
          response: { 200: Type.Object({ application: JudgeApplicationDetail }), ...errors(401, 403, 404) },
        },
        config: { action: 'judicial.review' },
      },
      async (request) => ({ application: await review.detail(staffOf(request), request.params.id) }),
    );

    app.get(
      '/applications/:id/agreement.pdf',
      { schema: { tags: ['judge'], summary: '调解协议书 PDF', params: IdP }, config: { action: 'judicial.review' } },
      async (request, reply) =>
        reply
          .type('application/pdf')
          .header('cache-control', 'no-store')
          .send(await review.agreementPdf(staffOf(request), request.params.id)),
    );

    app.get(
      '/applications/:id/application.pdf',
      { schema: { tags: ['judge'], summary: '司法确认申请书 PDF', params: IdP }, config: { action: 'judicial.review' } },
      async (request, reply) => {
        const caseId = await review.caseOf(staffOf(request), request.params.id);
        return reply
          .type('application/pdf')
          .header('cache-control', 'no-store')
          .send((await applications.applicationPdf(caseId)).bytes);
      },
    );

    app.get(
      '/applications/:id/ruling.pdf',
      { schema: { tags: ['judge'], summary: '本院作出的民事裁定书 PDF', params: IdP }, config: { action: 'judicial.review' } },
      async (request, reply) => {
        const caseId = await review.caseOf(staffOf(request), request.params.id);
        const { bytes, fileName } = await applications.ruling(caseId, null);
        return sendFile(reply, { bytes, type: 'application/pdf', asciiName: 'ruling.pdf', name: fileName });
      },
    );

    app.get(
      '/applications/:id/materials/:materialId',
      {
        schema: { tags: ['judge'], summary: '查看当事人上传的材料', params: Type.Object({ id: Id, materialId: Type.String({ pattern: '^[0-9a-f]{32}$' }) }) },
        config: { action: 'judicial.review' },
      },
      async (request, reply) => {
        const m = await review.material(staffOf(request), request.params.id, request.params.materialId);
        return sendFile(reply, { bytes: m.bytes, type: m.mime, asciiName: 'material', name: m.displayName, disposition: 'inline' });
      },
    );

    app.post(
      '/applications/:id/accept',
      {
        schema: {
          tags: ['judge'],
          summary: '受理（编立民特案号）',
          params: IdP,
          response: { 200: Type.Object({ courtCaseNumber: Type.String() }), ...errors(401, 403, 404, 409) },
        },
        config: { action: 'judicial.review' },
      },
      async (request) => review.accept(staffOf(request), request.params.id),
    );

    app.post(
      '/applications/:id/review',
      {
        schema: { tags: ['judge'], summary: '开始审查', params: IdP, response: { 204: Type.Null(), ...errors(401, 403, 404, 409) } },
        config: { action: 'judicial.review' },
      },
      async (request, reply) => {
        await review.startReview(staffOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.put(
      '/applications/:id/review',
      {
        schema: {
          tags: ['judge'],
          summary: '记录审查事项与审查意见',
          params: IdP,
          body: Type.Object(
            { checklist: Type.Record(Type.String({ pattern: '^[A-Z_]{2,40}$' }), Type.Boolean()), notes: Type.String({ maxLength: 5000 }) },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'judicial.review' },
      },
      async (request, reply) => {
        await review.saveReview(staffOf(request), request.params.id, request.body as { checklist: Record<GroundKey, boolean>; notes: string });
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/applications/:id/decide',
      {
        schema: {
          tags: ['judge'],
          summary: '裁定：确认有效或驳回（生成民事裁定书并加盖法院电子签名）',
          params: IdP,
          body: Type.Object(
            {
              decision: Type.Union([Type.Literal('confirm'), Type.Literal('dismiss')]),
              /** 驳回: a ground key of court-rules/judicial-grounds.json (解释 art. 358 items, 355(2)). */
              ground: Type.Optional(Type.String({ pattern: '^[A-Z_]{2,40}$' })),
              explanation: Type.Optional(Text(500)),
              clerk: Text(20),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ status: Type.String(), rulingSha256: Type.String() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'judicial.review' },
      },
      async (request) => review.decide(staffOf(request), request.params.id, request.body),
    );

    app.post(
      '/applications/:id/refuse',
      {
        schema: {
          tags: ['judge'],
          summary: '裁定不予受理（解释第三百五十五条所列理由）',
          params: IdP,
          body: Type.Object(
            { ground: Type.String({ pattern: '^[A-Z_]{2,40}$' }), explanation: Type.Optional(Text(500)), clerk: Text(20) },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'judicial.review' },
      },
      async (request, reply) => {
        await review.refuse(staffOf(request), request.params.id, request.body);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/applications/:id/materials-request',
      {
        schema: {
          tags: ['judge'],
          summary: '要求当事人限期补充材料（补充期间审查期限中止）',
          params: IdP,
          body: Type.Object({ materials: Text(1000), dueDays: Type.Integer({ minimum: 1, maximum: 30 }) }, { additionalProperties: false }),
          response: { 200: Type.Object({ dueAt: Type.String() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'judicial.review' },
      },
      async (request) => review.requestMaterials(staffOf(request), request.params.id, request.body),
    );

    app.post(
      '/applications/:id/withdraw',
      {
        schema: {
          tags: ['judge'],
          summary: '裁定准许撤回（当事人申请撤回，或逾期未补充材料按撤回处理）',
          params: IdP,
          body: Type.Object({ clerk: Text(20) }, { additionalProperties: false }),
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'judicial.review' },
      },
      async (request, reply) => {
        await review.allowWithdrawal(staffOf(request), request.params.id, request.body);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/applications/:id/questioning',
      {
        schema: {
          tags: ['judge'],
          summary: '记录询问笔录（生成并送达）',
          params: IdP,
          body: Type.Object(
            {
              startedAt: Type.String({ format: 'date-time' }),
              endedAt: Type.String({ format: 'date-time' }),
              place: Text(60),
              record: Text(20000),
              clerk: Text(20),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ sha256: Type.String() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'judicial.review' },
      },
      async (request, reply) => reply.status(201).send(await review.recordQuestioning(staffOf(request), request.params.id, request.body)),
    );

    app.get(
      '/applications/:id/court-documents/:documentId',
      { schema: { tags: ['judge'], summary: '本院发出的文书 PDF', params: Type.Object({ id: Id, documentId: Id }) }, config: { action: 'judicial.review' } },
      async (request, reply) => {
        const caseId = await review.caseOf(staffOf(request), request.params.id);
        const d = await documents.open(caseId, request.params.documentId, null);
        return sendFile(reply, { bytes: d.bytes, type: 'application/pdf', asciiName: 'court-document.pdf', name: `${d.title}.pdf` });
      },
    );
  };
