// A pool of mediasoup workers (one per core), each with a WebRtcServer so all
// of a worker's WebRTC transports share one UDP and one TCP port.
//
// Plain module: no fastify/socket.io/prisma. The worker binary is whatever
// mediasoup resolves (MEDIASOUP_WORKER_BIN, else node_modules/mediasoup/worker/
// out/Release/mediasoup-worker, installed by scripts/build-worker.mjs).
import { EventEmitter } from 'node:events';
import { accessSync, constants as fsConstants } from 'node:fs';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { mediaCodecs } from './codecs.ts';

export interface WorkerPoolOptions {
  /** Number of workers (one per core is usual). */
  numWorkers: number;
  /** IP the WebRtcServers bind to, e.g. '0.0.0.0' or '127.0.0.1'. */
  listenIp: string;
  /** Public IP or hostname put in ICE candidates (behind NAT); defaults to listenIp. */
  announcedAddress?: string;
  /** Worker i listens on rtcPort + i (UDP and TCP). 0 = ephemeral ports (tests). */
  rtcPort: number;
  logLevel?: types.WorkerLogLevel;
  /** Narrow logger port; pino and console both fit. Defaults to console. */
  logger?: PoolLogger;
  /**
   * A worker that dies is started again in its place (same index, same port): at once the first
   * time, then after `backoffMs`, doubling up to `maxBackoffMs` while it keeps dying within a minute.
   * `false`: never (tests of what happens without one).
   */
  respawn?: false | { backoffMs?: number; maxBackoffMs?: number };
}

export interface PoolLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** appData of every router the pool creates: what callers need to build transports. */
export interface PoolRouterAppData extends types.AppData {
  webRtcServer: types.WebRtcServer;
  workerPid: number;
  /** The IP the workers listen on (plain RTP transports for load testing bind there too). */
  listenIp: string;
}

export interface WorkerDiedEvent {
  index: number;
  pid: number;
  error: Error;
}

export interface WorkerRespawnedEvent {
  index: number;
  pid: number;
  /** The pid of the worker it replaces. */
  previousPid: number;
}

export type WorkerPoolEvents = {
  /** A worker process died unexpectedly; its routers and transports are gone. */
  workerdied: [WorkerDiedEvent];
  /** A new worker took the place of one that died. */
  workerrespawned: [WorkerRespawnedEvent];
  /** Error thrown by a listener of another event (see safeEmit). */
  listenererror: [Error];
};

interface PoolEntry {
  index: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  routers: Set<types.Router<PoolRouterAppData>>;
  /** Routers being created: counted as load so concurrent creations spread out. */
  pending: number;
  /** When its workers died lately (for the respawn backoff). */
  deaths: number[];
  respawnTimer: NodeJS.Timeout | null;
}

interface SpawnSettings {
  listenIp: string;
  announcedAddress: string | undefined;
  rtcPort: number;
  logLevel: types.WorkerLogLevel;
}

/** Deaths further apart than this do not add to the backoff. */
const DEATH_MEMORY_MS = 60_000;

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #entries: PoolEntry[];
  readonly #logger: PoolLogger;
  readonly #listenIp: string;
  readonly #spawn: SpawnSettings;
  readonly #respawn: { backoffMs: number; maxBackoffMs: number } | null;
  #nextIndex = 0;
  #closed = false;

  private constructor(entries: PoolEntry[], logger: PoolLogger, spawn: SpawnSettings, respawn: WorkerPoolOptions['respawn']) {
    super();
    this.#entries = entries;
    this.#logger = logger;
    this.#listenIp = spawn.listenIp;
    this.#spawn = spawn;
    this.#respawn = respawn === false ? null : { backoffMs: respawn?.backoffMs ?? 1_000, maxBackoffMs: respawn?.maxBackoffMs ?? 30_000 };
    for (const entry of entries) this.#watch(entry);
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const { numWorkers, listenIp, announcedAddress, rtcPort, logLevel = 'warn', logger = consoleLogger } = options;
    if (!Number.isInteger(numWorkers) || numWorkers < 1) throw new RangeError(`numWorkers must be >= 1, got ${numWorkers}`);
    if (!Number.isInteger(rtcPort) || rtcPort < 0 || rtcPort + numWorkers - 1 > 65535) {
      throw new RangeError(`rtcPort ${rtcPort} does not leave room for ${numWorkers} workers`);
    }
    assertWorkerBinary();

    const spawn: SpawnSettings = { listenIp, announcedAddress, rtcPort, logLevel };
    const entries: PoolEntry[] = [];
    try {
      for (let index = 0; index < numWorkers; index++) {
        const { worker, webRtcServer } = await startWorker(spawn, index);
        entries.push({ index, worker, webRtcServer, routers: new Set(), pending: 0, deaths: [], respawnTimer: null });
        logger.info({ pid: worker.pid, index, port: rtcPort === 0 ? 'ephemeral' : rtcPort + index }, 'mediasoup worker started');
      }
    } catch (error) {
      for (const entry of entries) entry.worker.close();
      throw error;
    }
    return new WorkerPool(entries, logger, spawn, options.respawn);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Live workers, in creation order (for stats and tests). */
  get workers(): readonly types.Worker[] {
    return this.#entries.filter((e) => !e.worker.closed).map((e) => e.worker);
  }

  /** How many workers the pool runs when all are alive. */
  get size(): number {
    return this.#entries.length;
  }

  /** Resolves once a worker is alive (at once if one is); rejects after `timeoutMs` or when the pool closes. */
  whenWorkerAlive(timeoutMs: number): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('WorkerPool is closed'));
    if (this.workers.length > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.off('workerrespawned', onRespawned);
        if (error) reject(error);
        else resolve();
      };
      const onRespawned = () => done();
      const timer = setTimeout(() => done(new Error(`no live mediasoup worker within ${timeoutMs} ms`)), timeoutMs);
      this.on('workerrespawned', onRespawned);
    });
  }

  /**
   * Creates a router on the live worker with the fewest routers (ties: round robin).
   * Workers in `avoidWorkerPids` are only used when no other live worker is left
   * (a room spreading over several workers passes the ones it already has).
   */
  async createRouter(options: { avoidWorkerPids?: readonly number[] } = {}): Promise<types.Router<PoolRouterAppData>> {
    if (this.#closed) throw new Error('WorkerPool is closed');
    const entry = this.#pickWorker(options.avoidWorkerPids ?? []);
    entry.pending++;
    let router: types.Router<PoolRouterAppData>;
    try {
      router = await entry.worker.createRouter<PoolRouterAppData>({
        mediaCodecs,
        appData: { webRtcServer: entry.webRtcServer, workerPid: entry.worker.pid, listenIp: this.#listenIp },
      });
    } finally {
      entry.pending--;
    }
    entry.routers.add(router);
    router.observer.once('close', () => entry.routers.delete(router));
    return router;
  }

  /** Closes every worker (and so their servers, routers and transports). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const entry of this.#entries) {
      if (entry.respawnTimer) clearTimeout(entry.respawnTimer);
      entry.respawnTimer = null;
      entry.worker.close();
    }
    this.#logger.info({ workers: this.#entries.length }, 'mediasoup worker pool closed');
  }

  #pickWorker(avoidPids: readonly number[]): PoolEntry {
    let best: PoolEntry | undefined;
    let bestScore = Infinity;
    for (let i = 0; i < this.#entries.length; i++) {
      const entry = this.#entries[(this.#nextIndex + i) % this.#entries.length]!;
      if (entry.worker.closed) continue;
      // An avoided worker ranks after every other, whatever its load.
      const score = (avoidPids.includes(entry.worker.pid) ? 1e9 : 0) + entry.routers.size + entry.pending;
      if (score < bestScore) {
        best = entry;
        bestScore = score;
      }
    }
    if (!best) throw new Error('no live mediasoup worker');
    this.#nextIndex = (best.index + 1) % this.#entries.length;
    return best;
  }

  #watch(entry: PoolEntry): void {
    const worker = entry.worker;
    worker.on('died', (error) => this.#onWorkerDied(entry, worker, error));
  }

  #onWorkerDied(entry: PoolEntry, worker: types.Worker, error: Error): void {
    this.#logger.error({ pid: worker.pid, index: entry.index, err: error }, 'mediasoup worker died');
    this.#safeEmit('workerdied', { index: entry.index, pid: worker.pid, error });
    this.#scheduleRespawn(entry, worker.pid);
  }

  /** At once after a first death; with a doubling delay while the worker keeps dying. */
  #scheduleRespawn(entry: PoolEntry, previousPid: number): void {
    if (this.#closed || !this.#respawn || entry.respawnTimer) return;
    const now = Date.now();
    entry.deaths = [...entry.deaths.filter((t) => now - t < DEATH_MEMORY_MS), now];
    const recent = entry.deaths.length;
    const delayMs = recent <= 1 ? 0 : Math.min(this.#respawn.maxBackoffMs, this.#respawn.backoffMs * 2 ** (recent - 2));
    entry.respawnTimer = setTimeout(() => {
      entry.respawnTimer = null;
      void this.#respawnWorker(entry, previousPid);
    }, delayMs);
  }

  async #respawnWorker(entry: PoolEntry, previousPid: number): Promise<void> {
    if (this.#closed) return;
    let started: { worker: types.Worker; webRtcServer: types.WebRtcServer };
    try {
      started = await startWorker(this.#spawn, entry.index);
    } catch (error) {
      this.#logger.error({ index: entry.index, err: error }, 'mediasoup worker could not be started again');
      this.#scheduleRespawn(entry, previousPid);
      return;
    }
    if (this.#closed) {
      started.worker.close();
      return;
    }
    entry.worker = started.worker;
    entry.webRtcServer = started.webRtcServer;
    entry.routers = new Set();
    this.#watch(entry);
    this.#logger.info({ pid: started.worker.pid, index: entry.index, previousPid }, 'mediasoup worker started again');
    this.#safeEmit('workerrespawned', { index: entry.index, pid: started.worker.pid, previousPid });
  }

  /** Like mediasoup's safeEmit: a throwing listener must not break the pool. */
  #safeEmit(...args: ['workerdied', WorkerDiedEvent] | ['workerrespawned', WorkerRespawnedEvent]): void {
    try {
      if (args[0] === 'workerdied') this.emit('workerdied', args[1]);
      else this.emit('workerrespawned', args[1]);
    } catch (error) {
      this.emit('listenererror', error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** One worker and its WebRtcServer on rtcPort + index (ephemeral with rtcPort 0). */
async function startWorker(spawn: SpawnSettings, index: number): Promise<{ worker: types.Worker; webRtcServer: types.WebRtcServer }> {
  const worker = await mediasoup.createWorker({ logLevel: spawn.logLevel });
  const port = spawn.rtcPort === 0 ? undefined : spawn.rtcPort + index;
  const listen = { ip: spawn.listenIp, announcedAddress: spawn.announcedAddress, port };
  try {
    const webRtcServer = await worker.createWebRtcServer({
      listenInfos: [
        { protocol: 'udp', ...listen },
        { protocol: 'tcp', ...listen },
      ],
    });
    return { worker, webRtcServer };
  } catch (error) {
    worker.close();
    throw error;
  }
}

export function createWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  return WorkerPool.create(options);
}

const consoleLogger: PoolLogger = {
  info: (obj, msg) => console.info(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};

function assertWorkerBinary(): void {
  try {
    accessSync(mediasoup.workerBin, fsConstants.X_OK);
  } catch {
    throw new Error(
      `mediasoup worker binary not found or not executable at ${mediasoup.workerBin}: ` + 'run `node scripts/build-worker.mjs` (or set MEDIASOUP_WORKER_BIN)',
    );
  }
}
