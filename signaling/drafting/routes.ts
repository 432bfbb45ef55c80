// /api/agreements/:caseId — what cannot go through the Y.Doc directly: parties' suggestions and
// comments (their WebSocket is read-only), the mediator's accept/reject, named versions and
// their readable diff. Staff by session cookie (+ CSRF header on mutations); parties by their
// link token as Bearer, which must belong to this case.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { SECTION_KEYS } from '../agreement/document.ts';
import type { AppContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { accessOf as requestAccessOf } from '../http/access-hook.ts';
import { errors, Id, Text } from '../http/schemas.ts';
import type { AgreementService } from './agreement-service.ts';
import { Annotation, ClauseId, NotepadProposalBody, Section, SuggestionBody, VersionDiffView, VersionView } from './schemas.ts';
import { partyAccess, staffAccess, type DraftAccess } from './grants.ts';

const CaseParams = Type.Object({ caseId: Id });
const SuggestionParams = Type.Object({ caseId: Id, suggestionId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) });

declare module 'fastify' {
  interface FastifyRequest {
    draftAccess: DraftAccess | null;
  }
}

export const agreementRoutes =
  (ctx: AppContext, service: AgreementService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.decorateRequest('draftAccess', null);

    // The route's action (config.action) was granted already; this adds the draft identity.
    app.addHook('preHandler', async (request: FastifyRequest) => {
      const { principal, role, caseId } = requestAccessOf(request);
      if (!principal || !caseId) return;
      request.draftAccess = principal.kind === 'party' ? partyAccess(principal.participant, role ?? 'observer') : staffAccess(principal.user, caseId, role);
    });

    const accessOf = (request: FastifyRequest): DraftAccess => {
      if (!request.draftAccess) throw new DomainError('NOT_AUTHENTICATED', '请先登录或通过邀请链接进入');
      return request.draftAccess;
    };
    const target = (body: { clauseId?: string | undefined; section?: (typeof SECTION_KEYS)[number] | undefined }) => {
      if (body.clauseId && body.section) throw new DomainError('VALIDATION', '请求参数无效：clauseId 与 section 只能填一个');
      if (body.clauseId) return { clauseId: body.clauseId };
      if (body.section) return { section: body.section };
      return null;
    };
    const security: Array<Record<string, string[]>> = [{ session: [] }, { link: [] }];

    app.post(
      '/:caseId/suggestions',
      {
        config: { action: 'draft.suggest', rateLimit: { max: 60, timeWindow: '1 minute' } },
        schema: {
          tags: ['agreements'],
          summary: '对协议条款提出修改建议（当事人、调解员）',
          security,
          params: CaseParams,
          body: SuggestionBody,
          response: { 201: Type.Object({ suggestion: Annotation }), ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const t = target(request.body);
        if (!t) throw new DomainError('VALIDATION', '请求参数无效：请指明建议修改的条款（clauseId）或部分（section）');
        const suggestion = await service.suggest(accessOf(request), {
          target: t,
          kind: request.body.kind ?? 'replace',
          index: request.body.index,
          length: request.body.length,
          text: request.body.text,
        });
        return reply.status(201).send({ suggestion });
      },
    );

    app.post(
      '/:caseId/suggestions/from-notepad',
      {
        schema: {
          tags: ['agreements'],
          summary: '把一方记事本中的方案作为修改建议放入协议草稿（调解员，记入审计）',
          security: [{ session: [] }],
          params: CaseParams,
          body: NotepadProposalBody,
          response: { 201: Type.Object({ suggestion: Annotation }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'draft.edit' },
      },
      async (request, reply) => {
        const t = target(request.body);
        if (!t) throw new DomainError('VALIDATION', '请求参数无效：请选择放入哪一条款（clauseId）或部分（section）');
        const { fromSide, mode, text } = request.body;
        const suggestion = await service.suggestFromNotepad(accessOf(request), { fromSide, target: t, mode, text });
        return reply.status(201).send({ suggestion });
      },
    );

    app.post(
      '/:caseId/comments',
      {
        config: { action: 'draft.comment', rateLimit: { max: 60, timeWindow: '1 minute' } },
        schema: {
          tags: ['agreements'],
          summary: '对协议条款发表意见（当事人、调解员）',
          security,
          params: CaseParams,
          body: Type.Object({ clauseId: Type.Optional(ClauseId), section: Type.Optional(Section), text: Text(2000) }, { additionalProperties: false }),
          response: { 201: Type.Object({ comment: Annotation }), ...errors(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const comment = await service.comment(accessOf(request), { target: target(request.body), text: request.body.text });
        return reply.status(201).send({ comment });
      },
    );

    for (const decision of ['accept', 'reject'] as const) {
      app.post(
        `/:caseId/suggestions/:suggestionId/${decision}`,
        {
          schema: {
            tags: ['agreements'],
            summary: decision === 'accept' ? '采纳修改建议（调解员）' : '不采纳修改建议（调解员）',
            security: [{ session: [] }],
            params: SuggestionParams,
            body: Type.Optional(Type.Object({ reason: Type.Optional(Text(500)) }, { additionalProperties: false })),
            response: { 200: Type.Object({ suggestion: Annotation }), ...errors(400, 401, 403, 404, 409) },
          },
          config: { action: 'draft.decide' },
        },
        async (request) => {
          const params = request.params as { suggestionId: string };
          const reason = (request.body as { reason?: string } | undefined)?.reason;
          return { suggestion: await service.decide(accessOf(request), params.suggestionId, decision, reason) };
        },
      );
    }

    app.get(
      '/:caseId/versions',
      {
        schema: {
          tags: ['agreements'],
          summary: '协议的已保存版本',
          security,
          params: CaseParams,
          response: { 200: Type.Object({ versions: Type.Array(VersionView) }), ...errors(401, 403, 404) },
        },
        config: { action: 'draft.read' },
      },
      async (request) => ({ versions: await service.listVersions(accessOf(request)) }),
    );

    app.post(
      '/:caseId/versions',
      {
        schema: {
          tags: ['agreements'],
          summary: '把当前草稿保存为命名版本（调解员）',
          security: [{ session: [] }],
          params: CaseParams,
          body: Type.Object({ name: Type.String({ ...Text(60), title: '版本名称' }) }, { additionalProperties: false }),
          response: { 201: Type.Object({ version: VersionView }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'draft.decide' },
      },
      async (request, reply) => reply.status(201).send({ version: await service.saveVersion(accessOf(request), request.body.name) }),
    );

    app.get(
      '/:caseId/versions/diff',
      {
        schema: {
          tags: ['agreements'],
          summary: '两个版本之间的修改（from/to 为版本号，或 current 表示当前草稿）',
          security,
          params: CaseParams,
          querystring: Type.Object(
            {
              from: Type.String({ pattern: '^(\\d{1,6}|current)$', title: '对比版本' }),
              to: Type.String({ pattern: '^(\\d{1,6}|current)$', title: '对比版本' }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: VersionDiffView,
            ...errors(400, 401, 403, 404),
          },
        },
        config: { action: 'draft.read' },
      },
      async (request) => service.diff(accessOf(request), request.query.from, request.query.to),
    );

    app.get(
      '/:caseId',
      {
        schema: {
          tags: ['agreements'],
          summary: '协议草稿当前内容（只读数据）',
          security,
          params: CaseParams,
          response: { 200: Type.Object({ agreement: Type.Unknown() }), ...errors(401, 403, 404, 409) },
        },
        config: { action: 'draft.read' },
      },
      async (request) => ({ agreement: await service.snapshot(accessOf(request)) }),
    );
  };
