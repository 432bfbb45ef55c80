// #16 item 4: the centre's dashboard on /api/dashboard — facts kept by a projector over the audit log,
// the matters' history and the obligations' events (projector.ts), queried per figure (queries.ts),
// with every definition in one data file (figures.ts) shared with the web client and the export.
import type { FastifyBaseLogger } from 'fastify';
import type { AreaDirectory } from '../../areas/areas.ts';
import type { AppContext } from '../../context.ts';
import type { Clock } from '../../deadlines/clock.ts';
import type { ApiArea } from '../../http/api-area.ts';
import { loadFollowUpPolicy } from '../policy.ts';
import { DashboardService } from './dashboard-service.ts';
import { DashboardProjector } from './projector.ts';
import { dashboardRoutes } from './routes.ts';

export interface DashboardArea extends ApiArea {
  service: DashboardService;
  projector: DashboardProjector;
}

export function dashboardArea(ctx: AppContext, opts: { clock: Clock; log: FastifyBaseLogger; areas: AreaDirectory }): DashboardArea {
  const policy = loadFollowUpPolicy(ctx.config.dataDir);
  const projector = new DashboardProjector(ctx.db, { now: () => opts.clock.now(), poorRatingAtMost: policy.poorRatingAtMost });
  projector.startCatchUp(opts.log);
  const service = new DashboardService(ctx, opts.clock, projector, opts.areas);
  return { name: 'dashboard', routes: [{ prefix: '/dashboard', plugin: dashboardRoutes(service) }], service, projector };
}
