// The drafting area: the sync server on /drafting (Yjs over WebSocket, persisted in SQLite) and
// the agreement API on /api/agreements, wired to the agreement model and the templates.
import type { FastifyInstance } from 'fastify';
import type { TemplateCatalog } from '../agreement/template-schema.ts';
import type { AppContext } from '../context.ts';
import { AgreementService } from './agreement-service.ts';
import { DraftingServer, type DraftingOptions } from './drafting-server.ts';
import { agreementRoutes } from './routes.ts';

export { DraftingServer, DRAFTING_PATH } from './drafting-server.ts';
export { agreementDocName } from './doc-name.ts';

export interface Drafting {
  server: DraftingServer;
  agreements: AgreementService;
}

export function attachDrafting(app: FastifyInstance, ctx: AppContext, templates: TemplateCatalog, options: Partial<DraftingOptions> = {}): DraftingServer {
  const agreements = new AgreementService(ctx, templates, () => server);
  const server: DraftingServer = DraftingServer.attach(app, ctx, { initialDraft: (caseId) => agreements.initialDraft(caseId), ...options });
  app.register(agreementRoutes(ctx, agreements), { prefix: '/api/agreements' });
  return server;
}
