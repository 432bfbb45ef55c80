// Health for load balancers and supervisors: /api/health/live and /api/health/ready.
// (/api/health, the old check, stays in meta-routes.ts and answers like live.)
import type { ApiArea } from '../http/api-area.ts';
import type { HealthSources } from './checks.ts';
import { healthRoutes } from './routes.ts';

export { readiness, type CheckName, type CheckResult, type HealthSources, type Readiness } from './checks.ts';

export function healthArea(sources: HealthSources): ApiArea {
  return { name: 'health', routes: [{ prefix: '/health', plugin: healthRoutes(sources) }] };
}
