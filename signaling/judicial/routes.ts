// /api/judicial/:caseId — the joint application for judicial confirmation (parties by link token,
// the case's mediator by session) — and /api/judge/applications, the court-scoped queue a judge
// sees (only their own court's submitted applications).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';
import { caseRequester, requireStaff, staffOf, type CasePrincipal } from '../http/auth-hooks.ts';
import { errors, Id, Text } from '../http/schemas.ts';
import type { JudicialApplicationService } from './application-service.ts';
import { MATERIAL_KINDS, MAX_MATERIAL_BYTES, storeMaterial } from './materials.ts';

const CaseParams = Type.Object({ caseId: Id });
const Apply = { courtId: Id, serviceAddress: Text(200), phone: Type.String({ minLength: 7, maxLength: 20 }) };
const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'application/pdf'];

declare module 'fastify' {
  interface FastifyRequest {
    judicialWho: CasePrincipal | null;
  }
}

export const judicialRoutes = (ctx: AppContext, service: JudicialApplicationService): FastifyPluginAsyncTypebox => async (app) => {
  app.decorateRequest('judicialWho', null);
  // Raw uploads: one more byte than allowed, so an oversized body is refused by the parser (413).
  app.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer', bodyLimit: MAX_MATERIAL_BYTES + 1 }, (_req, body, done) => done(null, body));
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    request.judicialWho = await caseRequester(ctx, request, reply, (request.params as { caseId: string }).caseId);
  });
  const party = (request: FastifyRequest) => {
    if (request.judicialWho?.kind !== 'party') throw new DomainError('FORBIDDEN', '请通过您的个人链接办理');
    return request.judicialWho.participant;
  };
  const staff = (request: FastifyRequest): StaffPrincipal => {
    if (request.judicialWho?.kind !== 'staff') throw new DomainError('FORBIDDEN', '只有调解员可以办理此项');
    return request.judicialWho.user;
  };

  app.get('/:caseId', {
    schema: { tags: ['judicial'], summary: '司法确认申请：期限、可选法院、申请进度', params: CaseParams, response: { 200: Type.Unknown(), ...errors(401, 403, 404) } },
  }, async (request) => {
    const who = request.judicialWho!;
    if (who.kind === 'staff') {
      const c = await ctx.db.case.findUnique({ where: { id: request.params.caseId } });
      if (!c || c.orgId !== who.user.orgId || !(who.user.role === 'ADMIN' || c.mediatorId === who.user.id)) throw new DomainError('CASE_NOT_FOUND', '案件不存在或您无权查看');
    }
    return service.view(request.params.caseId, who.kind === 'party' ? who.participant : null);
  });

  app.post('/:caseId/apply', {
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags: ['judicial'],
      summary: '当事人确认申请司法确认（选择法院、送达地址、电话）',
      params: CaseParams,
      body: Type.Object(Apply, { additionalProperties: false }),
      response: { 201: Type.Object({ status: Type.String() }), ...errors(400, 401, 403, 409) },
    },
  }, async (request, reply) => {
    const application = await service.apply(party(request), request.body);
    return reply.status(201).send({ status: application.status });
  });

  app.post('/:caseId/consents', {
    schema: {
      tags: ['judicial'],
      summary: '调解员登记当事人同意由对方共同申请（如当面表示同意）',
      params: CaseParams,
      body: Type.Object({ participantId: Id, ...Apply }, { additionalProperties: false }),
      response: { 201: Type.Object({ status: Type.String() }), ...errors(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const { participantId, ...input } = request.body;
    const application = await service.recordConsent(staff(request), request.params.caseId, participantId, input);
    return reply.status(201).send({ status: application.status });
  });

  app.post('/:caseId/materials', {
    config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: {
      tags: ['judicial'],
      summary: '上传申请材料（请求体为文件本身：image/jpeg、image/png 或 application/pdf，≤ 10 MB）',
      params: CaseParams,
      querystring: Type.Object({ kind: Type.Union(MATERIAL_KINDS.map((k) => Type.Literal(k))), name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), displayName: Type.String(), mime: Type.String(), bytes: Type.Integer() }), ...errors(400, 401, 403, 409, 413, 415) },
    },
  }, async (request, reply) => {
    const p = party(request);
    const body = request.body;
    if (!Buffer.isBuffer(body)) throw new DomainError('VALIDATION', '请上传 JPG、PNG 图片或 PDF 文件');
    const declared = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const row = await storeMaterial(ctx, p, { kind: request.query.kind, declaredMime: declared, fileName: request.query.name, bytes: body });
    return reply.status(201).send({ id: row.id, displayName: row.displayName, mime: row.mime, bytes: row.bytes });
  });
};

/** The judge's queue: their own court's submitted applications only. */
export const judgeRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  app.addHook('preHandler', requireStaff(ctx, 'JUDGE'));
  const courtOf = (request: FastifyRequest) => {
    const judge = staffOf(request);
    if (!judge.courtId) throw new DomainError('FORBIDDEN', '您的账号未关联法院');
    return judge.courtId;
  };
  const summary = (a: { id: string; status: string; submittedAt: Date | null; windowEndsAt: Date; case: { number: string; title: string }; court: { name: string } }) => ({
    id: a.id,
    status: a.status,
    submittedAt: a.submittedAt?.toISOString() ?? null,
    caseNumber: a.case.number,
    title: a.case.title,
    court: a.court.name,
  });

  app.get('/applications', {
    schema: { tags: ['judge'], summary: '本院待处理的司法确认申请', response: { 200: Type.Object({ applications: Type.Array(Type.Unknown()) }), ...errors(401, 403) } },
  }, async (request) => {
    const rows = await ctx.db.judicialApplication.findMany({ where: { courtId: courtOf(request), status: { not: 'DRAFT' } }, include: { case: true, court: true }, orderBy: { submittedAt: 'asc' } });
    return { applications: rows.map(summary) };
  });

  app.get('/applications/:id', {
    schema: { tags: ['judge'], summary: '一件司法确认申请', params: Type.Object({ id: Id }), response: { 200: Type.Object({ application: Type.Unknown() }), ...errors(401, 403, 404) } },
  }, async (request) => {
    const a = await ctx.db.judicialApplication.findUnique({ where: { id: request.params.id }, include: { case: true, court: true } });
    // Another court's application does not exist for this judge.
    if (!a || a.courtId !== courtOf(request) || a.status === 'DRAFT') throw new DomainError('NOT_FOUND', '申请不存在');
    return { application: summary(a) };
  });
};
