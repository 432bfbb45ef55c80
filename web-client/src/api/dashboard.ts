// 统计分析 (/api/dashboard): the figures and tables for a period and unit, and their .xlsx export.
// The shapes are the route schemas in signaling/followup/dashboard/schemas.ts.
import type * as schemas from '../../../signaling/followup/dashboard/schemas.ts';
import { staff, type S } from './core.ts';

export type DashboardView = S<typeof schemas.DashboardView>;
export type DashboardQuery = S<typeof schemas.DashboardQuery>;
export type BreakdownRow = S<typeof schemas.BreakdownRowView>;

export function dashboardQueryString(q: DashboardQuery): string {
  const p = new URLSearchParams();
  if (q.from) p.set('from', q.from);
  if (q.to) p.set('to', q.to);
  if (q.unitId) p.set('unitId', q.unitId);
  return p.toString();
}

export const dashboardApi = {
  view: (q: DashboardQuery) => staff<DashboardView>(`/api/dashboard?${dashboardQueryString(q)}`),
  exportUrl: (q: DashboardQuery) => `/api/dashboard/export.xlsx?${dashboardQueryString(q)}`,
};
