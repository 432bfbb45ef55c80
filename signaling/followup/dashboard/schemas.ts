// The shapes /api/dashboard takes and answers — one schema each, used by the routes (responses are
// serialised through them) and by the web client (web-client/src/followup/dashboard-api.ts).
import { Type, type Static } from '@fastify/type-provider-typebox';
import { DateOnly, Id } from '../../http/schemas.ts';
import { FIGURE_KEYS, STAGE_KEYS } from './figures.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Rate = Nullable(Type.Number());

export const DashboardQuery = Type.Object(
  {
    /** 受理日期 from / to (China calendar days, both included); default: the last twelve months. */
    from: Type.Optional({ ...DateOnly, title: '开始日期' }),
    to: Type.Optional({ ...DateOnly, title: '结束日期' }),
    /** One unit; default: every unit the caller may see. */
    unitId: Type.Optional({ ...Id, title: '单位' }),
  },
  { additionalProperties: false },
);
export type DashboardQueryT = Static<typeof DashboardQuery>;

export const BreakdownRowView = Type.Object({
  key: Type.String(),
  label: Type.String(),
  received: Type.Integer(),
  closed: Type.Integer(),
  resolved: Type.Integer(),
  resolutionRate: Rate,
  mediationSuccessRate: Rate,
  overdueNow: Type.Integer(),
});

export const StageRowView = Type.Object({
  stage: Type.Union(STAGE_KEYS.map((k) => Type.Literal(k))),
  label: Type.String(),
  count: Type.Integer(),
  avgHours: Rate,
  p90Hours: Rate,
  onTime: Nullable(Type.Integer()),
  onTimeRate: Rate,
});

export const WorkloadRowView = Type.Object({
  mediatorId: Type.String(),
  name: Type.String(),
  unitName: Type.String(),
  handled: Type.Integer(),
  closed: Type.Integer(),
  resolved: Type.Integer(),
  coMediated: Type.Integer(),
  satisfaction: Rate,
  caucuses: Type.Integer(),
});

export const DashboardView = Type.Object({
  filter: Type.Object({
    from: Type.String(),
    to: Type.String(),
    unitId: Nullable(Type.String()),
    /** centre: the caller sees every unit of the centre; unit: only its own. */
    scope: Type.Union([Type.Literal('centre'), Type.Literal('unit')]),
    units: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  }),
  /** The instant 当前超期 refers to. */
  asOf: Type.String(),
  figures: Type.Object(Object.fromEntries(FIGURE_KEYS.map((k) => [k, Rate])) as Record<(typeof FIGURE_KEYS)[number], typeof Rate>),
  breakdowns: Type.Object({
    channel: Type.Array(BreakdownRowView),
    disputeType: Type.Array(BreakdownRowView),
    unit: Type.Array(BreakdownRowView),
    area: Type.Array(BreakdownRowView),
    period: Type.Array(BreakdownRowView),
  }),
  stages: Type.Array(StageRowView),
  workload: Type.Array(WorkloadRowView),
});
export type DashboardViewT = Static<typeof DashboardView>;
