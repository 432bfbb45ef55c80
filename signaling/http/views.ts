// Database rows → API shapes. Identity numbers leave the server only masked.
import { may, type CaseRole } from '../access/grants.ts';
import { daysLeft } from '../domain/case-number.ts';
import { manualTargets } from '../cases/case-transitions.ts';
import { todayInChina } from '../agreement/dates.ts';
import { fromIdNumber, isGuardianRelationship, isMinorOn } from '../domain/party-details.ts';
import { maskIdNumber } from '../domain/id-number.ts';

type CaseRow = {
  id: string;
  number: string;
  title: string;
  disputeType: string;
  status: string;
  dueDate: Date;
  createdAt: Date;
  summary: string;
  mediator: { id: string; displayName: string } | null;
};
type ParticipantRow = {
  id: string;
  role: string;
  side: string;
  name: string;
  phone: string;
  idNumber: string;
  identityConfirmedAt: Date | null;
  consentAt: Date | null;
  signingAuthority: boolean;
  personType: string;
  address: string | null;
  serviceAddress: string | null;
  ethnicity: string | null;
  creditCode: string | null;
  representative: string | null;
  representativeTitle: string | null;
  agencyType: string;
  guardianRelationship: string | null;
  sealPng: Uint8Array | null;
  /** Present when the query included them (the case page); otherwise shown as none. */
  documents?: Array<{ id: string; kind: string; fileName: string; specialPowers: boolean; createdAt: Date }>;
};
type InvitationRow = {
  id: string;
  participantId: string;
  participant: { name: string };
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  _count: { uses: number };
  uses?: { at: Date }[];
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function caseSummaryView(c: CaseRow) {
  return {
    id: c.id,
    number: c.number,
    title: c.title,
    disputeType: c.disputeType,
    status: c.status as never,
    mediator: c.mediator ? { id: c.mediator.id, displayName: c.mediator.displayName } : null,
    dueDate: c.dueDate.toISOString(),
    daysLeft: daysLeft(c.dueDate),
    createdAt: c.createdAt.toISOString(),
  };
}

export function caseDetailView(c: CaseRow, participants: ParticipantRow[], coMediators: Array<{ id: string; displayName: string }>, viewerRole: CaseRole) {
  return {
    ...caseSummaryView(c),
    summary: c.summary,
    participants: participants.map(participantView),
    // Only the responsible mediator moves the case by hand (grants: case.edit).
    allowedTransitions: may(viewerRole, 'case.edit') ? manualTargets(c.status) : [],
    coMediators,
    viewerRole,
  };
}

export function participantView(p: ParticipantRow) {
  return {
    id: p.id,
    role: p.role as never,
    side: p.side as never,
    name: p.name,
    phone: p.phone,
    idMasked: maskIdNumber(p.idNumber),
    identityConfirmedAt: iso(p.identityConfirmedAt),
    consentAt: iso(p.consentAt),
    signingAuthority: p.signingAuthority,
    agencyType: p.agencyType === 'statutory' ? ('statutory' as const) : ('entrusted' as const),
    guardianRelationship: p.agencyType === 'statutory' && isGuardianRelationship(p.guardianRelationship) ? p.guardianRelationship : null,
    hasSeal: p.sealPng !== null,
    minor: p.personType !== 'legal' && isMinorOn(p.idNumber, todayInChina()),
    documents: (p.documents ?? []).map((d) => ({
      id: d.id,
      kind: d.kind as never,
      fileName: d.fileName,
      specialPowers: d.specialPowers,
      createdAt: d.createdAt.toISOString(),
    })),
    ...participantDetailsView(p),
  };
}

function participantDetailsView(p: ParticipantRow) {
  const legal = p.personType === 'legal';
  const derived = legal ? null : fromIdNumber(p.idNumber);
  return {
    personType: legal ? ('legal' as const) : ('natural' as const),
    address: p.address,
    serviceAddress: p.serviceAddress,
    ethnicity: p.ethnicity,
    creditCode: p.creditCode,
    representative: p.representative,
    representativeTitle: p.representativeTitle,
    gender: derived?.gender ?? null,
    birthDate: derived?.birthDate ?? null,
  };
}

export function invitationView(inv: InvitationRow) {
  return {
    id: inv.id,
    participantId: inv.participantId,
    participantName: inv.participant.name,
    createdAt: inv.createdAt.toISOString(),
    expiresAt: inv.expiresAt.toISOString(),
    revokedAt: iso(inv.revokedAt),
    useCount: inv._count.uses,
    lastUsedAt: iso(inv.uses?.[0]?.at ?? null),
  };
}

export function userView(u: {
  id: string;
  username: string;
  displayName: string;
  role: string;
  active: boolean;
  mustChangePassword: boolean;
  createdAt: Date;
}) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role as never,
    active: u.active,
    mustChangePassword: u.mustChangePassword,
    createdAt: u.createdAt.toISOString(),
  };
}
