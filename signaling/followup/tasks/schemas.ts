// 回访's HTTP bodies and views (the web client's types are Static<> of these).
import { Type } from '@sinclair/typebox';
import { CaseStatusT } from '../../http/schemas.ts';
import { FOLLOW_UP_REASONS } from '../policy.ts';
import { StaffRatingView } from '../ratings/schemas.ts';
import { FOLLOW_UP_FILTERS, FOLLOW_UP_METHODS, FOLLOW_UP_OUTCOMES, FOLLOW_UP_RESULTS, RECORD_TEXT_MAX } from '../../domain/follow-up-vocabulary.ts';

const literals = <T extends string>(values: readonly T[], title: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { title },
  );

export const FollowUpReasonT = literals(FOLLOW_UP_REASONS, '回访原因');
export const FollowUpMethodT = literals(FOLLOW_UP_METHODS, '回访方式');
export const FollowUpResultT = literals(FOLLOW_UP_RESULTS, '当事人意见');
export const FollowUpOutcomeT = literals(FOLLOW_UP_OUTCOMES, '回访结果');
export const FollowUpFilterT = literals(FOLLOW_UP_FILTERS, '筛选');

const IsoTime = (title: string) =>
  Type.String({ maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$', title });
const Words = (title: string, min = 1) => Type.String({ minLength: min, maxLength: RECORD_TEXT_MAX, title, ...(min > 0 ? { pattern: '\\S' } : {}) });

export const TaskListQuery = Type.Object({ filter: Type.Optional(FollowUpFilterT) }, { additionalProperties: false });

export const TaskSummaryView = Type.Object({
  id: Type.String(),
  caseId: Type.String(),
  caseNumber: Type.String(),
  caseTitle: Type.String(),
  unitId: Type.String(),
  unitName: Type.String(),
  reason: FollowUpReasonT,
  reasonLabel: Type.String(),
  status: Type.String(),
  statusLabel: Type.String(),
  outcome: Type.Union([FollowUpOutcomeT, Type.Null()]),
  dueAt: Type.String(),
  /** Open past its deadline at the server's `now`. */
  overdue: Type.Boolean(),
  /** The one responsible was reminded before the deadline. */
  reminded: Type.Boolean(),
  /** 督办: the unit's head was told it is overdue. */
  escalated: Type.Boolean(),
  assigneeId: Type.Union([Type.String(), Type.Null()]),
  assigneeName: Type.Union([Type.String(), Type.Null()]),
  reopened: Type.Boolean(),
  createdAt: Type.String(),
  doneAt: Type.Union([Type.String(), Type.Null()]),
});

export const TaskListView = Type.Object({ now: Type.String(), tasks: Type.Array(TaskSummaryView) });

export const RecordView = Type.Object({
  id: Type.String(),
  at: Type.String(),
  method: FollowUpMethodT,
  methodLabel: Type.String(),
  contact: Type.String(),
  content: Type.String(),
  result: FollowUpResultT,
  resultLabel: Type.String(),
  partyOpinion: Type.String(),
  performance: Type.String(),
  userName: Type.String(),
});

export const TaskDetailView = Type.Object({
  now: Type.String(),
  task: TaskSummaryView,
  /** The limit's basis (回访政策). */
  basis: Type.String(),
  outcomeLabel: Type.Union([Type.String(), Type.Null()]),
  outcomeNote: Type.Union([Type.String(), Type.Null()]),
  case: Type.Object({
    id: Type.String(),
    number: Type.String(),
    title: Type.String(),
    status: CaseStatusT,
    statusLabel: Type.String(),
    disputeTypeLabel: Type.String(),
    summary: Type.String(),
    mediatorName: Type.Union([Type.String(), Type.Null()]),
    parties: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), roleLabel: Type.String() })),
  }),
  /** The rating that opened it (POOR_RATING). */
  rating: Type.Union([StaffRatingView, Type.Null()]),
  records: Type.Array(RecordView),
  /** The asking staff member may record, close and reopen. */
  canWork: Type.Boolean(),
  /** Why the case cannot be reopened now (null: it can). */
  reopenProblem: Type.Union([Type.String(), Type.Null()]),
});

export const RecordBody = Type.Object(
  {
    at: IsoTime('回访时间'),
    method: FollowUpMethodT,
    contact: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', title: '回访对象' }),
    content: Words('回访内容'),
    result: FollowUpResultT,
    partyOpinion: Words('当事人意见', 0),
    performance: Words('履行情况', 0),
  },
  { additionalProperties: false },
);

export const CloseBody = Type.Object(
  {
    outcome: FollowUpOutcomeT,
    /** Required for NEEDS_REOPEN (the reopening's reason) and OTHER. */
    note: Type.String({ maxLength: 1000, title: '处理意见' }),
  },
  { additionalProperties: false },
);
