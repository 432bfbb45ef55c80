// Everything the 电子卷宗 prints, read from the database in one go (the sealing extension opens the
// personal data; nothing here writes). What the composer receives is plain data: the stored PDFs
// exactly as issued (their pages are copied, never re-rendered), the rows behind each section, and
// the people's names the rows refer to by id.
import type { Db } from '../../db.ts';
import { DomainError } from '../../errors.ts';

/** Reads the data of one case; `applicationPdf` makes the 司法确认申请书 when it has not been downloaded yet. */
export async function loadDossierData(db: Db, caseId: string, ports: DossierPorts = {}) {
  const kase = await db.case.findUnique({
    where: { id: caseId },
    include: {
      org: { select: { id: true, name: true, centreId: true, centre: { select: { name: true } } } },
      mediator: { select: { id: true, displayName: true } },
      coMediators: { include: { user: { select: { displayName: true } } } },
      participants: { orderBy: { createdAt: 'asc' }, include: { privacyConsents: { orderBy: { purpose: 'asc' } } } },
      matter: { include: { parties: { orderBy: { id: 'asc' } }, events: { orderBy: { id: 'asc' } } } },
      noticeAcknowledgements: { orderBy: { acknowledgedAt: 'asc' } },
      termination: true,
      minutesRecords: { where: { status: 'COMPLETED' }, orderBy: { completedAt: 'desc' }, take: 1, include: { signatures: { orderBy: { signedAt: 'asc' } } } },
      signingRounds: { where: { status: 'COMPLETED' }, take: 1, include: { signatures: { orderBy: { signedAt: 'asc' } } } },
      judicialApplication: {
        include: { court: { select: { name: true, code: true } }, applicants: { orderBy: { at: 'asc' } }, documents: { orderBy: { issuedAt: 'asc' } } },
      },
    },
  });
  if (!kase) throw new DomainError('CASE_NOT_FOUND');
  const [obligations, followUps, ratings, transitions, archive, applyConsent, auditHead] = await Promise.all([
    db.obligation.findMany({ where: { caseId }, orderBy: { seq: 'asc' }, include: { events: { orderBy: { id: 'asc' } } } }),
    db.followUpTask.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' }, include: { records: { orderBy: { at: 'asc' } } } }),
    db.serviceRating.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' } }),
    db.auditEntry.findMany({ where: { caseId, type: 'CASE_TRANSITION' }, orderBy: { seq: 'asc' }, select: { at: true, actorLabel: true, data: true } }),
    db.caseArchive.findUnique({ where: { caseId } }),
    kase.matter ? db.applyConsent.findUnique({ where: { matterId: kase.matter.id } }) : null,
    db.auditEntry.findFirst({ where: { caseId }, orderBy: { seq: 'desc' }, select: { seq: true, hash: true } }),
  ]);
  const userIds = new Set<string>(
    [
      ...followUps.flatMap((t) => [t.assigneeId, ...t.records.map((r) => r.userId)]),
      ...obligations.flatMap((o) => o.events.map((e) => e.userId)),
      archive?.archivedById,
    ].filter((x): x is string => !!x),
  );
  const users = await db.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, displayName: true } });
  const application = kase.judicialApplication;
  let applicationPdf: Uint8Array | null = application?.applicationPdf ? new Uint8Array(application.applicationPdf) : null;
  if (!applicationPdf && application && application.status !== 'DRAFT' && application.submittedAt && ports.applicationPdf)
    applicationPdf = await ports.applicationPdf(caseId);
  return {
    kase,
    round: kase.signingRounds[0] ?? null,
    minutes: kase.minutesRecords[0] ?? null,
    application,
    applicationPdf,
    obligations,
    followUps,
    ratings,
    transitions,
    archive,
    applyConsent,
    /** The newest audit entry of the case when the data was read (what the dossier is as of). */
    auditHead,
    userName: (id: string | null | undefined) => users.find((u) => u.id === id)?.displayName ?? '—',
  };
}

export interface DossierPorts {
  /** The 司法确认申请书 of a submitted application (made and stored on first use). */
  applicationPdf?: (caseId: string) => Promise<Uint8Array>;
}

export type DossierData = Awaited<ReturnType<typeof loadDossierData>>;
