// TypeBox schemas of 履行 (/api/performance): the routes validate with these and the web client's
// types are Static<> of them.
import { Type, type Static } from '@sinclair/typebox';
import { OBLIGATION_EVENT_TYPES, OBLIGATION_KINDS, PERFORMANCE_STATUSES } from '../../domain/performance-status.ts';
import { Text } from '../../http/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const literals = <T extends string>(values: readonly T[], title?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    title ? { title } : {},
  );

const Side = (title: string) => Type.Union([Type.Literal('A'), Type.Literal('B')], { title });
/** Yuan with at most two decimals, as typed in a form. */
export const Yuan = (title: string) => Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,2})?$', title });

export const ObligationBody = Type.Object(
  {
    kind: literals(OBLIGATION_KINDS, '义务种类'),
    description: Type.String({ minLength: 2, maxLength: 500, pattern: '\\S', title: '义务内容' }),
    obligorSide: Side('义务人'),
    obligeeSide: Side('权利人'),
    amount: Type.Optional(Yuan('金额（元）')),
    dueDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', title: '履行期限' }),
  },
  { additionalProperties: false },
);
export type ObligationBodyT = Static<typeof ObligationBody>;

export const ConfirmScheduleBody = Type.Object(
  { obligations: Type.Integer({ minimum: 0, maximum: 500, title: '履行计划中的义务数' }) },
  { additionalProperties: false },
);

export const DeriveBody = Type.Object({}, { additionalProperties: false });

export const ReceiptBody = Type.Object(
  {
    amount: Type.Optional(Yuan('收到金额（元）')),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 300, pattern: '\\S', title: '备注' })),
    name: Text(50),
    idLast4: Type.String({ pattern: '^[0-9]{3}[0-9Xx]$' }),
    signaturePngBase64: Type.String({ minLength: 100, maxLength: 420_000, pattern: '^[A-Za-z0-9+/]+={0,2}$', title: '手写签名' }),
    affirmation: Type.String({ minLength: 1, maxLength: 60, title: '确认语句' }),
  },
  { additionalProperties: false },
);

export const RecordBody = Type.Object(
  { amount: Type.Optional(Yuan('收到金额（元）')), note: Type.String({ minLength: 2, maxLength: 300, pattern: '\\S', title: '登记说明' }) },
  { additionalProperties: false },
);

export const ProofQuery = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200, title: '文件名' }) }, { additionalProperties: false });

export const ObligationEventView = Type.Object({
  id: Type.Integer(),
  type: literals(OBLIGATION_EVENT_TYPES),
  at: Type.String(),
  by: Type.String(),
  amountFen: Nullable(Type.Integer()),
  note: Nullable(Type.String()),
  file: Nullable(Type.Object({ name: Type.String(), mime: Type.String() })),
});

export const ObligationView = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  kind: literals(OBLIGATION_KINDS),
  description: Type.String(),
  /** A | B, or '' while the mediator has not chosen. */
  obligorSide: Type.String(),
  obligeeSide: Type.String(),
  obligorLabel: Type.String(),
  obligeeLabel: Type.String(),
  amountFen: Nullable(Type.Integer()),
  receivedFen: Type.Integer(),
  dueDate: Type.String(),
  status: literals(PERFORMANCE_STATUSES),
  /** Staff, draft: what the mediator must check (from the derivation). */
  review: Type.Array(Type.String()),
  canConfirmReceipt: Type.Boolean(),
  canUploadProof: Type.Boolean(),
  events: Type.Array(ObligationEventView),
});

export const PerformanceView = Type.Object({
  /** The agreement was signed (已签署 or later): a schedule can exist. */
  signed: Type.Boolean(),
  schedule: Nullable(
    Type.Object({ status: Type.Union([Type.Literal('DRAFT'), Type.Literal('CONFIRMED')]), derivedAt: Type.String(), confirmedAt: Nullable(Type.String()) }),
  ),
  /** Today in China (YYYY-MM-DD) by the server's clock. */
  today: Type.String(),
  obligations: Type.Array(ObligationView),
  /** What the obligee can do about what is overdue (staff and the obligee; null otherwise). */
  remedies: Nullable(
    Type.Object({ confirmed: Type.Boolean(), court: Type.String(), title: Type.String(), paragraphs: Type.Array(Type.String()), version: Type.Integer() }),
  ),
  /** The words the obligee types to confirm receipt. */
  affirmation: Type.String(),
});
export type PerformanceViewT = Static<typeof PerformanceView>;
export type ObligationViewT = Static<typeof ObligationView>;
