// /api/dossier views; the web client's types are Static<> of these.
import { Type, type Static } from '@sinclair/typebox';

export const ArchiveRecordView = Type.Object({
  archivedAt: Type.String(),
  archivedBy: Type.String(),
  /** SIGNED | CONFIRMED | FAILED | WITHDRAWN */
  outcome: Type.String(),
  retentionYears: Type.Integer(),
  /** The last day kept (China date, YYYY-MM-DD). */
  retainThrough: Type.String(),
  basis: Type.String(),
  dossierSha256: Type.Union([Type.String(), Type.Null()]),
  dossierPages: Type.Union([Type.Integer(), Type.Null()]),
});

export const DossierView = Type.Object({
  caseId: Type.String(),
  caseNumber: Type.String(),
  caseStatus: Type.String(),
  archive: Type.Union([ArchiveRecordView, Type.Null()]),
  /** Whether the case can be archived now, and why not. */
  archivable: Type.Object({ ok: Type.Boolean(), reason: Type.Union([Type.String(), Type.Null()]) }),
  /** The retention the policy gives this case (when archivable or archived). */
  retention: Type.Union([Type.Object({ years: Type.Integer(), retainThrough: Type.String(), basis: Type.String() }), Type.Null()]),
  /** What this viewer may do. */
  can: Type.Object({ archive: Type.Boolean(), download: Type.Boolean() }),
  /** What an archived case refuses (shown on the case page). */
  readOnly: Type.Array(Type.String()),
});
export type DossierViewT = Static<typeof DossierView>;
