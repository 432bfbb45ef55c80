// Whether the case lets an agent (委托代理人) accept and sign the agreement for its side's parties.
// It authorises someone to act for a party; it does not change who must sign, so it may be given
// while a round is open. An entrusted agent (委托代理人) is authorised only once its 授权委托书 stating
// special powers is on file (GD 3); a statutory agent (法定代理人) acts by law.
import { staffActor } from '../audit/actors.ts';
import { appendAudit } from '../audit/log.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';
import { hasSpecialPowers } from '../cases/party-documents.ts';

export async function setAgentAuthority(ctx: AppContext, user: StaffPrincipal, caseId: string, participantId: string, authorised: boolean) {
  return ctx.db.$transaction(async (tx) => {
    const p = await tx.participant.findFirst({ where: { id: participantId, caseId } });
    if (!p) throw new DomainError('PARTICIPANT_NOT_FOUND', '参与人不存在');
    if (p.role !== 'AGENT') throw new DomainError('NOT_AN_AGENT');
    if (authorised && p.agencyType !== 'statutory' && !(await hasSpecialPowers(tx, p.id))) throw new DomainError('POWER_OF_ATTORNEY_MISSING');
    await tx.participant.update({ where: { id: p.id }, data: { signingAuthority: authorised } });
    await appendAudit(tx, staffActor(user), caseId, { type: 'AGENT_SIGNING_AUTHORITY', data: { participantId: p.id, name: p.name, authorised } });
    return { participantId: p.id, authorised };
  });
}
