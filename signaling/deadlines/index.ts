// 限时办结: the deadline policy (data), the durable jobs (reminders, 督办) and their scheduler on the
// clock — in this process on one node, through BullMQ with REDIS_URL — and the staff API.
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.ts';
import type { ApiArea } from '../http/api-area.ts';
import { bullDispatcher } from './bull-dispatch.ts';
import type { Clock } from './clock.ts';
import { DeadlineService } from './deadline-service.ts';
import { deadlinePolicyFile, installDeadlinePolicy, loadDeadlinePolicy } from './policy.ts';
import { deadlineRoutes } from './routes.ts';
import { DeadlineScheduler, localDispatcher } from './scheduler.ts';

export type { Clock } from './clock.ts';
export { FakeClock, systemClock } from './clock.ts';

export interface DeadlinesArea extends ApiArea {
  service: DeadlineService;
  scheduler: DeadlineScheduler;
  /** 'local' (one node) or 'bullmq'. */
  mode: 'local' | 'bullmq';
}

/** Start, before anything else is started: the policy file is read, checked (a bad one stops the start) and put in force. */
export async function installDeadlinePolicyOnStart(ctx: AppContext): Promise<void> {
  const file = deadlinePolicyFile(ctx.config.dataDir, ctx.config.deadlines.policyFile);
  await installDeadlinePolicy(ctx.db, loadDeadlinePolicy(file), file);
}

/** Starts the scheduler (the policy is installed: installDeadlinePolicyOnStart). `nodeId`: this node in several-node mode. */
export async function deadlinesArea(ctx: AppContext, opts: { clock: Clock; log: FastifyBaseLogger; nodeId: string | null }): Promise<DeadlinesArea> {
  const redisUrl = ctx.config.redisUrl;
  let dispatcher;
  if (redisUrl && opts.nodeId) {
    const bull = bullDispatcher({ redisUrl, db: ctx.db, clock: opts.clock, nodeId: opts.nodeId, log: opts.log });
    await bull.ready();
    dispatcher = bull;
  } else dispatcher = localDispatcher(opts.log);
  const scheduler = new DeadlineScheduler(ctx.db, opts.clock, dispatcher, opts.log, ctx.config.deadlines.scanMs);
  scheduler.start();
  const service = new DeadlineService(ctx, opts.clock);
  return { name: 'deadlines', routes: [{ prefix: '/deadlines', plugin: deadlineRoutes(service) }], service, scheduler, mode: redisUrl ? 'bullmq' : 'local' };
}
