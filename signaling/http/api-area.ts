// One area of the HTTP API (cases, users, party, drafting, signing, judicial…): its route plugins
// and the prefix each serves under /api. Every area is wired in its own index.ts and mounted here,
// so all share one plumbing: the access hook (every route names its action), validation with
// Chinese messages and the one error table (signaling/http/app.ts).
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export interface ApiRoutes {
  /** Under /api: '' for routes at the root (/api/me), '/cases' for /api/cases… */
  prefix: string;
  plugin: FastifyPluginAsyncTypebox;
}

export interface ApiArea {
  name: string;
  routes: ApiRoutes[];
}

export async function mountApi(app: FastifyInstance, areas: readonly ApiArea[]): Promise<void> {
  await app.register(
    async (api) => {
      for (const area of areas) for (const { prefix, plugin } of area.routes) await api.register(plugin, { prefix });
    },
    { prefix: '/api' },
  );
}
