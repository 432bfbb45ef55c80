// The 电子卷宗 area (#16 item 5): /api/dossier. buildCaseDossier (dossier.ts) makes one case's sealed,
// bookmarked case file; ArchiveService archives a closed case with it (retention as data:
// archive-policy.ts) and serves it; archive-guard.ts keeps an archived case read-only.
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Clock } from '../../deadlines/clock.ts';
import type { ApiArea } from '../../http/api-area.ts';
import { CourtCalendar } from '../../judicial/court-calendar.ts';
import type { SigningIdentity } from '../../signing/org-identity.ts';
import { loadArchivePolicy } from './archive-policy.ts';
import { ArchiveService } from './archive-service.ts';
import type { DossierPorts } from './dossier-data.ts';
import { dossierRoutes } from './routes.ts';

export { buildCaseDossier } from './dossier.ts';

export function dossierArea(
  ctx: AppContext,
  deps: { identity: SigningIdentity; clock: Clock; log: FastifyBaseLogger; ports?: DossierPorts },
): ApiArea & { archives: ArchiveService } {
  // Read at start: a bad centre file stops the start, naming the key.
  const policy = loadArchivePolicy(ctx.config.dataDir);
  const archives = new ArchiveService(ctx, deps.identity, policy, deps.clock, CourtCalendar.load(), deps.ports ?? {}, deps.log);
  return { name: 'dossier', routes: [{ prefix: '/dossier', plugin: dossierRoutes(archives) }], archives };
}
