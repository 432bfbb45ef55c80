// 履行 (#16 item 1): the schedule of a signed agreement, its timed steps on the Clock (reminders,
// 逾期 → 回访) and the API. See README.md in this folder.
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Clock } from '../../deadlines/clock.ts';
import type { ApiArea } from '../../http/api-area.ts';
import { loadFollowUpPolicy } from '../policy.ts';
import { PerformanceService } from './performance-service.ts';
import { performanceRoutes } from './routes.ts';
import { PerformanceTracker } from './tracker.ts';

export interface PerformanceArea extends ApiArea {
  service: PerformanceService;
  /** Tests move a FakeClock and await `tracker.runDue()`. */
  tracker: PerformanceTracker;
}

/** The area with its tracker started (stop it with the server: `tracker.stop()`). A bad policy file stops the start. */
export function performanceArea(ctx: AppContext, opts: { clock: Clock; log: FastifyBaseLogger }): PerformanceArea {
  const policy = loadFollowUpPolicy(ctx.config.dataDir);
  const service = new PerformanceService(ctx, opts.clock, policy);
  const tracker = new PerformanceTracker(ctx.db, opts.clock, policy, opts.log, ctx.config.deadlines.scanMs);
  tracker.start();
  return { name: 'performance', routes: [{ prefix: '/performance', plugin: performanceRoutes(service) }], service, tracker };
}
