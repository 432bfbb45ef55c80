// WorkerPool against the real mediasoup worker binary (no mocks).
import type { types } from 'mediasoup';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerPool, type PoolLogger, type PoolRouterAppData, type WorkerDiedEvent, type WorkerPool, type WorkerRespawnedEvent } from './worker-pool.ts';

const quiet: PoolLogger = { info: () => undefined, error: () => undefined };

describe('WorkerPool', () => {
  let pool: WorkerPool | undefined;

  afterEach(() => {
    pool?.close();
    pool = undefined;
  });

  it('creates N workers, spreads routers across them and closes everything exactly once', async () => {
    pool = await createWorkerPool({ numWorkers: 2, listenIp: '127.0.0.1', rtcPort: 0, logger: quiet });
    const workers = [...pool.workers];
    expect(workers).toHaveLength(2);
    expect(new Set(workers.map((w) => w.pid)).size).toBe(2);

    const closes = new Map<string, number>();
    const countClose = (key: string) => () => closes.set(key, (closes.get(key) ?? 0) + 1);
    for (const worker of workers) {
      worker.observer.on('close', countClose(`worker ${worker.pid}`));
    }

    const routers: types.Router<PoolRouterAppData>[] = [];
    for (let i = 0; i < 4; i++) routers.push(await pool.createRouter());
    for (const router of routers) router.observer.on('close', countClose(`router ${router.id}`));
    const perWorker = new Map<number, number>();
    for (const router of routers) {
      expect(router.appData.webRtcServer).toBeDefined();
      const pid = router.appData.workerPid;
      perWorker.set(pid, (perWorker.get(pid) ?? 0) + 1);
    }
    expect([...perWorker.values()]).toEqual([2, 2]);

    pool.close();
    pool.close();
    expect(pool.closed).toBe(true);
    expect(pool.workers).toHaveLength(0);
    expect(workers.every((w) => w.closed)).toBe(true);
    expect(routers.every((r) => r.closed)).toBe(true);
    expect(closes.size).toBe(6);
    expect([...closes.values()].every((n) => n === 1)).toBe(true);
    await expect(pool.createRouter()).rejects.toThrow(/closed/);
  });

  it('puts a new router on the least-loaded worker', async () => {
    pool = await createWorkerPool({ numWorkers: 2, listenIp: '127.0.0.1', rtcPort: 0, logger: quiet });
    const a = await pool.createRouter();
    const b = await pool.createRouter();
    expect(a.appData.workerPid).not.toBe(b.appData.workerPid);
    await pool.createRouter(); // back on a's worker (round robin on a tie)
    a.close(); // now a's worker has 1 router, b's has 1: tie
    const c = await pool.createRouter();
    const d = await pool.createRouter();
    expect(new Set([c.appData.workerPid, d.appData.workerPid]).size).toBe(2);
  });

  it('spreads concurrent creations, and avoids the workers it is asked to unless no other is left', async () => {
    pool = await createWorkerPool({ numWorkers: 2, listenIp: '127.0.0.1', rtcPort: 0, logger: quiet });
    const lone = await pool.createRouter();
    // Both would pick the other worker if creations in flight did not count as load.
    const pair = await Promise.all([pool.createRouter(), pool.createRouter()]);
    expect(new Set(pair.map((r) => r.appData.workerPid)).size).toBe(2);
    const busy = lone.appData.workerPid; // 2 routers
    const idle = pool.workers.find((w) => w.pid !== busy)!.pid; // 1 router
    expect((await pool.createRouter({ avoidWorkerPids: [idle] })).appData.workerPid).toBe(busy);
    const all = pool.workers.map((w) => w.pid);
    expect((await pool.createRouter({ avoidWorkerPids: all })).appData.workerPid).toBe(idle); // all avoided: least loaded
  });

  it('listens on rtcPort + i for UDP and TCP', async () => {
    const rtcPort = 40_000 + Math.floor(Math.random() * 10_000) * 2;
    pool = await createWorkerPool({ numWorkers: 2, listenIp: '127.0.0.1', rtcPort, logger: quiet });
    const ports: number[][] = [];
    for (let i = 0; i < 2; i++) {
      const router = await pool.createRouter();
      const dump = await router.appData.webRtcServer.dump();
      ports.push([...dump.udpSockets.map((s) => s.port), ...dump.tcpServers.map((s) => s.port)]);
    }
    expect(ports.sort()).toEqual([
      [rtcPort, rtcPort],
      [rtcPort + 1, rtcPort + 1],
    ]);
  });

  it('reports a dead worker and keeps routing to the live ones', async () => {
    const died: WorkerDiedEvent[] = [];
    const errors: string[] = [];
    pool = await createWorkerPool({
      numWorkers: 2,
      listenIp: '127.0.0.1',
      rtcPort: 0,
      logger: { info: () => undefined, error: (_obj, msg) => errors.push(msg ?? '') },
      respawn: false,
    });
    pool.on('workerdied', (event) => died.push(event));
    const [victim, survivor] = pool.workers;
    const router = await pool.createRouter();
    expect(router.appData.workerPid).toBe(victim!.pid);

    const routerClosed = new Promise<void>((resolve) => router.observer.once('close', resolve));
    process.kill(victim!.pid, 'SIGKILL');
    await routerClosed;
    await expect.poll(() => died.length, { timeout: 5_000 }).toBe(1);
    expect(died[0]).toMatchObject({ index: 0, pid: victim!.pid });
    expect(errors).toEqual(['mediasoup worker died']);
    expect(pool.workers).toEqual([survivor]);

    for (let i = 0; i < 2; i++) expect((await pool.createRouter()).appData.workerPid).toBe(survivor!.pid);
  });

  it('starts a dead worker again in its place, on the same port, and waits longer while it keeps dying', async () => {
    const rtcPort = 40_000 + Math.floor(Math.random() * 10_000) * 2;
    pool = await createWorkerPool({ numWorkers: 1, listenIp: '127.0.0.1', rtcPort, logger: quiet, respawn: { backoffMs: 400, maxBackoffMs: 1_000 } });
    const respawned: Array<WorkerRespawnedEvent & { at: number }> = [];
    pool.on('workerrespawned', (event) => respawned.push({ ...event, at: performance.now() }));
    const first = pool.workers[0]!;
    await pool.createRouter();

    // First death: back at once.
    let killedAt = performance.now();
    process.kill(first.pid, 'SIGKILL');
    await expect.poll(() => first.closed, { timeout: 5_000 }).toBe(true);
    await pool.whenWorkerAlive(5_000);
    expect(respawned).toHaveLength(1);
    expect(respawned[0]).toMatchObject({ index: 0, previousPid: first.pid });
    expect(respawned[0]!.at - killedAt).toBeLessThan(1_000);
    const second = pool.workers[0]!;
    expect(second.pid).not.toBe(first.pid);
    expect(second.pid).toBe(respawned[0]!.pid);
    const router = await pool.createRouter();
    expect(router.appData.workerPid).toBe(second.pid);
    const dump = await router.appData.webRtcServer.dump();
    expect(dump.udpSockets.map((s) => s.port)).toEqual([rtcPort]);

    // Second death within a minute: after the backoff.
    killedAt = performance.now();
    process.kill(second.pid, 'SIGKILL');
    await expect.poll(() => respawned.length, { timeout: 5_000 }).toBe(2);
    expect(respawned[1]!.at - killedAt).toBeGreaterThanOrEqual(400);
    expect(respawned[1]!.previousPid).toBe(second.pid);

    // Third: the delay doubles, capped at maxBackoffMs.
    killedAt = performance.now();
    process.kill(respawned[1]!.pid, 'SIGKILL');
    await expect.poll(() => pool!.workers.length, { timeout: 1_000 }).toBe(0);
    await expect(pool.whenWorkerAlive(200)).rejects.toThrow(/no live mediasoup worker/);
    await pool.whenWorkerAlive(5_000);
    expect(respawned[2]!.at - killedAt).toBeGreaterThanOrEqual(800);
    expect((await pool.createRouter()).appData.workerPid).toBe(respawned[2]!.pid);
  });

  it('starts nothing again once closed', async () => {
    pool = await createWorkerPool({ numWorkers: 1, listenIp: '127.0.0.1', rtcPort: 0, logger: quiet, respawn: { backoffMs: 50 } });
    const respawned: WorkerRespawnedEvent[] = [];
    pool.on('workerrespawned', (event) => respawned.push(event));
    const worker = pool.workers[0]!;
    const died = new Promise<void>((resolve) => worker.on('died', () => resolve()));
    process.kill(worker.pid, 'SIGKILL');
    await died;
    pool.close();
    await new Promise((r) => setTimeout(r, 500));
    expect(respawned).toHaveLength(0);
    expect(pool.workers).toHaveLength(0);
  });
});
