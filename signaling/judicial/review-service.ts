// The judge's desk for one court: the queue (待受理 → 已受理 with a 民特 number → 审查中 →
// 已确认 / 驳回), the review material — the agreement PDF with our verifier's result against the
// issued record, and what the audit trail says about attendance, identity, consent, caucus time,
// per-clause acceptance and the affirmations — the review-grounds checklist and notes, and the
// decision: a 民事裁定书 from its template, sealed with the court's certificate, stored, shown
// on every party's link page; the case status follows. A judge of another court sees nothing.
import { deviceOf, environmentDigest } from '../signing/audit-certificate.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appendAudit, type Actor } from '../audit/log.ts';
import { transitionCase } from '../cases/case-transitions.ts';
import type { Static } from '@sinclair/typebox';
import { asParticipantRole, asSide } from '../domain/vocabulary.ts';
import { asApplicationStatus, type JudgeApplicationDetail, type JudgeApplicationSummary } from './schemas.ts';
import { materialsDir } from './materials.ts';
import { courtValuesFromAgreement } from '../agreement/court.ts';
import { todayInChina } from '../agreement/dates.ts';
import { AgreementSnapshotSchema } from '../agreement/document.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';
import { PdfVerifier } from '../signing/pdf-verifier.ts';
import { partyActor } from '../audit/actors.ts';
import type { Tx } from '../db.ts';
import type { CourtCalendar } from './court-calendar.ts';
import type { CourtDocuments } from './court-documents.ts';
import { groundOf, loadJudicialGrounds, type LegalGround } from './court-rules.ts';

/** Decide on acceptance within 3 days of receiving the application (GD art. 4). */
export const ACCEPT_WITHIN_DAYS = 3;

/** A ground as the ruling states it: 该调解协议属于“内容不明确的”情形：…. */
function groundReason(ground: LegalGround, explanation: string | undefined): string {
  const why = explanation?.trim();
  return `该调解协议属于“${ground.label}”情形${why ? `：${why}` : ''}`;
}

/** 2026年3月8日10时00分, China time. */
function chinaClock(at: Date): string {
  const d = new Date(at.getTime() + 8 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日${pad(d.getUTCHours())}时${pad(d.getUTCMinutes())}分`;
}

/** The law-derived grounds (court-rules/judicial-grounds.json): review checklist, 不予受理 and 驳回 grounds. */
const GROUNDS = loadJudicialGrounds();
export const REVIEW_GROUNDS = GROUNDS.review;
export type GroundKey = string;

/** How long the court has to decide after accepting (GD art. 5), counted as MS 85 counts, the clock stopped while materials are awaited. */
export const REVIEW_DAYS = 15;

const STATUS_LABEL: Record<string, string> = {
  SUBMITTED: '待受理',
  ACCEPTED: '已受理',
  REVIEWING: '审查中',
  CONFIRMED: '已确认',
  DISMISSED: '驳回',
  REFUSED: '不予受理',
  WITHDRAWN: '准许撤回',
};
const OPEN = ['ACCEPTED', 'REVIEWING'];

const judgeActor = (j: StaffPrincipal): Actor => ({ type: 'user', id: j.id, label: `${j.displayName}（法官）` });

type RulingService = Static<typeof JudgeApplicationSummary>['service'][number];
type Application = Awaited<ReturnType<JudicialReviewService['own']>>;

export class JudicialReviewService {
  /** The agreement PDF is checked off the event loop (pdf-verifier.ts). */
  readonly #verifier = new PdfVerifier();

  constructor(
    private readonly ctx: AppContext,
    /** The org identity's root, to check an agreement PDF was sealed by us. */
    private readonly orgRoot: string,
    private readonly calendar: CourtCalendar,
    private readonly documents: CourtDocuments,
  ) {}

  async queue(judge: StaffPrincipal) {
    const rows = await this.ctx.db.judicialApplication.findMany({
      where: { courtId: courtOf(judge), status: { not: 'DRAFT' } },
      include: { case: true, court: true },
      orderBy: { submittedAt: 'asc' },
    });
    const service = await this.#service(rows.map((a) => a.id));
    return Promise.all(rows.map(async (a) => this.#summary(a, service.get(a.id) ?? [], await this.documents.list(a.id))));
  }

  /** Everything the review screen shows. */
  async detail(judge: StaffPrincipal, id: string): Promise<Static<typeof JudgeApplicationDetail>> {
    const a = await this.own(judge, id);
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
      ...this.#summary(a, (await this.#service([a.id])).get(a.id) ?? [], await this.documents.list(a.id)),
      grounds: REVIEW_GROUNDS.map(({ key, label }) => ({ key, label })),
      refusalGrounds: GROUNDS.refusal.map(({ key, article, label }) => ({ key, article, label })),
      dismissalGrounds: GROUNDS.dismissal.map(({ key, article, label }) => ({ key, article, label })),
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
          ? ((sig) => ({
              signerName: sig.signerName,
              signerRole: sig.signerRole,
              identityMethod: sig.identityMethod,
              affirmation: sig.affirmation,
              signedAt: sig.signedAt.toISOString(),
              // The sealed signing record: what the parties' copies print only as a digest.
              ip: sig.ip,
              device: deviceOf(sig.userAgent),
              environmentDigest: environmentDigest(this.ctx.secrets.tokenKey, sig),
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

  /** The court's next 民特 number (（2026）内0204民特1号), in the caller's transaction. */
  async #nextNumber(tx: Tx, a: Application): Promise<string> {
    const year = Number(todayInChina(new Date()).slice(0, 4));
    const counter = await tx.courtCaseCounter.upsert({
      where: { courtId_year: { courtId: a.courtId, year } },
      create: { courtId: a.courtId, year, last: 1 },
      update: { last: { increment: 1 } },
    });
    return `（${year}）${a.court.code}民特${counter.last}号`;
  }

  /** The agreement as signed: its parties and the values court documents take from it. */
  async #agreement(a: Application) {
    const round = await this.ctx.db.signingRound.findFirstOrThrow({ where: { caseId: a.caseId, status: 'COMPLETED' } });
    const snapshot = AgreementSnapshotSchema.parse(JSON.parse(round.snapshot));
    return { parties: snapshot.parties, values: courtValuesFromAgreement(snapshot) };
  }

  /** 待受理 → 已受理 with the court's next 民特 number and a 受理通知书 served to the applicants (GD art. 4). */
  async accept(judge: StaffPrincipal, id: string) {
    const a = await this.own(judge, id);
    if (a.status !== 'SUBMITTED') throw new DomainError('APPLICATION_WRONG_STATE', '只有待受理的申请可以受理');
    const now = new Date();
    const { parties, values } = await this.#agreement(a);
    return this.ctx.db.$transaction(async (tx) => {
      const number = await this.#nextNumber(tx, a);
      const notice = await this.documents.make(
        a.court,
        { template: 'court-notice', variant: 'acceptance', title: '受理通知书', reasonNumber: number },
        parties,
        {
          ...values,
          court: a.court.name,
          caseNumber: number,
          applicationDate: todayInChina(a.submittedAt!),
          reviewDeadline: this.calendar.periodEnd(now, REVIEW_DAYS).lastDay,
          issueDate: todayInChina(now),
        },
        now,
      );
      const { count } = await tx.judicialApplication.updateMany({
        where: { id, status: 'SUBMITTED' },
        data: { status: 'ACCEPTED', courtCaseNumber: number, acceptedAt: now, judgeId: judge.id, judgeName: judge.displayName },
      });
      if (count !== 1) throw new DomainError('STALE_STATE', '申请状态已变化，请刷新后重试');
      await this.documents.store(tx, id, 'ACCEPTANCE_NOTICE', notice, { at: now });
      await appendAudit(tx, judgeActor(judge), a.caseId, {
        type: 'JUDICIAL_ACCEPTED',
        data: { applicationId: id, courtCaseNumber: number, court: a.court.name, noticeSha256: notice.sha256 },
      });
      return { courtCaseNumber: number };
    });
  }

  /** 不予受理 (解释 art. 355(1)) with its ground: a ruling under its own number; the case returns to 已签署. */
  async refuse(judge: StaffPrincipal, id: string, input: { ground: string; explanation?: string | undefined; clerk: string }) {
    const a = await this.own(judge, id);
    if (a.status !== 'SUBMITTED') throw new DomainError('APPLICATION_WRONG_STATE', '只有待受理的申请可以裁定不予受理');
    const ground = groundOf(GROUNDS.refusal, input.ground, '不予受理的理由');
    const now = new Date();
    const { parties, values } = await this.#agreement(a);
    await this.ctx.db.$transaction(async (tx) => {
      const number = await this.#nextNumber(tx, a);
      const ruling = await this.documents.make(
        a.court,
        { template: 'civil-ruling', variant: 'refuse', title: '民事裁定书', reasonNumber: number },
        parties,
        {
          ...values,
          ...this.#rulingValues(a, judge, input.clerk, now, number),
          dismissReason: groundReason(ground, input.explanation),
          groundArticle: `${GROUNDS.interpretation}${ground.article}`,
        },
        now,
      );
      const { count } = await tx.judicialApplication.updateMany({
        where: { id, status: 'SUBMITTED' },
        data: {
          status: 'REFUSED',
          courtCaseNumber: number,
          judgeId: judge.id,
          judgeName: judge.displayName,
          refusalGround: ground.key,
          decidedAt: now,
          decisionReason: groundReason(ground, input.explanation),
          rulingPdf: new Uint8Array(ruling.bytes),
          rulingSha256: ruling.sha256,
        },
      });
      if (count !== 1) throw new DomainError('STALE_STATE', '申请状态已变化，请刷新后重试');
      await this.documents.store(tx, id, 'REFUSAL_RULING', ruling, { at: now });
      await transitionCase(tx, {
        caseId: a.caseId,
        from: 'CONFIRMATION_REQUESTED',
        to: 'SIGNED',
        by: 'judicial',
        actor: judgeActor(judge),
        reason: `不予受理：${ground.label}`,
      });
      await appendAudit(tx, judgeActor(judge), a.caseId, {
        type: 'JUDICIAL_REFUSED',
        data: { applicationId: id, courtCaseNumber: number, ground: ground.key, article: ground.article, rulingSha256: ruling.sha256 },
      });
    });
  }

  /** 补充材料 (解释 art. 354(2), 356(2)): a notice with what is needed and by when; the review clock stops until the parties answer. */
  async requestMaterials(judge: StaffPrincipal, id: string, input: { materials: string; dueDays: number }) {
    const a = await this.own(judge, id);
    if (!OPEN.includes(a.status)) throw new DomainError('APPLICATION_WRONG_STATE', '只有已受理或审查中的申请可以要求补充材料');
    if (a.pausedSince) throw new DomainError('APPLICATION_WRONG_STATE', '已要求补充材料，尚待当事人提交');
    const now = new Date();
    const due = this.calendar.periodEnd(now, input.dueDays);
    const { parties, values } = await this.#agreement(a);
    const notice = await this.documents.make(
      a.court,
      { template: 'court-notice', variant: 'supplement', title: '补充材料通知书', reasonNumber: a.courtCaseNumber! },
      parties,
      { ...values, court: a.court.name, caseNumber: a.courtCaseNumber!, materials: input.materials.trim(), dueDate: due.lastDay, issueDate: todayInChina(now) },
      now,
    );
    await this.ctx.db.$transaction(async (tx) => {
      const { count } = await tx.judicialApplication.updateMany({ where: { id, pausedSince: null, status: { in: OPEN } }, data: { pausedSince: now } });
      if (count !== 1) throw new DomainError('STALE_STATE', '申请状态已变化，请刷新后重试');
      await this.documents.store(tx, id, 'SUPPLEMENT_REQUEST', notice, { at: now, dueAt: due.endsAt });
      await appendAudit(tx, judgeActor(judge), a.caseId, {
        type: 'JUDICIAL_MATERIALS_REQUESTED',
        data: { applicationId: id, dueDate: due.lastDay, noticeSha256: notice.sha256 },
      });
    });
    return { dueAt: due.endsAt.toISOString() };
  }

  /** A party says the requested materials are in (uploaded from its link): the review clock runs again. */
  async materialsSupplied(party: { id: string; name: string; caseId: string }) {
    await this.ctx.db.$transaction(async (tx) => {
      const a = await tx.judicialApplication.findUnique({ where: { caseId: party.caseId } });
      if (!a?.pausedSince) throw new DomainError('NOTHING_TO_CONFIRM', '法院没有要求补充材料');
      const now = new Date();
      await tx.judicialApplication.update({
        where: { id: a.id },
        data: { pausedSince: null, clockPausedMs: a.clockPausedMs + Math.max(0, now.getTime() - a.pausedSince.getTime()) },
      });
      await tx.judicialCourtDocument.updateMany({ where: { applicationId: a.id, kind: 'SUPPLEMENT_REQUEST', answeredAt: null }, data: { answeredAt: now } });
      await appendAudit(tx, partyActor(party), party.caseId, { type: 'JUDICIAL_MATERIALS_SUPPLIED', data: { applicationId: a.id, participantId: party.id } });
    });
  }

  /** A party asks to withdraw before the ruling (解释 art. 357(1)); the judge then rules on it. */
  async requestWithdrawal(party: { id: string; name: string; caseId: string }) {
    await this.ctx.db.$transaction(async (tx) => {
      const a = await tx.judicialApplication.findUnique({ where: { caseId: party.caseId } });
      if (!a || !['SUBMITTED', ...OPEN].includes(a.status)) throw new DomainError('APPLICATION_WRONG_STATE', '法院作出裁定前才能申请撤回');
      if (a.withdrawRequestedAt) throw new DomainError('APPLICATION_WRONG_STATE', '已申请撤回，等待法院裁定');
      await tx.judicialApplication.update({ where: { id: a.id }, data: { withdrawRequestedAt: new Date(), withdrawRequestedBy: party.id } });
      await appendAudit(tx, partyActor(party), party.caseId, { type: 'JUDICIAL_WITHDRAWAL_REQUESTED', data: { applicationId: a.id, participantId: party.id } });
    });
  }

  /**
   * 准许撤回 (解释 art. 357): on a party's request, or — art. 357(2) — when the parties let a request
   * for materials lapse. A ruling; the application ends and the case returns to 已签署.
   */
  async allowWithdrawal(judge: StaffPrincipal, id: string, input: { clerk: string }) {
    const a = await this.own(judge, id);
    if (!OPEN.includes(a.status)) throw new DomainError('APPLICATION_WRONG_STATE', '只有已受理或审查中的申请可以裁定准许撤回');
    const lapsed = a.pausedSince
      ? await this.ctx.db.judicialCourtDocument.findFirst({
          where: { applicationId: id, kind: 'SUPPLEMENT_REQUEST', answeredAt: null, dueAt: { lt: new Date() } },
        })
      : null;
    if (!a.withdrawRequestedAt && !lapsed) throw new DomainError('APPLICATION_WRONG_STATE', '当事人未申请撤回，也未逾期不补充材料');
    const now = new Date();
    const { parties, values } = await this.#agreement(a);
    const ruling = await this.documents.make(
      a.court,
      { template: 'civil-ruling', variant: 'withdraw', title: '民事裁定书', reasonNumber: a.courtCaseNumber! },
      parties,
      { ...values, ...this.#rulingValues(a, judge, input.clerk, now, a.courtCaseNumber!), withdrawDate: todayInChina(a.withdrawRequestedAt ?? lapsed!.dueAt!) },
      now,
    );
    await this.ctx.db.$transaction(async (tx) => {
      const { count } = await tx.judicialApplication.updateMany({
        where: { id, status: { in: OPEN } },
        data: { status: 'WITHDRAWN', decidedAt: now, pausedSince: null, rulingPdf: new Uint8Array(ruling.bytes), rulingSha256: ruling.sha256 },
      });
      if (count !== 1) throw new DomainError('STALE_STATE', '申请状态已变化，请刷新后重试');
      await this.documents.store(tx, id, 'WITHDRAWAL_RULING', ruling, { at: now });
      await transitionCase(tx, {
        caseId: a.caseId,
        from: 'CONFIRMATION_REQUESTED',
        to: 'SIGNED',
        by: 'judicial',
        actor: judgeActor(judge),
        reason: '准许撤回司法确认申请',
      });
      await appendAudit(tx, judgeActor(judge), a.caseId, {
        type: 'JUDICIAL_WITHDRAWN',
        data: { applicationId: id, courtCaseNumber: a.courtCaseNumber!, lapsed: !a.withdrawRequestedAt, rulingSha256: ruling.sha256 },
      });
    });
  }

  /** 询问笔录 (解释 art. 356): the judge questions the parties together and records it; the minutes are sealed and served. */
  async recordQuestioning(judge: StaffPrincipal, id: string, input: { startedAt: string; endedAt: string; place: string; record: string; clerk: string }) {
    const a = await this.own(judge, id);
    if (!OPEN.includes(a.status)) throw new DomainError('APPLICATION_WRONG_STATE', '只有已受理或审查中的申请可以记录询问笔录');
    const from = new Date(input.startedAt);
    const to = new Date(input.endedAt);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to < from) throw new DomainError('VALIDATION', '请填写正确的询问起止时间');
    const now = new Date();
    const { parties, values } = await this.#agreement(a);
    const minutes = await this.documents.make(
      a.court,
      { template: 'questioning-minutes', title: '询问笔录', reasonNumber: a.courtCaseNumber! },
      parties,
      {
        ...values,
        court: a.court.name,
        caseNumber: a.courtCaseNumber!,
        time: `${chinaClock(from)}至${chinaClock(to).replace(/^.*日/, '')}`,
        place: input.place.trim(),
        judge: judge.displayName,
        clerk: input.clerk.trim(),
        record: input.record.trim(),
      },
      now,
    );
    await this.ctx.db.$transaction(async (tx) => {
      await this.documents.store(tx, id, 'QUESTIONING_MINUTES', minutes, { at: now });
      await appendAudit(tx, judgeActor(judge), a.caseId, { type: 'JUDICIAL_QUESTIONED', data: { applicationId: id, minutesSha256: minutes.sha256 } });
    });
    return { sha256: minutes.sha256 };
  }

  /** 已受理 → 审查中. */
  async startReview(judge: StaffPrincipal, id: string) {
    const a = await this.own(judge, id);
    if (a.status !== 'ACCEPTED') throw new DomainError('APPLICATION_WRONG_STATE', '请先受理该申请');
    await this.ctx.db.$transaction(async (tx) => {
      await tx.judicialApplication.update({ where: { id }, data: { status: 'REVIEWING' } });
      await appendAudit(tx, judgeActor(judge), a.caseId, { type: 'JUDICIAL_REVIEW_STARTED', data: { applicationId: id } });
    });
  }

  async saveReview(judge: StaffPrincipal, id: string, input: { checklist: Partial<Record<GroundKey, boolean>>; notes: string }) {
    const a = await this.own(judge, id);
    if (a.status !== 'REVIEWING') throw new DomainError('APPLICATION_WRONG_STATE', '只有审查中的申请可以记录审查意见');
    const unknown = Object.keys(input.checklist).filter((k) => !REVIEW_GROUNDS.some((g) => g.key === k));
    if (unknown.length) throw new DomainError('VALIDATION', `未知的审查事项：${unknown.join('、')}`);
    await this.ctx.db.judicialApplication.update({ where: { id }, data: { checklist: JSON.stringify(input.checklist), reviewNotes: input.notes } });
  }

  #rulingValues(a: Application, judge: StaffPrincipal, clerk: string, now: Date, number: string): Record<string, string> {
    return {
      court: a.court.name,
      caseNumber: number,
      applicationDate: todayInChina(a.submittedAt!),
      agreementDate: todayInChina(a.effectiveAt),
      judge: judge.displayName,
      rulingDate: todayInChina(now),
      clerk: clerk.trim(),
    };
  }

  /**
   * Confirm (every ground checked; the ruling states the performance terms, MS 206) or dismiss with
   * a ground from the data (解释 art. 358 items, or art. 355(2)) — then the 民事裁定书, served.
   */
  async decide(
    judge: StaffPrincipal,
    id: string,
    input: { decision: 'confirm' | 'dismiss'; ground?: string | undefined; explanation?: string | undefined; clerk: string },
  ) {
    const a = await this.own(judge, id);
    if (a.status !== 'REVIEWING') throw new DomainError('APPLICATION_WRONG_STATE', '只有审查中的申请可以作出裁定');
    if (a.pausedSince) throw new DomainError('APPLICATION_WRONG_STATE', '正在等待当事人补充材料');
    const checklist = a.checklist ? (JSON.parse(a.checklist) as Record<string, boolean>) : {};
    let ground: LegalGround | null = null;
    if (input.decision === 'confirm') {
      const open = REVIEW_GROUNDS.filter((g) => checklist[g.key] !== true);
      if (open.length) throw new DomainError('REVIEW_INCOMPLETE', `确认有效前请逐项审查：${open.map((g) => g.label).join('；')}`);
    } else {
      ground = groundOf(GROUNDS.dismissal, input.ground ?? '', '驳回的理由');
      if (ground.needsExplanation && !input.explanation?.trim()) throw new DomainError('VALIDATION', `“${ground.label}”须写明具体理由`);
    }
    const now = new Date();
    const { parties, values } = await this.#agreement(a);
    const reason = ground ? groundReason(ground, input.explanation) : null;
    const ruling = await this.documents.make(
      a.court,
      { template: 'civil-ruling', variant: input.decision, title: '民事裁定书', reasonNumber: a.courtCaseNumber! },
      parties,
      {
        ...values,
        ...this.#rulingValues(a, judge, input.clerk, now, a.courtCaseNumber!),
        ...(ground && reason ? { dismissReason: reason, groundArticle: `${GROUNDS.interpretation}${ground.article}` } : {}),
      },
      now,
    );
    const status = input.decision === 'confirm' ? 'CONFIRMED' : 'DISMISSED';
    await this.ctx.db.$transaction(async (tx) => {
      const { count } = await tx.judicialApplication.updateMany({
        where: { id, status: 'REVIEWING' },
        data: {
          status,
          decidedAt: now,
          decisionReason: reason,
          dismissalGround: ground?.key ?? null,
          rulingPdf: new Uint8Array(ruling.bytes),
          rulingSha256: ruling.sha256,
        },
      });
      if (count !== 1) throw new DomainError('STALE_STATE', '申请状态已变化，请刷新后重试');
      await this.documents.store(tx, id, 'RULING', ruling, { at: now });
      await transitionCase(tx, {
        caseId: a.caseId,
        from: 'CONFIRMATION_REQUESTED',
        to: status,
        by: 'judicial',
        actor: judgeActor(judge),
        reason: input.decision === 'confirm' ? '裁定调解协议有效' : `裁定驳回申请：${ground!.label}`,
      });
      await appendAudit(tx, judgeActor(judge), a.caseId, {
        type: 'JUDICIAL_DECIDED',
        data: {
          applicationId: id,
          decision: input.decision,
          courtCaseNumber: a.courtCaseNumber!,
          rulingSha256: ruling.sha256,
          ...(ground ? { ground: ground.key, article: ground.article } : {}),
        },
      });
    });
    return { status, rulingSha256: ruling.sha256 };
  }

  /** An uploaded material of one of this court's applications: its bytes from data/uploads. */
  async material(judge: StaffPrincipal, id: string, materialId: string): Promise<{ bytes: Buffer; mime: string; displayName: string }> {
    const a = await this.own(judge, id);
    const m = await this.ctx.db.judicialMaterial.findFirst({ where: { id: materialId, applicationId: a.id } });
    if (!m) throw new DomainError('MATERIAL_NOT_FOUND', '材料不存在');
    return { bytes: Buffer.from(this.ctx.crypto.openBytes(readFileSync(path.join(materialsDir(this.ctx), m.id)))), mime: m.mime, displayName: m.displayName };
  }

  /** The case of one of this judge's court's applications. */
  async caseOf(judge: StaffPrincipal, id: string): Promise<string> {
    return (await this.own(judge, id)).caseId;
  }

  async agreementPdf(judge: StaffPrincipal, id: string): Promise<Buffer> {
    const a = await this.own(judge, id);
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
      clockPausedMs: number;
      pausedSince: Date | null;
      withdrawRequestedAt: Date | null;
      refusalGround: string | null;
      dismissalGround: string | null;
      case: { number: string; title: string };
      court: { name: string };
    },
    service: RulingService[],
    documents: Awaited<ReturnType<CourtDocuments['list']>>,
  ) {
    const now = Date.now();
    const acceptBy = a.submittedAt ? this.calendar.periodEnd(a.submittedAt, ACCEPT_WITHIN_DAYS).endsAt : null;
    // The review deadline runs from acceptance; the time spent waiting for materials is not counted.
    const paused = a.clockPausedMs + (a.pausedSince ? now - a.pausedSince.getTime() : 0);
    const reviewBy = a.acceptedAt ? new Date(this.calendar.periodEnd(a.acceptedAt, REVIEW_DAYS).endsAt.getTime() + paused) : null;
    const ground = [...GROUNDS.refusal, ...GROUNDS.dismissal].find((g) => g.key === (a.refusalGround ?? a.dismissalGround));
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
      appliedLate: a.submittedAt !== null && a.submittedAt.getTime() >= a.windowEndsAt.getTime(),
      acceptBy: acceptBy?.toISOString() ?? null,
      acceptOverdue: a.status === 'SUBMITTED' && acceptBy !== null && now > acceptBy.getTime(),
      acceptedAt: a.acceptedAt?.toISOString() ?? null,
      reviewBy: reviewBy && OPEN.includes(a.status) ? reviewBy.toISOString() : null,
      clockStopped: a.pausedSince !== null,
      withdrawRequestedAt: a.withdrawRequestedAt?.toISOString() ?? null,
      ground: ground ? { key: ground.key, article: ground.article, label: ground.label } : null,
      decidedAt: a.decidedAt?.toISOString() ?? null,
      service,
      documents,
    };
  }

  /** The application, if it is this judge's court's and submitted; otherwise it does not exist for them. */
  async own(judge: StaffPrincipal, id: string) {
    const a = await this.ctx.db.judicialApplication.findUnique({ where: { id }, include: { case: true, court: true } });
    if (!a || a.courtId !== courtOf(judge) || a.status === 'DRAFT') throw new DomainError('APPLICATION_NOT_FOUND', '申请不存在');
    return a;
  }
}

function courtOf(judge: StaffPrincipal): string {
  if (judge.role !== 'JUDGE' || !judge.courtId) throw new DomainError('JUDGE_WITHOUT_COURT', '您的账号未关联法院');
  return judge.courtId;
}
