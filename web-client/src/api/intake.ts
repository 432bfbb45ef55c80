// The intake desk (/api/intake): 来访/来电登记, 随手记, the duplicate check and early warnings, and
// the batch import (its targets, template and the upload, sent with progress).
import { XLSX_MIME } from '../../../signaling/intake-desk/import/columns.ts';
import type * as schemas from '../../../signaling/intake-desk/schemas.ts';
import { ApiError, csrfHeader, enc, NETWORK_ERROR_MESSAGE, reportUnauthorized, staff, toApiError, type S } from './core.ts';

export type DeskRegistration = S<typeof schemas.DeskRegistrationBody>;
export type GridReport = S<typeof schemas.GridReportBody>;
export type Registered = S<typeof schemas.RegisteredView>;
export type MatterScreening = S<typeof schemas.MatterScreeningView>;
export type ImportTargets = S<typeof schemas.ImportTargetsView>;
export type ImportQuery = S<typeof schemas.ImportQuery>;
export type ImportResult = S<typeof schemas.ImportResultView>;
export type ImportRejected = S<typeof schemas.ImportRejectedView>;

/** A file either imported whole or refused whole with its row-by-row report (HTTP 422). */
export type ImportOutcome = { imported: ImportResult } | { rejected: ImportRejected };

export const IMPORT_TEMPLATE_URL = '/api/intake/imports/template';

/**
 * POSTs the .xlsx as it is (not JSON) through XMLHttpRequest, the one browser API that reports
 * upload progress; `onUploaded` fires when the bytes are sent and the server starts checking rows.
 */
function uploadImport(file: Blob, query: ImportQuery, onProgress: (fraction: number) => void, onUploaded: () => void): Promise<ImportOutcome> {
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/intake/imports?${params.toString()}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', XLSX_MIME);
    xhr.setRequestHeader('accept', 'application/json');
    for (const [name, value] of Object.entries(csrfHeader())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => onUploaded();
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', NETWORK_ERROR_MESSAGE));
    xhr.onload = () => {
      const text = xhr.responseText;
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // Not JSON (a proxy's page): toApiError below explains by status.
      }
      if (xhr.status === 201 && body) return resolve({ imported: body as ImportResult });
      if (xhr.status === 422 && (body as { code?: unknown } | null)?.code === 'IMPORT_REJECTED') return resolve({ rejected: body as ImportRejected });
      if (xhr.status === 401) reportUnauthorized();
      void toApiError(new Response(text || null, { status: xhr.status })).then(reject, reject);
    };
    xhr.send(file);
  });
}

export const intakeApi = {
  registerAtDesk: (body: DeskRegistration) => staff<Registered>('/api/intake/registrations', { method: 'POST', body }),
  reportFromGrid: (body: GridReport) => staff<Registered>('/api/intake/grid-reports', { method: 'POST', body }),
  screeningOf: (matterId: string) => staff<MatterScreening>(`/api/intake/matters/${enc(matterId)}/screening`),
  importTargets: () => staff<ImportTargets>('/api/intake/imports/targets'),
  uploadImport,
};
