// 限时办结 on /api/deadlines: my matters with their countdowns, the 督办 addressed to me, extending a deadline.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { staffOf } from '../http/access-hook.ts';
import { errors, IdParams } from '../http/schemas.ts';
import type { DeadlineService } from './deadline-service.ts';
import { EscalationsView, ExtensionBody, ExtensionView, MyDeadlinesView } from './schemas.ts';

export const deadlineRoutes =
  (deadlines: DeadlineService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/mine',
      {
        schema: { tags: ['deadlines'], summary: '我负责的事项及办理期限', response: { 200: MyDeadlinesView, ...errors(401, 403) } },
        config: { action: 'deadlines.read' },
      },
      async (request) => deadlines.mine(staffOf(request)),
    );

    app.get(
      '/escalations',
      {
        schema: { tags: ['deadlines'], summary: '督办：交给我的超期事项', response: { 200: EscalationsView, ...errors(401, 403) } },
        config: { action: 'deadlines.read' },
      },
      async (request) => deadlines.escalations(staffOf(request)),
    );

    app.post(
      '/matters/:id/extension',
      {
        schema: {
          tags: ['deadlines'],
          summary: '延长办理期限（须写明理由）',
          params: IdParams,
          body: ExtensionBody,
          response: { 200: ExtensionView, ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'deadlines.extend' },
      },
      async (request) => deadlines.extend(staffOf(request), request.params.id, request.body),
    );
  };
