// Courts that rule on their own platform (#17 item 10): the organisation, or the court's judge,
// exports the whole application as a court bundle (court-bundle-format.ts) — the agreement, the
// 申请书, the 送达地址确认书, every material and court document so far — signed by the
// organisation; the bundle is recorded by its id. The court's 民事裁定书 comes back as a PDF
// signed with the court's own key plus that bundle id: it is checked (signature whole and
// untouched, the court's root certificate, a bundle of this application) and recorded as the
// ruling — served like a ruling made here; the case status follows. Anything else is refused and
// changes nothing.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Actor } from '../audit/log.ts';
import { appendAudit } from '../audit/log.ts';
import { transitionCase } from '../cases/case-transitions.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { SigningIdentity } from '../signing/org-identity.ts';
import { verifyPdf } from '../signing/verify-pdf.ts';
import type { JudicialApplicationService } from './application-service.ts';
import { buildBundle, sha256Hex, type BundleFile } from './court-bundle-format.ts';
import type { CourtDocuments } from './court-documents.ts';
import { materialsDir } from './materials.ts';

/** A court may rule on an application it has received and not yet ruled on. */
const RULABLE = ['SUBMITTED', 'ACCEPTED', 'REVIEWING'];
const EXT: Record<string, string> = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' };

const staffAsActor = (u: StaffPrincipal): Actor => ({ type: 'user', id: u.id, label: u.role === 'JUDGE' ? `${u.displayName}（法官）` : u.displayName });

export class CourtBundleService {
  constructor(
    private readonly ctx: AppContext,
    private readonly orgIdentity: SigningIdentity,
    private readonly applications: JudicialApplicationService,
    private readonly documents: CourtDocuments,
    private readonly courtIdentity: (court: { id: string; name: string; code: string }) => SigningIdentity,
  ) {}

  /** The application of a case (the organisation's side), once submitted. */
  async applicationOfCase(caseId: string): Promise<string> {
    const a = await this.ctx.db.judicialApplication.findUnique({ where: { caseId }, select: { id: true, status: true } });
    if (!a || a.status === 'DRAFT') throw new DomainError('DOCUMENT_NOT_READY', '司法确认申请提交后才能导出案卷包');
    return a.id;
  }

  /** Builds, records and audits one bundle. The caller has checked who may (judge of the court, or the case's mediator/admin). */
  async export(by: StaffPrincipal, applicationId: string): Promise<{ zip: Buffer; fileName: string; bundleId: string }> {
    const a = await this.ctx.db.judicialApplication.findUniqueOrThrow({
      where: { id: applicationId },
      include: { court: true, case: { include: { org: true } }, materials: { orderBy: { uploadedAt: 'asc' } }, documents: { orderBy: { issuedAt: 'asc' } } },
    });
    if (a.status === 'DRAFT') throw new DomainError('DOCUMENT_NOT_READY', '司法确认申请提交后才能导出案卷包');
    const round = await this.ctx.db.signingRound.findFirst({ where: { caseId: a.caseId, status: 'COMPLETED' } });
    if (!round?.pdf) throw new DomainError('DOCUMENT_NOT_READY', '协议书不存在');
    // The 调解笔录 the parties signed is part of the case file (人民调解法 art. 27): the court gets it too.
    const minutes = await this.ctx.db.minutesRecord.findFirst({ where: { caseId: a.caseId, status: 'COMPLETED' }, orderBy: { completedAt: 'desc' } });
    const files: BundleFile[] = [
      { path: 'agreement.pdf', title: '人民调解协议书', kind: 'AGREEMENT', bytes: new Uint8Array(round.pdf) },
      ...(minutes?.pdf ? [{ path: 'minutes.pdf', title: '人民调解笔录', kind: 'MINUTES', bytes: new Uint8Array(minutes.pdf) }] : []),
      { path: 'application.pdf', title: '司法确认申请书', kind: 'APPLICATION', bytes: (await this.applications.applicationPdf(a.caseId)).bytes },
      { path: 'service-address.pdf', title: '送达地址确认书', kind: 'SERVICE_ADDRESS', bytes: (await this.applications.serviceAddressPdf(a.caseId)).bytes },
      ...a.materials.map((m, i) => ({
        path: `materials/${String(i + 1).padStart(2, '0')}-${m.kind.toLowerCase()}.${EXT[m.mime] ?? 'bin'}`,
        title: `当事人材料：${m.displayName}`,
        kind: `MATERIAL_${m.kind}`,
        bytes: this.ctx.crypto.openBytes(readFileSync(path.join(materialsDir(this.ctx), m.id))),
      })),
      ...a.documents.map((d, i) => ({
        path: `court/${String(i + 1).padStart(2, '0')}-${d.kind.toLowerCase().replace(/_/g, '-')}.pdf`,
        title: d.title,
        kind: `COURT_${d.kind}`,
        bytes: new Uint8Array(d.pdf),
      })),
    ];
    const bundleId = randomUUID();
    const at = new Date();
    const { zip, manifestSha256 } = buildBundle(
      {
        bundleId,
        organisation: { name: a.case.org.name, rootFingerprint: this.orgIdentity.rootFingerprint },
        court: { name: a.court.name, code: a.court.code },
        case: { number: a.case.number },
        application: { id: a.id, courtCaseNumber: a.courtCaseNumber, status: a.status },
      },
      files,
      this.orgIdentity,
      at,
    );
    await this.ctx.db.$transaction(async (tx) => {
      await tx.judicialCourtBundle.create({ data: { id: bundleId, applicationId: a.id, manifestSha256, createdAt: at, createdBy: by.id } });
      await appendAudit(tx, staffAsActor(by), a.caseId, {
        type: 'COURT_BUNDLE_EXPORTED',
        data: { applicationId: a.id, bundleId, manifestSha256, files: files.length },
      });
    });
    return { zip: Buffer.from(zip), fileName: `案卷包-${a.case.number}.zip`, bundleId };
  }

  /**
   * The court's ruling, made on its own platform, imported against a bundle of this application:
   * a PDF whose signature covers the whole file and chains to the court's own root certificate.
   */
  async importRuling(judge: StaffPrincipal, applicationId: string, input: { bundleId: string; decision: 'confirm' | 'dismiss'; pdf: Buffer }) {
    const a = await this.ctx.db.judicialApplication.findUniqueOrThrow({ where: { id: applicationId }, include: { court: true } });
    const bundle = await this.ctx.db.judicialCourtBundle.findFirst({ where: { id: input.bundleId, applicationId } });
    if (!bundle) throw new DomainError('BUNDLE_NOT_FOUND');
    if (!RULABLE.includes(a.status)) throw new DomainError('APPLICATION_WRONG_STATE', '该申请已有裁定或尚未提交，不能导入裁定');
    if (input.pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new DomainError('RULING_NOT_PDF');
    const verdict = verifyPdf(input.pdf, { pinnedRoots: [this.courtIdentity(a.court).rootFingerprint] });
    if (!verdict.valid) throw new DomainError('RULING_SIGNATURE_INVALID', `裁定书的数字签名无效：${verdict.problems.join('；')}`);
    if (verdict.trustedRoot !== true)
      throw new DomainError('RULING_NOT_BY_COURT', `裁定书不是由${a.court.name}的签名证书签署的（签署人：${verdict.signerName ?? '未知'}）`);
    const now = new Date();
    const status = input.decision === 'confirm' ? 'CONFIRMED' : 'DISMISSED';
    const rulingSha256 = sha256Hex(input.pdf);
    const actor = staffAsActor(judge);
    await this.ctx.db.$transaction(async (tx) => {
      const { count } = await tx.judicialApplication.updateMany({
        where: { id: a.id, status: { in: RULABLE } },
        data: {
          status,
          decidedAt: now,
          judgeId: judge.id,
          judgeName: judge.displayName,
          pausedSince: null,
          rulingPdf: new Uint8Array(input.pdf),
          rulingSha256,
        },
      });
      if (count !== 1) throw new DomainError('STALE_STATE', '申请状态已变化，请刷新后重试');
      await tx.judicialCourtBundle.update({ where: { id: bundle.id }, data: { rulingImportedAt: now } });
      await this.documents.store(tx, a.id, 'RULING', { bytes: input.pdf, sha256: rulingSha256 }, { at: now });
      await transitionCase(tx, {
        caseId: a.caseId,
        from: 'CONFIRMATION_REQUESTED',
        to: status,
        by: 'judicial',
        actor,
        reason: input.decision === 'confirm' ? '法院裁定调解协议有效（裁定书导入）' : '法院裁定驳回申请（裁定书导入）',
      });
      await appendAudit(tx, actor, a.caseId, {
        type: 'COURT_RULING_IMPORTED',
        data: { applicationId: a.id, bundleId: bundle.id, decision: input.decision, rulingSha256, signer: verdict.signerName ?? '' },
      });
    });
    return { status, rulingSha256 };
  }
}
