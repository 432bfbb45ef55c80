// Runs the due jobs of 限时办结 (jobs.ts) on the clock (clock.ts). It wakes when the next pending job
// is due, and at least every `scanMs` (jobs are written by whichever request set a deadline, on any
// node, without telling the scheduler). What it does with a due job is the dispatcher's:
//
//   one node (no REDIS_URL)   runs it here, from the durable table — a job due while the server
//                             was down runs at the next start, once
//   several nodes (REDIS_URL) hands it to BullMQ (bull-dispatch.ts): one node's worker runs it
//
// Other parts with steps due on the same clock (the 回访 tasks' reminders and 督办, #16) add a
// DueSource: one timer, one scan, one runDue() for tests to await.
//
// A failed run is logged and tried again at the next wake; it never stops the server.
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db.ts';
import type { Clock } from './clock.ts';
import { dueJobIds, nextRunAt, runJob } from './jobs.ts';

export interface JobDispatcher {
  /** Takes care of due jobs (runs them, or queues them for some node); how many it handled. */
  dispatch(db: Db, ids: string[], now: Date): Promise<number>;
  close(): Promise<void>;
}

/** One node: runs each due job here, in due order. */
export function localDispatcher(log: Pick<FastifyBaseLogger, 'error'>): JobDispatcher {
  return {
    async dispatch(db, ids, now) {
      let handled = 0;
      for (const id of ids) {
        try {
          await runJob(db, id, now, 'local');
          handled++;
        } catch (err) {
          // Left PENDING (its transaction rolled back): the next wake tries it again.
          await db.scheduledJob.updateMany({ where: { id }, data: { lastError: err instanceof Error ? err.message : String(err) } }).catch(() => undefined);
          log.error({ err, jobId: id }, 'deadline job failed; tried again at the next scan');
        }
      }
      return handled;
    },
    close: async () => undefined,
  };
}

/** Steps of another part that fall due on this clock, kept durable by that part (its own rows). */
export interface DueSource {
  name: string;
  /** Runs what is due at `now`, each step exactly once; how many ran. */
  runDue(now: Date): Promise<number>;
  /** When its next step is due (null: none). */
  nextAt(now: Date): Promise<Date | null>;
}

export class DeadlineScheduler {
  #chain: Promise<unknown> = Promise.resolve();
  readonly #sources: DueSource[] = [];
  #cancelTimer: (() => void) | null = null;
  #stopped = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly dispatcher: JobDispatcher,
    private readonly log: Pick<FastifyBaseLogger, 'error'>,
    private readonly scanMs: number,
  ) {}

  /** First scan now (jobs that fell due while the server was down), then on the clock. */
  start(): void {
    this.#wake();
  }

  /** Another part's due steps join the scan (and the scan runs now, for what fell due while down). */
  addSource(source: DueSource): void {
    this.#sources.push(source);
    this.#wake();
  }

  /**
   * Handles everything due at the clock's current time. Calls run one after the other, so a test that
   * advanced a fake clock can await this and find every due job handled.
   */
  runDue(): Promise<number> {
    const run = this.#chain.then(() => this.#runDueNow());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #runDueNow(): Promise<number> {
    let handled = await this.#runDueJobs();
    for (const source of this.#sources) {
      try {
        handled += await source.runDue(this.clock.now());
      } catch (err) {
        this.log.error({ err, source: source.name }, 'scheduled steps failed; tried again at the next scan');
      }
    }
    return handled;
  }

  async #runDueJobs(): Promise<number> {
    let handled = 0;
    for (;;) {
      const now = this.clock.now();
      const ids = await dueJobIds(this.db, now);
      if (ids.length === 0) return handled;
      const n = await this.dispatcher.dispatch(this.db, ids, now);
      handled += n;
      // Queued elsewhere or failing: the rest waits for the next wake rather than spinning here.
      if (n < ids.length || ids.length < 200) return handled;
    }
  }

  #wake(): void {
    if (this.#stopped) return;
    this.runDue()
      .then(() => this.#armTimer())
      .catch((err: unknown) => {
        this.log.error({ err }, 'deadline scan failed; tried again at the next scan');
        this.#armTimer(this.scanMs);
      });
  }

  async #armTimer(maxWait?: number): Promise<void> {
    if (this.#stopped) return;
    const next = maxWait === undefined ? await this.#nextAt() : null;
    const untilNext = next ? next.getTime() - this.clock.now().getTime() : Infinity;
    this.#cancelTimer?.();
    this.#cancelTimer = this.clock.after(Math.max(0, Math.min(untilNext, maxWait ?? this.scanMs)), () => this.#wake());
  }

  /** The soonest of the next job and every source's next step. */
  async #nextAt(): Promise<Date | null> {
    const now = this.clock.now();
    const times = await Promise.all([
      nextRunAt(this.db).catch(() => null),
      ...this.#sources.map((s) =>
        s.nextAt(now).catch((err: unknown) => {
          this.log.error({ err, source: s.name }, 'next scheduled step unknown; scanning again later');
          return null;
        }),
      ),
    ]);
    const due = times.filter((t): t is Date => t !== null).map((t) => t.getTime());
    return due.length ? new Date(Math.min(...due)) : null;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelTimer?.();
    await this.#chain;
    await this.dispatcher.close();
  }
}
