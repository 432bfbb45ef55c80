// A case's 电子卷宗 and its archiving (/api/dossier/:caseId): staff only, by session.

import type * as dossierSchemas from '../../../signaling/followup/dossier/schemas.ts';
import { downloadFile, enc, staff, type S } from './core.ts';

export type DossierView = S<typeof dossierSchemas.DossierView>;

export function dossierApi(caseId: string) {
  const base = `/api/dossier/${enc(caseId)}`;
  return {
    view: () => staff<DossierView>(base),
    archive: () => staff<DossierView>(`${base}/archive`, { method: 'POST' }),
    /** The archived file as stored, or a working copy made now. */
    pdf: () => downloadFile(`${base}/dossier.pdf`, null, '案件不存在或您无权查看'),
  };
}
