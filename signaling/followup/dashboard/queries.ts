// The dashboard's queries over DashboardFact: one SQL statement (or one per stage) each, aggregated by
// SQLite over the facts the filter selects (the (receivedDay, unitId) indexes narrow a date range;
// 100,000 facts scan in tens of milliseconds — bench/dashboard.ts measures every query). Each query
// is named, so the bench and the export can run them one by one. Definitions: figures.ts.
import type { Db } from '../../db.ts';
import { DISPUTE_TYPES } from '../../domain/vocabulary.ts';
import { BREAKDOWNS, CHANNEL_LABELS, FIGURE_KEYS, STAGE_KEYS, STAGES, type BreakdownKey, type FigureKey, type StageKey } from './figures.ts';

export interface FactFilter {
  /** China calendar days, YYYYMMDD, both included. */
  fromDay: number;
  toDay: number;
  /** The units whose facts count (the caller's scope, or the one unit chosen). */
  unitIds: readonly string[];
  /** 当前超期 is as of this instant. */
  now: Date;
}

export interface BreakdownRow {
  key: string;
  label: string;
  received: number;
  closed: number;
  resolved: number;
  resolutionRate: number | null;
  mediationSuccessRate: number | null;
  overdueNow: number;
}

export interface StageRow {
  stage: StageKey;
  label: string;
  count: number;
  avgHours: number | null;
  p90Hours: number | null;
  /** 限时办结 (timed stages): passes ended by their deadline, and the rate. */
  onTime: number | null;
  onTimeRate: number | null;
}

export interface WorkloadRow {
  mediatorId: string;
  name: string;
  unitName: string;
  handled: number;
  closed: number;
  resolved: number;
  coMediated: number;
  satisfaction: number | null;
  caucuses: number;
}

export type Figures = Record<FigureKey, number | null>;

/** Stored like Prisma stores DateTime in SQLite (ISO 8601 with an explicit offset), so text comparison orders instants. */
export const sqlInstant = (d: Date) => d.toISOString().replace('Z', '+00:00');

const STAGE_COLUMNS: Record<StageKey, { sec: string; onTime: string | null }> = {
  REGISTERED: { sec: 'registeredSec', onTime: 'registeredOnTime' },
  ROUTED: { sec: 'routedSec', onTime: 'routedOnTime' },
  ACCEPTED: { sec: 'acceptedSec', onTime: 'acceptedOnTime' },
  MEDIATION: { sec: 'mediationSec', onTime: 'mediationOnTime' },
  JUDICIAL: { sec: 'judicialSec', onTime: null },
  TOTAL: { sec: 'totalSec', onTime: null },
};

const DIMENSIONS: Record<BreakdownKey, string> = {
  channel: 'channel',
  disputeType: 'disputeType',
  unit: 'unitId',
  area: "COALESCE(areaCode, '')",
  period: 'receivedMonth',
};

/** Periods up to this long are read through the receivedDay index (see #from). */
const INDEXED_SPAN_DAYS = 92;
const dayMs = (day: number) => Date.UTC(Math.floor(day / 10000), (Math.floor(day / 100) % 100) - 1, day % 100);
const spanDays = (from: number, to: number) => Math.round((dayMs(to) - dayMs(from)) / 86_400_000) + 1;

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);
const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const hours = (sec: number | null) => (sec === null ? null : Math.round((sec / 3600) * 100) / 100);
const DISPUTE_LABELS: Record<string, string> = Object.fromEntries(DISPUTE_TYPES.map((d) => [d.key, d.label]));

export const QUERY_NAMES = ['figures', 'channel', 'disputeType', 'unit', 'area', 'period', 'stages', 'workload'] as const;
export type QueryName = (typeof QUERY_NAMES)[number];

export class DashboardQueries {
  constructor(
    private readonly db: Db,
    /** "先锋道街道 · 团结社区" for a code, 未登记 for none (signaling/areas). */
    private readonly areaLabel: (code: string | null) => string,
  ) {}

  #where(f: FactFilter): { sql: string; params: unknown[] } {
    if (f.unitIds.length === 0) return { sql: '0', params: [] };
    return { sql: `receivedDay BETWEEN ? AND ? AND unitId IN (${f.unitIds.map(() => '?').join(',')})`, params: [f.fromDay, f.toDay, ...f.unitIds] };
  }

  /**
   * The facts a filter reads, scanned the cheaper way: a short period through the receivedDay index;
   * a long one (most of the table) straight through the table — SQLite would otherwise walk the
   * (unitId, receivedDay) index and fetch each row by a random lookup, several times slower.
   */
  #from(f: FactFilter): string {
    return spanDays(f.fromDay, f.toDay) <= INDEXED_SPAN_DAYS ? 'DashboardFact INDEXED BY DashboardFact_receivedDay_unitId_idx' : 'DashboardFact NOT INDEXED';
  }

  async #rows<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
    return this.db.$queryRawUnsafe<T[]>(sql, ...params);
  }

  async figures(f: FactFilter): Promise<Figures> {
    const w = this.#where(f);
    const [r] = await this.#rows(
      `SELECT COUNT(*) AS received,
        SUM(outcome <> 'OPEN') AS closed,
        SUM(outcome = 'RESOLVED') AS resolved,
        SUM(outcome <> 'OPEN' AND mediated) AS mediatedClosed,
        SUM(outcome = 'OPEN' AND currentDueAt < ?) AS overdueNow,
        SUM(COALESCE(registeredOnTime, 0) + COALESCE(routedOnTime, 0) + COALESCE(acceptedOnTime, 0) + COALESCE(mediationOnTime, 0)) AS onTime,
        SUM((registeredOnTime IS NOT NULL) + (routedOnTime IS NOT NULL) + (acceptedOnTime IS NOT NULL) + (mediationOnTime IS NOT NULL)) AS timed,
        SUM(judicialApplied) AS judicialApplied,
        SUM(judicialConfirmed) AS judicialConfirmed,
        SUM(obligationsDue) AS obligationsDue,
        SUM(obligationsPerformed) AS obligationsPerformed,
        SUM(obligationsOverdue) AS obligationsOverdue,
        SUM(ratings) AS ratings, SUM(ratingSum) AS ratingSum, SUM(ratingsSatisfied) AS ratingsSatisfied, SUM(ratingsPoor) AS ratingsPoor,
        SUM(mediated) AS mediated, SUM(mediated AND caucuses > 0) AS withCaucus, SUM(caucuses) AS caucuses, SUM(caucusSec) AS caucusSec
      FROM ${this.#from(f)} WHERE ${w.sql}`,
      [sqlInstant(f.now), ...w.params],
    );
    const v = (k: string) => n(r?.[k]);
    const out: Figures = {
      received: v('received'),
      closed: v('closed'),
      resolved: v('resolved'),
      resolutionRate: ratio(v('resolved'), v('closed')),
      mediationSuccessRate: ratio(v('resolved'), v('mediatedClosed')),
      onTimeRate: ratio(v('onTime'), v('timed')),
      overdueNow: v('overdueNow'),
      judicialApplied: v('judicialApplied'),
      judicialRate: ratio(v('judicialConfirmed'), v('resolved')),
      obligationsDue: v('obligationsDue'),
      performanceRate: ratio(v('obligationsPerformed'), v('obligationsDue')),
      obligationsOverdue: v('obligationsOverdue'),
      ratings: v('ratings'),
      satisfaction: ratio(v('ratingSum'), v('ratings')),
      satisfiedRate: ratio(v('ratingsSatisfied'), v('ratings')),
      poorRatings: v('ratingsPoor'),
      caucusUseRate: ratio(v('withCaucus'), v('mediated')),
      caucuses: v('caucuses'),
      caucusAvgMinutes: v('caucuses') > 0 ? v('caucusSec') / 60 / v('caucuses') : null,
    };
    for (const k of FIGURE_KEYS) if (!(k in out)) throw new Error(`figure ${k} not computed`);
    return out;
  }

  async breakdown(key: BreakdownKey, f: FactFilter, unitNames: ReadonlyMap<string, string>): Promise<BreakdownRow[]> {
    const w = this.#where(f);
    const rows = await this.#rows<{ k: unknown }>(
      `SELECT ${DIMENSIONS[key]} AS k, COUNT(*) AS received, SUM(outcome <> 'OPEN') AS closed, SUM(outcome = 'RESOLVED') AS resolved,
        SUM(outcome <> 'OPEN' AND mediated) AS mediatedClosed, SUM(outcome = 'OPEN' AND currentDueAt < ?) AS overdueNow
      FROM ${this.#from(f)} WHERE ${w.sql} GROUP BY k`,
      [sqlInstant(f.now), ...w.params],
    );
    const out = rows.map((r) => {
      const row = r as Record<string, unknown>;
      const k = String(row.k);
      const resolved = n(row.resolved);
      const closed = n(row.closed);
      return {
        key: k,
        label: labelOf(key, k, unitNames, this.areaLabel),
        received: n(row.received),
        closed,
        resolved,
        resolutionRate: ratio(resolved, closed),
        mediationSuccessRate: ratio(resolved, n(row.mediatedClosed)),
        overdueNow: n(row.overdueNow),
      };
    });
    // Months in time order; every other table by size (then key, so the order is stable).
    return key === 'period' ? out.sort((a, b) => a.key.localeCompare(b.key)) : out.sort((a, b) => b.received - a.received || a.key.localeCompare(b.key));
  }

  async stages(f: FactFilter): Promise<StageRow[]> {
    const w = this.#where(f);
    // Count, average and on-time of every stage in one pass; then each p90 on its own.
    const [agg] = await this.#rows(
      `SELECT ${STAGE_KEYS.map((stage) => {
        const { sec, onTime } = STAGE_COLUMNS[stage];
        return `COUNT(${sec}) AS ${stage}_count, AVG(${sec}) AS ${stage}_avg${onTime ? `, SUM(${onTime}) AS ${stage}_onTime, COUNT(${onTime}) AS ${stage}_timed` : ''}`;
      }).join(', ')} FROM ${this.#from(f)} WHERE ${w.sql}`,
      w.params,
    );
    const out: StageRow[] = [];
    for (const stage of STAGE_KEYS) {
      const { sec, onTime } = STAGE_COLUMNS[stage];
      const count = n(agg?.[`${stage}_count`]);
      let p90: number | null = null;
      if (count > 0) {
        // Nearest rank: the ⌈0.9·n⌉-th shortest is the (n − ⌈0.9·n⌉ + 1)-th longest — read from the
        // long end of the stage's covering (duration, receivedDay, unitId) index: about a tenth of its
        // entries whatever the filter, no row and no sort (a scan and sort per stage took 300 ms at 100,000).
        const [r] = await this.#rows(
          `SELECT ${sec} AS v FROM DashboardFact INDEXED BY DashboardFact_${sec}_receivedDay_unitId_idx WHERE ${w.sql} AND ${sec} IS NOT NULL ORDER BY ${sec} DESC LIMIT 1 OFFSET ?`,
          [...w.params, count - Math.ceil(0.9 * count)],
        );
        p90 = n(r?.v);
      }
      out.push({
        stage,
        label: STAGES[stage].label,
        count,
        avgHours: count > 0 ? hours(Number(agg?.[`${stage}_avg`])) : null,
        p90Hours: hours(p90),
        onTime: onTime ? n(agg?.[`${stage}_onTime`]) : null,
        onTimeRate: onTime ? ratio(n(agg?.[`${stage}_onTime`]), n(agg?.[`${stage}_timed`])) : null,
      });
    }
    return out;
  }

  async workload(f: FactFilter): Promise<WorkloadRow[]> {
    const w = this.#where(f);
    const rows = await this.#rows<Record<string, unknown>>(
      `SELECT mediatorId, COUNT(*) AS handled, SUM(outcome <> 'OPEN') AS closed, SUM(outcome = 'RESOLVED') AS resolved,
        SUM(ratings) AS ratings, SUM(ratingSum) AS ratingSum, SUM(caucuses) AS caucuses
      FROM ${this.#from(f)} WHERE ${w.sql} AND mediatorId IS NOT NULL GROUP BY mediatorId`,
      w.params,
    );
    // CROSS JOIN keeps SQLite's join order: the few co-mediations, each fact found by its case id
    // (the other way round walks every fact of the period: 20× slower at 100,000).
    const co = await this.#rows<Record<string, unknown>>(
      `SELECT cm.userId AS userId, COUNT(*) AS c FROM CaseCoMediator cm CROSS JOIN DashboardFact f ON f.caseId = cm.caseId
      WHERE ${w.sql.replaceAll('receivedDay', 'f.receivedDay').replaceAll('unitId', 'f.unitId')} GROUP BY cm.userId`,
      w.params,
    );
    const coBy = new Map(co.map((r) => [String(r.userId), n(r.c)]));
    const ids = [...new Set([...rows.map((r) => String(r.mediatorId)), ...coBy.keys()])];
    const users = await this.db.user.findMany({ where: { id: { in: ids } }, select: { id: true, displayName: true, org: { select: { name: true } } } });
    const byId = new Map(users.map((u) => [u.id, u]));
    const own = new Map(rows.map((r) => [String(r.mediatorId), r]));
    return ids
      .map((id) => {
        const r = own.get(id);
        const u = byId.get(id);
        return {
          mediatorId: id,
          name: u?.displayName ?? id,
          unitName: u?.org.name ?? '',
          handled: n(r?.handled),
          closed: n(r?.closed),
          resolved: n(r?.resolved),
          coMediated: coBy.get(id) ?? 0,
          satisfaction: ratio(n(r?.ratingSum), n(r?.ratings)),
          caucuses: n(r?.caucuses),
        };
      })
      .sort((a, b) => b.handled - a.handled || b.coMediated - a.coMediated || a.name.localeCompare(b.name, 'zh-CN'));
  }
}

function labelOf(key: BreakdownKey, k: string, unitNames: ReadonlyMap<string, string>, areaLabel: (code: string | null) => string): string {
  switch (key) {
    case 'channel':
      return CHANNEL_LABELS[k] ?? k;
    case 'disputeType':
      return DISPUTE_LABELS[k] ?? k;
    case 'unit':
      return unitNames.get(k) ?? k;
    case 'area':
      return areaLabel(k === '' ? null : k);
    case 'period':
      return `${k.slice(0, 4)}年${Number(k.slice(4))}月`;
  }
}

export { BREAKDOWNS };
