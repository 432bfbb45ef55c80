// The centre area (#15 item 1): the 综治中心's member units, on /api/centre.
import type { AppContext } from '../context.ts';
import type { ApiArea } from '../http/api-area.ts';
import { OrgService } from '../org/org-service.ts';
import { UserService } from '../users/user-service.ts';
import { unitRoutes } from './routes.ts';
import { UnitService } from './unit-service.ts';

export function unitsArea(ctx: AppContext): ApiArea & { units: UnitService } {
  const units = new UnitService(ctx, new OrgService(ctx));
  return { name: 'centre', routes: [{ prefix: '/centre', plugin: unitRoutes(units, new UserService(ctx)) }], units };
}
