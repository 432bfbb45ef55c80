// Participants of a case (parties, agents, interpreters). Identity data is validated here.
// While a signing round is open or completed the list is frozen: the round's signers were fixed
// when the text was locked, so nobody joins or leaves the agreement until it is unlocked.
import { appendAudit } from '../audit/log.ts';
import type { Tx } from '../db.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { idNumberProblem, normalizeIdNumber } from '../domain/id-number.ts';
import { normalizePhone, phoneProblem } from '../domain/phone.ts';
import { DomainError } from '../errors.ts';
import { staffActor } from '../audit/actors.ts';

export interface NewParticipant {
  role: string;
  side: string;
  name: string;
  phone: string;
  idNumber: string;
}

export class ParticipantService {
  constructor(private readonly ctx: AppContext) {}

  async add(user: StaffPrincipal, caseId: string, input: NewParticipant) {
    const idProblem = idNumberProblem(input.idNumber);
    if (idProblem) throw new DomainError('INVALID_ID_NUMBER', idProblem);
    const phone = phoneProblem(input.phone);
    if (phone) throw new DomainError('INVALID_PHONE', phone);
    const name = input.name.trim();
    if (!name) throw new DomainError('VALIDATION', '姓名不能为空');
    return this.ctx.db.$transaction(async (tx) => {
      await refuseWhileSigning(tx, caseId);
      const created = await tx.participant.create({
        data: { caseId, role: input.role, side: input.side, name, phone: normalizePhone(input.phone), idNumber: normalizeIdNumber(input.idNumber) },
      });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'PARTICIPANT_ADDED',
        data: { participantId: created.id, name, role: input.role, side: input.side },
      });
      return created;
    });
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
    // Its links went with it: the connections opened with them (room, drafting) end now.
    this.ctx.events.emit('accessRevoked', { kind: 'participant', caseId, participantId, invitationIds });
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
