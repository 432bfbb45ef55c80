// Signing the agreement (/api/signing/:caseId): lock, consent per clause, signatures, the PDF.

import type * as signingSchemas from '../../../signaling/signing/schemas.ts';
import { caseAreaCall, downloadFile, enc, type S } from './core.ts';

export type SigningRound = S<typeof signingSchemas.SigningRoundView>;
export type SigningParty = SigningRound['parties'][number];
export type SigningClause = SigningRound['clauses'][number];

/**
 * Locking, consent and signatures of a case's agreement. Staff (token omitted) use the session
 * cookie + CSRF header; parties their link token as Bearer, never cookies.
 */
export function signingApi(caseId: string, token?: string | null) {
  const base = `/api/signing/${enc(caseId)}`;
  const call = caseAreaCall(base, token);
  return {
    view: () => call<{ round: SigningRound | null }>('').then((r) => r.round),
    lock: () => call<{ roundId: string; contentSha256: string; versionSeq: number }>('/lock', { method: 'POST', body: {} }),
    unlock: (reason: string) => call<{ voidedSignatures: number; voidedConsents: number }>('/unlock', { method: 'POST', body: { reason } }),
    authoriseAgent: (participantId: string, authorised: boolean) =>
      call<unknown>(`/agents/${enc(participantId)}/authority`, { method: 'PUT', body: { authorised } }),
    accept: (clauseId: string, clauseSha256: string, onBehalfOf?: string) =>
      call<{ clauseId: string; at: string }>('/consent', { method: 'POST', body: { clauseId, clauseSha256, ...(onBehalfOf ? { onBehalfOf } : {}) } }),
    object: (clauseId: string, clauseSha256: string, text: string, onBehalfOf?: string) =>
      call<{ commentId: string; at: string }>('/objections', { method: 'POST', body: { clauseId, clauseSha256, text, ...(onBehalfOf ? { onBehalfOf } : {}) } }),
    sendCode: (onBehalfOf?: string) => call<{ phone: string; expiresInSec: number }>('/code', { method: 'POST', body: onBehalfOf ? { onBehalfOf } : {} }),
    sign: (s: { name: string; idLast4: string; code: string; signaturePngBase64: string; affirmation: string; onBehalfOf?: string }) =>
      call<{ signedAt: string }>('/sign', { method: 'POST', body: s }),
    mediatorSign: (signaturePngBase64: string) =>
      call<{ pdfSha256: string; pages: number; bytes: number }>('/mediator-sign', { method: 'POST', body: { signaturePngBase64 } }),
    pdf: () => downloadFile(`${base}/pdf`, token, '协议书尚未签署完毕'),
  };
}

export type SigningApi = ReturnType<typeof signingApi>;
