// 评价 and 回访 on /api/followup: a party's ratings from its link (/party/ratings), the ratings of
// a case for its unit and the centre, and the 回访 tasks (list, one task, records, closing, the
// 回访记录 PDF).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { partyOf, staffOf } from '../http/access-hook.ts';
import { sendFile } from '../http/file-reply.ts';
import { errors, Id, IdParams } from '../http/schemas.ts';
import type { RatingService } from './ratings/rating-service.ts';
import { CaseRatingsView, GiveRatingBody, PartyRatingsView } from './ratings/schemas.ts';
import type { FollowUpTaskService } from './tasks/task-service.ts';
import { CloseBody, RecordBody, TaskDetailView, TaskListQuery, TaskListView } from './tasks/schemas.ts';

const link = [{ link: [] }];

export const followUpRoutes =
  (ratings: RatingService, tasks: FollowUpTaskService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/party/ratings',
      {
        schema: {
          tags: ['followup'],
          summary: '当事人：可以评价的场合和自己已作的评价',
          security: link,
          response: { 200: PartyRatingsView, ...errors(401, 403, 429) },
        },
        config: { action: 'rating.give', rateLimit: { max: 60, timeWindow: '1 minute' } },
      },
      async (request) => ratings.forParty(partyOf(request).participant),
    );

    app.post(
      '/party/ratings',
      {
        schema: {
          tags: ['followup'],
          summary: '当事人评价调解服务（五级，可附意见；每个场合一次）',
          security: link,
          body: GiveRatingBody,
          response: { 201: Type.Object({ id: Type.String(), poor: Type.Boolean(), followUpOpened: Type.Boolean() }), ...errors(400, 401, 403, 409, 429) },
        },
        config: { action: 'rating.give', rateLimit: { max: 20, timeWindow: '1 minute' } },
      },
      async (request, reply) => reply.code(201).send(await ratings.give(partyOf(request).participant, request.body)),
    );

    app.get(
      '/cases/:caseId/ratings',
      {
        schema: {
          tags: ['followup'],
          summary: '案件的当事人评价（本单位和中心可见）',
          params: Type.Object({ caseId: Id }),
          response: { 200: CaseRatingsView, ...errors(401, 403, 404) },
        },
        config: { action: 'followup.read' },
      },
      async (request) => ratings.forCase(staffOf(request), request.params.caseId),
    );

    app.get(
      '/tasks',
      {
        schema: {
          tags: ['followup'],
          summary: '回访任务（本单位；中心可见全部单位）',
          querystring: TaskListQuery,
          response: { 200: TaskListView, ...errors(400, 401, 403) },
        },
        config: { action: 'followup.read' },
      },
      async (request) => tasks.list(staffOf(request), request.query.filter),
    );

    app.get(
      '/tasks/:id',
      {
        schema: { tags: ['followup'], summary: '回访任务详情', params: IdParams, response: { 200: TaskDetailView, ...errors(401, 403, 404) } },
        config: { action: 'followup.read' },
      },
      async (request) => tasks.detail(staffOf(request), request.params.id),
    );

    app.post(
      '/tasks/:id/records',
      {
        schema: {
          tags: ['followup'],
          summary: '登记一次回访（回访记录表）',
          params: IdParams,
          body: RecordBody,
          response: { 201: Type.Object({ id: Type.String() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'followup.work' },
      },
      async (request, reply) => reply.code(201).send(await tasks.addRecord(staffOf(request), request.params.id, request.body)),
    );

    app.post(
      '/tasks/:id/close',
      {
        schema: {
          tags: ['followup'],
          summary: '办结回访（需重新调解的，同时重新办理本案）',
          params: IdParams,
          body: CloseBody,
          response: { 200: TaskDetailView, ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'followup.work' },
      },
      async (request) => tasks.close(staffOf(request), request.params.id, request.body),
    );

    app.get(
      '/tasks/:id/record.pdf',
      {
        schema: { tags: ['followup'], summary: '下载回访记录（PDF，加盖调解委员会印章）', params: IdParams },
        config: { action: 'followup.read' },
      },
      async (request, reply) => {
        const { bytes, fileName } = await tasks.recordPdf(staffOf(request), request.params.id);
        return sendFile(reply, { bytes, type: 'application/pdf', asciiName: 'follow-up-record.pdf', name: fileName });
      },
    );
  };
