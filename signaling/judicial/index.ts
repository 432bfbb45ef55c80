// The judicial-confirmation area: the parties' application on /api/judicial, the judges' desk on
// /api/judge, courts on /api/courts. Each court seals its rulings with its own certificate
// (court-identity.ts: configured per court; development mode only: generated into data/courts/<id>/).
import type { TemplateCatalog } from '../agreement/template-schema.ts';
import type { AppContext } from '../context.ts';
import type { ApiArea } from '../http/api-area.ts';
import type { SigningIdentity } from '../signing/org-identity.ts';
import type { SigningCodes } from '../signing/signing-codes.ts';
import type { CourtIdentities } from './court-identity.ts';
import { JudicialApplicationService } from './application-service.ts';
import { CourtCalendar } from './court-calendar.ts';
import { courtRoutes } from './court-routes.ts';
import { CourtDocuments } from './court-documents.ts';
import { CourtService } from './court-service.ts';
import { CourtBundleService } from './court-bundle.ts';
import { loadCourtDirectory } from './jurisdiction.ts';
import { JudicialReviewService } from './review-service.ts';
import { judgeRoutes, judicialRoutes } from './routes.ts';

export function judicialArea(
  ctx: AppContext,
  templates: TemplateCatalog,
  orgIdentity: SigningIdentity,
  courtIdentities: CourtIdentities,
  codes: SigningCodes,
): ApiArea & { applications: JudicialApplicationService } {
  const courtIdentity = (court: { id: string; name: string; code: string }) => courtIdentities.of(court);
  const calendar = CourtCalendar.load();
  const documents = new CourtDocuments(ctx, templates, courtIdentity);
  // Courts' areas and intermediate-court rules: validated at start (a broken file stops it).
  const directory = loadCourtDirectory(ctx.config.courtsFile);
  const applications = new JudicialApplicationService(ctx, templates, orgIdentity, calendar, directory, codes);
  const review = new JudicialReviewService(ctx, orgIdentity.rootFingerprint, calendar, documents);
  const bundles = new CourtBundleService(ctx, orgIdentity, applications, documents, courtIdentity);
  return {
    name: 'judicial',
    routes: [
      { prefix: '/judicial', plugin: judicialRoutes(ctx, applications, review, documents, bundles) },
      { prefix: '/judge', plugin: judgeRoutes(ctx, review, applications, documents, bundles) },
      { prefix: '/courts', plugin: courtRoutes(new CourtService(ctx, courtIdentities, directory)) },
    ],
    applications,
  };
}
