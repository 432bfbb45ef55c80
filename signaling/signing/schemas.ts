// The signing read model as the HTTP contract (OpenAPI, response serialisation, the web client's
// types): the locked version as one viewer sees it.
import { Type } from '@sinclair/typebox';
import { ParticipantRoleT, SideT } from '../http/schemas.ts';

export const SigningPartyView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: ParticipantRoleT,
  side: SideT,
  /** Clause ids this party has accepted on the locked version. */
  accepted: Type.Array(Type.String()),
  /** Clause ids this party objected to on the locked version (its objections went to the mediator). */
  objected: Type.Array(Type.String()),
  signed: Type.Union([Type.Object({ by: Type.String(), role: Type.String(), at: Type.String() }), Type.Null()]),
});

export const SigningClauseView = Type.Object({ id: Type.String(), number: Type.Integer(), title: Type.String(), text: Type.String(), sha256: Type.String() });

export const SigningRoundView = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('OPEN'), Type.Literal('COMPLETED')]),
  versionSeq: Type.Integer(),
  contentSha256: Type.String(),
  lockedAt: Type.String(),
  title: Type.String(),
  caseNumber: Type.String(),
  /** The agreement's other text (parties, facts, performance …), in order. */
  document: Type.Array(Type.String()),
  clauses: Type.Array(SigningClauseView),
  parties: Type.Array(SigningPartyView),
  mediatorSigned: Type.Boolean(),
  /** Parties the viewer may accept and sign for (themselves, or as an authorised agent). */
  mayActFor: Type.Array(Type.String()),
  affirmation: Type.String(),
  pdfAvailable: Type.Boolean(),
  /**
   * Staff only: the sealed signing record (IP address and device of each signature), which the
   * copies every party receives print only as a digest (environmentDigest). Absent for parties.
   */
  record: Type.Optional(
    Type.Array(Type.Object({ signerName: Type.String(), signedAt: Type.String(), ip: Type.String(), device: Type.String(), environmentDigest: Type.String() })),
  ),
});

export const SigningViewBody = Type.Object({ round: Type.Union([SigningRoundView, Type.Null()]) });
