// 履行 (#16 item 1): the schedule of a signed case and what happens to each obligation.
//
//   derive    the mediator asks for a first schedule from the signed round's locked text (derive.ts);
//             it is a DRAFT: corrected, added to, removed from, then confirmed (audited each time)
//   confirm   from then on the Clock's steps run (tracker.ts) and the sides act from their links
//   receipt   the obligee confirms receiving (all or part) — a signed statement: name + ID digits,
//             a drawn signature and the affirmation, its digest bound to the issued agreement's
//             digest, appended to the record (an ObligationEvent and a hash-chained audit row); the
//             agreement and its signatures are not touched
//   proof     the obligor uploads a transfer slip or receipt (JPG/PNG/PDF by content, ≤ 10 MB, sealed
//             at rest in the event row)
//   record    the mediator records what the obligee said by phone or at the desk
//
// Each change and its audit row commit together. Only a case whose agreement was signed (已签署 or
// later) has a schedule.
import { createHash } from 'node:crypto';
import { AgreementSnapshotSchema } from '../../agreement/document-schema.ts';
import { formatAmount } from '../../agreement/money.ts';
import { partyActor, staffActor } from '../../audit/actors.ts';
import { appendAudit } from '../../audit/log.ts';
import type { AppContext, StaffPrincipal } from '../../context.ts';
import type { Tx } from '../../db.ts';
import type { Clock } from '../../deadlines/clock.ts';
import { idCheckDigits } from '../../domain/id-number.ts';
import {
  chinaDay,
  chinaDayStart,
  OBLIGATION_SIDE_LABELS,
  performanceStatus,
  type ObligationEventType,
  type ObligationKind,
  type ObligationSide,
  type PerformanceStatus,
} from '../../domain/performance-status.ts';
import { DomainError } from '../../errors.ts';
import { sniffMime, cleanDisplayName } from '../../judicial/materials.ts';
import { requireConsent } from '../../party/party-privacy.ts';
import { checkSignaturePng } from '../../signing/signature-image.ts';
import type { FollowUpPolicy } from '../policy.ts';
import { deriveSchedule } from './derive.ts';
import { renderRemedies } from './remedies.ts';
import type { PerformanceViewT } from './schemas.ts';

export const RECEIPT_AFFIRMATION = '本人确认已收到上述履行，所述属实';
export const MAX_PROOF_BYTES = 10 * 1024 * 1024;
/** Proofs per obligation (a slip per transfer; more is not a proof but a dump). */
export const MAX_PROOFS_PER_OBLIGATION = 10;
const SIGNED_STATUSES = new Set(['SIGNED', 'CONFIRMATION_REQUESTED', 'CONFIRMED', 'DISMISSED']);
const PARTY_ROLES = new Set(['APPLICANT', 'RESPONDENT', 'AGENT']);

type Party = { id: string; caseId: string; name: string; role: string; side: string; idNumber: string };

export interface ObligationInput {
  kind: ObligationKind;
  description: string;
  obligorSide: ObligationSide;
  obligeeSide: ObligationSide;
  /** Yuan, as typed (PAYMENT only). */
  amountFen: number | null;
  /** YYYY-MM-DD */
  dueDate: string;
}

const sha256 = (b: string | Uint8Array) => createHash('sha256').update(b).digest('hex');

/** "25000", "25,000.50", "2.5万" are for the agreement; here the form sends yuan with at most two decimals. */
export function yuanToFen(yuan: string): number {
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (!m) throw new DomainError('VALIDATION', '金额格式不正确，请填写如 25000 或 25000.50');
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen) || fen <= 0) throw new DomainError('VALIDATION', '金额应大于零');
  return fen;
}

export class PerformanceService {
  constructor(
    private readonly ctx: AppContext,
    private readonly clock: Clock,
    private readonly policy: FollowUpPolicy,
  ) {}

  async #signedCase(caseId: string) {
    const c = await this.ctx.db.case.findUniqueOrThrow({ where: { id: caseId }, select: { id: true, status: true, number: true } });
    if (!SIGNED_STATUSES.has(c.status)) throw new DomainError('PERFORMANCE_NOT_SIGNED');
    return c;
  }

  async #draft(tx: Tx, caseId: string) {
    const schedule = await tx.performanceSchedule.findUnique({ where: { caseId } });
    if (!schedule) throw new DomainError('SCHEDULE_NOT_DERIVED');
    if (schedule.status === 'CONFIRMED') throw new DomainError('SCHEDULE_CONFIRMED');
    return schedule;
  }

  /** A first schedule from the signed text (again, replacing the draft's obligations, while it is a draft). */
  async derive(caseId: string, user: StaffPrincipal): Promise<void> {
    await this.#signedCase(caseId);
    const round = await this.ctx.db.signingRound.findFirst({ where: { caseId, status: 'COMPLETED' }, orderBy: { lockedAt: 'desc' } });
    if (!round?.completedAt) throw new DomainError('PERFORMANCE_NOT_SIGNED');
    const snapshot = AgreementSnapshotSchema.parse(JSON.parse(round.snapshot));
    const derived = deriveSchedule(snapshot, chinaDay(round.completedAt));
    const now = this.clock.now();
    await this.ctx.db.$transaction(async (tx) => {
      const existing = await tx.performanceSchedule.findUnique({ where: { caseId } });
      if (existing?.status === 'CONFIRMED') throw new DomainError('SCHEDULE_CONFIRMED');
      await tx.obligation.deleteMany({ where: { caseId } });
      await tx.performanceSchedule.upsert({
        where: { caseId },
        create: { caseId, signingRoundId: round.id, derivedAt: now },
        update: { signingRoundId: round.id, derivedAt: now },
      });
      let seq = 0;
      for (const d of derived) {
        const review = [...d.review];
        if (!d.dueDate) review.push('期限未能读出，请填写');
        await tx.obligation.create({
          data: {
            caseId,
            signingRoundId: round.id,
            clauseId: d.clauseId,
            seq: ++seq,
            kind: d.kind,
            description: d.description.slice(0, 500),
            obligorSide: d.obligorSide ?? '',
            obligeeSide: d.obligeeSide ?? '',
            amountFen: d.amountFen,
            dueDate: chinaDayStart(d.dueDate ?? chinaDay(round.completedAt!)),
            reviewNotes: review.length ? JSON.stringify(review) : null,
            createdAt: now,
          },
        });
      }
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'PERFORMANCE_SCHEDULE_DERIVED',
        data: { signingRoundId: round.id, obligations: derived.length },
      });
    });
  }

  #check(input: ObligationInput): void {
    if (input.obligorSide === input.obligeeSide) throw new DomainError('VALIDATION', '义务人和权利人不能是同一方');
    if (input.kind === 'PAYMENT' && input.amountFen === null) throw new DomainError('VALIDATION', '给付金钱的义务须写明金额');
    if (input.kind === 'ACT' && input.amountFen !== null) throw new DomainError('VALIDATION', '履行行为的义务不写金额');
  }

  /** The mediator's correction of one obligation of the draft (every field given; what changed is audited). */
  async correct(caseId: string, obligationId: string, input: ObligationInput, user: StaffPrincipal): Promise<void> {
    this.#check(input);
    await this.#signedCase(caseId);
    const now = this.clock.now();
    await this.ctx.db.$transaction(async (tx) => {
      await this.#draft(tx, caseId);
      const o = await tx.obligation.findFirst({ where: { id: obligationId, caseId } });
      if (!o) throw new DomainError('OBLIGATION_NOT_FOUND');
      const due = chinaDayStart(input.dueDate);
      const changes = [
        o.kind !== input.kind && '种类',
        o.description !== input.description && '内容',
        o.obligorSide !== input.obligorSide && '义务人',
        o.obligeeSide !== input.obligeeSide && '权利人',
        o.amountFen !== input.amountFen && '金额',
        o.dueDate.getTime() !== due.getTime() && '期限',
      ].filter((c): c is string => c !== false);
      await tx.obligation.update({
        where: { id: o.id },
        data: {
          kind: input.kind,
          description: input.description,
          obligorSide: input.obligorSide,
          obligeeSide: input.obligeeSide,
          amountFen: input.amountFen,
          dueDate: due,
          reviewNotes: null,
        },
      });
      await tx.obligationEvent.create({
        data: { obligationId: o.id, at: now, type: 'CORRECTED', userId: user.id, note: changes.length ? `更正：${changes.join('、')}` : '已核对' },
      });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'OBLIGATION_CORRECTED',
        data: { obligationId: o.id, seq: o.seq, changes: changes.length ? changes : ['已核对'] },
      });
    });
  }

  async add(caseId: string, input: ObligationInput, user: StaffPrincipal): Promise<{ id: string }> {
    this.#check(input);
    await this.#signedCase(caseId);
    const now = this.clock.now();
    return this.ctx.db.$transaction(async (tx) => {
      const schedule = await this.#draft(tx, caseId);
      const last = await tx.obligation.findFirst({ where: { caseId }, orderBy: { seq: 'desc' }, select: { seq: true } });
      const o = await tx.obligation.create({
        data: {
          caseId,
          signingRoundId: schedule.signingRoundId,
          seq: (last?.seq ?? 0) + 1,
          kind: input.kind,
          description: input.description,
          obligorSide: input.obligorSide,
          obligeeSide: input.obligeeSide,
          amountFen: input.amountFen,
          dueDate: chinaDayStart(input.dueDate),
          createdAt: now,
        },
      });
      await tx.obligationEvent.create({ data: { obligationId: o.id, at: now, type: 'CORRECTED', userId: user.id, note: '调解员新增' } });
      await appendAudit(tx, staffActor(user), caseId, { type: 'OBLIGATION_CORRECTED', data: { obligationId: o.id, seq: o.seq, changes: ['新增'] } });
      return { id: o.id };
    });
  }

  async remove(caseId: string, obligationId: string, user: StaffPrincipal): Promise<void> {
    await this.#signedCase(caseId);
    await this.ctx.db.$transaction(async (tx) => {
      await this.#draft(tx, caseId);
      const o = await tx.obligation.findFirst({ where: { id: obligationId, caseId } });
      if (!o) throw new DomainError('OBLIGATION_NOT_FOUND');
      await tx.obligation.delete({ where: { id: o.id } });
      await appendAudit(tx, staffActor(user), caseId, { type: 'OBLIGATION_CORRECTED', data: { obligationId: o.id, seq: o.seq, changes: ['删除'] } });
    });
  }

  /** The mediator confirms the schedule as reviewed; `expected` is how many obligations the page showed. */
  async confirm(caseId: string, expected: number, user: StaffPrincipal): Promise<void> {
    await this.#signedCase(caseId);
    const now = this.clock.now();
    await this.ctx.db.$transaction(async (tx) => {
      await this.#draft(tx, caseId);
      const obligations = await tx.obligation.findMany({ where: { caseId } });
      if (obligations.length !== expected) throw new DomainError('SCHEDULE_CHANGED');
      if (obligations.length === 0) throw new DomainError('SCHEDULE_INCOMPLETE', '履行计划中没有任何义务，请先添加');
      const open = obligations.filter((o) => o.reviewNotes !== null || !o.obligorSide || !o.obligeeSide || (o.kind === 'PAYMENT' && o.amountFen === null));
      if (open.length) throw new DomainError('SCHEDULE_INCOMPLETE', `第 ${open.map((o) => o.seq).join('、')} 项尚待核对或补充，请逐项核对后再确认`);
      for (const o of obligations) await tx.obligation.update({ where: { id: o.id }, data: { status: performanceStatus(o, now) } });
      await tx.performanceSchedule.update({ where: { caseId }, data: { status: 'CONFIRMED', confirmedAt: now, confirmedById: user.id } });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'PERFORMANCE_SCHEDULE_CONFIRMED',
        data: { obligations: obligations.length, totalFen: obligations.reduce((s, o) => s + (o.amountFen ?? 0), 0) },
      });
    });
  }

  async #tracked(tx: Tx, caseId: string, obligationId: string) {
    const schedule = await tx.performanceSchedule.findUnique({ where: { caseId } });
    if (schedule?.status !== 'CONFIRMED') throw new DomainError('SCHEDULE_NOT_CONFIRMED');
    const o = await tx.obligation.findFirst({ where: { id: obligationId, caseId } });
    if (!o) throw new DomainError('OBLIGATION_NOT_FOUND');
    if (o.status === 'PERFORMED') throw new DomainError('OBLIGATION_PERFORMED');
    return o;
  }

  /** The amount received now: a PAYMENT needs one, not more than is missing; an ACT none. */
  #receivedAmount(o: { kind: string; amountFen: number | null; receivedFen: number }, amountFen: number | null): number | null {
    if (o.kind !== 'PAYMENT' || o.amountFen === null) {
      if (amountFen !== null) throw new DomainError('VALIDATION', '该项义务不是给付金钱，无需填写金额');
      return null;
    }
    if (amountFen === null) throw new DomainError('VALIDATION', '请填写收到的金额');
    if (amountFen > o.amountFen - o.receivedFen)
      throw new DomainError('RECEIPT_EXCEEDS', `尚未履行的金额为 ${formatAmount(o.amountFen - o.receivedFen)}，确认收到的金额不能超过它`);
    return amountFen;
  }

  /** The obligee's signed confirmation of receipt (all or part), from its link. */
  async confirmReceipt(
    p: Party,
    obligationId: string,
    input: { amountFen: number | null; note: string | null; name: string; idLast4: string; png: Buffer; affirmation: string },
  ): Promise<{ status: PerformanceStatus; receivedFen: number }> {
    if (input.affirmation.trim() !== RECEIPT_AFFIRMATION) throw new DomainError('AFFIRMATION_MISMATCH', `请完整输入：“${RECEIPT_AFFIRMATION}”`);
    // PIPL art. 29: a handwritten signature is sensitive and needs its own consent.
    await requireConsent(this.ctx.db, p.id, 'SIGNATURE');
    await checkSignaturePng(input.png);
    if (input.name.trim() !== p.name || input.idLast4.trim().toUpperCase() !== idCheckDigits(p.idNumber)) throw new DomainError('IDENTITY_MISMATCH');
    const now = this.clock.now();
    return this.ctx.db.$transaction(async (tx) => {
      const o = await this.#tracked(tx, p.caseId, obligationId);
      if (!PARTY_ROLES.has(p.role) || p.side !== o.obligeeSide) throw new DomainError('NOT_OBLIGEE');
      const amount = this.#receivedAmount(o, input.amountFen);
      const round = await tx.signingRound.findUniqueOrThrow({ where: { id: o.signingRoundId }, select: { pdfSha256: true, contentSha256: true } });
      // The statement signed: what, how much, by whom, when, against which issued agreement.
      const statement = JSON.stringify({
        statement: RECEIPT_AFFIRMATION,
        obligationId: o.id,
        description: o.description,
        amountFen: amount,
        participantId: p.id,
        name: p.name,
        at: now.toISOString(),
        agreementPdfSha256: round.pdfSha256,
        agreementContentSha256: round.contentSha256,
      });
      const statementSha256 = sha256(statement);
      const pngSha256 = sha256(input.png);
      const receivedFen = o.receivedFen + (amount ?? 0);
      const performedAt = o.kind === 'PAYMENT' && o.amountFen !== null ? (receivedFen >= o.amountFen ? now : null) : now;
      const status = performanceStatus({ ...o, receivedFen, performedAt }, now);
      await tx.obligation.update({ where: { id: o.id }, data: { receivedFen, performedAt, status } });
      await tx.obligationEvent.create({
        data: {
          obligationId: o.id,
          at: now,
          type: 'RECEIPT_CONFIRMED',
          participantId: p.id,
          amountFen: amount,
          note: input.note,
          fileName: '收到确认签名.png',
          mime: 'image/png',
          sha256: pngSha256,
          bytes: Buffer.from(input.png),
        },
      });
      await appendAudit(tx, partyActor(p), p.caseId, {
        type: 'OBLIGATION_RECEIPT_CONFIRMED',
        data: {
          obligationId: o.id,
          seq: o.seq,
          participantId: p.id,
          amountFen: amount,
          receivedFen,
          status,
          statementSha256,
          pngSha256,
          agreementPdfSha256: round.pdfSha256,
        },
      });
      return { status: status as PerformanceStatus, receivedFen };
    });
  }

  /** The obligor's proof of performance (a transfer slip, a receipt), from its link. */
  async uploadProof(p: Party, obligationId: string, input: { declaredMime: string; fileName: string; bytes: Buffer }): Promise<{ id: number }> {
    if (input.bytes.length === 0) throw new DomainError('INVALID_FILE', '文件为空');
    if (input.bytes.length > MAX_PROOF_BYTES) throw new DomainError('FILE_TOO_LARGE', '文件不能超过 10 MB');
    const mime = sniffMime(input.bytes);
    if (!mime) throw new DomainError('INVALID_FILE', '只能上传 JPG、PNG 图片或 PDF 文件');
    if (mime !== input.declaredMime) throw new DomainError('INVALID_FILE', '文件内容与文件类型不符');
    const now = this.clock.now();
    return this.ctx.db.$transaction(async (tx) => {
      const o = await this.#tracked(tx, p.caseId, obligationId);
      if (!PARTY_ROLES.has(p.role) || p.side !== o.obligorSide) throw new DomainError('NOT_OBLIGOR');
      const count = await tx.obligationEvent.count({ where: { obligationId: o.id, type: 'PROOF_UPLOADED' } });
      if (count >= MAX_PROOFS_PER_OBLIGATION) throw new DomainError('PROOF_LIMIT');
      const digest = sha256(input.bytes);
      const fileName = cleanDisplayName(input.fileName);
      const e = await tx.obligationEvent.create({
        data: { obligationId: o.id, at: now, type: 'PROOF_UPLOADED', participantId: p.id, fileName, mime, sha256: digest, bytes: Buffer.from(input.bytes) },
      });
      await appendAudit(tx, partyActor(p), p.caseId, {
        type: 'OBLIGATION_PROOF_UPLOADED',
        data: { obligationId: o.id, seq: o.seq, participantId: p.id, mime, bytes: input.bytes.length, sha256: digest },
      });
      return { id: e.id };
    });
  }

  /** The mediator records performance the obligee reported by phone or at the desk. */
  async record(
    caseId: string,
    obligationId: string,
    input: { amountFen: number | null; note: string },
    user: StaffPrincipal,
  ): Promise<{ status: PerformanceStatus; receivedFen: number }> {
    const now = this.clock.now();
    return this.ctx.db.$transaction(async (tx) => {
      const o = await this.#tracked(tx, caseId, obligationId);
      const amount = this.#receivedAmount(o, input.amountFen);
      const receivedFen = o.receivedFen + (amount ?? 0);
      const performedAt = o.kind === 'PAYMENT' && o.amountFen !== null ? (receivedFen >= o.amountFen ? now : null) : now;
      const status = performanceStatus({ ...o, receivedFen, performedAt }, now);
      await tx.obligation.update({ where: { id: o.id }, data: { receivedFen, performedAt, status } });
      await tx.obligationEvent.create({
        data: { obligationId: o.id, at: now, type: 'RECORDED_BY_MEDIATOR', userId: user.id, amountFen: amount, note: input.note },
      });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'OBLIGATION_RECORDED',
        data: { obligationId: o.id, seq: o.seq, amountFen: amount, receivedFen, status },
      });
      return { status: status as PerformanceStatus, receivedFen };
    });
  }

  /** A proof or signature file, for the case's staff. */
  async file(caseId: string, eventId: number): Promise<{ bytes: Buffer; mime: string; fileName: string }> {
    const e = await this.ctx.db.obligationEvent.findFirst({ where: { id: eventId, obligation: { caseId } } });
    if (!e?.bytes || !e.mime) throw new DomainError('OBLIGATION_NOT_FOUND', '文件不存在');
    return { bytes: Buffer.from(e.bytes), mime: e.mime, fileName: e.fileName ?? '履行凭证' };
  }

  /** The schedule as a viewer sees it: staff everything; a party its side's actions, and the remedies when owed something overdue. */
  async view(caseId: string, viewer: { kind: 'staff' } | { kind: 'party'; participant: Party }): Promise<PerformanceViewT> {
    const c = await this.ctx.db.case.findUniqueOrThrow({ where: { id: caseId }, select: { status: true } });
    const signed = SIGNED_STATUSES.has(c.status);
    const schedule = await this.ctx.db.performanceSchedule.findUnique({ where: { caseId } });
    const party = viewer.kind === 'party' ? viewer.participant : null;
    // A party sees nothing of a schedule the mediator has not confirmed yet.
    const visible = schedule && (viewer.kind === 'staff' || schedule.status === 'CONFIRMED');
    const obligations = visible
      ? await this.ctx.db.obligation.findMany({ where: { caseId }, orderBy: { seq: 'asc' }, include: { events: { orderBy: { id: 'asc' } } } })
      : [];
    const people = await this.ctx.db.participant.findMany({ where: { caseId }, select: { id: true, name: true, side: true, role: true } });
    const users = await this.ctx.db.user.findMany({
      where: { id: { in: [...new Set(obligations.flatMap((o) => o.events.map((e) => e.userId)).filter((id): id is string => !!id))] } },
      select: { id: true, displayName: true },
    });
    const nameOf = (e: { participantId: string | null; userId: string | null }) =>
      e.participantId
        ? (people.find((x) => x.id === e.participantId)?.name ?? '当事人')
        : e.userId
          ? (users.find((u) => u.id === e.userId)?.displayName ?? '调解员')
          : '系统';
    const sideNames = (side: string) =>
      people
        .filter((x) => x.side === side && (x.role === 'APPLICANT' || x.role === 'RESPONDENT'))
        .map((x) => x.name)
        .join('、');
    const sideLabel = (side: string) => (side === 'A' || side === 'B' ? `${OBLIGATION_SIDE_LABELS[side]}（${sideNames(side)}）` : '待确定');
    const role = party && PARTY_ROLES.has(party.role) ? party : null;
    const now = this.clock.now();
    const list = obligations.map((o) => {
      const status = (schedule?.status === 'CONFIRMED' ? o.status : 'NOT_DUE') as PerformanceStatus;
      const events = o.events
        // A party sees the reminders addressed to it, never those of the other side, nor the mediator's review of the draft.
        .filter((e) => !party || (e.type !== 'CORRECTED' && (!['REMIND_OBLIGOR', 'REMIND_OBLIGEE'].includes(e.type) || e.participantId === party.id)))
        .map((e) => ({
          id: e.id,
          type: e.type as ObligationEventType,
          at: e.at.toISOString(),
          by: nameOf(e),
          amountFen: e.amountFen,
          // What someone wrote is for the case's staff and its author.
          note: !party || e.participantId === party.id ? e.note : null,
          file: e.type === 'PROOF_UPLOADED' || e.type === 'RECEIPT_CONFIRMED' ? { name: e.fileName ?? '文件', mime: e.mime ?? '' } : null,
        }));
      return {
        id: o.id,
        seq: o.seq,
        kind: o.kind as ObligationKind,
        description: o.description,
        obligorSide: o.obligorSide,
        obligeeSide: o.obligeeSide,
        obligorLabel: sideLabel(o.obligorSide),
        obligeeLabel: sideLabel(o.obligeeSide),
        amountFen: o.amountFen,
        receivedFen: o.receivedFen,
        dueDate: chinaDay(o.dueDate),
        status,
        review: viewer.kind === 'staff' && o.reviewNotes ? (JSON.parse(o.reviewNotes) as string[]) : [],
        canConfirmReceipt: !!role && schedule?.status === 'CONFIRMED' && status !== 'PERFORMED' && role.side === o.obligeeSide,
        canUploadProof: !!role && schedule?.status === 'CONFIRMED' && status !== 'PERFORMED' && role.side === o.obligorSide,
        events,
      };
    });
    let remedies: PerformanceViewT['remedies'] = null;
    const overdueOwed = list.filter((o) => o.status === 'OVERDUE' && (viewer.kind === 'staff' || (role && role.side === o.obligeeSide)));
    if (overdueOwed.length) {
      const application = await this.ctx.db.judicialApplication.findUnique({
        where: { caseId },
        select: { status: true, courtCaseNumber: true, court: { select: { name: true } } },
      });
      const confirmed = c.status === 'CONFIRMED' && application?.status === 'CONFIRMED';
      const local = await this.ctx.db.court.findFirst({ where: { isLocal: true }, select: { name: true } });
      const court = confirmed ? application.court.name : (local?.name ?? '有管辖权的人民法院');
      const missing = overdueOwed
        .map((o) => (o.amountFen !== null ? `第${o.seq}项 ${formatAmount(o.amountFen - o.receivedFen)}` : `第${o.seq}项 ${o.description}`))
        .join('；');
      remedies = {
        confirmed,
        court,
        ...renderRemedies({ confirmed, court, courtCaseNumber: application?.courtCaseNumber ?? null, obligor: overdueOwed[0]!.obligorLabel, missing }),
      };
    }
    return {
      signed,
      schedule: schedule
        ? {
            status: schedule.status as 'DRAFT' | 'CONFIRMED',
            derivedAt: schedule.derivedAt.toISOString(),
            confirmedAt: schedule.confirmedAt?.toISOString() ?? null,
          }
        : null,
      today: chinaDay(now),
      obligations: list,
      remedies,
      affirmation: RECEIPT_AFFIRMATION,
    };
  }
}
