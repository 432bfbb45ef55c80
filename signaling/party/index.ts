// The party area: what a party does with its personal link before the session (see the case,
// confirm identity, consent), on /api/party.
import type { AppContext } from '../context.ts';
import type { ApiArea } from '../http/api-area.ts';
import { PartyService } from './party-service.ts';
import { partyRoutes } from './routes.ts';
import { PartyPrivacy } from './party-privacy.ts';

export function partyArea(ctx: AppContext): ApiArea & { party: PartyService; privacy: PartyPrivacy } {
  const party = new PartyService(ctx);
  const privacy = new PartyPrivacy(ctx.db);
  return { name: 'party', routes: [{ prefix: '/party', plugin: partyRoutes(party, privacy) }], party, privacy };
}
