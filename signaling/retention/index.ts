// The retention job on a timer in this process: first run a minute after start, then every
// `runEveryMinutes`. On several nodes each runs it; the runs serialise in SQLite (retention-job.ts).
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.ts';
import { materialsDir } from '../judicial/materials.ts';
import { loadRetentionPolicy, type RetentionPolicy } from './policy.ts';
import { runRetention, type RetentionResult } from './retention-job.ts';

export interface RetentionSchedule {
  policy: RetentionPolicy;
  /** One run now (also what the timer calls). */
  runOnce(): Promise<RetentionResult>;
  stop(): void;
}

export function scheduleRetention(ctx: AppContext, log: FastifyBaseLogger, options: { now?: () => Date; firstRunMs?: number } = {}): RetentionSchedule {
  const policy = loadRetentionPolicy(ctx.config.dataDir);
  const now = options.now ?? (() => new Date());
  let running: Promise<RetentionResult> | null = null;
  const runOnce = () => {
    running ??= runRetention(ctx.db, materialsDir(ctx), policy, now()).finally(() => (running = null));
    return running;
  };
  const tick = () =>
    runOnce().then(
      (r) => {
        const deleted = Object.values(r.totals).reduce((a, b) => a + b, 0);
        if (deleted > 0 || r.orphanFilesRemoved > 0)
          log.info({ deleted: r.totals, cases: r.perCase.size, orphanFiles: r.orphanFilesRemoved }, 'retention: expired data deleted');
      },
      (err: unknown) => log.error({ err }, 'retention: run failed (tried again at the next run)'),
    );
  const first = setTimeout(() => void tick(), options.firstRunMs ?? 60_000);
  const every = setInterval(() => void tick(), policy.runEveryMinutes * 60_000);
  first.unref();
  every.unref();
  return {
    policy,
    runOnce,
    stop() {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
