// Seals the audit chain head every AUDIT_SEAL_INTERVAL_MIN minutes, in process. A failed seal
// (full disk, busy database) is logged and retried at the next tick; it never stops the server.
import type { FastifyBaseLogger } from 'fastify';

export interface SealClock {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realClock: SealClock = {
  setInterval: (fn, ms) => {
    const handle = setInterval(fn, ms);
    handle.unref();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface SealSchedule {
  /** Runs one seal now (also what each tick does); never rejects. */
  sealNow(): Promise<void>;
  stop(): void;
}

export function scheduleAuditSeals(opts: {
  intervalMs: number;
  seal: () => Promise<{ sealed: boolean }>;
  log: Pick<FastifyBaseLogger, 'info' | 'error'>;
  clock?: SealClock;
}): SealSchedule {
  const clock = opts.clock ?? realClock;
  let running: Promise<void> | null = null;
  const sealNow = () => {
    // One at a time: a tick during a slow seal joins it.
    running ??= opts
      .seal()
      .then(
        ({ sealed }) => {
          if (sealed) opts.log.info('audit chain head sealed');
        },
        (err: unknown) => opts.log.error({ err }, 'audit chain seal failed; retried at the next interval'),
      )
      .finally(() => {
        running = null;
      });
    return running;
  };
  const handle = clock.setInterval(() => void sealNow(), opts.intervalMs);
  return {
    sealNow,
    stop: () => clock.clearInterval(handle),
  };
}
