// Archiving a closed case (归档): the staff member checks the case is done, the retention period
// comes from the archive policy (archive-policy.ts) by dispute type and outcome, the sealed dossier
// is built in memory first, and one transaction stores the archive record with the dossier and its
// SHA-256 and the audit entry — or, if the case changed while the dossier was being built, nothing
// (STALE_STATE; the staff member tries again). From then on the case is read-only where it matters
// (archive-guard.ts) and downloads serve that archived file byte for byte. A case not archived can
// be downloaded too: a working copy built on the spot.
//
// Who: the centre's staff (administrators, dispatchers) for every unit of their centre; a unit head
// for the unit's cases; a mediator for its own cases (co-mediators read). Archiving: the case's
// mediator, its unit's head, an administrator. Anyone else is told the case does not exist for them
// (DOSSIER_NOT_FOUND). Every download is audited as a read of personal data.
import type { FastifyBaseLogger } from 'fastify';
import { staffActor } from '../../audit/actors.ts';
import { dbBytes } from '../../drafting/draft-store.ts';
import { appendAudit, recordAudit } from '../../audit/log.ts';
import type { AppContext, StaffPrincipal } from '../../context.ts';
import type { Clock } from '../../deadlines/clock.ts';
import { CASE_STATUS_LABELS, isCaseStatus } from '../../domain/case-status.ts';
import { formatChinaDate } from '../../domain/china-time.ts';
import { DomainError } from '../../errors.ts';
import type { CourtCalendar } from '../../judicial/court-calendar.ts';
import type { SigningIdentity } from '../../signing/org-identity.ts';
import { ARCHIVE_OUTCOMES, retentionFor, type ArchiveOutcome, type ArchivePolicy } from './archive-policy.ts';
import type { DossierPorts } from './dossier-data.ts';
import { buildCaseDossier } from './dossier.ts';
import type { DossierViewT } from './schemas.ts';

/** 民事诉讼法 art. 205: parties apply for judicial confirmation within 30 days of the agreement taking effect. */
const JUDICIAL_WINDOW_DAYS = 30;

/** What an archived case refuses, as the case page lists it. */
export const READ_ONLY_WHEN_ARCHIVED = ['案件信息、当事人和邀请链接', '协议草稿、签署和调解笔录', '告知书确认、回避和终止调解', '申请司法确认', '进入调解室'];

type Access = 'archive' | 'read';

const lastDay = (until: Date) => formatChinaDate(new Date(until.getTime() - 1));

export class ArchiveService {
  constructor(
    private readonly ctx: AppContext,
    private readonly identity: SigningIdentity,
    private readonly policy: ArchivePolicy,
    private readonly clock: Clock,
    private readonly calendar: CourtCalendar,
    private readonly ports: DossierPorts,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** The case and what `user` may do with its dossier; DOSSIER_NOT_FOUND when nothing. */
  async #visible(user: StaffPrincipal, caseId: string) {
    const [kase, unit] = await Promise.all([
      this.ctx.db.case.findUnique({
        where: { id: caseId },
        select: {
          id: true,
          number: true,
          status: true,
          disputeType: true,
          orgId: true,
          mediatorId: true,
          org: { select: { centreId: true } },
          coMediators: { select: { userId: true } },
        },
      }),
      this.ctx.db.organisation.findUnique({ where: { id: user.orgId }, select: { centreId: true } }),
    ]);
    const access = kase ? dossierAccess(user, unit?.centreId ?? null, kase) : null;
    // The grant let the role through; a case outside the staff member's reach does not exist for them.
    if (!kase || !access) throw new DomainError('DOSSIER_NOT_FOUND');
    return { kase, access };
  }

  /** Whether the case is done (and how it ended), or why it cannot be archived yet. */
  async #archivability(kase: { id: string; status: string }, now: Date): Promise<{ ok: true; outcome: ArchiveOutcome } | { ok: false; reason: string }> {
    const db = this.ctx.db;
    const status = kase.status;
    if (!(ARCHIVE_OUTCOMES as readonly string[]).includes(status))
      return { ok: false, reason: `案件处于「${isCaseStatus(status) ? CASE_STATUS_LABELS[status] : status}」，尚未办结，不能归档` };
    if (status === 'SIGNED') {
      const application = await db.judicialApplication.findUnique({ where: { caseId: kase.id }, select: { status: true } });
      if (application?.status === 'DRAFT') return { ok: false, reason: '当事人正在申请司法确认，办结后才能归档' };
      const round = await db.signingRound.findFirst({ where: { caseId: kase.id, status: 'COMPLETED' }, select: { completedAt: true } });
      if (round?.completedAt) {
        const window = this.calendar.periodEnd(round.completedAt, JUDICIAL_WINDOW_DAYS);
        if (now < window.endsAt) return { ok: false, reason: `当事人可在 ${window.lastDay} 前申请司法确认，期满后才能归档` };
      }
    }
    const [openMinutes, openFollowUps] = await Promise.all([
      db.minutesRecord.count({ where: { caseId: kase.id, status: 'OPEN' } }),
      db.followUpTask.count({ where: { caseId: kase.id, status: 'OPEN' } }),
    ]);
    if (openMinutes) return { ok: false, reason: '调解笔录尚待当事人签名，完成或撤回后才能归档' };
    if (openFollowUps) return { ok: false, reason: `尚有 ${openFollowUps} 项回访未完成，完成后才能归档` };
    return { ok: true, outcome: status as ArchiveOutcome };
  }

  async view(user: StaffPrincipal, caseId: string): Promise<DossierViewT> {
    const { kase, access } = await this.#visible(user, caseId);
    const archive = await this.ctx.db.caseArchive.findUnique({
      where: { caseId },
      select: {
        archivedAt: true,
        archivedById: true,
        outcome: true,
        retentionYears: true,
        retainUntil: true,
        retentionBasis: true,
        dossierSha256: true,
        dossierPages: true,
      },
    });
    const now = this.clock.now();
    const verdict = archive ? null : await this.#archivability(kase, now);
    const retention = archive
      ? { years: archive.retentionYears, retainThrough: lastDay(archive.retainUntil), basis: archive.retentionBasis }
      : verdict?.ok
        ? (() => {
            const r = retentionFor(this.policy, { disputeType: kase.disputeType, outcome: verdict.outcome }, now);
            return { years: r.years, retainThrough: lastDay(r.retainUntil), basis: r.basis };
          })()
        : null;
    const archivedBy = archive ? await this.ctx.db.user.findUnique({ where: { id: archive.archivedById }, select: { displayName: true } }) : null;
    return {
      caseId: kase.id,
      caseNumber: kase.number,
      caseStatus: kase.status,
      archive: archive
        ? {
            archivedAt: archive.archivedAt.toISOString(),
            archivedBy: archivedBy?.displayName ?? '—',
            outcome: archive.outcome,
            retentionYears: archive.retentionYears,
            retainThrough: lastDay(archive.retainUntil),
            basis: archive.retentionBasis,
            dossierSha256: archive.dossierSha256,
            dossierPages: archive.dossierPages,
          }
        : null,
      archivable: archive ? { ok: false, reason: '案件已归档' } : verdict!.ok ? { ok: true, reason: null } : { ok: false, reason: verdict!.reason },
      retention,
      can: { archive: access === 'archive' && !archive && verdict?.ok === true, download: true },
      readOnly: READ_ONLY_WHEN_ARCHIVED,
    };
  }

  /** Archives the case: the dossier built and sealed, its record and audit entry in one transaction. */
  async archive(user: StaffPrincipal, caseId: string): Promise<DossierViewT> {
    const { kase, access } = await this.#visible(user, caseId);
    if (access !== 'archive') throw new DomainError('NOT_CASE_ARCHIVIST');
    if (await this.ctx.db.caseArchive.findUnique({ where: { caseId }, select: { caseId: true } })) throw new DomainError('CASE_ARCHIVED', '案件已归档');
    const now = this.clock.now();
    const verdict = await this.#archivability(kase, now);
    if (!verdict.ok) throw new DomainError('CASE_NOT_ARCHIVABLE', verdict.reason);
    const retention = retentionFor(this.policy, { disputeType: kase.disputeType, outcome: verdict.outcome }, now);
    const dossier = await this.#build(caseId, now, user.displayName, {
      archivedAt: now,
      archivedBy: user.displayName,
      years: retention.years,
      basis: retention.basis,
      retainUntil: retention.retainUntil,
    });
    await this.ctx.db.$transaction(async (tx) => {
      if (await tx.caseArchive.findUnique({ where: { caseId }, select: { caseId: true } })) throw new DomainError('CASE_ARCHIVED', '案件已归档');
      // Nothing about the case may have changed since the dossier was read: every change leaves an audit entry.
      const latest = await tx.auditEntry.findFirst({ where: { caseId }, orderBy: { seq: 'desc' }, select: { seq: true } });
      const current = await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { status: true } });
      if ((latest?.seq ?? null) !== dossier.auditSeq || current.status !== verdict.outcome)
        throw new DomainError('STALE_STATE', '生成卷宗期间案件有新的变化，请重新归档');
      await tx.caseArchive.create({
        data: {
          caseId,
          archivedAt: now,
          archivedById: user.id,
          outcome: verdict.outcome,
          retentionYears: retention.years,
          retainUntil: retention.retainUntil,
          retentionBasis: retention.basis,
          dossierSha256: dossier.sha256,
          dossierBuiltAt: now,
          dossierPages: dossier.pages,
          dossierPdf: dbBytes(dossier.bytes),
        },
      });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'CASE_ARCHIVED',
        data: {
          outcome: verdict.outcome,
          retentionYears: retention.years,
          retainUntil: retention.retainUntil.toISOString(),
          dossierSha256: dossier.sha256,
          pages: dossier.pages,
        },
      });
    });
    return this.view(user, caseId);
  }

  /** The archived dossier as stored, or (not archived) a working copy made now. Audited. */
  async download(user: StaffPrincipal, caseId: string): Promise<{ bytes: Buffer; fileName: string; sha256: string }> {
    const { kase } = await this.#visible(user, caseId);
    const archive = await this.ctx.db.caseArchive.findUnique({ where: { caseId }, select: { dossierPdf: true, dossierSha256: true, dossierPages: true } });
    let file: { bytes: Uint8Array; sha256: string; pages: number };
    if (archive?.dossierPdf && archive.dossierSha256) file = { bytes: archive.dossierPdf, sha256: archive.dossierSha256, pages: archive.dossierPages ?? 0 };
    else file = await this.#build(caseId, this.clock.now(), user.displayName, undefined);
    // Every party's particulars: a staff read of personal data, audited like the others (privacy/read-audit.ts).
    await recordAudit(this.ctx.db, staffActor(user), caseId, {
      type: 'PERSONAL_DATA_READ',
      data: {
        what: `电子卷宗（${archive ? '归档件' : '工作副本'}，${file.pages} 页，摘要 ${file.sha256.slice(0, 12)}…）`,
        route: 'GET /api/dossier/:caseId/dossier.pdf',
      },
    });
    return { bytes: Buffer.from(file.bytes), fileName: `电子卷宗-${kase.number}${archive ? '' : '（工作副本）'}.pdf`, sha256: file.sha256 };
  }

  async #build(caseId: string, at: Date, builtBy: string, archive: Parameters<typeof buildCaseDossier>[2]['archive']) {
    try {
      return await buildCaseDossier(this.ctx.db, caseId, { identity: this.identity, at, builtBy, ...(archive ? { archive } : {}), ...this.ports });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      this.log.error({ err, caseId }, 'dossier: building failed');
      throw new DomainError('DOSSIER_FAILED');
    }
  }
}

/**
 * What a staff member may do with a case's dossier: centre staff (administrators, dispatchers) see
 * every unit of their centre, unit heads their unit, mediators their own cases. Null: nothing (the
 * case does not exist for them).
 */
export function dossierAccess(
  user: Pick<StaffPrincipal, 'id' | 'role' | 'orgId'>,
  userCentreId: string | null,
  kase: { orgId: string; mediatorId: string | null; org: { centreId: string | null }; coMediators: ReadonlyArray<{ userId: string }> },
): Access | null {
  const sameCentre = userCentreId !== null && userCentreId === kase.org.centreId;
  switch (user.role) {
    case 'ADMIN':
      return sameCentre || user.orgId === kase.orgId ? 'archive' : null;
    case 'DISPATCHER':
      return sameCentre ? 'read' : null;
    case 'UNIT_HEAD':
      return user.orgId === kase.orgId ? 'archive' : null;
    case 'MEDIATOR':
      if (kase.mediatorId === user.id) return 'archive';
      return kase.coMediators.some((m) => m.userId === user.id) ? 'read' : null;
    default:
      return null;
  }
}
