// The drafting area: the sync server on /drafting (Yjs over WebSocket on the HTTP server's
// upgrade, persisted in SQLite) and the agreement API on /api/agreements, wired to the agreement
// model and the templates.
import type { FastifyInstance } from 'fastify';
import type { TemplateCatalog } from '../agreement/template-schema.ts';
import type { AppContext } from '../context.ts';
import type { ApiArea } from '../http/api-area.ts';
import { AgreementService } from './agreement-service.ts';
import { DraftingServer, type DraftingOptions } from './drafting-server.ts';
import { agreementRoutes } from './routes.ts';

export { DraftingServer, DRAFTING_PATH } from './drafting-server.ts';
export { agreementDocName } from './doc-name.ts';

export function draftingArea(
  app: FastifyInstance,
  ctx: AppContext,
  templates: TemplateCatalog,
  options: Partial<DraftingOptions> = {},
): ApiArea & { server: DraftingServer; agreements: AgreementService } {
  const agreements = new AgreementService(ctx, templates, () => server);
  const server: DraftingServer = DraftingServer.attach(app, ctx, { initialDraft: (caseId) => agreements.initialDraft(caseId), ...options });
  return { name: 'drafting', routes: [{ prefix: '/agreements', plugin: agreementRoutes(ctx, agreements) }], server, agreements };
}
