// 调解笔录 (人民调解法 arts. 22, 27): the mediator records the session as it goes — attendance,
// each side's statements and proposals, caucus lines (背对背, visible only to that side and the
// mediators until the side shares them: minutes-visibility.ts), the outcome. At the end the
// mediator locks the minutes (the case's mediator must have made its 回避 declaration), each
// party reviews the locked text and signs it with the agreement's ceremony (bound to its SHA-256,
// name + ID last four, a one-time code sent to its phone, a drawn signature and the affirmation;
// a refused identity or code is audited as DOCUMENT_SIGNING_REFUSED), and the last
// signature completes it: a PDF with the signatures and the committee's seal, sealed with the
// organisation's certificate, kept in the case file. Unshared caucus lines are printed as their
// time only. Every step is audited; lines' text is sealed at rest.
import { appendAudit, recordAudit } from '../audit/log.ts';
import { partyActor, staffActor } from '../audit/actors.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import type { Tx } from '../db.ts';
import { formatChinaClock, formatChinaDateTime } from '../domain/china-time.ts';
import { labelOf, PARTICIPANT_ROLES } from '../domain/vocabulary.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { renderCourtDocument } from '../agreement/court.ts';
import { todayInChina } from '../agreement/dates.ts';
import type { TemplateCatalog } from '../agreement/template-schema.ts';
import { dbBytes } from '../drafting/draft-store.ts';
import type { SigningIdentity } from '../signing/org-identity.ts';
import { checkSignaturePng } from '../signing/signature-image.ts';
import type { SigningCodes } from '../signing/signing-codes.ts';
import { sha256 } from '../signing/signing-round.ts';
import { issueOrgDocument } from './document-pdf.ts';
import { mayRead, type MinutesViewer } from './minutes-visibility.ts';
import { idCheckDigits } from '../domain/id-number.ts';
import { requireConsent } from '../party/party-privacy.ts';

export const MINUTES_KINDS = ['ATTENDANCE', 'STATEMENT', 'PROPOSAL', 'NOTE', 'OUTCOME'] as const;
export type MinutesKind = (typeof MINUTES_KINDS)[number];
const KIND_LABELS: Record<MinutesKind, string> = { ATTENDANCE: '到场', STATEMENT: '陈述', PROPOSAL: '方案', NOTE: '记录', OUTCOME: '调解结果' };
const SIDE_LABELS: Record<string, string> = { A: '甲方', B: '乙方' };
export const MINUTES_AFFIRMATION = '本人已核对调解笔录，记录属实';
/** Who signs the minutes: the parties themselves. */
const SIGNER_ROLES = ['APPLICANT', 'RESPONDENT'];

type Party = { id: string; caseId: string; name: string; role: string; side: string; idNumber: string; phone: string };

export interface MinutesSnapshot {
  caseTitle: string;
  sessionTime: string;
  mediatorName: string;
  recusal: string;
  attendees: string;
  lines: string[];
}

export class MinutesService {
  constructor(
    private readonly ctx: AppContext,
    private readonly templates: TemplateCatalog,
    private readonly identity: SigningIdentity,
    private readonly codes: SigningCodes,
  ) {}

  async record(user: StaffPrincipal, caseId: string, input: { kind: MinutesKind; side?: 'A' | 'B' | undefined; caucus: boolean; text: string }) {
    const text = input.text.trim();
    if (!text) throw new DomainError('VALIDATION', '记录内容不能为空');
    if (input.caucus && !input.side) throw new DomainError('VALIDATION', '背对背沟通的记录须注明是哪一方');
    return this.ctx.db.$transaction(async (tx) => {
      await this.#assertEditable(tx, caseId);
      const last = await tx.minutesEntry.findFirst({ where: { caseId }, orderBy: { seq: 'desc' }, select: { seq: true } });
      const seq = (last?.seq ?? 0) + 1;
      const row = await tx.minutesEntry.create({
        data: { caseId, seq, kind: input.kind, side: input.side ?? null, caucus: input.caucus, text, authorId: user.id, authorName: user.displayName },
      });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'MINUTES_RECORDED',
        data: { entryId: row.id, seq, kind: input.kind, side: row.side, caucus: row.caucus, chars: text.length },
      });
      return row;
    });
  }

  /** A side agrees that its caucus lines become part of the joint minutes. */
  async share(p: Party) {
    if (p.side !== 'A' && p.side !== 'B') throw new DomainError('FORBIDDEN', '只有甲方或乙方可以公开本方的背对背沟通记录');
    return this.ctx.db.$transaction(async (tx) => {
      await this.#assertEditable(tx, p.caseId);
      const { count } = await tx.minutesEntry.updateMany({
        where: { caseId: p.caseId, caucus: true, side: p.side, sharedAt: null },
        data: { sharedAt: new Date() },
      });
      if (count > 0) await appendAudit(tx, partyActor(p), p.caseId, { type: 'MINUTES_SHARED', data: { side: p.side, entries: count } });
      return { shared: count };
    });
  }

  /** The lines this viewer may read, and the locked record's state. */
  async view(caseId: string, viewer: MinutesViewer, me: { id: string } | null) {
    const entries = await this.ctx.db.minutesEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    const record = await this.#current(caseId);
    const signerIds: string[] = record ? (JSON.parse(record.signerIds) as string[]) : [];
    const signers = record ? await this.ctx.db.participant.findMany({ where: { id: { in: signerIds } }, select: { id: true, name: true } }) : [];
    return {
      entries: entries
        .filter((e) => mayRead(viewer, e))
        .map((e) => ({
          id: e.id,
          seq: e.seq,
          kind: e.kind as MinutesKind,
          side: e.side as 'A' | 'B' | null,
          caucus: e.caucus,
          shared: e.sharedAt !== null,
          text: e.text,
          authorName: e.authorName,
          at: e.createdAt.toISOString(),
        })),
      record: record && {
        status: record.status as 'OPEN' | 'COMPLETED',
        contentSha256: record.contentSha256,
        snapshot: JSON.parse(record.snapshot) as MinutesSnapshot,
        signers: signers.map((s) => ({ participantId: s.id, name: s.name, signed: record.signatures.some((x) => x.participantId === s.id) })),
        mayISign: me !== null && signerIds.includes(me.id) && !record.signatures.some((x) => x.participantId === me.id) && record.status === 'OPEN',
      },
    };
  }

  async lock(user: StaffPrincipal, caseId: string) {
    return this.ctx.db.$transaction(async (tx) => {
      await this.#assertEditable(tx, caseId);
      const c = await tx.case.findUniqueOrThrow({ where: { id: caseId }, include: { mediator: true, participants: true } });
      const declaration = c.mediatorId ? await tx.recusalDeclaration.findUnique({ where: { caseId_mediatorId: { caseId, mediatorId: c.mediatorId } } }) : null;
      if (!declaration) throw new DomainError('RECUSAL_NOT_DECLARED', '调解员须先作出回避声明（与本案当事人无利害关系），才能锁定调解笔录');
      const entries = await tx.minutesEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
      if (entries.length === 0) throw new DomainError('MINUTES_EMPTY');
      const objections = await tx.recusalObjection.findMany({ where: { caseId } });
      const signers = c.participants.filter((p) => SIGNER_ROLES.includes(p.role)).sort((a, b) => a.side.localeCompare(b.side));
      const first = entries[0]!.createdAt;
      const last = entries[entries.length - 1]!.createdAt;
      const attendance = entries.filter((e) => e.kind === 'ATTENDANCE').map((e) => e.text);
      const snapshot: MinutesSnapshot = {
        caseTitle: c.title,
        sessionTime: `${formatChinaDateTime(first)}—${formatChinaClock(last)}`,
        mediatorName: c.mediator?.displayName ?? '',
        recusal:
          `调解员${declaration.mediatorName}于${formatChinaDateTime(declaration.declaredAt)}声明与本案当事人无利害关系；` +
          (objections.length === 0
            ? '当事人未申请回避'
            : `当事人申请回避 ${objections.length} 次（${objections.map((o) => ({ OPEN: '待处理', REPLACED: '已更换调解员', KEPT: '经审查不予回避' })[o.status] ?? o.status).join('、')}）`),
        attendees: attendance.length ? attendance.join('；') : signers.map((p) => `${labelOf(PARTICIPANT_ROLES, p.role)}${p.name}`).join('、'),
        lines: entries.map((e) => printedLine(e)),
      };
      const json = JSON.stringify(snapshot);
      const row = await tx.minutesRecord.create({
        data: { caseId, status: 'OPEN', snapshot: json, contentSha256: sha256(json), signerIds: JSON.stringify(signers.map((p) => p.id)) },
      });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'MINUTES_LOCKED',
        data: { recordId: row.id, entries: entries.length, contentSha256: row.contentSha256 },
      });
      return { contentSha256: row.contentSha256 };
    });
  }

  async unlock(user: StaffPrincipal, caseId: string, reason: string) {
    const why = reason.trim();
    if (!why) throw new DomainError('REASON_REQUIRED', '请写明解除锁定的原因');
    return this.ctx.db.$transaction(async (tx) => {
      const open = await tx.minutesRecord.findFirst({ where: { caseId, status: 'OPEN' }, include: { signatures: true } });
      if (!open) throw new DomainError('MINUTES_NOT_LOCKED');
      await tx.minutesRecord.update({ where: { id: open.id }, data: { status: 'VOIDED' } });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'MINUTES_UNLOCKED',
        data: { recordId: open.id, reason: why, voidedSignatures: open.signatures.length },
      });
      return { voidedSignatures: open.signatures.length };
    });
  }

  /** The locked record `p` may still sign (MINUTES_NOT_LOCKED, MINUTES_CHANGED, NOT_A_SIGNER, ALREADY_SIGNED otherwise). */
  async #signable(db: Tx | AppContext['db'], p: Party, contentSha256?: string) {
    const open = await db.minutesRecord.findFirst({ where: { caseId: p.caseId, status: 'OPEN' } });
    if (!open) throw new DomainError('MINUTES_NOT_LOCKED');
    if (contentSha256 !== undefined && open.contentSha256 !== contentSha256) throw new DomainError('MINUTES_CHANGED');
    if (!(JSON.parse(open.signerIds) as string[]).includes(p.id)) throw new DomainError('NOT_A_SIGNER', '只有笔录所列当事人本人可以签名');
    if (await db.minutesSignature.findUnique({ where: { recordId_participantId: { recordId: open.id, participantId: p.id } } }))
      throw new DomainError('ALREADY_SIGNED');
    return open;
  }

  /** Sends the one-time code for signing the locked minutes to the party's own phone. */
  async sendCode(p: Party) {
    const open = await this.#signable(this.ctx.db, p);
    return this.codes.sendFor(p, { purpose: 'MINUTES', subjectId: open.id });
  }

  async sign(
    p: Party,
    input: { contentSha256: string; name: string; idLast4: string; code: string; png: Buffer; affirmation: string },
    req: { ip: string; userAgent: string },
  ) {
    if (input.affirmation.trim() !== MINUTES_AFFIRMATION) throw new DomainError('AFFIRMATION_MISMATCH', `请完整输入：“${MINUTES_AFFIRMATION}”`);
    // PIPL art. 29: a handwritten signature is sensitive; the signer consents to it separately.
    await requireConsent(this.ctx.db, p.id, 'SIGNATURE');
    await checkSignaturePng(input.png);
    const locked = await this.#signable(this.ctx.db, p, input.contentSha256);
    const refuse = async (reason: string, code: ErrorCode): Promise<never> => {
      await recordAudit(this.ctx.db, partyActor(p), p.caseId, {
        type: 'DOCUMENT_SIGNING_REFUSED',
        data: { purpose: 'MINUTES', subjectId: locked.id, participantId: p.id, reason },
      });
      throw new DomainError(code);
    };
    if (input.name.trim() !== p.name || input.idLast4.trim().toUpperCase() !== idCheckDigits(p.idNumber)) await refuse('identity', 'IDENTITY_MISMATCH');
    await this.codes.useFor({ purpose: 'MINUTES', subjectId: locked.id }, p.id, input.code.trim(), refuse);
    const recordId = await this.ctx.db.$transaction(async (tx) => {
      // Again inside the transaction: the record may have been unlocked or signed meanwhile.
      const open = await this.#signable(tx, p, input.contentSha256);
      const row = await tx.minutesSignature.create({
        data: {
          recordId: open.id,
          participantId: p.id,
          signerName: p.name,
          signerRole: labelOf(PARTICIPANT_ROLES, p.role),
          png: dbBytes(input.png),
          pngSha256: sha256(input.png),
          ip: req.ip,
          userAgent: req.userAgent.slice(0, 300),
        },
      });
      await appendAudit(tx, partyActor(p), p.caseId, {
        type: 'MINUTES_SIGNED',
        data: { recordId: open.id, participantId: p.id, signerName: p.name, pngSha256: row.pngSha256, contentSha256: open.contentSha256 },
      });
      return open.id;
    });
    await this.#completeIfSigned(recordId);
    return { signed: true };
  }

  /** The sealed minutes once every party signed (completing them now if the last signature's step was interrupted). */
  async pdf(caseId: string): Promise<{ bytes: Buffer; fileName: string }> {
    const c = await this.ctx.db.case.findUniqueOrThrow({ where: { id: caseId }, select: { number: true } });
    let record = await this.#current(caseId);
    if (record?.status === 'OPEN') {
      await this.#completeIfSigned(record.id);
      record = await this.#current(caseId);
    }
    if (!record?.pdf) throw new DomainError('DOCUMENT_NOT_READY', '调解笔录经各方当事人签名后才会归档');
    return { bytes: Buffer.from(record.pdf), fileName: `调解笔录-${c.number}.pdf` };
  }

  async #completeIfSigned(recordId: string): Promise<void> {
    const r = await this.ctx.db.minutesRecord.findUniqueOrThrow({
      where: { id: recordId },
      include: { signatures: { orderBy: { signedAt: 'asc' } }, case: { include: { org: true } } },
    });
    const signerIds = JSON.parse(r.signerIds) as string[];
    if (r.status !== 'OPEN' || signerIds.some((id) => !r.signatures.some((s) => s.participantId === id))) return;
    const org = r.case.org;
    if (!org.sealPng) throw new DomainError('SEAL_MISSING');
    const snapshot = JSON.parse(r.snapshot) as MinutesSnapshot;
    const completedAt = r.signatures[r.signatures.length - 1]!.signedAt;
    const rendered = renderCourtDocument(this.templates.court('mediation-minutes'), {
      parties: [],
      values: {
        orgName: org.name,
        caseNumber: r.case.number,
        caseTitle: snapshot.caseTitle,
        sessionTime: snapshot.sessionTime,
        mediatorName: snapshot.mediatorName,
        recusal: snapshot.recusal,
        attendees: snapshot.attendees,
      },
    });
    const {
      bytes,
      pages,
      sha256: pdfSha256,
    } = await issueOrgDocument({
      rendered,
      orgName: org.name,
      caseNumber: r.case.number,
      inserted: { blockKey: 'record', paragraphs: snapshot.lines },
      signatures: [
        ...r.signatures.map((s) => ({ label: `${s.signerRole}（签名）：`, png: new Uint8Array(s.png), date: todayInChina(s.signedAt) })),
        { label: `人民调解员：${snapshot.mediatorName}`, png: null, date: todayInChina(completedAt) },
      ],
      seal: org.sealPng,
      sealDate: todayInChina(completedAt),
      signingTime: completedAt,
      identity: this.identity,
    });
    await this.ctx.db.$transaction(async (tx) => {
      const { count } = await tx.minutesRecord.updateMany({
        where: { id: r.id, status: 'OPEN' },
        data: { status: 'COMPLETED', completedAt, pdf: dbBytes(bytes) },
      });
      if (count === 1)
        await appendAudit(tx, { type: 'system', label: '系统' }, r.caseId, { type: 'MINUTES_ISSUED', data: { recordId: r.id, pdfSha256, pages } });
    });
  }

  async #current(caseId: string) {
    return this.ctx.db.minutesRecord.findFirst({
      where: { caseId, status: { in: ['OPEN', 'COMPLETED'] } },
      include: { signatures: true },
      orderBy: { lockedAt: 'desc' },
    });
  }

  async #assertEditable(tx: Tx, caseId: string): Promise<void> {
    const r = await tx.minutesRecord.findFirst({ where: { caseId, status: { in: ['OPEN', 'COMPLETED'] } }, select: { status: true } });
    if (r?.status === 'OPEN') throw new DomainError('MINUTES_LOCKED');
    if (r?.status === 'COMPLETED') throw new DomainError('MINUTES_COMPLETED');
  }
}

/** One printed line: time, kind, side; a caucus line its side has not shared shows only that it took place. */
function printedLine(e: { kind: string; side: string | null; caucus: boolean; sharedAt: Date | null; text: string; createdAt: Date }): string {
  const at = formatChinaClock(e.createdAt);
  const kind = KIND_LABELS[e.kind as MinutesKind] ?? e.kind;
  const side = e.side ? (SIDE_LABELS[e.side] ?? e.side) : '';
  if (e.caucus && !e.sharedAt) return `${at}【背对背·${side}】调解员与${side}单独沟通（内容未经${side}同意公开，不载入本笔录）`;
  return `${at}${e.caucus ? `【背对背·${side}，经${side}同意公开】` : ''}【${side ? `${side}${kind}` : kind}】${e.text}`;
}
