// TypeBox schemas shared by the HTTP routes (they are also the OpenAPI documentation).
import { CASE_ROLES } from '../access/grants.ts';
import { Type, type TSchema } from '@sinclair/typebox';
import { CASE_STATUSES } from '../domain/case-status.ts';
import { DISPUTE_TYPE_KEYS, PARTICIPANT_ROLE_KEYS, SIDE_KEYS, USER_ROLES } from '../domain/vocabulary.ts';

export const ErrorBody = Type.Object({ code: Type.String(), message: Type.String() }, { $id: 'Error' });

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const CaseStatusT = literals(CASE_STATUSES);
export const DisputeTypeT = literals(DISPUTE_TYPE_KEYS);
export const ParticipantRoleT = literals(PARTICIPANT_ROLE_KEYS);
export const SideT = literals(SIDE_KEYS);
export const UserRoleT = literals(USER_ROLES);

/** Trimmed non-empty text of bounded length (CJK counts one per character). */
export const Text = (max: number, min = 1) => Type.String({ minLength: min, maxLength: max, pattern: '\\S' });
export const Id = Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9]+$' });
export const IdParams = Type.Object({ id: Id });
export const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const UserView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: UserRoleT,
  active: Type.Boolean(),
  /** The password an administrator set has not been changed by the user yet. */
  mustChangePassword: Type.Boolean(),
  createdAt: Type.String(),
});

export const ParticipantView = Type.Object({
  id: Type.String(),
  role: ParticipantRoleT,
  side: SideT,
  name: Type.String(),
  phone: Type.String(),
  idMasked: Type.String(),
  identityConfirmedAt: Type.Union([Type.String(), Type.Null()]),
  consentAt: Type.Union([Type.String(), Type.Null()]),
  /** Agents: may accept and sign the agreement for their side's parties. */
  signingAuthority: Type.Boolean(),
});

export const CaseSummaryView = Type.Object({
  id: Type.String(),
  number: Type.String(),
  title: Type.String(),
  disputeType: Type.String(),
  status: CaseStatusT,
  mediator: Type.Union([Type.Object({ id: Type.String(), displayName: Type.String() }), Type.Null()]),
  dueDate: Type.String(),
  daysLeft: Type.Integer(),
  createdAt: Type.String(),
});

export const CaseDetailView = Type.Composite([
  CaseSummaryView,
  Type.Object({
    summary: Type.String(),
    participants: Type.Array(ParticipantView),
    allowedTransitions: Type.Array(CaseStatusT),
    coMediators: Type.Array(Type.Object({ id: Type.String(), displayName: Type.String() })),
    /** The viewer's role in the case (signaling/access/grants.ts): what the page may offer. */
    viewerRole: Type.Union(CASE_ROLES.map((r) => Type.Literal(r))),
  }),
]);

export const InvitationView = Type.Object({
  id: Type.String(),
  participantId: Type.String(),
  participantName: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  useCount: Type.Integer(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});

/** Standard error responses for a route, so OpenAPI lists them. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorBody]));
}
