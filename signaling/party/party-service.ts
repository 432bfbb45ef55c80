// What a party can do from its personal link before the session: confirm identity, consent.
import { appendAudit, recordAudit } from '../audit/log.ts';
import { partyActor } from '../audit/actors.ts';
import { primaryUnitId } from '../centre/ensure-centre.ts';
import type { AppContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { parseLinkToken, secretMatches } from '../auth/link-tokens.ts';
import { idCheckDigits } from '../domain/id-number.ts';
import { requireNoticeAcknowledged } from './party-privacy.ts';

type Participant = { id: string; caseId: string; name: string; idNumber: string; identityConfirmedAt: Date | null; consentAt: Date | null };

export class PartyService {
  constructor(private readonly ctx: AppContext) {}

  async confirmIdentity(p: Participant, name: string, idLast4: string) {
    // PIPL art. 17: the 个人信息处理告知书 before the party gives any personal data (name, ID digits).
    await requireNoticeAcknowledged(this.ctx.db, p.id);
    const ok = name.trim() === p.name && idLast4.trim().toUpperCase() === idCheckDigits(p.idNumber);
    if (!ok) {
      await recordAudit(this.ctx.db, partyActor(p), p.caseId, { type: 'PARTY_IDENTITY_FAILED', data: { participantId: p.id } });
      throw new DomainError('IDENTITY_MISMATCH', '姓名或身份证后四位与案件登记信息不一致，请核对后重试');
    }
    if (p.identityConfirmedAt) return this.ctx.db.participant.findUniqueOrThrow({ where: { id: p.id } });
    return this.ctx.db.$transaction(async (tx) => {
      const updated = await tx.participant.update({ where: { id: p.id }, data: { identityConfirmedAt: new Date() } });
      await appendAudit(tx, partyActor(p), p.caseId, { type: 'PARTY_IDENTITY_CONFIRMED', data: { participantId: p.id, method: 'NAME_ID_LAST4' } });
      return updated;
    });
  }

  async giveConsent(p: Participant, req: { ip: string; userAgent: string }) {
    if (!p.identityConfirmedAt) throw new DomainError('IDENTITY_NOT_CONFIRMED', '请先完成身份确认');
    if (p.consentAt) return this.ctx.db.participant.findUniqueOrThrow({ where: { id: p.id } });
    return this.ctx.db.$transaction(async (tx) => {
      const updated = await tx.participant.update({ where: { id: p.id }, data: { consentAt: new Date() } });
      await appendAudit(tx, partyActor(p), p.caseId, {
        type: 'PARTY_CONSENT_GIVEN',
        data: { participantId: p.id, ip: req.ip, userAgent: req.userAgent.slice(0, 300) },
      });
      return updated;
    });
  }

  /**
   * Who to call when a link does not work: for a genuine link (expired, revoked) its case's unit
   * and mediator; for anything else the centre's primary unit, and no name.
   */
  async contactFor(token: string | null) {
    const invitation = await this.#genuineInvitation(token);
    if (invitation)
      return { unit: { name: invitation.case.org.name, phone: invitation.case.org.phone }, mediator: invitation.case.mediator?.displayName ?? null };
    const centre = await this.ctx.db.organisation.findUniqueOrThrow({ where: { id: await primaryUnitId(this.ctx) } });
    return { unit: { name: centre.name, phone: centre.phone }, mediator: null };
  }

  async #genuineInvitation(token: string | null) {
    if (!token) return null;
    let parsed: ReturnType<typeof parseLinkToken>;
    try {
      parsed = parseLinkToken(token);
    } catch {
      return null;
    }
    const inv = await this.ctx.db.invitation.findUnique({ where: { id: parsed.invitationId }, include: { case: { include: { org: true, mediator: true } } } });
    return inv && secretMatches(this.ctx.secrets.tokenKey, parsed.secret, inv.secretHash) ? inv : null;
  }
}
