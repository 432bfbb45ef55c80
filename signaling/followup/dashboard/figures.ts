// The dashboard's figures and tables with their definitions (口径), written once: the server computes
// them (queries.ts), the web client shows each definition next to its figure, and the .xlsx export
// prints it beside the number — so the three cannot say different things. Plain data, no imports
// beyond the vocabularies: the web client imports this file as it is.

/** How a value is shown: a count, a ratio 0–1 (shown as a percentage), hours, minutes or a score of 5. */
export type FigureFormat = 'count' | 'rate' | 'hours' | 'minutes' | 'score';

export interface FigureDef {
  label: string;
  format: FigureFormat;
  /** 口径: what is counted, in Chinese, as shown next to the figure. */
  definition: string;
}

/** 统计口径 common to every figure: which disputes the filters select. */
export const SCOPE_NOTE =
  '统计范围：受理日期（来访、来电、网上申请等登记之日；调解员直接立案的，立案之日）在所选期间内、由所选单位承办的纠纷，含已登记尚未立案的事项。中心工作人员可查看全部成员单位，成员单位工作人员只能查看本单位。';

export const FIGURES = {
  received: { label: '受理数', format: 'count', definition: '所选期间内受理的纠纷件数（含尚未立案的登记事项）。' },
  closed: { label: '办结数', format: 'count', definition: '其中已办结的件数：签署调解协议、调解不成（含终止调解）或撤回。' },
  resolved: { label: '化解数', format: 'count', definition: '其中达成并签署调解协议的件数（含其后申请司法确认的）。' },
  resolutionRate: { label: '化解率', format: 'rate', definition: '化解数 ÷ 办结数。' },
  mediationSuccessRate: {
    label: '调解成功率',
    format: 'rate',
    definition: '化解数 ÷ 经过调解（进入“调解中”）后办结的件数；调解开始前即撤回或拒绝调解的不计入分母。',
  },
  onTimeRate: {
    label: '限时办结率',
    format: 'rate',
    definition:
      '在期限内结束的办理阶段 ÷ 已结束的有期限办理阶段（分流、接收、指派、调解办理，每件纠纷每个阶段计一次；同一阶段多次经过的，每次都在期限内才算按时；延期后以延长后的期限为准）。',
  },
  overdueNow: { label: '当前超期', format: 'count', definition: '尚未办结、当前阶段的办理期限在查询时刻已过的件数。' },
  judicialApplied: { label: '申请司法确认', format: 'count', definition: '签署协议后当事人已向法院提交司法确认申请的件数。' },
  judicialRate: { label: '司法确认率', format: 'rate', definition: '法院裁定确认调解协议有效的件数 ÷ 化解数（签署调解协议的件数）。' },
  obligationsDue: {
    label: '应履行义务',
    format: 'count',
    definition: '签署的调解协议所定义务中，已到履行期限或已履行完毕的项数（分期付款每期计一项）。',
  },
  performanceRate: { label: '履行率', format: 'rate', definition: '已履行（履行完毕）的义务项数 ÷ 应履行义务项数；部分履行、逾期均不计为已履行。' },
  obligationsOverdue: { label: '逾期未履行', format: 'count', definition: '履行状态为“逾期”的义务项数。' },
  ratings: { label: '评价数', format: 'count', definition: '当事人通过个人链接提交的服务评价条数（调解后、结案时各一次）。' },
  satisfaction: { label: '平均满意度', format: 'score', definition: '评价分数（1–5 分）之和 ÷ 评价条数。' },
  satisfiedRate: { label: '满意率', format: 'rate', definition: '4 分及以上的评价条数 ÷ 评价条数。' },
  poorRatings: { label: '差评数', format: 'count', definition: '分数不高于回访政策所定差评线（poorRatingAtMost，默认 2 分）的评价条数，每条均自动发起回访。' },
  caucusUseRate: { label: '背对背使用率', format: 'rate', definition: '至少进行过一次背对背（单独沟通）的件数 ÷ 经过调解的件数。' },
  caucuses: { label: '背对背次数', format: 'count', definition: '调解室中开始的背对背（单独沟通）次数。' },
  caucusAvgMinutes: { label: '背对背平均时长', format: 'minutes', definition: '已结束的背对背总时长 ÷ 背对背次数，单位分钟。' },
} as const satisfies Record<string, FigureDef>;

export type FigureKey = keyof typeof FIGURES;
export const FIGURE_KEYS = Object.keys(FIGURES) as FigureKey[];

/** The stages whose cycle time is measured; the first four have a 限时办结 deadline. */
export const STAGES = {
  REGISTERED: { label: '分流', definition: '自受理登记至分流到成员单位（中心受理员）；退回后再分流的时间累加。', timed: true },
  ROUTED: { label: '接收', definition: '自分流至承办单位接收或退回（单位负责人）；转交的时间累加。', timed: true },
  ACCEPTED: { label: '指派', definition: '自接收至指派调解员并立案（单位负责人）。', timed: true },
  MEDIATION: {
    label: '调解办理',
    definition: '自指派立案（调解员直接立案的，自立案）至办结：签署调解协议、调解不成或撤回。',
    timed: true,
  },
  JUDICIAL: { label: '司法确认', definition: '自提交司法确认申请至法院作出裁定（确认或驳回）。', timed: false },
  TOTAL: { label: '全流程', definition: '自受理至办结。', timed: false },
} as const satisfies Record<string, { label: string; definition: string; timed: boolean }>;

export type StageKey = keyof typeof STAGES;
export const STAGE_KEYS = Object.keys(STAGES) as StageKey[];

export const CYCLE_NOTE =
  '各阶段用时只计已结束的阶段，单位小时；平均 = 用时之和 ÷ 件数，P90 = 由短到长排列后第 ⌈0.9 × 件数⌉ 件的用时（90% 的纠纷不超过此时长）。';

/** The rows of the breakdown tables (by channel, type, unit, area, month): the same measures each. */
export const BREAKDOWN_COLUMNS = [
  'received',
  'closed',
  'resolved',
  'resolutionRate',
  'mediationSuccessRate',
  'overdueNow',
] as const satisfies readonly FigureKey[];

export const BREAKDOWNS = {
  channel: { title: '按来源渠道', dimension: '来源渠道', definition: '登记事项的受理渠道；调解员直接立案的为“直接立案”。' },
  disputeType: { title: '按纠纷类型', dimension: '纠纷类型', definition: '立案时确定的纠纷类型（未立案的，登记时的类型）。' },
  unit: { title: '按承办单位', dimension: '承办单位', definition: '案件所属成员单位；未立案的事项，当前须办理的单位。' },
  area: {
    title: '按街道、社区',
    dimension: '街道/社区',
    definition:
      '登记时选定的街道/乡镇或社区，按本中心的街道社区表（areas.json）显示名称；选了社区的，按社区单列（“街道 · 社区”），不并入所属街道一行；代码已不在表中的，显示代码并注明“（已不在区划表中）”；未选的为“未登记”。',
  },
  period: { title: '按月份', dimension: '月份', definition: '受理日期所在月份（北京时间）。' },
} as const satisfies Record<string, { title: string; dimension: string; definition: string }>;

export type BreakdownKey = keyof typeof BREAKDOWNS;
export const BREAKDOWN_KEYS = Object.keys(BREAKDOWNS) as BreakdownKey[];

/** 以案定补: the workload of each responsible mediator. */
export const WORKLOAD = {
  title: '调解员工作量（以案定补）',
  definition:
    '按案件的承办调解员统计：承办 = 所选期间受理并由其承办的件数；办结、化解同上；协办 = 其作为协办调解员参与的件数（联合调解）；平均满意度 = 其承办案件的评价均分。',
  columns: {
    handled: '承办',
    closed: '办结',
    resolved: '化解',
    coMediated: '协办',
    satisfaction: '平均满意度',
    caucuses: '背对背次数',
  },
} as const;

export const CHANNEL_LABELS: Record<string, string> = {
  ONLINE: '网上申请',
  WINDOW: '窗口来访',
  PHONE: '来电',
  GRID: '网格员随手记',
  IMPORT: '批量导入',
  DIRECT: '直接立案',
};

export { NO_AREA_LABEL } from '../../areas/labels.ts';
