// /api/dashboard: the figures and tables for the chosen period and unit, and the same as an .xlsx
// workbook. Both name the grant dashboard.read; which units a caller sees is the service's.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { staffOf } from '../../http/access-hook.ts';
import { sendFile } from '../../http/file-reply.ts';
import { errors } from '../../http/schemas.ts';
import type { DashboardService } from './dashboard-service.ts';
import { dashboardWorkbook } from './export.ts';
import { DashboardQuery, DashboardView } from './schemas.ts';

export const dashboardRoutes =
  (service: DashboardService): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['dashboard'];

    app.get(
      '/',
      {
        schema: {
          tags,
          summary: '统计分析：受理、办结、化解、用时、履行、满意度、工作量',
          querystring: DashboardQuery,
          response: { 200: DashboardView, ...errors(400, 401, 403, 404) },
        },
        config: { action: 'dashboard.read' },
      },
      async (request) => service.view(staffOf(request), request.query),
    );

    app.get(
      '/export.xlsx',
      {
        schema: { tags, summary: '统计分析导出（.xlsx，每张表一页，附口径）', querystring: DashboardQuery, response: errors(400, 401, 403, 404) },
        config: { action: 'dashboard.read' },
      },
      async (request, reply) => {
        const view = await service.view(staffOf(request), request.query);
        const unit = view.filter.unitId
          ? (view.filter.units.find((u) => u.id === view.filter.unitId)?.name ?? '')
          : view.filter.scope === 'centre'
            ? '全部成员单位'
            : (view.filter.units[0]?.name ?? '');
        const bytes = await dashboardWorkbook(view, unit);
        const name = `统计分析_${view.filter.from}_${view.filter.to}.xlsx`;
        return sendFile(reply, {
          bytes,
          type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          asciiName: `dashboard_${view.filter.from}_${view.filter.to}.xlsx`,
          name,
        });
      },
    );
  };
