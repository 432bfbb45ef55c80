// The intake desk area (/api/intake): staff registering matters — 来访/来电 at the window and the
// phone, 随手记 by grid workers, batch imports from institutions — with the duplicate check and
// the early-warning flags (intake/screening/, rules as data).
import type { AppContext } from '../context.ts';
import type { AreaDirectory } from '../areas/areas.ts';
import type { ApiArea } from '../http/api-area.ts';
import { loadScreeningRules, screeningRulesFile } from '../intake/screening/rules.ts';
import { DeskService } from './desk-service.ts';
import { ImportService, type LinkSender } from './import/import-service.ts';
import { intakeDeskRoutes } from './routes.ts';

export function intakeDeskArea(ctx: AppContext, areas: AreaDirectory, links: LinkSender): ApiArea & { desk: DeskService; imports: ImportService } {
  const rules = loadScreeningRules(screeningRulesFile(ctx.config.dataDir, ctx.config.intakeScreeningFile));
  const desk = new DeskService(ctx, rules, areas);
  const imports = new ImportService(ctx, rules, links);
  return { name: 'intake-desk', routes: [{ prefix: '/intake', plugin: intakeDeskRoutes(desk, imports) }], desk, imports };
}
