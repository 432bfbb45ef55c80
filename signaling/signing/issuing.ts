// The mediator's signature and the issued agreement, one step that cannot get stuck halfway: the
// PDF is built in memory first (seal checked, the mediator's signature and its time fixed
// beforehand), then one transaction writes the mediator's signature, the completed round with the
// PDF, the case's move to 已签署 and their audit entries — if building fails nothing is written
// and the mediator can simply try again.
import type { FastifyBaseLogger } from 'fastify';
import { todayInChina } from '../agreement/dates.ts';
import type { AgreementSnapshot } from '../agreement/document.ts';
import { appendAudit } from '../audit/log.ts';
import { staffActor } from '../audit/actors.ts';
import { loadCase } from '../cases/case-service.ts';
import { transitionCase } from '../cases/case-transitions.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { dbBytes } from '../drafting/draft-store.ts';
import { DomainError } from '../errors.ts';
import type { SignatureEntry } from './agreement-pdf.ts';
import { environmentDigest, type CertificateData } from './audit-certificate.ts';
import { issueAgreementPdf } from './issue-pdf.ts';
import type { SigningIdentity } from './org-identity.ts';
import { sealProblem } from './png-image.ts';
import { checkSignaturePng } from './signature-image.ts';
import { openRound, sha256, signersOf, snapshotOf, type RequestInfo, type Round } from './signing-round.ts';

/** What the PDF and the certificate need of a signature (a stored row, or the mediator's about to be stored). */
type SignatureData = {
  participantId: string | null;
  signerType: string;
  signerId: string;
  signerName: string;
  signerRole: string;
  png: Uint8Array;
  /** An organisation's 电子印章 as it was when its representative signed. */
  sealPng: Uint8Array | null;
  identityMethod: string;
  signedAt: Date;
  ip: string;
  userAgent: string;
};

export class AgreementIssuer {
  constructor(
    private readonly ctx: AppContext,
    private readonly identity: SigningIdentity,
    private readonly log?: FastifyBaseLogger,
  ) {}

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
    const round = await openRound(this.ctx, caseId);
    const signers = await signersOf(this.ctx, round);
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
      sealPng: null,
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

  /** The issued file, built in memory from the round and the given signatures (the mediator's last); nothing is stored. */
  async #buildPdf(round: Round, org: { name: string; sealPng: Uint8Array | null }, signatures: SignatureData[], at: Date) {
    const snapshot = snapshotOf(round);
    const entries: SignatureEntry[] = snapshot.parties.map((p) => {
      const s = signatures.find((x) => x.signerType === 'party' && x.participantId === p.id);
      const agentKind = s?.signerRole.endsWith('法定代理人') ? '法定代理人' : '委托代理人';
      const label = `${p.role === 'APPLICANT' ? '申请人' : '被申请人'}${p.name}${s && s.signerId !== p.id ? `（${agentKind}${s.signerName}代签）` : ''}`;
      return {
        label,
        name: '',
        png: s ? new Uint8Array(s.png) : null,
        seal: s?.sealPng ? new Uint8Array(s.sealPng) : null,
        date: s ? todayInChina(s.signedAt) : null,
      };
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
    signatures: Array<{ signerId: string; signerName: string; signerRole: string; identityMethod: string; signedAt: Date; ip: string; userAgent: string }>,
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
        environmentDigest: environmentDigest(this.ctx.secrets.tokenKey, { roundId: round.id, ...s }),
      })),
      session: { firstJoin: joins[0] ?? null, lastEnd: ends.at(-1) ?? null, caucusSecA: caucus.A, caucusSecB: caucus.B },
      auditHead: head ? { seq: head.seq, hash: head.hash } : null,
      verifyUrl: `${this.ctx.config.publicUrl}/verify/${round.id}`,
      rootFingerprint: this.identity.rootFingerprint,
    };
  }
}
