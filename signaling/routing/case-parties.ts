// When a unit's mediator takes a matter, the case opened for it starts with the matter's parties:
// each registered party becomes a participant (申请人 → 甲方, 被申请人 → 乙方), audited like one added
// by hand. What the registration did not learn (a phone, an ID number) stays empty for the mediator
// to complete on the case page before inviting or signing.
import type { Actor } from '../audit/log.ts';
import { appendAudit } from '../audit/log.ts';
import type { Tx } from '../db.ts';
import { normalizeIdNumber } from '../domain/id-number.ts';
import { normalizePhone } from '../domain/phone.ts';

const SIDE_OF_ROLE: Record<string, { role: string; side: string }> = {
  APPLICANT: { role: 'APPLICANT', side: 'A' },
  RESPONDENT: { role: 'RESPONDENT', side: 'B' },
};

export async function copyPartiesToCase(tx: Tx, matterId: string, caseId: string, actor: Actor): Promise<number> {
  const parties = await tx.matterParty.findMany({ where: { matterId }, orderBy: { id: 'asc' } });
  for (const p of parties) {
    const { role, side } = SIDE_OF_ROLE[p.role] ?? { role: 'OTHER', side: 'NEUTRAL' };
    const created = await tx.participant.create({
      data: {
        caseId,
        role,
        side,
        name: p.name,
        phone: p.phone ? normalizePhone(p.phone) : '',
        idNumber: p.idNumber ? normalizeIdNumber(p.idNumber) : '',
        address: p.address,
        personType: p.kind === 'ORGANISATION' ? 'legal' : 'natural',
      },
    });
    await appendAudit(tx, actor, caseId, { type: 'PARTICIPANT_ADDED', data: { participantId: created.id, name: created.name, role, side } });
  }
  return parties.length;
}
