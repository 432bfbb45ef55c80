// The areas area (/api/areas): the centre's 街道/乡镇 and 社区 (areas.ts), read once as the server
// starts (before anything opens) and shared with the intake desk (which refuses a code not listed),
// the matter views and the dashboard.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiArea } from '../http/api-area.ts';
import { errors } from '../http/schemas.ts';
import type { AreaDirectory } from './areas.ts';
import { AreasView } from './schemas.ts';

const areasRoutes =
  (directory: AreaDirectory): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/',
      {
        schema: { tags: ['areas'], summary: '本中心的街道/乡镇及社区', response: { 200: AreasView, ...errors(401, 403) } },
        config: { action: 'areas.read' },
      },
      async () => ({ about: directory.about, towns: directory.towns.map((t) => ({ ...t, communities: [...t.communities] })) }),
    );
  };

export function areasArea(directory: AreaDirectory): ApiArea {
  return { name: 'areas', routes: [{ prefix: '/areas', plugin: areasRoutes(directory) }] };
}
