// 履行 (/api/performance/:caseId): the schedule drawn from the signed agreement, the mediator's review
// and confirmation, the obligee's signed confirmation of receipt, the obligor's proof upload.

import type * as performanceSchemas from '../../../signaling/followup/performance/schemas.ts';
import { ApiError, caseAreaCall, downloadFile, enc, NETWORK_ERROR_MESSAGE, toApiError, type S } from './core.ts';

export type PerformanceView = S<typeof performanceSchemas.PerformanceView>;
export type ObligationView = S<typeof performanceSchemas.ObligationView>;
export type ObligationInput = S<typeof performanceSchemas.ObligationBody>;
export type ReceiptInput = S<typeof performanceSchemas.ReceiptBody>;

/** Staff (token omitted) use the session cookie + CSRF header; parties their link token as Bearer. */
export function performanceApi(caseId: string, token?: string | null) {
  const base = `/api/performance/${enc(caseId)}`;
  const call = caseAreaCall(base, token);
  return {
    view: () => call<PerformanceView>(''),
    derive: () => call<PerformanceView>('/schedule/derive', { method: 'POST', body: {} }),
    confirm: (obligations: number) => call<PerformanceView>('/schedule/confirm', { method: 'POST', body: { obligations } }),
    add: (o: ObligationInput) => call<{ id: string }>('/obligations', { method: 'POST', body: o }),
    correct: (id: string, o: ObligationInput) => call<null>(`/obligations/${enc(id)}`, { method: 'PUT', body: o }),
    remove: (id: string) => call<null>(`/obligations/${enc(id)}`, { method: 'DELETE' }),
    record: (id: string, r: { amount?: string; note: string }) =>
      call<{ status: string; receivedFen: number }>(`/obligations/${enc(id)}/record`, { method: 'POST', body: r }),
    receipt: (id: string, r: ReceiptInput) => call<{ status: string; receivedFen: number }>(`/obligations/${enc(id)}/receipt`, { method: 'POST', body: r }),
    /** A party's proof: the file itself is the body (with its own type); the server checks the bytes again. */
    async proof(id: string, file: File): Promise<{ id: number }> {
      let res: Response;
      try {
        res = await fetch(`${base}/obligations/${enc(id)}/proof?name=${enc(file.name || '凭证')}`, {
          method: 'POST',
          headers: { 'content-type': file.type || 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          credentials: 'omit',
          body: file,
        });
      } catch {
        throw new ApiError(0, 'NETWORK', NETWORK_ERROR_MESSAGE);
      }
      if (!res.ok) throw await toApiError(res);
      return (await res.json()) as { id: number };
    },
    file: (eventId: number) => downloadFile(`${base}/files/${eventId}`, token, '文件不存在'),
  };
}

export type PerformanceApi = ReturnType<typeof performanceApi>;
