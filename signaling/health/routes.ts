// GET /api/health/live: the process is up and answering (cheap, no I/O).
// GET /api/health/ready: 200 when every part is ok, 503 naming the failing ones (see checks.ts).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { readiness, type HealthSources } from './checks.ts';

const Check = Type.Object({ state: Type.Union([Type.Literal('ok'), Type.Literal('failing')]), reason: Type.String() });
const ReadyReply = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not-ready')]),
  checks: Type.Object({
    database: Type.Optional(Check),
    'media-workers': Type.Optional(Check),
    redis: Type.Optional(Check),
    disk: Type.Optional(Check),
  }),
});

export function healthRoutes(sources: HealthSources): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/live',
      {
        schema: {
          tags: ['meta'],
          summary: '存活检查（进程在运行）',
          response: { 200: Type.Object({ status: Type.Literal('live'), uptimeSec: Type.Number() }) },
        },
        config: { action: 'public' },
      },
      async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'live' as const, uptimeSec: Math.round(process.uptime()) }),
    );
    app.get(
      '/ready',
      {
        schema: { tags: ['meta'], summary: '就绪检查（数据库可写、音视频服务、Redis、磁盘空间）', response: { 200: ReadyReply, 503: ReadyReply } },
        config: { action: 'public' },
      },
      async (_request, reply) => {
        const { ready, checks } = await readiness(sources);
        return reply
          .status(ready ? 200 : 503)
          .header('cache-control', 'no-store')
          .send({ status: ready ? ('ready' as const) : ('not-ready' as const), checks });
      },
    );
  };
}
