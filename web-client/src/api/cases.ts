// Cases as staff see them (/api/cases): the case, its status, co-mediators, participants,
// invitation links and audit log.

import type * as schemas from '../../../signaling/http/schemas.ts';
import { enc, staff, type S } from './core.ts';

export type CaseStatus = S<typeof schemas.CaseStatusT>;
export type ParticipantRole = S<typeof schemas.ParticipantRoleT>;
export type Side = S<typeof schemas.SideT>;

export type CaseSummary = S<typeof schemas.CaseSummaryView>;
export type Participant = S<typeof schemas.ParticipantView>;
export type CaseDetail = S<typeof schemas.CaseDetailView>;
export type StaffRef = CaseDetail['coMediators'][number];
export type CoMediatorCandidate = S<typeof schemas.CoMediatorCandidateView>;
export type NewCase = S<typeof schemas.NewCaseBody>;
export type NewParticipant = S<typeof schemas.NewParticipantBody>;
export type ParticipantChanges = S<typeof schemas.ParticipantChangesBody>;
export type ParticipantDetails = S<typeof schemas.ParticipantDetailsBody>;
export type Invitation = S<typeof schemas.InvitationView>;
export type PartyDocument = S<typeof schemas.PartyDocumentView>;
export type AgencyType = S<typeof schemas.AgencyTypeT>;
export type NewPartyDocument = {
  documentKind: PartyDocument['kind'];
  fileName: string;
  mime: 'application/pdf' | 'image/png' | 'image/jpeg';
  contentBase64: string;
  specialPowers?: boolean;
};

/** Only returned once, by the create call. */
export interface CreatedInvitation extends Invitation {
  url: string;
  /** How many earlier links of the participant this one revoked. */
  replaced: number;
}

export type AuditLog = S<typeof schemas.AuditLogView>;
export type AuditEntry = AuditLog['entries'][number];
export type AuditChain = AuditLog['chain'];

export const casesApi = {
  cases: () => staff<{ cases: CaseSummary[] }>('/api/cases').then((r) => r.cases),
  createCase: (c: NewCase) => staff<{ case: CaseDetail }>('/api/cases', { method: 'POST', body: c }).then((r) => r.case),
  getCase: (id: string) => staff<{ case: CaseDetail }>(`/api/cases/${enc(id)}`).then((r) => r.case),
  transition: (id: string, to: CaseStatus, reason?: string) =>
    staff<{ case: CaseDetail }>(`/api/cases/${enc(id)}/transition`, {
      method: 'POST',
      body: reason ? { to, reason } : { to },
    }).then((r) => r.case),

  coMediatorCandidates: (caseId: string) =>
    staff<{ mediators: CoMediatorCandidate[] }>(`/api/cases/${enc(caseId)}/co-mediators/candidates`).then((r) => r.mediators),
  assignCoMediator: (caseId: string, userId: string) =>
    staff<{ case: CaseDetail }>(`/api/cases/${enc(caseId)}/co-mediators`, { method: 'POST', body: { userId } }).then((r) => r.case),
  removeCoMediator: (caseId: string, userId: string) =>
    staff<{ case: CaseDetail }>(`/api/cases/${enc(caseId)}/co-mediators/${enc(userId)}`, { method: 'DELETE' }).then((r) => r.case),

  addParticipant: (caseId: string, p: NewParticipant) =>
    staff<{ participant: Participant }>(`/api/cases/${enc(caseId)}/participants`, { method: 'POST', body: p }).then((r) => r.participant),
  updateParticipant: (caseId: string, participantId: string, changes: ParticipantChanges) =>
    staff<{ participant: Participant }>(`/api/cases/${enc(caseId)}/participants/${enc(participantId)}`, { method: 'PATCH', body: changes }).then(
      (r) => r.participant,
    ),
  uploadPartyDocument: (caseId: string, participantId: string, d: NewPartyDocument) =>
    staff<{ document: PartyDocument }>(`/api/cases/${enc(caseId)}/participants/${enc(participantId)}/documents`, { method: 'POST', body: d }).then(
      (r) => r.document,
    ),
  uploadPartySeal: (caseId: string, participantId: string, sealPngBase64: string) =>
    staff<{ participantId: string; sha256: string }>(`/api/cases/${enc(caseId)}/participants/${enc(participantId)}/seal`, {
      method: 'PUT',
      body: { sealPngBase64 },
    }),
  partyDocumentUrl: (caseId: string, participantId: string, documentId: string) =>
    `/api/cases/${enc(caseId)}/participants/${enc(participantId)}/documents/${enc(documentId)}`,
  removeParticipant: (caseId: string, participantId: string) =>
    staff<void>(`/api/cases/${enc(caseId)}/participants/${enc(participantId)}`, { method: 'DELETE' }),

  invitations: (caseId: string) => staff<{ invitations: Invitation[] }>(`/api/cases/${enc(caseId)}/invitations`).then((r) => r.invitations),
  createInvitation: (caseId: string, participantId: string, expiresInDays?: number) =>
    staff<{ invitation: CreatedInvitation }>(`/api/cases/${enc(caseId)}/invitations`, {
      method: 'POST',
      body: expiresInDays === undefined ? { participantId } : { participantId, expiresInDays },
    }).then((r) => r.invitation),
  revokeInvitation: (caseId: string, invitationId: string) =>
    staff<{ invitation: Invitation }>(`/api/cases/${enc(caseId)}/invitations/${enc(invitationId)}/revoke`, {
      method: 'POST',
    }).then((r) => r.invitation),

  audit: (caseId: string) => staff<AuditLog>(`/api/cases/${enc(caseId)}/audit`),
};
