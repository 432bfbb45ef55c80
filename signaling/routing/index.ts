// The 分流 area (intake item 3): routing registered matters to the centre's units, accepting,
// returning, transferring, assigning a mediator (a case opened in the unit) and withdrawing, with
// one responsible owner throughout (首接负责), served on /api/routing.
import type { AreaDirectory } from '../areas/areas.ts';
import type { AppContext } from '../context.ts';
import type { ApiArea } from '../http/api-area.ts';
import { MatterMoves } from './matter-moves.ts';
import { MatterViews } from './matter-views.ts';
import { loadRoutingRules, routingRulesFile } from './routing-rules.ts';
import { routingRoutes } from './routes.ts';

export function routingArea(ctx: AppContext, areas: AreaDirectory): ApiArea & { moves: MatterMoves; views: MatterViews } {
  const rules = loadRoutingRules(routingRulesFile(ctx.config.dataDir));
  const moves = new MatterMoves(ctx, rules);
  const views = new MatterViews(ctx, rules, areas);
  return { name: 'routing', routes: [{ prefix: '/routing', plugin: routingRoutes(views, moves) }], moves, views };
}
