// Typed client for the jiefen HTTP API: the fetch core (requests, errors, CSRF, party tokens) is
// api/core.ts and each area has a module of its own under api/; this file gathers them, so the
// app imports the whole client from one place. The types are the server's TypeBox schemas.

import { authApi } from './api/auth.ts';
import { casesApi } from './api/cases.ts';
import { orgApi } from './api/org.ts';
import { centreApi } from './api/centre.ts';
import { usersApi } from './api/users.ts';

export { ApiError, NETWORK_ERROR_MESSAGE, setCsrfToken, setUnauthorizedHandler } from './api/core.ts';
export type { Role, Session, User } from './api/auth.ts';
export type { LabeledKey, Meta, Org } from './api/org.ts';
export type { ManagedUser } from './api/users.ts';
export type {
  AuditChain,
  AuditEntry,
  AuditLog,
  CaseDetail,
  CaseStatus,
  CaseSummary,
  CreatedInvitation,
  Invitation,
  AgencyType,
  NewPartyDocument,
  PartyDocument,
  NewCase,
  NewParticipant,
  ParticipantChanges,
  ParticipantDetails,
  Participant,
  ParticipantRole,
  Side,
  StaffRef,
  CoMediatorCandidate,
} from './api/cases.ts';
export {
  partyApi,
  type ConsentPurpose,
  type LinkContact,
  type PartyApi,
  type PartyCase,
  type PartySelf,
  type PartyView,
  type PrivacyState,
} from './api/party.ts';
export {
  agreementApi,
  type AgreementAnnotation,
  type AgreementApi,
  type AgreementClauseInfo,
  type AgreementVersionDiff,
  type AgreementVersionInfo,
  type NewAgreementSuggestion,
  type NotepadProposal,
} from './api/agreements.ts';
export { procedureApi, type MinutesView, type ProcedureApi, type ProcedureView } from './api/procedure.ts';
export { dossierApi, type DossierView } from './api/dossier.ts';
export { signingApi, type SigningApi, type SigningClause, type SigningParty, type SigningRound } from './api/signing.ts';
export {
  courtsApi,
  judgeApi,
  judicialApi,
  type JudgeApplicationDetail,
  type JudgeApplicationSummary,
  type JudicialCourtOption,
  type JudicialView,
} from './api/judicial.ts';

/** The staff client: auth, organisation and labels, accounts, cases. */
export const api = { ...authApi, ...orgApi, ...usersApi, ...casesApi, ...centreApi };
export type { CentreOverview, NewUnit, Unit } from './api/centre.ts';
