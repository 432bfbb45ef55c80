// The judicial-confirmation read models as the HTTP contract (OpenAPI, response serialisation,
// the web client's types): the application as a party or the case's mediator sees it, and the
// judge's queue and review screen.
import { Type } from '@sinclair/typebox';
import { ParticipantRoleT, SideT } from '../http/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const When = Nullable(Type.String());

export const APPLICATION_STATUSES = ['DRAFT', 'SUBMITTED', 'ACCEPTED', 'REVIEWING', 'CONFIRMED', 'DISMISSED', 'REFUSED', 'WITHDRAWN'] as const;
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
  /** The window's last day (China date), after moving off a statutory rest day (MS 85). */
  windowLastDay: When,
  /** The 30th day when it was a rest day and the window moved to windowLastDay. */
  windowMovedFrom: When,
  windowMovedBecause: When,
  /** False when the holiday calendar lacks the published arrangement for a year the window touches. */
  calendarComplete: Type.Boolean(),
  daysLeft: Nullable(Type.Integer()),
  windowOpen: Type.Boolean(),
  /** After the window: the parties may still apply; the court decides (MS 86). */
  lateWarning: When,
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
              /** Consented to electronic service (送达地址确认书). */
              electronicService: Type.Boolean(),
              serviceAddress: Type.Optional(Type.String()),
              phone: Type.Optional(Type.String()),
            }),
          ),
          /** The mediator recorded this party's consent; the party has yet to confirm it from its own link. */
          awaitingConfirmation: Type.Boolean(),
        }),
      ),
      withdrawRequested: Type.Boolean(),
      unsignedApplicants: Type.Array(Type.String()),
      clockStopped: Type.Boolean(),
      documents: Type.Array(
        Type.Object({
          id: Type.String(),
          kind: Type.String(),
          title: Type.String(),
          issuedAt: Type.String(),
          dueAt: When,
          /** For a party: whether it is served electronically (null for the mediator). */
          electronic: Nullable(Type.Boolean()),
          openedAt: When,
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

export const CourtDocumentView = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  sha256: Type.String(),
  issuedAt: Type.String(),
  dueAt: When,
  answeredAt: When,
  service: Type.Array(
    Type.Object({
      participantId: Type.String(),
      name: Type.String(),
      channel: Type.Union([Type.Literal('electronic'), Type.Literal('none')]),
      sentAt: When,
      openedAt: When,
      openedBy: Nullable(Type.String()),
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
  /** Applied after the 30-day window: the court decides whether to accept (MS 86). */
  appliedLate: Type.Boolean(),
  acceptOverdue: Type.Boolean(),
  acceptedAt: When,
  /** 15 days from acceptance (GD art. 5), moved by the time spent waiting for materials; null once decided. */
  reviewBy: When,
  /** A request for materials is open: the review clock is stopped. */
  clockStopped: Type.Boolean(),
  withdrawRequestedAt: When,
  /** The 不予受理 / 驳回 ground, as in court-rules/judicial-grounds.json. */
  ground: Nullable(Type.Object({ key: Type.String(), article: Type.String(), label: Type.String() })),
  decidedAt: When,
  /** 送达: each applying party and when it was served the ruling (its first download from its own link); null: not yet. */
  service: Type.Array(Type.Object({ participantId: Type.String(), name: Type.String(), servedAt: When })),
  /** Every document the court issued, with its 送达 per applicant: electronic (sent, opened by whom, when) or none (no consent: serve by other means). */
  documents: Type.Array(CourtDocumentView),
});

export const JudgeApplicationDetail = Type.Composite([
  JudgeApplicationSummary,
  Type.Object({
    grounds: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
    /** The grounds a refusal / dismissal must name (court-rules/judicial-grounds.json). */
    refusalGrounds: Type.Array(Type.Object({ key: Type.String(), article: Type.String(), label: Type.String() })),
    dismissalGrounds: Type.Array(Type.Object({ key: Type.String(), article: Type.String(), label: Type.String() })),
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
            /** The signer's device (from the sealed signing record; the parties' copies print only environmentDigest). */
            device: Type.String(),
            environmentDigest: Type.String(),
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
