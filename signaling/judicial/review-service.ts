// The judge's desk for one court: the queue (待受理 → 已受理 with a 民特 number → 审查中 →
// 已确认 / 驳回), the review material — the agreement PDF with our verifier's result against the
// issued record, and what the audit trail says about attendance, identity, consent, caucus time,
// per-clause acceptance and the affirmations — the review-grounds checklist and notes, and the
// decision: a 民事裁定书 from its template, sealed with the court's certificate, stored, shown
// on every party's link page; the case status follows. A judge of another court sees nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appendAudit, type Actor } from '../audit/log.ts';
import { transitionCase } from '../cases/case-transitions.ts';
import type { Static } from '@sinclair/typebox';
import { asParticipantRole, asSide } from '../domain/vocabulary.ts';
import { asApplicationStatus, type JudgeApplicationDetail, type JudgeApplicationSummary } from './schemas.ts';
import { materialsDir } from './materials.ts';
import { courtValuesFromAgreement, renderCourtDocument } from '../agreement/court.ts';
import { todayInChina } from '../agreement/dates.ts';
import { AgreementSnapshotSchema } from '../agreement/document.ts';
import type { TemplateCatalog } from '../agreement/template-schema.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';
import { composeCourtDocumentPdf } from '../signing/court-document-pdf.ts';
import type { SigningIdentity } from '../signing/org-identity.ts';
import { sealPdf } from '../signing/pades.ts';
import { PdfVerifier } from '../signing/pdf-verifier.ts';

const DAY_MS = 24 * 3600_000;
export const ACCEPT_WITHIN_DAYS = 3;

/** The grounds a judge checks (民事诉讼法 art. 205–206; 最高法司法确认规定). */
export const REVIEW_GROUNDS = [
  { key: 'LAWFUL', label: '不违反法律、行政法规的强制性规定' },
  { key: 'VOLUNTARY', label: '当事人自愿达成，意思表示真实' },
  { key: 'PUBLIC_INTEREST', label: '不损害国家利益、社会公共利益' },
  { key: 'THIRD_PARTY', label: '不损害案外人的合法权益' },
  { key: 'CLEAR', label: '内容明确，具有可执行性' },
  { key: 'NO_PERSONAL_STATUS', label: '不涉及确认身份关系（婚姻、收养、继承等）' },
  { key: 'JURISDICTION', label: '本院有管辖权，且在法定期限内申请' },
] as const;
export type GroundKey = (typeof REVIEW_GROUNDS)[number]['key'];

const STATUS_LABEL: Record<string, string> = { SUBMITTED: '待受理', ACCEPTED: '已受理', REVIEWING: '审查中', CONFIRMED: '已确认', DISMISSED: '驳回' };

const judgeActor = (j: StaffPrincipal): Actor => ({ type: 'user', id: j.id, label: `${j.displayName}（法官）` });

type RulingService = Static<typeof JudgeApplicationSummary>['service'][number];

export class JudicialReviewService {
  /** The agreement PDF is checked off the event loop (pdf-verifier.ts). */
  readonly #verifier = new PdfVerifier();

  constructor(
    private readonly ctx: AppContext,
    private readonly templates: TemplateCatalog,
    /** The org identity's root, to check an agreement PDF was sealed by us. */
    private readonly orgRoot: string,
    private readonly courtIdentity: (court: { id: string; name: string }) => SigningIdentity,
  ) {}

  async queue(judge: StaffPrincipal) {
    const rows = await this.ctx.db.judicialApplication.findMany({
      where: { courtId: courtOf(judge), status: { not: 'DRAFT' } },
      include: { case: true, court: true },
      orderBy: { submittedAt: 'asc' },
    });
    const service = await this.#service(rows.map((a) => a.id));
    return rows.map((a) => this.#summary(a, service.get(a.id) ?? []));
  }

  /** Everything the review screen shows. */
  async detail(judge: StaffPrincipal, id: string): Promise<Static<typeof JudgeApplicationDetail>> {
    const a = await this.#own(judge, id);
    const round = await this.ctx.db.signingRound.findFirst({
      where: { caseId: a.caseId, status: 'COMPLETED' },
      include: { signatures: { orderBy: { signedAt: 'asc' } }, consents: true },
    });
    const pdf = round?.pdf ? Buffer.from(round.pdf) : null;
    const verdict = pdf ? await this.#verifier.verify(pdf, { pinnedRoots: [this.orgRoot] }) : null;
    const audit = await this.ctx.db.auditEntry.findMany({ where: { caseId: a.caseId }, orderBy: { seq: 'asc' } });
    const participants = await this.ctx.db.participant.findMany({ where: { caseId: a.caseId }, orderBy: { createdAt: 'asc' } });
    const of = (type: string) =>
      audit.filter((e) => e.type === type).map((e) => ({ at: e.at.toISOString(), data: JSON.parse(e.data) as Record<string, unknown> }));
    const caucus = { A: 0, B: 0 };
    for (const e of of('CAUCUS_ENDED'))
      for (const side of (e.data.sides as string[] | undefined) ?? []) if (side === 'A' || side === 'B') caucus[side] += Number(e.data.durationSec ?? 0);
    const joins = of('ROOM_JOINED');
    const ends = of('ROOM_ENDED');
    const totalSec = joins.length && ends.length ? Math.max(0, Math.round((Date.parse(ends.at(-1)!.at) - Date.parse(joins[0]!.at)) / 1000)) : null;
    const clauseCount = round ? (JSON.parse(round.clauseHashes) as unknown[]).length : 0;
    return {
      ...this.#summary(a, (await this.#service([a.id])).get(a.id) ?? []),
      grounds: REVIEW_GROUNDS.map(({ key, label }) => ({ key, label })),
      checklist: a.checklist ? (JSON.parse(a.checklist) as Record<string, boolean>) : {},
      notes: a.reviewNotes ?? '',
      integrity: verdict && {
        valid: verdict.valid,
        sealedByUs: verdict.trustedRoot === true,
        matchesIssued: verdict.documentSha256 === round!.pdfSha256,
        problems: verdict.problems,
        signerName: verdict.signerName,
        signingTime: verdict.signingTime,
        documentSha256: verdict.documentSha256,
        contentSha256: round!.contentSha256,
      },
      parties: participants.map((p) => ({
        id: p.id,
        name: p.name,
        role: asParticipantRole(p.role),
        side: asSide(p.side),
        identityConfirmedAt: p.identityConfirmedAt?.toISOString() ?? null,
        consentToOnlineAt: p.consentAt?.toISOString() ?? null,
        attended: joins.some((j) => j.data.peerId === p.id || j.data.participantId === p.id),
        clausesAccepted: round ? round.consents.filter((c) => c.participantId === p.id).length : 0,
        clauses: clauseCount,
        signature: round?.signatures.find((s) => s.participantId === p.id)
          ? (({ signerName, signerRole, identityMethod, affirmation, signedAt, ip }) => ({
              signerName,
              signerRole,
              identityMethod,
              affirmation,
              signedAt: signedAt.toISOString(),
              ip,
            }))(round.signatures.find((s) => s.participantId === p.id)!)
          : null,
      })),
      session: {
        joins: joins.length,
        totalSec,
        jointSec: totalSec === null ? null : Math.max(0, totalSec - caucus.A - caucus.B),
        caucusSecA: caucus.A,
        caucusSecB: caucus.B,
      },
      applicants: (await this.ctx.db.judicialApplicant.findMany({ where: { applicationId: a.id } })).map((x) => ({
        participantId: x.participantId,
        how: x.how,
        serviceAddress: x.serviceAddress,
        phone: x.phone,
        at: x.at.toISOString(),
      })),
      materials: (await this.ctx.db.judicialMaterial.findMany({ where: { applicationId: a.id }, orderBy: { uploadedAt: 'asc' } })).map((m) => ({
        id: m.id,
        participantId: m.participantId,
        kind: m.kind,
        displayName: m.displayName,
        mime: m.mime,
        bytes: m.bytes,
      })),
    };
  }

  /** 待受理 → 已受理 with the court's next 民特 number. */
  async accept(judge: StaffPrincipal, id: string) {
    const a = await this.#own(judge, id);
    if (a.status !== 'SUBMITTED') throw new DomainError('APPLICATION_WRONG_STATE', '只有待受理的申请可以受理');
    const year = Number(todayInChina(new Date()).slice(0, 4));
    return this.ctx.db.$transaction(async (tx) => {
      const counter = await tx.courtCaseCounter.upsert({
        where: { courtId_year: { courtId: a.courtId, year } },
        create: { courtId: a.courtId, year, last: 1 },
        update: { last: { increment: 1 } },
      });
      const number = `（${year}）${a.court.code}民特${counter.last}号`;
      const { count } = await tx.judicialApplication.updateMany({
        where: { id, status: 'SUBMITTED' },
        data: { status: 'ACCEPTED', courtCaseNumber: number, acceptedAt: new Date(), judgeId: judge.id, judgeName: judge.displayName },
      });
      if (count !== 1) throw new DomainError('STALE_STATE', '申请状态已变化，请刷新后重试');
      await appendAudit(tx, judgeActor(judge), a.caseId, {
        type: 'JUDICIAL_ACCEPTED',
        data: { applicationId: id, courtCaseNumber: number, court: a.court.name },
      });
      return { courtCaseNumber: number };
    });
  }

  /** 已受理 → 审查中. */
  async startReview(judge: StaffPrincipal, id: string) {
    const a = await this.#own(judge, id);
    if (a.status !== 'ACCEPTED') throw new DomainError('APPLICATION_WRONG_STATE', '请先受理该申请');
    await this.ctx.db.$transaction(async (tx) => {
      await tx.judicialApplication.update({ where: { id }, data: { status: 'REVIEWING' } });
      await appendAudit(tx, judgeActor(judge), a.caseId, { type: 'JUDICIAL_REVIEW_STARTED', data: { applicationId: id } });
    });
  }

  async saveReview(judge: StaffPrincipal, id: string, input: { checklist: Partial<Record<GroundKey, boolean>>; notes: string }) {
    const a = await this.#own(judge, id);
    if (a.status !== 'REVIEWING') throw new DomainError('APPLICATION_WRONG_STATE', '只有审查中的申请可以记录审查意见');
    const unknown = Object.keys(input.checklist).filter((k) => !REVIEW_GROUNDS.some((g) => g.key === k));
    if (unknown.length) throw new DomainError('VALIDATION', `未知的审查事项：${unknown.join('、')}`);
    await this.ctx.db.judicialApplication.update({ where: { id }, data: { checklist: JSON.stringify(input.checklist), reviewNotes: input.notes } });
  }

  /** Confirm (every ground checked) or dismiss (with the reason), then the 民事裁定书. */
  async decide(judge: StaffPrincipal, id: string, input: { decision: 'confirm' | 'dismiss'; reason?: string | undefined; clerk: string }) {
    const a = await this.#own(judge, id);
    if (a.status !== 'REVIEWING') throw new DomainError('APPLICATION_WRONG_STATE', '只有审查中的申请可以作出裁定');
    const checklist = a.checklist ? (JSON.parse(a.checklist) as Record<string, boolean>) : {};
    if (input.decision === 'confirm') {
      const open = REVIEW_GROUNDS.filter((g) => checklist[g.key] !== true);
      if (open.length) throw new DomainError('REVIEW_INCOMPLETE', `确认有效前请逐项审查：${open.map((g) => g.label).join('；')}`);
    } else if (!input.reason?.trim()) {
      throw new DomainError('VALIDATION', '驳回申请须写明理由');
    }
    const round = await this.ctx.db.signingRound.findFirstOrThrow({ where: { caseId: a.caseId, status: 'COMPLETED' } });
    const snapshot = AgreementSnapshotSchema.parse(JSON.parse(round.snapshot));
    const now = new Date();
    const template = this.templates.court('civil-ruling');
    const values: Record<string, string> = {
      ...courtValuesFromAgreement(snapshot),
      court: a.court.name,
      caseNumber: a.courtCaseNumber!,
      applicationDate: todayInChina(a.submittedAt!),
      agreementDate: todayInChina(a.effectiveAt),
      judge: judge.displayName,
      rulingDate: todayInChina(now),
      clerk: input.clerk,
      ...(input.reason ? { dismissReason: input.reason.trim() } : {}),
    };
    const rendered = renderCourtDocument(template, { parties: snapshot.parties, values }, { variant: input.decision });
    if (rendered.unfilled.length) throw new DomainError('DOCUMENT_INCOMPLETE', `裁定书缺少：${rendered.unfilled.join('、')}`);
    const { doc } = await composeCourtDocumentPdf(rendered, { author: a.court.name, date: now });
    const pdf = await sealPdf(doc, this.courtIdentity(a.court), {
      reason: `民事裁定书 ${a.courtCaseNumber}`,
      location: a.court.name,
      contactInfo: a.court.name,
      signingTime: now,
    });
    const status = input.decision === 'confirm' ? 'CONFIRMED' : 'DISMISSED';
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    await this.ctx.db.$transaction(async (tx) => {
      const { count } = await tx.judicialApplication.updateMany({
        where: { id, status: 'REVIEWING' },
        data: { status, decidedAt: now, decisionReason: input.reason?.trim() ?? null, rulingPdf: Buffer.from(pdf), rulingSha256: sha256 },
      });
      if (count !== 1) throw new DomainError('STALE_STATE', '申请状态已变化，请刷新后重试');
      await transitionCase(tx, {
        caseId: a.caseId,
        from: 'CONFIRMATION_REQUESTED',
        to: status,
        by: 'judicial',
        actor: judgeActor(judge),
        reason: input.decision === 'confirm' ? '裁定调解协议有效' : '裁定驳回申请',
      });
      await appendAudit(tx, judgeActor(judge), a.caseId, {
        type: 'JUDICIAL_DECIDED',
        data: {
          applicationId: id,
          decision: input.decision,
          courtCaseNumber: a.courtCaseNumber!,
          rulingSha256: sha256,
          ...(input.reason ? { reason: input.reason.trim() } : {}),
        },
      });
    });
    return { status, rulingSha256: sha256 };
  }

  /** An uploaded material of one of this court's applications: its bytes from data/uploads. */
  async material(judge: StaffPrincipal, id: string, materialId: string): Promise<{ bytes: Buffer; mime: string; displayName: string }> {
    const a = await this.#own(judge, id);
    const m = await this.ctx.db.judicialMaterial.findFirst({ where: { id: materialId, applicationId: a.id } });
    if (!m) throw new DomainError('MATERIAL_NOT_FOUND', '材料不存在');
    return { bytes: Buffer.from(this.ctx.crypto.openBytes(readFileSync(path.join(materialsDir(this.ctx), m.id)))), mime: m.mime, displayName: m.displayName };
  }

  /** The case of one of this judge's court's applications. */
  async caseOf(judge: StaffPrincipal, id: string): Promise<string> {
    return (await this.#own(judge, id)).caseId;
  }

  async agreementPdf(judge: StaffPrincipal, id: string): Promise<Buffer> {
    const a = await this.#own(judge, id);
    const round = await this.ctx.db.signingRound.findFirst({ where: { caseId: a.caseId, status: 'COMPLETED' } });
    if (!round?.pdf) throw new DomainError('DOCUMENT_NOT_READY', '协议书不存在');
    return Buffer.from(round.pdf);
  }

  /** Per application: whether each applying party has been served the ruling (its first download from its link). */
  async #service(applicationIds: string[]): Promise<Map<string, RulingService[]>> {
    const applicants = await this.ctx.db.judicialApplicant.findMany({ where: { applicationId: { in: applicationIds } }, orderBy: { at: 'asc' } });
    const names = new Map(
      (await this.ctx.db.participant.findMany({ where: { id: { in: applicants.map((x) => x.participantId) } }, select: { id: true, name: true } })).map((p) => [
        p.id,
        p.name,
      ]),
    );
    const byApplication = new Map<string, RulingService[]>();
    for (const x of applicants) {
      const list = byApplication.get(x.applicationId) ?? [];
      list.push({ participantId: x.participantId, name: names.get(x.participantId) ?? '', servedAt: x.rulingServedAt?.toISOString() ?? null });
      byApplication.set(x.applicationId, list);
    }
    return byApplication;
  }

  #summary(
    a: {
      id: string;
      caseId: string;
      status: string;
      submittedAt: Date | null;
      acceptedAt: Date | null;
      courtCaseNumber: string | null;
      windowEndsAt: Date;
      decidedAt: Date | null;
      case: { number: string; title: string };
      court: { name: string };
    },
    service: RulingService[],
  ) {
    const acceptBy = a.submittedAt ? new Date(a.submittedAt.getTime() + ACCEPT_WITHIN_DAYS * DAY_MS) : null;
    return {
      id: a.id,
      caseId: a.caseId,
      status: asApplicationStatus(a.status),
      statusLabel: STATUS_LABEL[a.status] ?? a.status,
      caseNumber: a.case.number,
      title: a.case.title,
      court: a.court.name,
      courtCaseNumber: a.courtCaseNumber,
      submittedAt: a.submittedAt?.toISOString() ?? null,
      acceptBy: acceptBy?.toISOString() ?? null,
      acceptOverdue: a.status === 'SUBMITTED' && acceptBy !== null && Date.now() > acceptBy.getTime(),
      acceptedAt: a.acceptedAt?.toISOString() ?? null,
      decidedAt: a.decidedAt?.toISOString() ?? null,
      service,
    };
  }

  /** The application, if it is this judge's court's and submitted; otherwise it does not exist for them. */
  async #own(judge: StaffPrincipal, id: string) {
    const a = await this.ctx.db.judicialApplication.findUnique({ where: { id }, include: { case: true, court: true } });
    if (!a || a.courtId !== courtOf(judge) || a.status === 'DRAFT') throw new DomainError('APPLICATION_NOT_FOUND', '申请不存在');
    return a;
  }
}

function courtOf(judge: StaffPrincipal): string {
  if (judge.role !== 'JUDGE' || !judge.courtId) throw new DomainError('JUDGE_WITHOUT_COURT', '您的账号未关联法院');
  return judge.courtId;
}
