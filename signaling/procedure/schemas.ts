// TypeBox schemas of the procedure area (/api/procedure): the web client's types are Static<> of these.
import { Type, type Static } from '@sinclair/typebox';
import { CaseStatusT } from '../http/schemas.ts';
import { MINUTES_KINDS } from './minutes-service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Side = Type.Union([Type.Literal('A'), Type.Literal('B')]);

export const NoticeView = Type.Object({
  title: Type.String(),
  version: Type.Integer(),
  legalBasis: Type.Array(Type.String()),
  blocks: Type.Array(Type.Object({ heading: Nullable(Type.String()), paragraphs: Type.Array(Type.String()) })),
  sha256: Type.String(),
});

export const RecusalView = Type.Object({
  mediatorName: Nullable(Type.String()),
  declaration: Nullable(Type.Object({ mediatorName: Type.String(), statement: Type.String(), declaredAt: Type.String() })),
  objections: Type.Array(
    Type.Object({
      id: Type.String(),
      participantName: Type.String(),
      reason: Type.String(),
      status: Type.Union([Type.Literal('OPEN'), Type.Literal('REPLACED'), Type.Literal('KEPT')]),
      resolution: Nullable(Type.String()),
      createdAt: Type.String(),
      resolvedAt: Nullable(Type.String()),
    }),
  ),
});

export const ProcedureView = Type.Object({
  caseStatus: CaseStatusT,
  notice: NoticeView,
  /** A party's own acknowledgement of the notice as it reads now (null: not yet, or staff). */
  acknowledgedAt: Nullable(Type.String()),
  /** Whether this viewer must acknowledge the notice before entering the room. */
  mustAcknowledge: Type.Boolean(),
  /** Staff: who has acknowledged the notice as it reads now. */
  acknowledgements: Type.Array(Type.Object({ participantId: Type.String(), name: Type.String(), acknowledgedAt: Nullable(Type.String()) })),
  recusal: RecusalView,
  termination: Nullable(Type.Object({ endedBy: Type.Union([Type.Literal('party'), Type.Literal('mediator')]), endedAt: Type.String(), reason: Type.String() })),
  /** Whether mediation can still be ended (before an agreement is signed). */
  endable: Type.Boolean(),
});
export type ProcedureViewT = Static<typeof ProcedureView>;

export const MinutesKindT = Type.Union(MINUTES_KINDS.map((k) => Type.Literal(k)));

export const MinutesEntryView = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  kind: MinutesKindT,
  side: Nullable(Side),
  caucus: Type.Boolean(),
  shared: Type.Boolean(),
  text: Type.String(),
  authorName: Type.String(),
  at: Type.String(),
});

export const MinutesView = Type.Object({
  entries: Type.Array(MinutesEntryView),
  record: Nullable(
    Type.Object({
      status: Type.Union([Type.Literal('OPEN'), Type.Literal('COMPLETED')]),
      contentSha256: Type.String(),
      snapshot: Type.Object({
        caseTitle: Type.String(),
        sessionTime: Type.String(),
        mediatorName: Type.String(),
        recusal: Type.String(),
        attendees: Type.String(),
        lines: Type.Array(Type.String()),
      }),
      signers: Type.Array(Type.Object({ participantId: Type.String(), name: Type.String(), signed: Type.Boolean() })),
      mayISign: Type.Boolean(),
    }),
  ),
});
export type MinutesViewT = Static<typeof MinutesView>;

export const MinutesEntryBody = Type.Object(
  {
    kind: Type.Union(
      MINUTES_KINDS.map((k) => Type.Literal(k)),
      { title: '记录类型' },
    ),
    side: Type.Optional(Type.Union([Type.Literal('A'), Type.Literal('B')], { title: '所属方' })),
    caucus: Type.Boolean({ title: '背对背' }),
    text: Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S', title: '记录内容' }),
  },
  { additionalProperties: false },
);
