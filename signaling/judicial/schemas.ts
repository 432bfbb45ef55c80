// The judicial-confirmation read models as the HTTP contract (OpenAPI, response serialisation,
// the web client's types): the application as a party or the case's mediator sees it, and the
// judge's queue and review screen.
import { Type } from '@sinclair/typebox';
import { ParticipantRoleT, SideT } from '../http/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const When = Nullable(Type.String());

export const APPLICATION_STATUSES = ['DRAFT', 'SUBMITTED', 'ACCEPTED', 'REVIEWING', 'CONFIRMED', 'DISMISSED'] as const;
export const ApplicationStatusT = Type.Union(APPLICATION_STATUSES.map((s) => Type.Literal(s)));
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** A stored application status, checked (anything else is corrupt data). */
export function asApplicationStatus(value: string): ApplicationStatus {
  if ((APPLICATION_STATUSES as readonly string[]).includes(value)) return value as ApplicationStatus;
  throw new Error(`unknown application status ${value}`);
}

export const CourtOptionView = Type.Object({ id: Type.String(), name: Type.String(), reasons: Type.Array(Type.String()), suggested: Type.Boolean() });

export const JudicialView = Type.Object({
  effectiveAt: When,
  windowEndsAt: When,
  daysLeft: Nullable(Type.Integer()),
  windowOpen: Type.Boolean(),
  /** The viewing party's phone on file (pre-fills its application); null for the mediator. */
  phoneOnFile: Nullable(Type.String()),
  courts: Type.Array(CourtOptionView),
  parties: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: ParticipantRoleT })),
  application: Nullable(
    Type.Object({
      id: Type.String(),
      status: ApplicationStatusT,
      court: Type.Object({ id: Type.String(), name: Type.String() }),
      submittedAt: When,
      courtCaseNumber: Nullable(Type.String()),
      decidedAt: When,
      decisionReason: Nullable(Type.String()),
      rulingAvailable: Type.Boolean(),
      parties: Type.Array(
        Type.Object({
          id: Type.String(),
          name: Type.String(),
          role: ParticipantRoleT,
          /** serviceAddress and phone only for the viewing party's own entry (and for the mediator). */
          applied: Nullable(
            Type.Object({
              how: Type.Union([Type.Literal('self'), Type.Literal('consented')]),
              at: Type.String(),
              confirmedAt: When,
              serviceAddress: Type.Optional(Type.String()),
              phone: Type.Optional(Type.String()),
            }),
          ),
          /** The mediator recorded this party's consent; the party has yet to confirm it from its own link. */
          awaitingConfirmation: Type.Boolean(),
        }),
      ),
      materials: Type.Array(
        Type.Object({
          id: Type.String(),
          kind: Type.String(),
          displayName: Type.String(),
          mime: Type.String(),
          bytes: Type.Integer(),
          uploadedAt: Type.String(),
        }),
      ),
    }),
  ),
});

export const JudgeApplicationSummary = Type.Object({
  id: Type.String(),
  caseId: Type.String(),
  status: ApplicationStatusT,
  statusLabel: Type.String(),
  caseNumber: Type.String(),
  title: Type.String(),
  court: Type.String(),
  courtCaseNumber: Nullable(Type.String()),
  submittedAt: When,
  acceptBy: When,
  acceptOverdue: Type.Boolean(),
  acceptedAt: When,
  decidedAt: When,
  /** 送达: each applying party and when it was served the ruling (its first download from its own link); null: not yet. */
  service: Type.Array(Type.Object({ participantId: Type.String(), name: Type.String(), servedAt: When })),
});

export const JudgeApplicationDetail = Type.Composite([
  JudgeApplicationSummary,
  Type.Object({
    grounds: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
    checklist: Type.Record(Type.String(), Type.Boolean()),
    notes: Type.String(),
    integrity: Nullable(
      Type.Object({
        valid: Type.Boolean(),
        sealedByUs: Type.Boolean(),
        matchesIssued: Type.Boolean(),
        problems: Type.Array(Type.String()),
        signerName: Nullable(Type.String()),
        signingTime: When,
        documentSha256: Type.String(),
        contentSha256: Type.String(),
      }),
    ),
    parties: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        role: ParticipantRoleT,
        side: SideT,
        identityConfirmedAt: When,
        consentToOnlineAt: When,
        attended: Type.Boolean(),
        clausesAccepted: Type.Integer(),
        clauses: Type.Integer(),
        signature: Nullable(
          Type.Object({
            signerName: Type.String(),
            signerRole: Type.String(),
            identityMethod: Type.String(),
            affirmation: Type.String(),
            signedAt: Type.String(),
            ip: Type.String(),
          }),
        ),
      }),
    ),
    session: Type.Object({
      joins: Type.Integer(),
      totalSec: Nullable(Type.Integer()),
      jointSec: Nullable(Type.Integer()),
      caucusSecA: Type.Number(),
      caucusSecB: Type.Number(),
    }),
    applicants: Type.Array(
      Type.Object({ participantId: Type.String(), how: Type.String(), serviceAddress: Type.String(), phone: Type.String(), at: Type.String() }),
    ),
    materials: Type.Array(
      Type.Object({
        id: Type.String(),
        participantId: Type.String(),
        kind: Type.String(),
        displayName: Type.String(),
        mime: Type.String(),
        bytes: Type.Integer(),
      }),
    ),
  }),
]);
