// Several nodes (REDIS_URL): due jobs go through BullMQ so that each runs on exactly one node. Every
// node's scheduler finds the due rows; one node wins each row's conditional `queuedAt` claim and adds
// it to the queue under the row's id (BullMQ refuses a second job with the same id, so a re-queue after
// REQUEUE_AFTER_MS cannot duplicate it either); every node runs a worker, and BullMQ's lock gives each
// job to one of them. The run itself claims the row again (jobs.ts runJob), so even a redelivery after
// a crashed worker writes no second event.
import { Queue, Worker } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db.ts';
import type { Clock } from './clock.ts';
import { REQUEUE_AFTER_MS, runJob } from './jobs.ts';
import type { JobDispatcher } from './scheduler.ts';

export const DEADLINE_QUEUE = 'deadlines';
const PREFIX = 'jiefen';
const CLOSE_TIMEOUT_MS = 5000;

interface DeadlineJobData {
  jobId: string;
}

export interface BullDispatcher extends JobDispatcher {
  /** Resolves when the worker is connected and taking jobs. */
  ready(): Promise<void>;
}

export function bullDispatcher(opts: {
  redisUrl: string;
  db: Db;
  clock: Clock;
  nodeId: string;
  log: Pick<FastifyBaseLogger, 'error' | 'warn'>;
}): BullDispatcher {
  const connection = { url: opts.redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue<DeadlineJobData>(DEADLINE_QUEUE, { connection, prefix: PREFIX });
  const worker = new Worker<DeadlineJobData, string>(DEADLINE_QUEUE, async (job) => runJob(opts.db, job.data.jobId, opts.clock.now(), opts.nodeId), {
    connection,
    prefix: PREFIX,
    concurrency: 1,
  });
  worker.on('failed', (job, err) => opts.log.error({ err, jobId: job?.data.jobId }, 'deadline job failed on this node; BullMQ tries it again'));
  worker.on('error', (err) => opts.log.warn({ err: err.message }, 'deadline queue worker: redis problem'));
  queue.on('error', (err) => opts.log.warn({ err: err.message }, 'deadline queue: redis problem'));
  return {
    ready: async () => {
      await queue.waitUntilReady();
      await worker.waitUntilReady();
    },
    async dispatch(db, ids, now) {
      let queued = 0;
      for (const id of ids) {
        const stale = new Date(now.getTime() - REQUEUE_AFTER_MS);
        const claim = await db.scheduledJob.updateMany({
          where: { id, status: 'PENDING', OR: [{ queuedAt: null }, { queuedAt: { lt: stale } }] },
          data: { queuedAt: now },
        });
        if (claim.count !== 1) continue; // another node queued it
        try {
          // Queued before and given up on by BullMQ (its retries failed): a re-queue retries that job.
          const earlier = await queue.getJob(id);
          if (earlier && (await earlier.isFailed())) {
            await earlier.retry();
            queued++;
            continue;
          }
          await queue.add(
            'deadline',
            { jobId: id },
            { jobId: id, attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 7 * 86_400 } },
          );
          queued++;
        } catch (err) {
          // Redis unreachable: released for the next scan (on any node).
          await db.scheduledJob.updateMany({ where: { id, queuedAt: now }, data: { queuedAt: null } });
          opts.log.error({ err, jobId: id }, 'deadline job could not be queued; tried again at the next scan');
        }
      }
      return queued;
    },
    async close() {
      // A stopping server does not wait for a job in flight (its row claim makes a redelivery harmless),
      // nor for long on a Redis that went away: closing a worker whose Redis had restarted hung.
      const closed = Promise.all([worker.close(true), queue.close()]);
      const timedOut = await Promise.race([closed.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), CLOSE_TIMEOUT_MS).unref())]);
      if (timedOut) {
        opts.log.warn({ timeoutMs: CLOSE_TIMEOUT_MS }, 'deadline queue did not close in time; its connections are dropped');
        await Promise.all([worker.disconnect(), queue.disconnect()]).catch(() => undefined);
      }
    },
  };
}
