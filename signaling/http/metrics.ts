// GET /metrics in the Prometheus text format: live rooms, peers, media routers, transports, producers and
// consumers; mediasoup worker CPU; the Node event-loop lag since the previous scrape; Yjs
// documents and connections open; resident memory. Protected: it wants `Authorization: Bearer
// <METRICS_TOKEN>`; only a server that listens on loopback alone answers without a token, and then
// only direct loopback requests (not ones a reverse proxy forwarded, whose client may be anyone).
// GET /metrics/rooms (same protection): this node's live rooms as JSON — members, caucuses and
// which consumers are live in mediasoup — for operators and the several-node tests.
import { timingSafeEqual } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WorkerPool } from '../../sfu/index.ts';
import type { AppContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { viaProxy } from './trust-proxy.ts';
import type { DraftingServer } from '../drafting/index.ts';
import type { Readiness } from '../health/index.ts';
import type { RoomRegistry } from '../rooms/room-registry.ts';

interface Sources {
  rooms: RoomRegistry;
  pool: WorkerPool;
  drafting: DraftingServer;
  nodeId: string | null;
  /** The same checks as /api/health/ready. */
  readiness: () => Promise<Readiness>;
  /** Several nodes: messages from Redis dropped as unsigned, forged, replayed or malformed, by reason. */
  clusterDrops?: () => ReadonlyMap<string, number>;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;
const LOOPBACK_HOST = /^(127\.|::1$|localhost$)/;

function tokenMatches(expected: string, header: string | undefined): boolean {
  const m = /^Bearer (\S+)$/.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Lines of one metric: HELP, TYPE, then samples. */
function metric(name: string, help: string, type: 'gauge' | 'counter', samples: Array<[labels: Record<string, string>, value: number]>): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) {
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
      .join(',');
    lines.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
  }
  return lines.join('\n');
}

export function attachMetrics(app: FastifyInstance, ctx: AppContext, sources: Sources): void {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  app.addHook('onClose', async () => lag.disable());

  const loopbackOnly = LOOPBACK_HOST.test(ctx.config.host);
  /** Refuses (METRICS_TOKEN_REQUIRED) unless the request may read metrics. */
  const guard = (request: FastifyRequest): void => {
    const allowed = ctx.config.metricsToken
      ? tokenMatches(ctx.config.metricsToken, request.headers.authorization)
      : loopbackOnly && LOOPBACK.test(request.ip) && !viaProxy(request.headers);
    if (!allowed) throw new DomainError('METRICS_TOKEN_REQUIRED');
  };

  app.get('/metrics/rooms', { schema: { hide: true } }, async (request, reply) => {
    guard(request);
    const rooms = sources.rooms.rooms().filter((r) => !r.closed);
    return reply.header('cache-control', 'no-store').send({
      nodeId: sources.nodeId,
      rooms: rooms.map((room) => {
        const members = room.members();
        const senderOf = new Map<string, string>();
        for (const m of members) for (const p of m.media?.producers() ?? []) senderOf.set(p.id, m.peerId);
        return {
          caseId: room.caseId,
          members: members.map((m) => ({ peerId: m.peerId, status: m.status, roomRole: m.roomRole, side: m.side, connected: m.socket !== null })),
          caucuses: room.caucuses(),
          // Live = exists in mediasoup and not paused by the server (media flows unless its sender muted).
          consumers: members.flatMap((m) =>
            [...m.consumers.entries()].map(([producerId, c]) => {
              const live = m.media?.getConsumer(c.consumerId);
              return { receiver: m.peerId, sender: senderOf.get(producerId) ?? null, kind: live?.kind ?? null, live: live ? !live.paused : false };
            }),
          ),
        };
      }),
    });
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    guard(request);

    const rooms = sources.rooms.rooms().filter((r) => !r.closed);
    const totals = { admitted: 0, lobby: 0, routers: 0, transports: 0, producers: 0, consumers: 0 };
    for (const room of rooms) {
      for (const m of room.members()) if (m.status === 'admitted' || m.status === 'lobby') totals[m.status]++;
      const c = room.media.counts();
      totals.routers += room.media.routerCount();
      totals.transports += c.transports;
      totals.producers += c.producers;
      totals.consumers += c.consumers;
    }
    const usage = await Promise.all(sources.pool.workers.map(async (w, i) => ({ i, pid: w.pid, u: await w.getResourceUsage().catch(() => null) })));
    const health = await sources.readiness();
    const seconds = (ns: number) => ns / 1e9;
    const body = [
      metric('jiefen_rooms_live', 'Live mediation rooms on this node', 'gauge', [[{}, rooms.length]]),
      metric('jiefen_peers', 'Participants in live rooms', 'gauge', [
        [{ status: 'admitted' }, totals.admitted],
        [{ status: 'lobby' }, totals.lobby],
      ]),
      metric('jiefen_media_routers', 'mediasoup routers of live rooms (more than one per room once a room spans workers)', 'gauge', [[{}, totals.routers]]),
      metric('jiefen_transports', 'WebRTC transports', 'gauge', [[{}, totals.transports]]),
      metric('jiefen_producers', 'Media producers', 'gauge', [[{}, totals.producers]]),
      metric('jiefen_consumers', 'Media consumers', 'gauge', [[{}, totals.consumers]]),
      metric(
        'jiefen_worker_cpu_seconds_total',
        'CPU time of each mediasoup worker',
        'counter',
        usage.flatMap(({ i, pid, u }) =>
          u
            ? ([
                [{ worker: String(i), pid: String(pid), mode: 'user' }, u.ru_utime / 1000],
                [{ worker: String(i), pid: String(pid), mode: 'system' }, u.ru_stime / 1000],
              ] as Array<[Record<string, string>, number]>)
            : [],
        ),
      ),
      metric('jiefen_event_loop_lag_seconds', 'Node event-loop delay since the previous scrape', 'gauge', [
        [{ quantile: '0.5' }, seconds(lag.percentile(50))],
        [{ quantile: '0.99' }, seconds(lag.percentile(99))],
        [{ quantile: '1' }, seconds(lag.max)],
      ]),
      metric('jiefen_media_workers_alive', 'mediasoup workers running (the pool starts a dead one again)', 'gauge', [[{}, sources.pool.workers.length]]),
      metric(
        'jiefen_health_check_ok',
        'Each part of /api/health/ready: 1 ok, 0 failing',
        'gauge',
        Object.entries(health.checks).map(([check, r]) => [{ check }, r.state === 'ok' ? 1 : 0]),
      ),
      metric('jiefen_ready', 'This node is ready (every part of /api/health/ready ok)', 'gauge', [[{}, health.ready ? 1 : 0]]),
      metric('jiefen_yjs_documents_open', 'Agreement drafts loaded in memory', 'gauge', [[{}, sources.drafting.hocuspocus.getDocumentsCount()]]),
      metric('jiefen_yjs_connections', 'Drafting WebSocket connections', 'gauge', [[{}, sources.drafting.hocuspocus.getConnectionsCount()]]),
      ...(sources.clusterDrops
        ? [
            metric(
              'jiefen_cluster_messages_dropped_total',
              'Messages from Redis dropped (unsigned, forged, stale, replayed or malformed)',
              'counter',
              [...sources.clusterDrops()].map(([reason, n]): [Record<string, string>, number] => [{ reason }, n]),
            ),
          ]
        : []),
      metric('jiefen_process_resident_memory_bytes', 'Resident memory of the server process', 'gauge', [[{}, process.memoryUsage().rss]]),
    ].join('\n\n');
    lag.reset();
    return reply.type('text/plain; version=0.0.4; charset=utf-8').header('cache-control', 'no-store').send(`${body}\n`);
  });
}
