// #16 评价 and 回访: the policy read at start (and put in force for the closing sample,
// sampling.ts), the party's ratings, the 回访 tasks, and their reminders and 督办 on the 限时办结
// scheduler (a source of deadlines/scheduler.ts, on the same Clock).
// Performance tracking (履行), the dashboard and the dossier are other parts of signaling/followup.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TemplateCatalog } from '../agreement/template-schema.ts';
import type { AppContext } from '../context.ts';
import type { Clock } from '../deadlines/clock.ts';
import type { DeadlineScheduler } from '../deadlines/scheduler.ts';
import type { ApiArea } from '../http/api-area.ts';
import type { SigningIdentity } from '../signing/org-identity.ts';
import { FOLLOWUP_POLICY_FILE, loadFollowUpPolicy, type FollowUpPolicy } from './policy.ts';
import { RatingService } from './ratings/rating-service.ts';
import { followUpRoutes } from './routes.ts';
import { installFollowUpPolicy } from './sampling.ts';
import { followUpDueSource } from './tasks/task-jobs.ts';
import { FollowUpTaskService } from './tasks/task-service.ts';

export interface FollowUpArea extends ApiArea {
  policy: FollowUpPolicy;
  ratings: RatingService;
  tasks: FollowUpTaskService;
}

export async function followUpArea(
  ctx: AppContext,
  deps: { clock: Clock; scheduler: DeadlineScheduler; templates: TemplateCatalog; identity: SigningIdentity },
): Promise<FollowUpArea> {
  // A bad policy file stops the start here, naming the key.
  const policy = loadFollowUpPolicy(ctx.config.dataDir);
  const own = path.join(ctx.config.dataDir, FOLLOWUP_POLICY_FILE);
  await installFollowUpPolicy(ctx.db, policy, existsSync(own) ? own : '内置回访政策');
  const ratings = new RatingService(ctx, deps.clock, policy);
  const tasks = new FollowUpTaskService(ctx, deps.clock, policy, deps.templates, deps.identity);
  // Reminders and 督办 of 回访 (tests await `deadlines.scheduler.runDue()` after moving a fake clock).
  deps.scheduler.addSource(followUpDueSource(ctx.db, policy));
  return { name: 'followup', routes: [{ prefix: '/followup', plugin: followUpRoutes(ratings, tasks) }], policy, ratings, tasks };
}
