// The organisation area: the mediation committee's details and seal, on /api/org.
import type { AppContext } from '../context.ts';
import type { ApiArea } from '../http/api-area.ts';
import { OrgService } from './org-service.ts';
import { orgRoutes } from './routes.ts';

export function orgArea(ctx: AppContext): ApiArea & { org: OrgService } {
  const org = new OrgService(ctx);
  return { name: 'org', routes: [{ prefix: '/org', plugin: orgRoutes(org) }], org };
}
