// /api/routing: the 分流 queue, a unit head's inbox, one matter's page and its moves. Each route
// names its grant (access/grants.ts, routing.*); which matter a user may see is the service's.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { staffOf } from '../http/access-hook.ts';
import { errors, IdParams } from '../http/schemas.ts';
import type { MatterMoves } from './matter-moves.ts';
import type { MatterViews } from './matter-views.ts';
import { AssignedView, InboxView, MatterDetailView, MediatorBody, QueueView, ReasonBody, TransferBody, UnitBody } from './schemas.ts';

const moveErrors = errors(400, 401, 403, 404, 409);

export const routingRoutes =
  (views: MatterViews, moves: MatterMoves): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['routing'];

    app.get(
      '/queue',
      { schema: { tags, summary: '分流队列（中心受理员）', response: { 200: QueueView, ...errors(401, 403) } }, config: { action: 'routing.queue' } },
      async (request) => views.queue(staffOf(request)),
    );

    app.get(
      '/inbox',
      { schema: { tags, summary: '待接收、待指派事项（单位负责人）', response: { 200: InboxView, ...errors(401, 403) } }, config: { action: 'routing.inbox' } },
      async (request) => views.inbox(staffOf(request)),
    );

    app.get(
      '/matters/:id',
      {
        schema: {
          tags,
          summary: '登记事项：经过、当前责任人、可办理的操作',
          params: IdParams,
          response: { 200: MatterDetailView, ...errors(400, 401, 403, 404) },
        },
        config: { action: 'routing.read' },
      },
      async (request) => views.detail(staffOf(request), request.params.id),
    );

    app.post(
      '/matters/:id/route',
      { schema: { tags, summary: '分流至成员单位', params: IdParams, body: UnitBody, response: moveErrors }, config: { action: 'routing.route' } },
      async (request, reply) => {
        await moves.route(staffOf(request), request.params.id, request.body.unitId);
        return reply.code(204).send();
      },
    );

    app.post(
      '/matters/:id/accept',
      { schema: { tags, summary: '接收分流事项（承办单位负责人）', params: IdParams, response: moveErrors }, config: { action: 'routing.receive' } },
      async (request, reply) => {
        await moves.accept(staffOf(request), request.params.id);
        return reply.code(204).send();
      },
    );

    app.post(
      '/matters/:id/return',
      {
        schema: { tags, summary: '退回分流事项（须说明原因）', params: IdParams, body: ReasonBody, response: moveErrors },
        config: { action: 'routing.receive' },
      },
      async (request, reply) => {
        await moves.return(staffOf(request), request.params.id, request.body.reason.trim());
        return reply.code(204).send();
      },
    );

    app.post(
      '/matters/:id/transfer',
      {
        schema: { tags, summary: '转交其他成员单位（须说明原因）', params: IdParams, body: TransferBody, response: moveErrors },
        config: { action: 'routing.transfer' },
      },
      async (request, reply) => {
        await moves.transfer(staffOf(request), request.params.id, request.body.unitId, request.body.reason.trim());
        return reply.code(204).send();
      },
    );

    app.post(
      '/matters/:id/assign',
      {
        schema: { tags, summary: '指派调解员并立案', params: IdParams, body: MediatorBody, response: { 200: AssignedView, ...moveErrors } },
        config: { action: 'routing.assign' },
      },
      async (request) => moves.assign(staffOf(request), request.params.id, request.body.mediatorId),
    );

    app.post(
      '/matters/:id/reassign',
      { schema: { tags, summary: '更换调解员', params: IdParams, body: MediatorBody, response: moveErrors }, config: { action: 'routing.assign' } },
      async (request, reply) => {
        await moves.reassign(staffOf(request), request.params.id, request.body.mediatorId);
        return reply.code(204).send();
      },
    );

    app.post(
      '/matters/:id/withdraw',
      { schema: { tags, summary: '撤回事项（须说明原因）', params: IdParams, body: ReasonBody, response: moveErrors }, config: { action: 'routing.withdraw' } },
      async (request, reply) => {
        await moves.withdraw(staffOf(request), request.params.id, request.body.reason.trim());
        return reply.code(204).send();
      },
    );
  };
