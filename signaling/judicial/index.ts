// The judicial-confirmation area: the parties' application on /api/judicial, the judges' desk on
// /api/judge, courts on /api/courts. Each court seals its rulings with its own certificate
// (development: generated once per court into data/courts/<id>/).
import path from 'node:path';
import type { TemplateCatalog } from '../agreement/template-schema.ts';
import type { AppContext } from '../context.ts';
import type { ApiArea } from '../http/api-area.ts';
import { loadSigningIdentity, type SigningIdentity } from '../signing/org-identity.ts';
import { JudicialApplicationService } from './application-service.ts';
import { CourtCalendar } from './court-calendar.ts';
import { courtRoutes } from './court-routes.ts';
import { CourtDocuments } from './court-documents.ts';
import { CourtService } from './court-service.ts';
import { JudicialReviewService } from './review-service.ts';
import { judgeRoutes, judicialRoutes } from './routes.ts';

export function judicialArea(ctx: AppContext, templates: TemplateCatalog, orgIdentity: SigningIdentity): ApiArea {
  const courtIdentities = new Map<string, SigningIdentity>();
  const courtIdentity = (court: { id: string; name: string }) => {
    let identity = courtIdentities.get(court.id);
    if (!identity)
      courtIdentities.set(court.id, (identity = loadSigningIdentity({ dataDir: path.join(ctx.config.dataDir, 'courts', court.id), orgName: court.name })));
    return identity;
  };
  const calendar = CourtCalendar.load();
  const documents = new CourtDocuments(ctx, templates, courtIdentity);
  const applications = new JudicialApplicationService(ctx, templates, orgIdentity, calendar);
  const review = new JudicialReviewService(ctx, orgIdentity.rootFingerprint, calendar, documents);
  return {
    name: 'judicial',
    routes: [
      { prefix: '/judicial', plugin: judicialRoutes(ctx, applications, review, documents) },
      { prefix: '/judge', plugin: judgeRoutes(ctx, review, applications, documents) },
      { prefix: '/courts', plugin: courtRoutes(new CourtService(ctx)) },
    ],
  };
}
