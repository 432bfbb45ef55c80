// The documents a court issues in a judicial-confirmation application (受理通知书, 补充材料通知书,
// 不予受理 / 准许撤回 / 确认 / 驳回 裁定, 询问笔录): made from their templates, sealed with the
// court's certificate (its 院印), stored, and served (送达, MS art. 90): electronically — through
// the party's own link — only to applicants who consented in their 送达地址确认书; the others are
// recorded as needing service by other means. Opening a document from one's link is the receipt.
import { createHash } from 'node:crypto';
import { appendAudit } from '../audit/log.ts';
import { partyActor } from '../audit/actors.ts';
import { renderCourtDocument } from '../agreement/court.ts';
import type { PartySnapshot } from '../agreement/document.ts';
import type { CourtDocumentKind, TemplateCatalog } from '../agreement/template-schema.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db.ts';
import { DomainError } from '../errors.ts';
import { composeCourtDocumentPdf } from '../signing/court-document-pdf.ts';
import type { SigningIdentity } from '../signing/org-identity.ts';
import { sealPdf } from '../signing/pades.ts';

export const COURT_DOCUMENT_TITLES = {
  ACCEPTANCE_NOTICE: '受理通知书',
  SUPPLEMENT_REQUEST: '补充材料通知书',
  REFUSAL_RULING: '民事裁定书（不予受理）',
  WITHDRAWAL_RULING: '民事裁定书（准许撤回）',
  QUESTIONING_MINUTES: '询问笔录',
  RULING: '民事裁定书',
} as const;
export type CourtDocumentType = keyof typeof COURT_DOCUMENT_TITLES;

export interface Sealed {
  bytes: Buffer;
  sha256: string;
}

export class CourtDocuments {
  constructor(
    private readonly ctx: AppContext,
    private readonly templates: TemplateCatalog,
    private readonly courtIdentity: (court: { id: string; name: string; code: string }) => SigningIdentity,
  ) {}

  /** Renders a court template and seals it with the court's certificate. Missing values are refused, never printed blank. */
  async make(
    court: { id: string; name: string; code: string },
    what: { template: CourtDocumentKind; variant?: string; title: string; reasonNumber: string },
    parties: PartySnapshot[],
    values: Record<string, string>,
    at: Date,
  ): Promise<Sealed> {
    const rendered = renderCourtDocument(this.templates.court(what.template), { parties, values }, what.variant ? { variant: what.variant } : {});
    if (rendered.unfilled.length) throw new DomainError('DOCUMENT_INCOMPLETE', `${what.title}缺少：${rendered.unfilled.join('、')}`);
    const { doc } = await composeCourtDocumentPdf(rendered, { author: court.name, date: at });
    const bytes = Buffer.from(
      await sealPdf(doc, this.courtIdentity(court), {
        reason: `${what.title} ${what.reasonNumber}`,
        location: court.name,
        contactInfo: court.name,
        signingTime: at,
      }),
    );
    return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  /** Stores an issued document and records its service to each applicant, in the caller's transaction. */
  async store(tx: Tx, applicationId: string, type: CourtDocumentType, sealed: Sealed, extra: { dueAt?: Date; at: Date }): Promise<string> {
    const d = await tx.judicialCourtDocument.create({
      data: {
        applicationId,
        kind: type,
        title: COURT_DOCUMENT_TITLES[type],
        pdf: new Uint8Array(sealed.bytes),
        sha256: sealed.sha256,
        issuedAt: extra.at,
        ...(extra.dueAt ? { dueAt: extra.dueAt } : {}),
      },
    });
    const applicants = await tx.judicialApplicant.findMany({ where: { applicationId } });
    for (const x of applicants) {
      await tx.judicialService.create({
        data: {
          documentId: d.id,
          participantId: x.participantId,
          channel: x.electronicService ? 'electronic' : 'none',
          sentAt: x.electronicService ? extra.at : null,
        },
      });
    }
    return d.id;
  }

  /**
   * A party opens a court document from its own link: the first opening is the receipt (送达回证 of
   * electronic service). Only a party that consented to electronic service is served this way.
   */
  async open(caseId: string, documentId: string, party: { id: string; name: string } | null): Promise<{ bytes: Buffer; title: string; kind: string }> {
    const d = await this.ctx.db.judicialCourtDocument.findFirst({ where: { id: documentId, application: { caseId } } });
    if (!d) throw new DomainError('DOCUMENT_NOT_READY', '文书不存在');
    if (party)
      await this.ctx.db.$transaction(async (tx) => {
        const { count } = await tx.judicialService.updateMany({
          where: { documentId: d.id, participantId: party.id, channel: 'electronic', openedAt: null },
          data: { openedAt: new Date(), openedBy: party.name },
        });
        if (count === 1) {
          if (d.kind === 'RULING' || d.kind === 'REFUSAL_RULING' || d.kind === 'WITHDRAWAL_RULING')
            await tx.judicialApplicant.updateMany({
              where: { applicationId: d.applicationId, participantId: party.id, rulingServedAt: null },
              data: { rulingServedAt: new Date() },
            });
          await appendAudit(tx, partyActor(party), caseId, {
            type: 'JUDICIAL_DOCUMENT_SERVED',
            data: { applicationId: d.applicationId, documentId: d.id, kind: d.kind, participantId: party.id, name: party.name },
          });
        }
      });
    return { bytes: Buffer.from(d.pdf), title: d.title, kind: d.kind };
  }

  /** Every document of an application with its service per applicant (the judge's desk and the parties' page). */
  async list(applicationId: string) {
    const docs = await this.ctx.db.judicialCourtDocument.findMany({ where: { applicationId }, include: { services: true }, orderBy: { issuedAt: 'asc' } });
    const ids = [...new Set(docs.flatMap((d) => d.services.map((s) => s.participantId)))];
    const names = new Map(
      (await this.ctx.db.participant.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((p) => [p.id, p.name]),
    );
    return docs.map((d) => ({
      id: d.id,
      kind: d.kind,
      title: d.title,
      sha256: d.sha256,
      issuedAt: d.issuedAt.toISOString(),
      dueAt: d.dueAt?.toISOString() ?? null,
      answeredAt: d.answeredAt?.toISOString() ?? null,
      service: d.services.map((s) => ({
        participantId: s.participantId,
        name: names.get(s.participantId) ?? '',
        channel: s.channel === 'electronic' ? ('electronic' as const) : ('none' as const),
        sentAt: s.sentAt?.toISOString() ?? null,
        openedAt: s.openedAt?.toISOString() ?? null,
        openedBy: s.openedBy,
      })),
    }));
  }
}
