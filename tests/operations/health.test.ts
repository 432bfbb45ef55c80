// /api/health/live and /api/health/ready against real parts: the readiness answer names each
// part and turns 503 when all media workers are killed (and 200 again once the pool has started
// them again), when the configured Redis is stopped (and back when it returns), and when the
// free-space floor is above the data folder's real free space. /metrics tells the same.
import { statfsSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../support/cluster.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';

interface Check {
  state: 'ok' | 'failing';
  reason: string;
}
interface Ready {
  status: 'ready' | 'not-ready';
  checks: Record<string, Check>;
}

async function ready(server: TestServer): Promise<{ status: number; body: Ready }> {
  const res = await fetch(`${server.url}/api/health/ready`);
  return { status: res.status, body: (await res.json()) as Ready };
}

async function metrics(server: TestServer): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

const servers: TestServer[] = [];
const redises: RedisServer[] = [];
async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
afterAll(async () => {
  for (const r of redises.splice(0)) await r.stop();
});

describe('health', () => {
  it('live answers at once; ready names every part ok on a healthy single node (no redis part)', async () => {
    const s = await server({ MEDIASOUP_WORKERS: '2' });
    const live = await fetch(`${s.url}/api/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'live' });
    // The old check still answers.
    expect(await (await fetch(`${s.url}/api/health`)).json()).toEqual({ ok: true });

    const { status, body } = await ready(s);
    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['database', 'disk', 'media-workers']);
    for (const check of Object.values(body.checks)) expect(check.state).toBe('ok');
    expect(body.checks['media-workers']!.reason).toContain('2/2');
    // The database part is a real, committed write.
    const probe = await s.ctx.db.healthProbe.findUnique({ where: { id: 1 } });
    expect(Date.now() - probe!.checkedAt.getTime()).toBeLessThan(5_000);
    expect(await metrics(s)).toMatch(/^jiefen_ready 1$/m);
  });

  it('turns 503 naming the media workers when all are killed, and 200 again once they are started again', async () => {
    const s = await server({ MEDIASOUP_WORKERS: '2' });
    const killAll = async () => {
      const pids = s.pool.workers.map((w) => w.pid);
      expect(pids).toHaveLength(2);
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      return pids;
    };
    // The first deaths are followed by an immediate restart; the second ones within a minute
    // wait for the backoff (1 s) — long enough to see the node not ready.
    const first = await killAll();
    await waitFor(() => s.pool.workers.length === 2 && s.pool.workers.every((w) => !first.includes(w.pid)), 10_000, 'workers started again');
    await killAll();
    const down = await waitFor(
      async () => {
        const r = await ready(s);
        return r.status === 503 ? r : null;
      },
      5_000,
      'ready turns 503',
    );
    expect(down.body.status).toBe('not-ready');
    expect(down.body.checks['media-workers']).toEqual({ state: 'failing', reason: '没有运行中的音视频服务进程（0/2）' });
    expect(down.body.checks.database!.state).toBe('ok');
    expect(down.body.checks.disk!.state).toBe('ok');
    // Live stays up: the process is fine.
    expect((await fetch(`${s.url}/api/health/live`)).status).toBe(200);

    const up = await waitFor(
      async () => {
        const r = await ready(s);
        return r.status === 200 ? r : null;
      },
      10_000,
      'ready again',
    );
    expect(up.body.checks['media-workers']!.state).toBe('ok');
    await waitFor(() => s.pool.workers.length === 2, 10_000, 'both workers back');
    expect(await metrics(s)).toMatch(/^jiefen_media_workers_alive 2$/m);
  });

  it('names redis when it is configured and stopped, and is ready again when it returns', async () => {
    const redis = await startRedis();
    redises.push(redis);
    const s = await server({ REDIS_URL: redis.url });
    const { status, body } = await ready(s);
    expect(status).toBe(200);
    expect(body.checks.redis).toEqual({ state: 'ok', reason: '可连接' });

    await redis.stop();
    const down = await waitFor(
      async () => {
        const r = await ready(s);
        return r.status === 503 ? r : null;
      },
      10_000,
      'ready turns 503',
    );
    expect(down.body.checks.redis!.state).toBe('failing');
    expect(down.body.checks.redis!.reason).not.toContain('127.0.0.1'); // no address, no secret
    expect(down.body.checks['media-workers']!.state).toBe('ok');
    expect(await metrics(s)).toMatch(/^jiefen_health_check_ok\{check="redis"\} 0$/m);

    redises.push(await startRedis(Number(new URL(redis.url).port)));
    await waitFor(async () => (await ready(s)).status === 200, 15_000, 'ready once redis is back');
  });

  it('names the disk when the free-space floor is above what the data folder has', async () => {
    const probe = await server();
    const fs = statfsSync(probe.dataDir);
    const freeMb = Math.floor((fs.bavail * fs.bsize) / (1024 * 1024));
    const s = await server({ HEALTH_MIN_FREE_MB: String(freeMb + 100_000) });
    const { status, body } = await ready(s);
    expect(status).toBe(503);
    expect(body.checks.disk!.state).toBe('failing');
    expect(body.checks.disk!.reason).toMatch(/^数据目录剩余 \d+ MB，下限 \d+ MB$/);
    expect(body.checks.database!.state).toBe('ok');
    expect(body.checks['media-workers']!.state).toBe('ok');
    const text = await metrics(s);
    expect(text).toMatch(/^jiefen_ready 0$/m);
    expect(text).toMatch(/^jiefen_health_check_ok\{check="disk"\} 0$/m);
    expect(text).toMatch(/^jiefen_health_check_ok\{check="database"\} 1$/m);
    // Below the real free space it is ready again.
    expect((await ready(probe)).status).toBe(200);
  });
});
