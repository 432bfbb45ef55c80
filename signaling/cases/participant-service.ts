// Participants of a case (parties, agents, interpreters). Identity data and the details the
// agreement and the court documents print (住所, 民族, company particulars, 送达地址) are validated
// here. The participant record is their one source: the agreement draft holds a copy that is
// brought up to date after every change (AgreementPartiesSync), never edited by itself.
// While a signing round is open or completed the list is frozen: the round's signers were fixed
// when the text was locked, so nobody joins, leaves or changes until it is unlocked.
import { appendAudit } from '../audit/log.ts';
import type { Tx } from '../db.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { idNumberProblem, normalizeIdNumber } from '../domain/id-number.ts';
import { normalizePhone, phoneProblem } from '../domain/phone.ts';
import { DomainError } from '../errors.ts';
import { staffActor } from '../audit/actors.ts';
import {
  isGuardianRelationship,
  PARTY_DETAIL_LABELS,
  validatePartyDetails,
  type AgencyType,
  type GuardianRelationship,
  type PartyDetails,
} from '../domain/party-details.ts';

export type ParticipantDetailsInput = Partial<{ [K in keyof PartyDetails]: PartyDetails[K] }> & {
  agencyType?: AgencyType | undefined;
  guardianRelationship?: GuardianRelationship | null | undefined;
};

/** 法定代理人 is a kind of agent only; every other participant keeps the default. */
/** A 法定代理人 is recorded with its relationship to the party; nobody else has one. */
function guardianRelationshipOrThrow(agencyType: string, relationship: GuardianRelationship | null | undefined): GuardianRelationship | null {
  if (agencyType !== 'statutory') {
    if (relationship) throw new DomainError('VALIDATION', '只有法定代理人需要登记与当事人的关系');
    return null;
  }
  if (!relationship) throw new DomainError('GUARDIAN_RELATIONSHIP_REQUIRED');
  return relationship;
}

function agencyTypeOrThrow(role: string, agencyType: AgencyType | undefined): AgencyType | undefined {
  if (agencyType === undefined) return undefined;
  if (role !== 'AGENT' && agencyType === 'statutory') throw new DomainError('VALIDATION', '只有代理人可以登记为法定代理人');
  return agencyType;
}

export interface NewParticipant extends ParticipantDetailsInput {
  role: string;
  side: string;
  name: string;
  phone: string;
  idNumber: string;
}

export type ParticipantChanges = ParticipantDetailsInput & Partial<{ name: string; phone: string; idNumber: string }>;

/**
 * Brings the agreement draft's copy of the parties up to date with the participant records (a
 * no-op without a draft). Never rejects: the implementation logs a failure (the record is changed
 * either way; the next sync catches the draft up).
 */
export interface AgreementPartiesSync {
  syncParties(caseId: string, authorId: string): Promise<void>;
}

function detailsOrThrow(input: ParticipantDetailsInput): PartyDetails {
  const r = validatePartyDetails(input);
  if (!r.ok) throw new DomainError(r.code, r.message);
  return r.details;
}

function identityOrThrow(input: { name?: string | undefined; phone?: string | undefined; idNumber?: string | undefined }) {
  if (input.idNumber !== undefined) {
    const idProblem = idNumberProblem(input.idNumber);
    if (idProblem) throw new DomainError('INVALID_ID_NUMBER', idProblem);
  }
  if (input.phone !== undefined) {
    const phone = phoneProblem(input.phone);
    if (phone) throw new DomainError('INVALID_PHONE', phone);
  }
  if (input.name !== undefined && !input.name.trim()) throw new DomainError('VALIDATION', '姓名（名称）不能为空');
}

/** Which details changed, by their Chinese label (the audit names fields, never values: personal data stays out of the log). */
function changedLabels(before: Record<string, unknown>, after: Record<string, unknown>, legal: boolean): string[] {
  const labels: Record<string, string> = {
    name: legal ? '名称' : '姓名',
    phone: '联系电话',
    idNumber: '身份证号码',
    personType: '当事人类型',
    agencyType: '代理类型',
    guardianRelationship: '与当事人的关系',
    ...PARTY_DETAIL_LABELS,
    address: legal ? PARTY_DETAIL_LABELS.legalAddress : PARTY_DETAIL_LABELS.address,
  };
  return Object.keys(after)
    .filter((k) => k in labels && (before[k] ?? null) !== (after[k] ?? null))
    .map((k) => labels[k]!);
}

export class ParticipantService {
  constructor(
    private readonly ctx: AppContext,
    private readonly agreement: AgreementPartiesSync,
  ) {}

  async add(user: StaffPrincipal, caseId: string, input: NewParticipant) {
    identityOrThrow(input);
    const details = detailsOrThrow(input);
    const agencyType = agencyTypeOrThrow(input.role, input.agencyType) ?? 'entrusted';
    const guardianRelationship = guardianRelationshipOrThrow(agencyType, input.guardianRelationship);
    const name = input.name.trim();
    const created = await this.ctx.db.$transaction(async (tx) => {
      await refuseWhileSigning(tx, caseId);
      const created = await tx.participant.create({
        data: {
          caseId,
          role: input.role,
          side: input.side,
          name,
          phone: normalizePhone(input.phone),
          idNumber: normalizeIdNumber(input.idNumber),
          agencyType,
          guardianRelationship,
          ...details,
        },
      });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'PARTICIPANT_ADDED',
        data: { participantId: created.id, name, role: input.role, side: input.side },
      });
      return created;
    });
    await this.#syncAgreement(caseId, user.id);
    return created;
  }

  /**
   * Changes a participant's details (the case page's form, or the agreement's party block). Name
   * and ID number are what the party confirms its identity with: once confirmed they stay.
   */
  async update(user: StaffPrincipal, caseId: string, participantId: string, input: ParticipantChanges) {
    identityOrThrow(input);
    const updated = await this.ctx.db.$transaction(async (tx) => {
      const p = await tx.participant.findFirst({ where: { id: participantId, caseId } });
      if (!p) throw new DomainError('PARTICIPANT_NOT_FOUND', '当事人不存在');
      await refuseWhileSigning(tx, caseId);
      const name = input.name?.trim();
      const idNumber = input.idNumber === undefined ? undefined : normalizeIdNumber(input.idNumber);
      if (p.identityConfirmedAt && ((name !== undefined && name !== p.name) || (idNumber !== undefined && idNumber !== p.idNumber)))
        throw new DomainError('IDENTITY_LOCKED');
      const merged: ParticipantDetailsInput = {
        personType: p.personType === 'legal' ? 'legal' : 'natural',
        address: p.address,
        serviceAddress: p.serviceAddress ?? p.address,
        ethnicity: p.ethnicity,
        creditCode: p.creditCode,
        representative: p.representative,
        representativeTitle: p.representativeTitle,
      };
      for (const k of Object.keys(merged) as Array<keyof ParticipantDetailsInput>) if (input[k] !== undefined) Object.assign(merged, { [k]: input[k] });
      // A 住所 change carries a 送达地址 that was "the same" along with it.
      if (input.address !== undefined && input.serviceAddress === undefined && !p.serviceAddress) merged.serviceAddress = null;
      const details = detailsOrThrow(merged);
      const agencyType = agencyTypeOrThrow(p.role, input.agencyType);
      const relationshipGiven = agencyType !== undefined || input.guardianRelationship !== undefined;
      const effectiveType = agencyType ?? p.agencyType;
      // Becoming an entrusted agent drops a recorded relationship; staying statutory keeps it unless a new one is given.
      const kept = effectiveType === 'statutory' && isGuardianRelationship(p.guardianRelationship) ? p.guardianRelationship : null;
      const guardianRelationship = relationshipGiven
        ? guardianRelationshipOrThrow(effectiveType, input.guardianRelationship !== undefined ? input.guardianRelationship : kept)
        : undefined;
      const data = {
        ...(name !== undefined ? { name } : {}),
        ...(agencyType !== undefined ? { agencyType } : {}),
        ...(guardianRelationship !== undefined ? { guardianRelationship } : {}),
        ...(input.phone !== undefined ? { phone: normalizePhone(input.phone) } : {}),
        ...(idNumber !== undefined ? { idNumber } : {}),
        ...details,
      };
      const changes = changedLabels(p, data, details.personType === 'legal');
      if (changes.length === 0) return p;
      const row = await tx.participant.update({ where: { id: p.id }, data });
      await appendAudit(tx, staffActor(user), caseId, { type: 'PARTICIPANT_UPDATED', data: { participantId: p.id, name: row.name, changes } });
      return row;
    });
    await this.#syncAgreement(caseId, user.id);
    return updated;
  }

  async remove(user: StaffPrincipal, caseId: string, participantId: string) {
    const invitationIds = await this.ctx.db.$transaction(async (tx) => {
      const p = await tx.participant.findFirst({ where: { id: participantId, caseId }, include: { invitations: { select: { id: true } } } });
      if (!p) throw new DomainError('PARTICIPANT_NOT_FOUND', '当事人不存在');
      await refuseWhileSigning(tx, caseId);
      await tx.participant.delete({ where: { id: p.id } });
      await appendAudit(tx, staffActor(user), caseId, { type: 'PARTICIPANT_REMOVED', data: { participantId: p.id, name: p.name } });
      return p.invitations.map((i) => i.id);
    });
    await this.#syncAgreement(caseId, user.id);
    // Its links went with it: the connections opened with them (room, drafting) end now.
    this.ctx.events.emit('accessRevoked', { kind: 'participant', caseId, participantId, invitationIds });
  }

  /**
   * After the change is committed the draft's copy follows. Idempotent (it copies the records as
   * they are now) and run again by every later change and before locking.
   */
  #syncAgreement(caseId: string, authorId: string): Promise<void> {
    return this.agreement.syncParties(caseId, authorId);
  }
}

/**
 * PARTICIPANTS_FROZEN while the case has a signing round that is open (locked for signing) or
 * completed (signed). Called inside the changing transaction: locking runs in one too, and
 * SQLite transactions here are BEGIN IMMEDIATE, so a lock and a change cannot interleave.
 */
export async function refuseWhileSigning(tx: Pick<Tx, 'signingRound'>, caseId: string): Promise<void> {
  const round = await tx.signingRound.findFirst({ where: { caseId, status: { in: ['OPEN', 'COMPLETED'] } }, select: { status: true } });
  if (!round) return;
  throw new DomainError(
    'PARTICIPANTS_FROZEN',
    round.status === 'OPEN' ? '协议已锁定供签署，当事人名单不能变更；如需变更请先解除锁定（已收集的签名将作废）' : '协议已签署完毕，当事人名单不能再变更',
  );
}

/** The roles that are parties to the agreement (who accept, sign and apply); agents and interpreters are not. */
export const AGREEMENT_PARTY_ROLES: ReadonlySet<string> = new Set(['APPLICANT', 'RESPONDENT']);

/** A case's agreement parties in the order they were added. */
export async function agreementPartiesOf(db: Pick<Tx, 'participant'>, caseId: string) {
  const all = await db.participant.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' } });
  return all.filter((p) => AGREEMENT_PARTY_ROLES.has(p.role));
}
