// The procedure around the mediation (/api/procedure/:caseId): the 权利义务告知书 and its
// acknowledgement, 回避, ending the mediation and the 调解终结告知书, the 调解笔录.

import type * as procedureSchemas from '../../../signaling/procedure/schemas.ts';
import { caseAreaCall, downloadFile, enc, type S } from './core.ts';

export type ProcedureView = S<typeof procedureSchemas.ProcedureView>;
export type MinutesView = S<typeof procedureSchemas.MinutesView>;
export type MinutesEntryInput = S<typeof procedureSchemas.MinutesEntryBody>;

/** Staff (token omitted) use the session cookie + CSRF header; parties their link token as Bearer, never cookies. */
export function procedureApi(caseId: string, token?: string | null) {
  const base = `/api/procedure/${enc(caseId)}`;
  const call = caseAreaCall(base, token);
  return {
    view: () => call<ProcedureView>(''),
    acknowledge: (sha256: string) => call<{ acknowledgedAt: string }>('/notice/acknowledge', { method: 'POST', body: { sha256 } }),
    end: (reason?: string) => call<{ status: 'FAILED' }>('/end', { method: 'POST', body: reason ? { reason } : {} }),
    declare: () => call<{ declaredAt: string }>('/recusal/declare', { method: 'POST' }),
    object: (reason: string) => call<{ id: string }>('/recusal/objections', { method: 'POST', body: { reason } }),
    terminationNotice: () => downloadFile(`${base}/termination-notice`, token, '调解终止后才会出具调解终结告知书'),
    minutes: () => call<MinutesView>('/minutes'),
    record: (entry: MinutesEntryInput) => call<{ id: string; seq: number }>('/minutes/entries', { method: 'POST', body: entry }),
    share: () => call<{ shared: number }>('/minutes/share', { method: 'POST' }),
    /** Sends the one-time code for signing the locked minutes to the party's own phone. */
    sendCode: () => call<{ phone: string; expiresInSec: number }>('/minutes/code', { method: 'POST' }),
    sign: (s: { contentSha256: string; name: string; idLast4: string; code: string; signaturePngBase64: string; affirmation: string }) =>
      call<{ signed: boolean }>('/minutes/sign', { method: 'POST', body: s }),
    lock: () => call<{ contentSha256: string }>('/minutes/lock', { method: 'POST' }),
    minutesPdf: () => downloadFile(`${base}/minutes.pdf`, token, '调解笔录经各方当事人签名后才会归档'),
  };
}

export type ProcedureApi = ReturnType<typeof procedureApi>;
