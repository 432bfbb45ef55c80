// The party area: what a party does with its personal link before the session (see the case,
// confirm identity, consent), on /api/party.
import type { AppContext } from '../context.ts';
import type { ApiArea } from '../http/api-area.ts';
import { PartyService } from './party-service.ts';
import { partyRoutes } from './routes.ts';

export function partyArea(ctx: AppContext): ApiArea & { party: PartyService } {
  const party = new PartyService(ctx);
  return { name: 'party', routes: [{ prefix: '/party', plugin: partyRoutes(party) }], party };
}
