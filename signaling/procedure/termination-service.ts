// 终止调解 and the 调解终结告知书 (人民调解法 arts. 17, 23(2), 26). A party may refuse or end the
// mediation at any time from its link; the mediator may end it when it fails. Either way the case
// follows the 调解不成 path (transitionCase → FAILED, by 'workflow'; an open signing round is
// voided first), with who ended it and why in MediationTermination and the audit. The sealed
// 调解终结告知书 naming the other routes is made once from agreement-templates/termination-notice.json
// (the routes are data a centre corrects) and served byte-identical to everyone.
import { appendAudit, type Actor } from '../audit/log.ts';
import { partyActor, staffActor } from '../audit/actors.ts';
import { transitionCase } from '../cases/case-transitions.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { isCaseStatus, type CaseStatus } from '../domain/case-status.ts';
import { DISPUTE_TYPES, labelOf, PARTICIPANT_ROLES } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';
import { renderCourtDocument } from '../agreement/court.ts';
import { todayInChina } from '../agreement/dates.ts';
import type { TemplateCatalog } from '../agreement/template-schema.ts';
import type { SigningIdentity } from '../signing/org-identity.ts';
import { voidOpenRound } from '../signing/round-locking.ts';
import { dbBytes } from '../drafting/draft-store.ts';
import { issueOrgDocument } from './document-pdf.ts';

/** Statuses from which mediation can still be ended (before an agreement is signed). */
export const ENDABLE: ReadonlySet<CaseStatus> = new Set(['ACCEPTED', 'TRIAGED', 'MEDIATING', 'AGREED']);

type Party = { id: string; caseId: string; name: string; role: string };

export class TerminationService {
  constructor(
    private readonly ctx: AppContext,
    private readonly templates: TemplateCatalog,
    private readonly identity: SigningIdentity,
  ) {}

  /** A party refuses or ends the mediation (no reason needed: art. 23(2)). */
  endByParty(p: Party, note: string | undefined) {
    const who = `${labelOf(PARTICIPANT_ROLES, p.role)}${p.name}`;
    return this.#end(p.caseId, partyActor(p), { endedBy: 'party', participantId: p.id, reason: `${who}明确要求终止调解`, note });
  }

  /** The mediator ends a mediation that failed. */
  endByMediator(user: StaffPrincipal, caseId: string, reason: string) {
    const text = reason.trim();
    if (!text) throw new DomainError('REASON_REQUIRED', '请写明终止调解的原因');
    return this.#end(caseId, staffActor(user), { endedBy: 'mediator', participantId: null, reason: `经调解，${text}`, note: undefined });
  }

  async #end(caseId: string, actor: Actor, t: { endedBy: 'party' | 'mediator'; participantId: string | null; reason: string; note: string | undefined }) {
    return this.ctx.db.$transaction(async (tx) => {
      const c = await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { status: true } });
      if (!isCaseStatus(c.status) || !ENDABLE.has(c.status))
        throw new DomainError('MEDIATION_NOT_ENDABLE', c.status === 'FAILED' ? '调解已经终止' : '协议已签署或案件已结束，不能再终止调解');
      if (c.status === 'AGREED') await voidOpenRound(tx, actor, caseId, '终止调解，作废锁定的协议', '当事人或调解员终止调解');
      const from = c.status === 'AGREED' ? 'MEDIATING' : c.status;
      await transitionCase(tx, { caseId, from, to: 'FAILED', by: 'workflow', actor, reason: t.reason });
      const note = t.note?.trim();
      // A case reopened after a 回访 (#16) may end again: the new ending replaces the earlier one
      // (whose notice stays named, by its digest, in the audit trail).
      const ending = { endedBy: t.endedBy, participantId: t.participantId, reason: note ? `${t.reason}（${note}）` : t.reason };
      await tx.mediationTermination.upsert({
        where: { caseId },
        create: { caseId, ...ending },
        update: { ...ending, endedAt: new Date(), noticePdf: null },
      });
      await appendAudit(tx, actor, caseId, {
        type: 'MEDIATION_ENDED',
        data: { by: t.endedBy, ...(t.participantId ? { participantId: t.participantId } : {}), reason: t.reason },
      });
      return { status: 'FAILED' as const };
    });
  }

  async view(caseId: string) {
    const t = await this.ctx.db.mediationTermination.findUnique({ where: { caseId }, select: { endedBy: true, endedAt: true, reason: true } });
    return t && { endedBy: t.endedBy as 'party' | 'mediator', endedAt: t.endedAt.toISOString(), reason: t.reason };
  }

  /** The sealed 调解终结告知书 of a case in 调解不成; made once, then kept. */
  async noticePdf(caseId: string): Promise<{ bytes: Buffer; fileName: string }> {
    const c = await this.ctx.db.case.findUniqueOrThrow({ where: { id: caseId }, include: { org: true, participants: true } });
    if (c.status !== 'FAILED') throw new DomainError('DOCUMENT_NOT_READY', '调解终止后才会出具调解终结告知书');
    const fileName = `调解终结告知书-${c.number}.pdf`;
    // A case the mediator moved to 调解不成 by hand (the case page) has no termination row yet.
    const t =
      (await this.ctx.db.mediationTermination.findUnique({ where: { caseId } })) ??
      (await this.ctx.db.mediationTermination.upsert({
        where: { caseId },
        create: { caseId, endedBy: 'mediator', reason: '经调解，双方未能达成调解协议', endedAt: c.updatedAt },
        update: {},
      }));
    if (t.noticePdf) return { bytes: Buffer.from(t.noticePdf), fileName };
    if (!c.org.sealPng) throw new DomainError('SEAL_MISSING');
    const parties = c.participants
      .filter((p) => p.role === 'APPLICANT' || p.role === 'RESPONDENT')
      .sort((a, b) => a.side.localeCompare(b.side))
      .map((p) => `${labelOf(PARTICIPANT_ROLES, p.role)}${p.name}`);
    const endedDate = todayInChina(t.endedAt);
    const rendered = renderCourtDocument(this.templates.court('termination-notice'), {
      parties: [],
      values: {
        orgName: c.org.name,
        caseNumber: c.number,
        partyNames: parties.join('、'),
        disputeName: labelOf(DISPUTE_TYPES, c.disputeType),
        acceptedDate: todayInChina(c.createdAt),
        endReason: t.reason,
        endedDate,
      },
    });
    if (rendered.unfilled.length) throw new DomainError('DOCUMENT_INCOMPLETE', `告知书缺少：${rendered.unfilled.join('、')}`);
    const { bytes, pages, sha256 } = await issueOrgDocument({
      rendered,
      orgName: c.org.name,
      caseNumber: c.number,
      seal: c.org.sealPng,
      sealDate: endedDate,
      signingTime: t.endedAt,
      identity: this.identity,
    });
    await this.ctx.db.$transaction(async (tx) => {
      const { count } = await tx.mediationTermination.updateMany({ where: { id: t.id, noticePdf: null }, data: { noticePdf: dbBytes(bytes) } });
      if (count === 1)
        await appendAudit(tx, { type: 'system', label: '系统' }, caseId, { type: 'TERMINATION_NOTICE_ISSUED', data: { pdfSha256: sha256, pages } });
    });
    // Whoever stored first wins: everyone gets the same file.
    const stored = await this.ctx.db.mediationTermination.findUniqueOrThrow({ where: { id: t.id }, select: { noticePdf: true } });
    return { bytes: Buffer.from(stored.noticePdf!), fileName };
  }
}
