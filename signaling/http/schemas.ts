// TypeBox schemas shared by the HTTP routes (they are also the OpenAPI documentation).
import { CASE_ROLES } from '../access/grants.ts';
import { Type, type TSchema } from '@sinclair/typebox';
import { CASE_STATUSES } from '../domain/case-status.ts';
import { AGENCY_TYPES, GUARDIAN_RELATIONSHIPS, PARTY_DOCUMENT_KINDS, PERSON_TYPES } from '../domain/party-details.ts';
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

const NullableText = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);
export const PersonTypeT = literals(PERSON_TYPES);
/** Agents: 委托代理人 (by a 授权委托书) or 法定代理人 (by law). */
export const AgencyTypeT = literals(AGENCY_TYPES);
export const GuardianRelationshipT = literals(GUARDIAN_RELATIONSHIPS);
export const PartyDocumentKindT = literals(PARTY_DOCUMENT_KINDS);

export const PartyDocumentView = Type.Object({
  id: Type.String(),
  kind: PartyDocumentKindT,
  fileName: Type.String(),
  specialPowers: Type.Boolean(),
  createdAt: Type.String(),
});

/** What the documents print about a party (domain/party-details.ts); empty text or null clears a value. */
export const ParticipantDetailsBody = Type.Object({
  personType: Type.Optional(PersonTypeT),
  address: Type.Optional(NullableText(200)),
  /** null or the same as address: documents are served at the address. */
  serviceAddress: Type.Optional(NullableText(200)),
  ethnicity: Type.Optional(NullableText(20)),
  creditCode: Type.Optional(NullableText(30)),
  representative: Type.Optional(NullableText(40)),
  representativeTitle: Type.Optional(NullableText(30)),
});

export const ParticipantDetailsView = Type.Object({
  personType: PersonTypeT,
  address: Type.Union([Type.String(), Type.Null()]),
  /** null = the same as address. */
  serviceAddress: Type.Union([Type.String(), Type.Null()]),
  ethnicity: Type.Union([Type.String(), Type.Null()]),
  creditCode: Type.Union([Type.String(), Type.Null()]),
  representative: Type.Union([Type.String(), Type.Null()]),
  representativeTitle: Type.Union([Type.String(), Type.Null()]),
  /** Read from the ID number (natural persons; null for organisations). */
  gender: Type.Union([Type.Literal('男'), Type.Literal('女'), Type.Null()]),
  birthDate: Type.Union([Type.String(), Type.Null()]),
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
  agencyType: AgencyTypeT,
  /** Statutory agents: the relationship to the party (父亲, 母亲…); null otherwise or not yet recorded. */
  guardianRelationship: Type.Union([GuardianRelationshipT, Type.Null()]),
  /** Organisations: the 电子印章 is on file. */
  hasSeal: Type.Boolean(),
  /** Under 18 today (from the ID number): signs only through a 法定代理人. */
  minor: Type.Boolean(),
  documents: Type.Array(PartyDocumentView),
  ...ParticipantDetailsView.properties,
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

/** The signed-in staff member (login, /api/auth/me). */
export const MeView = Type.Object({
  user: Type.Object({
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    role: UserRoleT,
    /** Every staff API but this one, logout and the password change answers PASSWORD_CHANGE_REQUIRED until it is changed. */
    mustChangePassword: Type.Boolean(),
  }),
  csrfToken: Type.String(),
});

export const OrgView = Type.Object({
  org: Type.Object({
    id: Type.String(),
    name: Type.String(),
    shortName: Type.String(),
    phone: Type.Union([Type.String(), Type.Null()]),
    hasSeal: Type.Boolean(),
  }),
});
/** Who a party can call when its link does not work: the case's unit (or the centre) and mediator. */
export const LinkContactView = Type.Object({
  unit: Type.Object({ name: Type.String(), phone: Type.Union([Type.String(), Type.Null()]) }),
  mediator: Type.Union([Type.String(), Type.Null()]),
});

export const NewCaseBody = Type.Object(
  { title: Text(100), disputeType: DisputeTypeT, summary: Text(4000), dueDate: Type.Optional(DateOnly) },
  { additionalProperties: false },
);

export const NewParticipantBody = Type.Object(
  {
    role: ParticipantRoleT,
    side: SideT,
    name: Text(50),
    phone: Type.String({ minLength: 1, maxLength: 20 }),
    idNumber: Type.String({ minLength: 1, maxLength: 18 }),
    agencyType: Type.Optional(AgencyTypeT),
    /** Required with agencyType statutory (GUARDIAN_RELATIONSHIP_REQUIRED). */
    guardianRelationship: Type.Optional(GuardianRelationshipT),
    ...ParticipantDetailsBody.properties,
  },
  { additionalProperties: false },
);

/** A participant's changes (role and side stay: remove and add again to change them). */
export const ParticipantChangesBody = Type.Object(
  {
    name: Type.Optional(Text(50)),
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    idNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 18 })),
    agencyType: Type.Optional(AgencyTypeT),
    guardianRelationship: Type.Optional(GuardianRelationshipT),
    ...ParticipantDetailsBody.properties,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const AuditLogView = Type.Object({
  entries: Type.Array(Type.Object({ seq: Type.Integer(), at: Type.String(), type: Type.String(), actorLabel: Type.String(), summary: Type.String() })),
  chain: Type.Object({ ok: Type.Boolean(), checked: Type.Integer(), brokenAt: Type.Optional(Type.Integer()), reason: Type.Optional(Type.String()) }),
});

/** What a party sees of itself through its link. */
export const PartySelfView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: ParticipantRoleT,
  side: SideT,
  identityConfirmed: Type.Boolean(),
  consentGiven: Type.Boolean(),
});

export const PartyCaseView = Type.Object({
  /** The caseId for `room:join`. */
  id: Type.String(),
  number: Type.String(),
  title: Type.String(),
  disputeType: Type.String(),
  status: CaseStatusT,
  orgName: Type.String(),
  mediatorName: Type.Union([Type.String(), Type.Null()]),
});

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

/** A mediator who could help with a case (协办), from its unit or another unit of the centre (联合调解). */
export const CoMediatorCandidateView = Type.Object({ id: Type.String(), displayName: Type.String(), unitId: Type.String(), unitName: Type.String() });
