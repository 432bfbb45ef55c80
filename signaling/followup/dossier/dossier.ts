// buildCaseDossier: one case's 电子卷宗 as a sealed PDF — read (dossier-data.ts), laid out and
// sealed (dossier-pdf.ts). Nothing is written: the archive service records what it built, the
// benchmark times it.
import type { Db } from '../../db.ts';
import { describeStep } from '../../routing/matter-views.ts';
import type { SigningIdentity } from '../../signing/org-identity.ts';
import { loadDossierData, type DossierPorts } from './dossier-data.ts';
import { composeDossier, type DossierArchiveInfo, type DossierResult } from './dossier-pdf.ts';

export interface BuildDossierOptions extends DossierPorts {
  identity: SigningIdentity;
  /** The dossier's time (printed, and the seal's); default now. */
  at?: Date;
  /** Who asked for it, as printed. */
  builtBy?: string;
  /** The archive record the dossier is made for, before it is stored (default: the stored one, if any). */
  archive?: DossierArchiveInfo;
}

export async function buildCaseDossier(
  db: Db,
  caseId: string,
  options: BuildDossierOptions,
): Promise<DossierResult & { caseNumber: string; auditSeq: number | null }> {
  const data = await loadDossierData(db, caseId, options);
  const { kase, archive } = data;
  // The 事项's history names units and people by id.
  const units = await db.organisation.findMany({
    where: kase.org.centreId ? { centreId: kase.org.centreId } : { id: kase.org.id },
    select: { id: true, name: true },
  });
  const ids = new Set<string>();
  for (const e of kase.matter?.events ?? []) for (const m of e.data.matchAll(/"(?:userId|ownerUserId|fromUserId|toUserId)":"([a-z0-9]+)"/g)) ids.add(m[1]!);
  const people = ids.size ? await db.user.findMany({ where: { id: { in: [...ids] } }, select: { id: true, displayName: true } }) : [];
  const unitName = (id: string) => units.find((u) => u.id === id)?.name ?? '—';
  const personName = (id: string) => people.find((p) => p.id === id)?.displayName ?? '—';
  const result = await composeDossier(data, {
    identity: options.identity,
    at: options.at ?? new Date(),
    builtBy: options.builtBy ?? '系统',
    archive:
      options.archive ??
      (archive
        ? {
            archivedAt: archive.archivedAt,
            archivedBy: data.userName(archive.archivedById),
            years: archive.retentionYears,
            basis: archive.retentionBasis,
            retainUntil: archive.retainUntil,
          }
        : null),
    describeStep: (type, raw) => describeStep(type, raw, unitName, personName),
  });
  return { ...result, caseNumber: kase.number, auditSeq: data.auditHead?.seq ?? null };
}
