// The dashboard for staff: who sees what (centre staff — administrators and the centre's dispatchers —
// every unit of their centre; unit staff — unit heads and mediators — their own unit only, enforced
// here whatever the request asks), the filters (受理 date range, one unit), and the figures and
// tables of queries.ts over facts brought up to date first (projector.ts).
import type { AreaDirectory } from '../../areas/areas.ts';
import type { AppContext, StaffPrincipal } from '../../context.ts';
import type { Clock } from '../../deadlines/clock.ts';
import { DomainError } from '../../errors.ts';
import { chinaDay } from './facts.ts';
import type { DashboardProjector } from './projector.ts';
import { DashboardQueries, type FactFilter } from './queries.ts';
import type { DashboardQueryT, DashboardViewT } from './schemas.ts';

const CENTRE_ROLES = new Set(['ADMIN', 'DISPATCHER']);

export interface DashboardScope {
  scope: 'centre' | 'unit';
  units: { id: string; name: string }[];
}

/** YYYY-MM-DD → YYYYMMDD, or null when it is not a real calendar date. */
function dayOf(date: string): number | null {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? y * 10000 + m * 100 + d : null;
}

const dateOf = (day: number) => `${Math.floor(day / 10000)}-${String(Math.floor(day / 100) % 100).padStart(2, '0')}-${String(day % 100).padStart(2, '0')}`;

/** The default period: the first day of the month eleven months back, to today (China calendar). */
function defaultFrom(today: number): number {
  const y = Math.floor(today / 10000);
  const m = Math.floor(today / 100) % 100;
  const back = y * 12 + (m - 1) - 11;
  return Math.floor(back / 12) * 10000 + ((back % 12) + 1) * 100 + 1;
}

export class DashboardService {
  readonly queries: DashboardQueries;

  constructor(
    private readonly ctx: AppContext,
    private readonly clock: Clock,
    readonly projector: DashboardProjector,
    areas: AreaDirectory,
  ) {
    this.queries = new DashboardQueries(ctx.db, (code) => areas.labelOf(code));
  }

  /** The units this staff member may see. */
  async scopeOf(staff: StaffPrincipal): Promise<DashboardScope> {
    const own = await this.ctx.db.organisation.findUniqueOrThrow({ where: { id: staff.orgId }, select: { id: true, name: true, centreId: true } });
    if (CENTRE_ROLES.has(staff.role) && own.centreId) {
      const units = await this.ctx.db.organisation.findMany({
        where: { centreId: own.centreId },
        select: { id: true, name: true },
        orderBy: { createdAt: 'asc' },
      });
      return { scope: 'centre', units };
    }
    return { scope: 'unit', units: [{ id: own.id, name: own.name }] };
  }

  /** The filter a request asks for, within what the staff member may see (else a refusal, nothing read). */
  async filterOf(
    staff: StaffPrincipal,
    query: DashboardQueryT,
  ): Promise<{ filter: FactFilter; scope: DashboardScope; from: string; to: string; unitId: string | null }> {
    const scope = await this.scopeOf(staff);
    const now = this.clock.now();
    const toDay = query.to ? dayOf(query.to) : chinaDay(now);
    const fromDay = query.from ? dayOf(query.from) : toDay === null ? null : defaultFrom(toDay);
    if (fromDay === null || toDay === null || fromDay > toDay) throw new DomainError('DASHBOARD_RANGE_INVALID');
    let unitIds = scope.units.map((u) => u.id);
    if (query.unitId) {
      if (!unitIds.includes(query.unitId)) {
        if (scope.scope === 'unit') throw new DomainError('DASHBOARD_UNIT_FORBIDDEN');
        throw new DomainError('UNIT_NOT_FOUND');
      }
      unitIds = [query.unitId];
    }
    return { filter: { fromDay, toDay, unitIds, now }, scope, from: dateOf(fromDay), to: dateOf(toDay), unitId: query.unitId ?? null };
  }

  async view(staff: StaffPrincipal, query: DashboardQueryT): Promise<DashboardViewT> {
    const { filter, scope, from, to, unitId } = await this.filterOf(staff, query);
    await this.projector.catchUp();
    const q = this.queries;
    const unitNames = await this.#unitNames();
    return {
      filter: { from, to, unitId, scope: scope.scope, units: scope.units },
      asOf: filter.now.toISOString(),
      figures: await q.figures(filter),
      breakdowns: {
        channel: await q.breakdown('channel', filter, unitNames),
        disputeType: await q.breakdown('disputeType', filter, unitNames),
        unit: await q.breakdown('unit', filter, unitNames),
        area: await q.breakdown('area', filter, unitNames),
        period: await q.breakdown('period', filter, unitNames),
      },
      stages: await q.stages(filter),
      workload: await q.workload(filter),
    };
  }

  async #unitNames(): Promise<Map<string, string>> {
    const units = await this.ctx.db.organisation.findMany({ select: { id: true, name: true } });
    return new Map(units.map((u) => [u.id, u.name]));
  }
}
