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

export type WorkerPoolEvents = {
  /** A worker process died unexpectedly; its routers and transports are gone. */
  workerdied: [WorkerDiedEvent];
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
}

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #entries: PoolEntry[];
  readonly #logger: PoolLogger;
  readonly #listenIp: string;
  #nextIndex = 0;
  #closed = false;

  private constructor(entries: PoolEntry[], logger: PoolLogger, listenIp: string) {
    super();
    this.#entries = entries;
    this.#logger = logger;
    this.#listenIp = listenIp;
    for (const entry of entries) {
      entry.worker.on('died', (error) => this.#onWorkerDied(entry, error));
    }
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const { numWorkers, listenIp, announcedAddress, rtcPort, logLevel = 'warn', logger = consoleLogger } = options;
    if (!Number.isInteger(numWorkers) || numWorkers < 1) throw new RangeError(`numWorkers must be >= 1, got ${numWorkers}`);
    if (!Number.isInteger(rtcPort) || rtcPort < 0 || rtcPort + numWorkers - 1 > 65535) {
      throw new RangeError(`rtcPort ${rtcPort} does not leave room for ${numWorkers} workers`);
    }
    assertWorkerBinary();

    const entries: PoolEntry[] = [];
    try {
      for (let index = 0; index < numWorkers; index++) {
        const worker = await mediasoup.createWorker({ logLevel });
        const port = rtcPort === 0 ? undefined : rtcPort + index;
        const listen = { ip: listenIp, announcedAddress, port };
        let webRtcServer: types.WebRtcServer;
        try {
          webRtcServer = await worker.createWebRtcServer({
            listenInfos: [
              { protocol: 'udp', ...listen },
              { protocol: 'tcp', ...listen },
            ],
          });
        } catch (error) {
          worker.close();
          throw error;
        }
        entries.push({ index, worker, webRtcServer, routers: new Set(), pending: 0 });
        logger.info({ pid: worker.pid, index, port: port ?? 'ephemeral' }, 'mediasoup worker started');
      }
    } catch (error) {
      for (const entry of entries) entry.worker.close();
      throw error;
    }
    return new WorkerPool(entries, logger, listenIp);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Live workers, in creation order (for stats and tests). */
  get workers(): readonly types.Worker[] {
    return this.#entries.filter((e) => !e.worker.closed).map((e) => e.worker);
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
    for (const entry of this.#entries) entry.worker.close();
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

  #onWorkerDied(entry: PoolEntry, error: Error): void {
    this.#logger.error({ pid: entry.worker.pid, index: entry.index, err: error }, 'mediasoup worker died');
    this.#emitWorkerDied({ index: entry.index, pid: entry.worker.pid, error });
  }

  /** Like mediasoup's safeEmit: a throwing listener must not break the pool. */
  #emitWorkerDied(event: WorkerDiedEvent): void {
    try {
      this.emit('workerdied', event);
    } catch (error) {
      this.emit('listenererror', error instanceof Error ? error : new Error(String(error)));
    }
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
