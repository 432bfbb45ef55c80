// Judicial confirmation: the parties' joint application (/api/judicial/:caseId) and the judge's
// side of it (/api/judge/applications).

import type * as judicialSchemas from '../../../signaling/judicial/schemas.ts';
import { ApiError, caseAreaCall, csrfHeader, downloadFile, enc, staff, type S } from './core.ts';

/** A court bundle (案卷包) as a Blob and the id the court's ruling is imported against. */
async function downloadBundle(path: string): Promise<{ blob: Blob; bundleId: string }> {
  // POST: each export is recorded on the server.
  const res = await fetch(path, { method: 'POST', headers: csrfHeader(), credentials: 'same-origin' });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { message?: string } | null;
    throw new ApiError(res.status, 'DOWNLOAD', body?.message ?? '案卷包导出失败，请重试');
  }
  return { blob: await res.blob(), bundleId: res.headers.get('x-bundle-id') ?? '' };
}

export type JudicialView = S<typeof judicialSchemas.JudicialView>;
export type JudicialCourtOption = JudicialView['courts'][number];

/** The joint application for judicial confirmation, as a party (link token) or the case's mediator. */
export function judicialApi(caseId: string, token?: string | null) {
  const base = `/api/judicial/${enc(caseId)}`;
  const call = caseAreaCall(base, token);
  return {
    /** With the area codes an applicant is entering, the courts offered follow them (jurisdiction on codes). */
    view: (codes: { domicileAreaCode?: string; subjectAreaCode?: string } = {}) => {
      const q = new URLSearchParams(Object.entries(codes).filter(([, v]) => v)).toString();
      return call<JudicialView>(q ? `?${q}` : '');
    },
    apply: (a: { courtId: string; serviceAddress: string; phone: string; electronicService: boolean; domicileAreaCode?: string; subjectAreaCode?: string }) =>
      call<{ status: string }>('/apply', { method: 'POST', body: a }),
    /** Sends the one-time code for signing the 司法确认申请书 to the applicant's own phone. */
    sendApplicationCode: () => call<{ phone: string; expiresInSec: number }>('/application-code', { method: 'POST' }),
    /** The applicant signs the 司法确认申请书 itself (name, ID last four, one-time code, affirmation, handwriting). */
    signApplication: (s: { name: string; idLast4: string; code: string; affirmation: string; signaturePngBase64: string }) =>
      call<{ status: string }>('/sign-application', { method: 'POST', body: s }),
    materialsSupplied: () => call<null>('/materials-supplied', { method: 'POST' }),
    withdraw: () => call<null>('/withdraw', { method: 'POST' }),
    courtDocument: (documentId: string) => downloadFile(`${base}/court-documents/${enc(documentId)}`, token, '文书下载失败'),
    serviceAddressDocument: () => downloadFile(`${base}/service-address.pdf`, token, '申请提交后才会生成送达地址确认书'),
    /** The party confirms (or declines) the consent the mediator recorded for it. */
    confirmConsent: () => call<{ status: string }>('/confirm-consent', { method: 'POST' }),
    declineConsent: () => call<{ status: string }>('/decline-consent', { method: 'POST' }),
    /** Sends the file itself as the body; its type is checked again on the server from the bytes. */
    upload: async (file: File, kind: 'ID_DOCUMENT' | 'EVIDENCE' | 'OTHER') => {
      const res = await fetch(`${base}/materials?kind=${kind}&name=${enc(file.name)}`, {
        method: 'POST',
        headers: { 'content-type': file.type || 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: file,
        credentials: token ? 'omit' : 'same-origin',
      });
      const body = (await res.json().catch(() => null)) as { message?: string } | null;
      if (!res.ok) throw new ApiError(res.status, 'UPLOAD', res.status === 413 ? '文件不能超过 10 MB' : (body?.message ?? '上传失败，请重试'));
      return body;
    },
    applicationDocument: () => downloadFile(`${base}/application.pdf`, token, '双方均确认申请后才会生成申请书'),
    ruling: () => downloadFile(`${base}/ruling.pdf`, token, '法院尚未作出裁定'),
    /** The mediator records that a court sent this mediation: the application then goes to that court only. */
    recordReferral: (r: { courtId: string; kind: 'INVITED' | 'DELEGATED' | 'ENTRUSTED' }) => call<null>('/referral', { method: 'POST', body: r }),
    /** The organisation's export of the whole application for a court ruling on its own platform. */
    bundle: () => downloadBundle(`${base}/bundle`),
  };
}

/** The courts configured (staff). */
export const courtsApi = {
  list: () => staff<{ courts: Array<{ id: string; name: string; code: string; isLocal: boolean }> }>('/api/courts').then((r) => r.courts),
};

export type JudgeApplicationSummary = S<typeof judicialSchemas.JudgeApplicationSummary>;
export type JudgeApplicationDetail = S<typeof judicialSchemas.JudgeApplicationDetail>;

export const judgeApi = {
  queue: () => staff<{ applications: JudgeApplicationSummary[] }>('/api/judge/applications').then((r) => r.applications),
  detail: (id: string) => staff<{ application: JudgeApplicationDetail }>(`/api/judge/applications/${enc(id)}`).then((r) => r.application),
  accept: (id: string) => staff<{ courtCaseNumber: string }>(`/api/judge/applications/${enc(id)}/accept`, { method: 'POST', body: {} }),
  startReview: (id: string) => staff<null>(`/api/judge/applications/${enc(id)}/review`, { method: 'POST', body: {} }),
  saveReview: (id: string, checklist: Record<string, boolean>, notes: string) =>
    staff<null>(`/api/judge/applications/${enc(id)}/review`, { method: 'PUT', body: { checklist, notes } }),
  decide: (id: string, d: { decision: 'confirm' | 'dismiss'; ground?: string; explanation?: string; clerk: string }) =>
    staff<{ status: string; rulingSha256: string }>(`/api/judge/applications/${enc(id)}/decide`, { method: 'POST', body: d }),
  refuse: (id: string, d: { ground: string; explanation?: string; clerk: string }) =>
    staff<null>(`/api/judge/applications/${enc(id)}/refuse`, { method: 'POST', body: d }),
  requestMaterials: (id: string, d: { materials: string; dueDays: number }) =>
    staff<{ dueAt: string }>(`/api/judge/applications/${enc(id)}/materials-request`, { method: 'POST', body: d }),
  allowWithdrawal: (id: string, clerk: string) => staff<null>(`/api/judge/applications/${enc(id)}/withdraw`, { method: 'POST', body: { clerk } }),
  recordQuestioning: (id: string, d: { startedAt: string; endedAt: string; place: string; record: string; clerk: string }) =>
    staff<{ sha256: string }>(`/api/judge/applications/${enc(id)}/questioning`, { method: 'POST', body: d }),
  courtDocument: (id: string, documentId: string) =>
    downloadFile(`/api/judge/applications/${enc(id)}/court-documents/${enc(documentId)}`, null, '文书下载失败'),
  agreementPdf: (id: string) => downloadFile(`/api/judge/applications/${enc(id)}/agreement.pdf`, null, '协议书下载失败'),
  rulingPdf: (id: string) => downloadFile(`/api/judge/applications/${enc(id)}/ruling.pdf`, null, '裁定书下载失败'),
  bundle: (id: string) => downloadBundle(`/api/judge/applications/${enc(id)}/bundle`),
  /** The court's own ruling PDF (signed with its key) against a bundle id; the body is the file itself. */
  importRuling: async (id: string, d: { bundleId: string; decision: 'confirm' | 'dismiss'; file: File }) => {
    const res = await fetch(`/api/judge/applications/${enc(id)}/ruling-import?bundleId=${enc(d.bundleId)}&decision=${d.decision}`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf', ...csrfHeader() },
      body: d.file,
      credentials: 'same-origin',
    });
    const body = (await res.json().catch(() => null)) as { code?: string; message?: string; status?: string } | null;
    if (!res.ok) throw new ApiError(res.status, body?.code ?? 'UPLOAD', body?.message ?? '导入失败，请重试');
    return body as { status: string; rulingSha256: string };
  },
};
