// Signing a case's agreement: the mediator locks a named version (its canonical hash recorded);
// every party accepts every clause of it (bound to the clause's hash); each party — or an agent
// the case authorises — signs after confirming identity (name + ID digits + a one-time code sent
// to their phone), drawing a signature and affirming "本人已阅读协议全部内容，系自愿签署"; then the
// mediator signs, the committee seal is applied, the PDF is sealed with the organisation's PAdES
// signature and stored, and the case becomes 已签署. Unlocking voids everything collected on the
// locked version. Every step is one transaction with its audit entry.
//
// Who must sign is fixed when the text is locked: the round stores its signers (the case's
// agreement parties then), the participant list stays frozen while the round is open or
// completed (participant-service.ts), and the view, consent, codes, signing and issuing all go by
// the round's list. Issuing is one step that cannot get stuck halfway: the PDF is built in memory
// first (seal checked, the mediator's signature and its time fixed beforehand), then one
// transaction writes the mediator's signature, the completed round with the PDF, the case's move
// to 已签署 and their audit entries — if building fails nothing is written and the mediator can
// simply try again.
import { createHash, randomInt } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { appendAudit, recordAudit } from '../audit/log.ts';
import { canonicalAgreementContent } from '../agreement/canonical.ts';
import { checkAgreement, electronicSigningAllowed } from '../agreement/checker.ts';
import { AgreementSnapshotSchema, readAgreement, type AgreementSnapshot } from '../agreement/document.ts';
import { renderText } from '../agreement/fields.ts';
import { todayInChina } from '../agreement/dates.ts';
import { docFromVersion } from '../agreement/versions.ts';
import { dbBytes } from '../drafting/draft-store.ts';
import { hashSecret } from '../auth/link-tokens.ts';
import { partyActor } from '../audit/actors.ts';
import { AGREEMENT_PARTY_ROLES, agreementPartiesOf } from '../cases/participant-service.ts';
import { staffActor } from '../audit/actors.ts';
import { loadCase } from '../cases/case-service.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { transitionCase } from '../cases/case-transitions.ts';
import { asParticipantRole, asSide, labelOf, PARTICIPANT_ROLES } from '../domain/vocabulary.ts';
import type { Static } from '@sinclair/typebox';
import type { SigningViewBody } from './schemas.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { agreementLines, MissingGlyphsError, type SignatureEntry } from './agreement-pdf.ts';
import type { CertificateData } from './audit-certificate.ts';
import { issueAgreementPdf } from './issue-pdf.ts';
import type { SigningIdentity } from './org-identity.ts';
import { sealProblem } from './png-image.ts';
import { checkSignaturePng } from './signature-image.ts';
import { maskPhone, type SmsProvider } from './sms.ts';
import { missingGlyphs } from './pdf-font.ts';

export const AFFIRMATION = '本人已阅读协议全部内容，系自愿签署';
const CODE_TTL_MS = 5 * 60_000;
const CODE_RESEND_MS = 60_000;
const CODE_MAX_ATTEMPTS = 5;
const CODES_PER_ROUND = 8;
const IDENTITY_METHOD = 'NAME_ID_LAST4+SMS_OTP';

type Participant = { id: string; caseId: string; role: string; side: string; name: string; phone: string; idNumber: string; signingAuthority: boolean };
type Round = NonNullable<Awaited<ReturnType<AppContext['db']['signingRound']['findFirst']>>>;
/** One party the round needs a signature from; `participant` null only for a row gone since (rounds from before the list was frozen). */
type Signer = { id: string; name: string; role: string; side: string; participant: Participant | null };
/** What the PDF and the certificate need of a signature (a stored row, or the mediator's about to be stored). */
type SignatureData = {
  participantId: string | null;
  signerType: string;
  signerId: string;
  signerName: string;
  signerRole: string;
  png: Uint8Array;
  identityMethod: string;
  signedAt: Date;
  ip: string;
  userAgent: string;
};

export interface RequestInfo {
  ip: string;
  userAgent: string;
}

const roleLabel = (role: string) => labelOf(PARTICIPANT_ROLES, role);
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

export class SigningService {
  constructor(
    private readonly ctx: AppContext,
    private readonly identity: SigningIdentity,
    private readonly sms: SmsProvider,
    private readonly log?: FastifyBaseLogger,
  ) {}

  // ── mediator ────────────────────────────────────────────────────────────────

  /** Locks named version `versionSeq` (default: the newest) of the case's agreement for signing. */
  async lock(user: StaffPrincipal, caseId: string, versionSeq?: number) {
    const c = await loadCase(this.ctx, caseId);
    if (!['MEDIATING', 'AGREED'].includes(c.status)) throw new DomainError('CASE_NOT_SIGNABLE');
    const version = await this.ctx.db.agreementVersion.findFirst({
      where: { caseId, ...(versionSeq !== undefined ? { seq: versionSeq } : {}) },
      orderBy: { seq: 'desc' },
    });
    if (!version)
      throw new DomainError('VERSION_NOT_SAVED', versionSeq !== undefined ? `协议版本 ${versionSeq} 不存在` : '请先在协议草稿中“保存版本”，再锁定该版本供签署');
    const doc = docFromVersion({ update: version.state });
    let snapshot: AgreementSnapshot;
    try {
      snapshot = readAgreement(doc);
    } finally {
      doc.destroy();
    }
    const findings = checkAgreement(snapshot);
    if (!electronicSigningAllowed(findings))
      throw new DomainError('PAPER_SIGNING_REQUIRED', '协议涉及婚姻、收养、继承等人身关系或停止公用事业服务，不能电子签署，请改为纸质签署');
    const errors = findings.filter((f) => f.severity === 'error');
    if (errors.length)
      throw new DomainError(
        'AGREEMENT_HAS_ERRORS',
        `协议还有 ${errors.length} 处必须修改的问题：${errors
          .slice(0, 3)
          .map((f) => f.message)
          .join('；')}`,
      );
    if (snapshot.clauses.length === 0) throw new DomainError('AGREEMENT_EMPTY', '协议没有任何条款');
    const lines = agreementLines(snapshot);
    const missing = missingGlyphs(lines.map((l) => l.text).join(''));
    if (missing.length) throw new DomainError('MISSING_GLYPHS', new MissingGlyphsError(missing).message);
    const content = canonicalAgreementContent(snapshot);
    return this.ctx.db.$transaction(async (tx) => {
      const open = await tx.signingRound.findFirst({ where: { caseId, status: { in: ['OPEN', 'COMPLETED'] } } });
      if (open) throw open.status === 'OPEN' ? new DomainError('ROUND_ALREADY_OPEN') : new DomainError('AGREEMENT_ALREADY_SIGNED');
      // Read in the locking transaction: a participant change either commits before it (and is
      // in the list) or is refused after it (PARTICIPANTS_FROZEN).
      const signerIds = (await agreementPartiesOf(tx, caseId)).map((p) => p.id);
      const round = await tx.signingRound.create({
        data: {
          caseId,
          versionSeq: version.seq,
          contentSha256: content.sha256,
          snapshot: JSON.stringify(snapshot),
          clauseHashes: JSON.stringify(content.clauses),
          signerIds: JSON.stringify(signerIds),
          lockedById: user.id,
        },
      });
      if (c.status === 'MEDIATING')
        await transitionCase(tx, { caseId, from: 'MEDIATING', to: 'AGREED', by: 'signing', actor: staffActor(user), reason: '锁定协议供签署' });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'SIGNING_LOCKED',
        data: { roundId: round.id, versionSeq: version.seq, contentSha256: content.sha256, clauses: content.clauses.length },
      });
      return round;
    });
  }

  /** Voids the open round: every consent and signature on it stops counting (kept, marked void). */
  async unlock(user: StaffPrincipal, caseId: string, reason: string) {
    return this.ctx.db.$transaction(async (tx) => {
      const round = await tx.signingRound.findFirst({ where: { caseId, status: 'OPEN' } });
      if (!round)
        throw (await tx.signingRound.findFirst({ where: { caseId, status: 'COMPLETED' } }))
          ? new DomainError('AGREEMENT_ALREADY_SIGNED', '协议已签署完毕，不能解除锁定')
          : new DomainError('NOT_LOCKED', '没有锁定中的协议版本');
      const { count } = await tx.signingRound.updateMany({
        where: { id: round.id, status: 'OPEN' },
        data: { status: 'VOIDED', voidedAt: new Date(), voidReason: reason },
      });
      if (count !== 1) throw new DomainError('STALE_STATE', '签署状态已变化，请刷新后重试');
      const voidedSignatures = await tx.agreementSignature.count({ where: { roundId: round.id } });
      const voidedConsents = await tx.clauseConsent.count({ where: { roundId: round.id } });
      await appendAudit(tx, staffActor(user), caseId, { type: 'SIGNING_UNLOCKED', data: { roundId: round.id, reason, voidedSignatures, voidedConsents } });
      // Unlocking reopens the mediation: the agreement is no longer settled (达成协议 → 调解中).
      const { status } = await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { status: true } });
      if (status === 'AGREED')
        await transitionCase(tx, { caseId, from: 'AGREED', to: 'MEDIATING', by: 'signing', actor: staffActor(user), reason: `解除锁定：${reason}` });
      return { voidedSignatures, voidedConsents };
    });
  }

  /**
   * The mediator signs last and the agreement is issued, all at once: the PDF is built first (in
   * memory, with this signature and its time), then one transaction stores the signature, the
   * completed round with the PDF and the case's move to 已签署, with their audit entries. A failure
   * while building commits nothing (SEAL_INVALID for a seal that cannot be embedded, otherwise
   * ISSUE_FAILED), so the mediator can try again. A mediator signature stored by the old
   * two-step issuing on a round that never completed is used instead of refusing.
   */
  async mediatorSign(user: StaffPrincipal, caseId: string, png: Buffer, req: RequestInfo) {
    const c = await loadCase(this.ctx, caseId);
    await checkSignaturePng(png);
    const round = await this.#openRound(caseId);
    const signers = await this.#signers(round);
    const signed = await this.ctx.db.agreementSignature.findMany({ where: { roundId: round.id }, orderBy: { signedAt: 'asc' } });
    const waiting = signers.filter((p) => !signed.some((s) => s.signerType === 'party' && s.participantId === p.id));
    if (waiting.length) throw new DomainError('SIGNATURES_PENDING', `还有当事人未签署：${waiting.map((p) => p.name).join('、')}`);
    const org = await this.ctx.db.organisation.findUniqueOrThrow({ where: { id: c.orgId } });
    if (!org.sealPng) throw new DomainError('SEAL_MISSING', '请管理员先在“机构设置”中上传人民调解委员会印章图片');
    // Seals are checked at upload; one stored before that may still be unusable.
    if (await sealProblem(org.sealPng)) throw new DomainError('SEAL_INVALID');

    const left = signed.find((s) => s.signerType === 'mediator');
    const userAgent = req.userAgent.slice(0, 300);
    const mediator: SignatureData = left ?? {
      participantId: null,
      signerType: 'mediator',
      signerId: user.id,
      signerName: user.displayName,
      signerRole: '人民调解员',
      png,
      identityMethod: 'STAFF_SESSION',
      signedAt: new Date(),
      ip: req.ip,
      userAgent,
    };
    const at = mediator.signedAt;
    const signatures: SignatureData[] = [...signed.filter((s) => s.signerType !== 'mediator'), mediator];
    let built: { bytes: Uint8Array; pages: number };
    try {
      built = await this.#buildPdf(round, org, signatures, at);
    } catch (err) {
      if (err instanceof DomainError) throw err;
      this.log?.error({ err, caseId, roundId: round.id }, 'building the agreement PDF failed; nothing was stored');
      throw new DomainError('ISSUE_FAILED', '协议书生成失败，签署未完成，请稍后重试；各方已有的签名均已保留');
    }
    const { bytes, pages } = built;
    const pdfSha256 = sha256(bytes);

    await this.ctx.db.$transaction(async (tx) => {
      // The PDF shows what was read above: it is stored only if that is still the round's state.
      const now = await tx.signingRound.findUnique({ where: { id: round.id }, select: { status: true, signatures: { select: { id: true } } } });
      if (now?.status === 'COMPLETED') throw new DomainError('AGREEMENT_ALREADY_SIGNED');
      if (now?.status !== 'OPEN' || now.signatures.length !== signed.length || now.signatures.some((x) => !signed.some((s) => s.id === x.id)))
        throw new DomainError('STALE_STATE', '签署状态已变化，请刷新后重试');
      if (!left) {
        const row = await tx.agreementSignature.create({
          data: {
            roundId: round.id,
            signerType: 'mediator',
            participantId: null,
            signerId: user.id,
            signerName: user.displayName,
            signerRole: '人民调解员',
            png: dbBytes(png),
            pngSha256: sha256(png),
            affirmation: '',
            identityMethod: 'STAFF_SESSION',
            ip: req.ip,
            userAgent,
            signedAt: at,
          },
        });
        await appendAudit(tx, staffActor(user), caseId, {
          type: 'AGREEMENT_SIGNED',
          data: {
            roundId: round.id,
            signerType: 'mediator',
            signerName: user.displayName,
            signerRole: '人民调解员',
            participantId: null,
            pngSha256: row.pngSha256,
            identityMethod: 'STAFF_SESSION',
            ip: req.ip,
            userAgent,
          },
        });
      }
      const { count } = await tx.signingRound.updateMany({
        where: { id: round.id, status: 'OPEN' },
        data: { status: 'COMPLETED', completedAt: at, pdf: Buffer.from(bytes), pdfSha256 },
      });
      if (count !== 1) throw new DomainError('STALE_STATE', '签署状态已变化，请刷新后重试');
      await transitionCase(tx, { caseId, from: 'AGREED', to: 'SIGNED', by: 'signing', actor: staffActor(user), reason: '协议书签署完毕' });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'AGREEMENT_ISSUED',
        data: { roundId: round.id, contentSha256: round.contentSha256, pdfSha256, pages, bytes: bytes.length },
      });
    });
    return { pdfSha256, pages, bytes: bytes.length };
  }

  // ── parties ─────────────────────────────────────────────────────────────────

  async consent(actor: Participant, input: { clauseId: string; clauseSha256: string; onBehalfOf?: string | undefined }) {
    const round = await this.#openRound(actor.caseId);
    const party = await this.#principal(round, actor, input.onBehalfOf);
    const clause = clauseHashes(round).find((c) => c.id === input.clauseId);
    if (!clause) throw new DomainError('CLAUSE_NOT_IN_ROUND', '该条款不在锁定的协议版本中');
    if (clause.sha256 !== input.clauseSha256) throw new DomainError('CLAUSE_CHANGED', '条款内容已变化，请刷新后重新阅读');
    return this.ctx.db.$transaction(async (tx) => {
      const existing = await tx.clauseConsent.findUnique({
        where: { roundId_participantId_clauseId: { roundId: round.id, participantId: party.id, clauseId: clause.id } },
      });
      if (existing) return existing;
      const row = await tx.clauseConsent.create({ data: { roundId: round.id, participantId: party.id, clauseId: clause.id, clauseSha256: clause.sha256 } });
      await appendAudit(tx, partyActor(actor), actor.caseId, {
        type: 'CLAUSE_ACCEPTED',
        data: { roundId: round.id, participantId: party.id, clauseId: clause.id, clauseSha256: clause.sha256, byName: actor.name },
      });
      return row;
    });
  }

  /** Sends a one-time code to the phone of the person who will sign. */
  async sendCode(actor: Participant, onBehalfOf?: string) {
    const round = await this.#openRound(actor.caseId);
    await this.#principal(round, actor, onBehalfOf);
    const recent = await this.ctx.db.signingCode.findMany({ where: { roundId: round.id, participantId: actor.id }, orderBy: { createdAt: 'desc' } });
    if (recent[0] && Date.now() - recent[0].createdAt.getTime() < CODE_RESEND_MS) throw new DomainError('RATE_LIMITED', '验证码已发送，请 1 分钟后再试');
    if (recent.length >= CODES_PER_ROUND) throw new DomainError('RATE_LIMITED', '验证码发送次数过多，请联系调解员');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const row = await this.ctx.db.signingCode.create({
      data: { roundId: round.id, participantId: actor.id, codeHash: '', expiresAt: new Date(Date.now() + CODE_TTL_MS) },
    });
    await this.ctx.db.signingCode.update({
      where: { id: row.id },
      data: { codeHash: hashSecret(this.ctx.secrets.tokenKey, `signing-code:${row.id}:${code}`) },
    });
    await this.sms.send(actor.phone, `【解纷】您正在签署调解协议书，验证码 ${code}，5分钟内有效。如非本人操作请忽略。`);
    await recordAudit(this.ctx.db, partyActor(actor), actor.caseId, {
      type: 'SIGNING_CODE_SENT',
      data: { roundId: round.id, participantId: actor.id, phone: maskPhone(actor.phone), provider: this.sms.name },
    });
    return { phone: maskPhone(actor.phone), expiresInSec: CODE_TTL_MS / 1000 };
  }

  async sign(
    actor: Participant,
    input: { onBehalfOf?: string | undefined; name: string; idLast4: string; code: string; png: Buffer; affirmation: string },
    req: RequestInfo,
  ) {
    const round = await this.#openRound(actor.caseId);
    const party = await this.#principal(round, actor, input.onBehalfOf);
    const refuse = async (reason: string, code: ErrorCode, message?: string): Promise<never> => {
      await recordAudit(this.ctx.db, partyActor(actor), actor.caseId, {
        type: 'SIGNING_REFUSED',
        data: { roundId: round.id, participantId: actor.id, reason },
      });
      throw new DomainError(code, message);
    };
    if (input.affirmation.trim() !== AFFIRMATION) throw new DomainError('AFFIRMATION_MISMATCH', `请完整输入：“${AFFIRMATION}”`);
    await checkSignaturePng(input.png);
    const hashes = clauseHashes(round);
    const consents = await this.ctx.db.clauseConsent.findMany({ where: { roundId: round.id, participantId: party.id } });
    const open = hashes.filter((h) => !consents.some((c) => c.clauseId === h.id && c.clauseSha256 === h.sha256));
    if (open.length) throw new DomainError('CLAUSES_NOT_ACCEPTED', `还有 ${open.length} 条协议条款未确认，请逐条阅读并确认后再签署`);
    if (await this.ctx.db.agreementSignature.findUnique({ where: { roundId_participantId: { roundId: round.id, participantId: party.id } } }))
      throw new DomainError('ALREADY_SIGNED', `${party.name}已签署`);
    if (input.name.trim() !== actor.name || input.idLast4.trim().toUpperCase() !== actor.idNumber.slice(-4)) await refuse('identity', 'IDENTITY_MISMATCH');
    await this.#useCode(round.id, actor.id, input.code.trim(), refuse);

    const signerRole = actor.id === party.id ? roleLabel(party.role) : `${roleLabel(party.role)}${party.name}的委托代理人`;
    return this.ctx.db.$transaction(async (tx) => {
      const row = await tx.agreementSignature.create({
        data: {
          roundId: round.id,
          signerType: 'party',
          participantId: party.id,
          signerId: actor.id,
          signerName: actor.name,
          signerRole,
          png: dbBytes(input.png),
          pngSha256: sha256(input.png),
          affirmation: AFFIRMATION,
          identityMethod: IDENTITY_METHOD,
          ip: req.ip,
          userAgent: req.userAgent.slice(0, 300),
        },
      });
      await appendAudit(tx, partyActor(actor), actor.caseId, {
        type: 'AGREEMENT_SIGNED',
        data: {
          roundId: round.id,
          signerType: 'party',
          signerName: actor.name,
          signerRole,
          participantId: party.id,
          pngSha256: row.pngSha256,
          identityMethod: IDENTITY_METHOD,
          ip: req.ip,
          userAgent: req.userAgent.slice(0, 300),
        },
      });
      return { signedAt: row.signedAt.toISOString(), participantId: party.id };
    });
  }

  // ── reading ─────────────────────────────────────────────────────────────────

  /** The current round (open or completed) as one viewer sees it; `viewer` null for staff. */
  async view(caseId: string, viewer: Participant | null): Promise<Static<typeof SigningViewBody>> {
    const round = await this.ctx.db.signingRound.findFirst({
      where: { caseId, status: { in: ['OPEN', 'COMPLETED'] } },
      include: { consents: true, signatures: { select: { participantId: true, signerType: true, signerName: true, signerRole: true, signedAt: true } } },
    });
    if (!round) return { round: null };
    const snapshot = snapshotOf(round);
    const hashes = clauseHashes(round);
    const parties = await this.#signers(round);
    const mayActFor = viewer
      ? parties
          .filter((p) => p.id === viewer.id || (viewer.role === 'AGENT' && viewer.signingAuthority && p.participant !== null && viewer.side === p.side))
          .map((p) => p.id)
      : [];
    return {
      round: {
        id: round.id,
        status: round.status === 'COMPLETED' ? 'COMPLETED' : 'OPEN',
        versionSeq: round.versionSeq,
        contentSha256: round.contentSha256,
        lockedAt: round.lockedAt.toISOString(),
        title: snapshot.meta.title,
        caseNumber: snapshot.meta.caseNumber,
        document: agreementLines(snapshot)
          .filter((l) => l.kind !== 'clause')
          .map((l) => l.text),
        clauses: snapshot.clauses.map((c, i) => ({
          id: c.id,
          number: i + 1,
          title: c.title,
          text: renderText(c.text, c.fields).trim(),
          sha256: hashes[i]!.sha256,
        })),
        parties: parties.map((p) => {
          const sig = round.signatures.find((s) => s.signerType === 'party' && s.participantId === p.id);
          return {
            id: p.id,
            name: p.name,
            role: asParticipantRole(p.role),
            side: asSide(p.side),
            accepted: round.consents.filter((x) => x.participantId === p.id).map((x) => x.clauseId),
            signed: sig ? { by: sig.signerName, role: sig.signerRole, at: sig.signedAt.toISOString() } : null,
          };
        }),
        mediatorSigned: round.signatures.some((s) => s.signerType === 'mediator'),
        mayActFor,
        affirmation: AFFIRMATION,
        pdfAvailable: round.status === 'COMPLETED',
      },
    };
  }

  async pdf(caseId: string): Promise<{ bytes: Buffer; fileName: string }> {
    const round = await this.ctx.db.signingRound.findFirst({ where: { caseId, status: 'COMPLETED' } });
    if (!round?.pdf) throw new DomainError('DOCUMENT_NOT_READY', '协议书尚未签署完毕');
    return { bytes: Buffer.from(round.pdf), fileName: `调解协议书-${snapshotOf(round).meta.caseNumber}.pdf` };
  }

  // ── internals ───────────────────────────────────────────────────────────────

  /** The issued file, built in memory from the round and the given signatures (the mediator's last); nothing is stored. */
  async #buildPdf(round: Round, org: { name: string; sealPng: Uint8Array | null }, signatures: SignatureData[], at: Date) {
    const snapshot = snapshotOf(round);
    const entries: SignatureEntry[] = snapshot.parties.map((p) => {
      const s = signatures.find((x) => x.signerType === 'party' && x.participantId === p.id);
      const label = `${p.role === 'APPLICANT' ? '申请人' : '被申请人'}${p.name}${s && s.signerId !== p.id ? `（委托代理人${s.signerName}代签）` : ''}`;
      return { label, name: '', png: s ? new Uint8Array(s.png) : null, date: s ? todayInChina(s.signedAt) : null };
    });
    const mediator = signatures.find((s) => s.signerType === 'mediator')!;
    return issueAgreementPdf({
      agreement: snapshot,
      signatures: entries,
      mediator: { label: '人民调解员', name: mediator.signerName, png: new Uint8Array(mediator.png), date: todayInChina(mediator.signedAt) },
      seal: new Uint8Array(org.sealPng!),
      date: todayInChina(at),
      certificate: await this.#certificateData(round, snapshot, signatures, org.name),
      identity: this.identity,
      signingTime: at,
    });
  }

  async #certificateData(
    round: Round,
    snapshot: AgreementSnapshot,
    signatures: Array<{ signerName: string; signerRole: string; identityMethod: string; signedAt: Date; ip: string; userAgent: string }>,
    orgName: string,
  ): Promise<CertificateData> {
    const audit = await this.ctx.db.auditEntry.findMany({
      where: { caseId: round.caseId, type: { in: ['CAUCUS_ENDED', 'ROOM_JOINED', 'ROOM_ENDED'] } },
      orderBy: { seq: 'asc' },
    });
    const caucus = { A: 0, B: 0 };
    for (const e of audit.filter((x) => x.type === 'CAUCUS_ENDED')) {
      const d = JSON.parse(e.data) as { sides?: string[]; durationSec?: number };
      for (const side of d.sides ?? []) if (side === 'A' || side === 'B') caucus[side] += d.durationSec ?? 0;
    }
    const head = await this.ctx.db.auditHead.findUnique({ where: { id: 1 } });
    const joins = audit.filter((x) => x.type === 'ROOM_JOINED').map((x) => x.at);
    const ends = audit.filter((x) => x.type === 'ROOM_ENDED').map((x) => x.at);
    return {
      orgName,
      caseNumber: snapshot.meta.caseNumber,
      contentSha256: round.contentSha256,
      versionSeq: round.versionSeq,
      lockedAt: round.lockedAt,
      signers: signatures.map((s) => ({
        name: s.signerName,
        role: s.signerRole,
        identityMethod: s.identityMethod,
        at: s.signedAt,
        ip: s.ip,
        device: s.userAgent,
      })),
      session: { firstJoin: joins[0] ?? null, lastEnd: ends.at(-1) ?? null, caucusSecA: caucus.A, caucusSecB: caucus.B },
      auditHead: head ? { seq: head.seq, hash: head.hash } : null,
      verifyUrl: `${this.ctx.config.publicUrl}/verify/${round.id}`,
      rootFingerprint: this.identity.rootFingerprint,
    };
  }

  async #useCode(roundId: string, participantId: string, code: string, refuse: (reason: string, code: ErrorCode) => Promise<never>): Promise<void> {
    const row = await this.ctx.db.signingCode.findFirst({ where: { roundId, participantId, usedAt: null }, orderBy: { createdAt: 'desc' } });
    if (!row || row.expiresAt.getTime() < Date.now()) return refuse('code-expired', 'CODE_EXPIRED');
    if (row.attempts >= CODE_MAX_ATTEMPTS) return refuse('code-attempts', 'CODE_ATTEMPTS_EXCEEDED');
    const ok = /^\d{6}$/.test(code) && hashSecret(this.ctx.secrets.tokenKey, `signing-code:${row.id}:${code}`) === row.codeHash;
    if (!ok) {
      await this.ctx.db.signingCode.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });
      return refuse('code-wrong', 'CODE_WRONG');
    }
    const { count } = await this.ctx.db.signingCode.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
    if (count !== 1) return refuse('code-reused', 'CODE_USED');
  }

  /** Whom `actor` accepts and signs for in `round`: themselves (a signer of it), or a signer of their side (an authorised agent). */
  async #principal(round: Round, actor: Participant, onBehalfOf: string | undefined): Promise<Participant> {
    const signers = await this.#signers(round);
    if (AGREEMENT_PARTY_ROLES.has(actor.role)) {
      if (onBehalfOf && onBehalfOf !== actor.id) throw new DomainError('NOT_A_SIGNER', '当事人只能为本人签署');
      if (!signers.some((s) => s.id === actor.id)) throw new DomainError('NOT_A_SIGNER', '您不是锁定的协议版本的签署人');
      return actor;
    }
    if (actor.role !== 'AGENT' || !actor.signingAuthority)
      throw new DomainError('NOT_A_SIGNER', '您无权确认或签署本协议（仅当事人及经授权的委托代理人可以签署）');
    const party = onBehalfOf ? signers.find((p) => p.id === onBehalfOf)?.participant : undefined;
    if (!party || party.side !== actor.side) throw new DomainError('NOT_A_SIGNER', '请选择您代理的本方当事人');
    return party;
  }

  /**
   * The parties `round` needs signatures from, in order: the list fixed at lock, or — for a round
   * locked before that was recorded — the locked snapshot's parties. Names come from the
   * participant rows (frozen while the round is open), else from the snapshot.
   */
  async #signers(round: Round): Promise<Signer[]> {
    const snapshot = snapshotOf(round);
    const ids = round.signerIds !== null ? (JSON.parse(round.signerIds) as string[]) : snapshot.parties.map((p) => p.id);
    const rows = await this.ctx.db.participant.findMany({ where: { caseId: round.caseId, id: { in: ids } } });
    return ids.map((id) => {
      const row = rows.find((r) => r.id === id) ?? null;
      const printed = snapshot.parties.find((p) => p.id === id);
      return { id, name: row?.name ?? printed?.name ?? '', role: row?.role ?? printed?.role ?? '', side: row?.side ?? printed?.side ?? '', participant: row };
    });
  }

  async #openRound(caseId: string): Promise<Round> {
    const round = await this.ctx.db.signingRound.findFirst({ where: { caseId, status: 'OPEN' } });
    if (!round)
      throw (await this.ctx.db.signingRound.findFirst({ where: { caseId, status: 'COMPLETED' } }))
        ? new DomainError('AGREEMENT_ALREADY_SIGNED')
        : new DomainError('NOT_LOCKED');
    return round;
  }
}

function snapshotOf(round: { snapshot: string }): AgreementSnapshot {
  return AgreementSnapshotSchema.parse(JSON.parse(round.snapshot));
}

function clauseHashes(round: { clauseHashes: string }): Array<{ id: string; sha256: string }> {
  return JSON.parse(round.clauseHashes) as Array<{ id: string; sha256: string }>;
}
