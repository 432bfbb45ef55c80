// 履行 (#16 item 1): the schedule of a signed agreement, its timed steps on the Clock (reminders,
// 逾期 → 回访) and the API. See README.md in this folder.
import type { AppContext } from '../../context.ts';
import type { Clock } from '../../deadlines/clock.ts';
import type { DeadlineScheduler } from '../../deadlines/scheduler.ts';
import type { SmsProvider } from '../../signing/sms.ts';
import type { ApiArea } from '../../http/api-area.ts';
import { loadFollowUpPolicy } from '../policy.ts';
import { PerformanceService } from './performance-service.ts';
import { performanceRoutes } from './routes.ts';
import { performanceSource } from './tracker.ts';

export interface PerformanceArea extends ApiArea {
  service: PerformanceService;
}

/**
 * The area; its timed steps run on the deadline scheduler (tests move a FakeClock and await
 * `deadlines.scheduler.runDue()`). A bad policy file stops the start.
 */
export function performanceArea(ctx: AppContext, opts: { clock: Clock; scheduler: DeadlineScheduler; sms: SmsProvider }): PerformanceArea {
  const policy = loadFollowUpPolicy(ctx.config.dataDir);
  const service = new PerformanceService(ctx, opts.clock, policy);
  opts.scheduler.addSource(performanceSource(ctx.db, policy, opts.sms));
  return { name: 'performance', routes: [{ prefix: '/performance', plugin: performanceRoutes(service) }], service };
}
