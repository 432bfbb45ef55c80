// Typed client for the jiefen HTTP API.
//
// Staff requests use the httpOnly session cookie (credentials: 'same-origin')
// and send `x-csrf-token` on every non-GET request. Party requests carry the
// invitation link token as `Authorization: Bearer <token>` and never cookies.
// Every failure is surfaced as an ApiError whose `message` is display-ready
// Chinese text (the server's `message` when it sent one).

import type { Static, TSchema } from '@sinclair/typebox';
import type * as schemas from '../../signaling/http/schemas.ts';
import type * as signingSchemas from '../../signaling/signing/schemas.ts';
import type * as judicialSchemas from '../../signaling/judicial/schemas.ts';
import type * as draftingSchemas from '../../signaling/drafting/schemas.ts';

// ---------------------------------------------------------------- types

// The HTTP contract's types are the server's TypeBox schemas (signaling/http/schemas.ts), so
// the client cannot drift from what the routes validate and answer. Type-only: nothing of the
// server is bundled.
type S<T extends TSchema> = Static<T>;

export type Role = S<typeof schemas.UserRoleT>;
export type CaseStatus = S<typeof schemas.CaseStatusT>;
export type ParticipantRole = S<typeof schemas.ParticipantRoleT>;
export type Side = S<typeof schemas.SideT>;

export type Session = S<typeof schemas.MeView>;
export type User = Session['user'];
export type ManagedUser = S<typeof schemas.UserView>;
export type Org = S<typeof schemas.OrgView>['org'];

export interface LabeledKey<K extends string = string> {
  key: K;
  label: string;
}

export interface Meta {
  disputeTypes: LabeledKey[];
  caseStatuses: LabeledKey<CaseStatus>[];
  participantRoles: LabeledKey<ParticipantRole>[];
  sides: LabeledKey<Side>[];
  auditEventTypes?: LabeledKey[];
}

export type CaseSummary = S<typeof schemas.CaseSummaryView>;
export type Participant = S<typeof schemas.ParticipantView>;
export type CaseDetail = S<typeof schemas.CaseDetailView>;
export type StaffRef = CaseDetail['coMediators'][number];
export type NewCase = S<typeof schemas.NewCaseBody>;
export type NewParticipant = S<typeof schemas.NewParticipantBody>;
export type Invitation = S<typeof schemas.InvitationView>;

/** Only returned once, by the create call. */
export interface CreatedInvitation extends Invitation {
  url: string;
}

export type AuditLog = S<typeof schemas.AuditLogView>;
export type AuditEntry = AuditLog['entries'][number];
export type AuditChain = AuditLog['chain'];

export type PartyCase = S<typeof schemas.PartyCaseView>;
export type PartySelf = S<typeof schemas.PartySelfView>;
export interface PartyView {
  case: PartyCase;
  participant: PartySelf;
}

// ---------------------------------------------------------------- errors

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const NETWORK_ERROR_MESSAGE = '网络连接失败，请检查网络后重试';

function fallbackMessage(status: number): string {
  if (status === 400) return '提交的内容不符合要求，请检查后重试';
  if (status === 401) return '登录已失效，请重新登录';
  if (status === 403) return '没有权限执行此操作';
  if (status === 404) return '请求的内容不存在';
  if (status === 409) return '操作与当前状态冲突，请刷新后重试';
  if (status === 413) return '上传的内容过大';
  if (status === 429) return '操作过于频繁，请稍后再试';
  if (status >= 500) return `服务器暂时无法处理请求（HTTP ${status}），请稍后再试`;
  return `请求失败（HTTP ${status}）`;
}

/** Chinese-looking text (so English framework defaults are not shown to users). */
function hasCjk(text: string): boolean {
  return /[\u3400-\u9fff]/.test(text);
}

async function toApiError(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = '';
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object') {
      const b = body as { code?: unknown; message?: unknown };
      if (typeof b.code === 'string' && b.code) code = b.code;
      if (typeof b.message === 'string') message = b.message;
    }
  } catch {
    // Non-JSON body (proxy error page, etc.)
  }
  if (!message || !hasCjk(message)) message = fallbackMessage(res.status);
  return new ApiError(res.status, code, message);
}

// ---------------------------------------------------------------- transport

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestOptions {
  method?: Method;
  body?: unknown;
  headers?: Record<string, string>;
  credentials?: RequestCredentials;
}

async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, credentials: opts.credentials ?? 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'NETWORK', NETWORK_ERROR_MESSAGE);
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(res.status, 'BAD_RESPONSE', '服务器返回了无法识别的数据');
  }
}

// ---------------------------------------------------------------- staff API

let csrfToken = '';
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

function csrfHeader(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

/** Called when an authenticated staff request gets 401 (session expired). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

async function staff<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers = method === 'GET' ? { ...opts.headers } : { ...opts.headers, ...csrfHeader() };
  try {
    return await request<T>(path, { ...opts, headers, credentials: 'same-origin' });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && onUnauthorized) onUnauthorized();
    throw err;
  }
}

const enc = encodeURIComponent;

export const api = {
  // auth ------------------------------------------------------------
  async login(username: string, password: string): Promise<Session> {
    // Not through staff(): a 401 here means bad credentials, not an expired session.
    const s = await request<Session>('/api/auth/login', {
      method: 'POST',
      body: { username, password },
      headers: csrfHeader(),
    });
    setCsrfToken(s.csrfToken);
    return s;
  },
  async logout(): Promise<void> {
    try {
      await request<void>('/api/auth/logout', { method: 'POST', headers: csrfHeader() });
    } finally {
      setCsrfToken('');
    }
  },
  /** Changes the user's own password; its other sessions end, this one stays. */
  changePassword: (currentPassword: string, newPassword: string) =>
    staff<void>('/api/auth/password', { method: 'POST', body: { currentPassword, newPassword } }),
  /** Current session, or null when not logged in. */
  async me(): Promise<Session | null> {
    try {
      const s = await request<Session>('/api/auth/me');
      setCsrfToken(s.csrfToken);
      return s;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return null;
      throw err;
    }
  },

  // meta / org ------------------------------------------------------
  meta: () => request<Meta>('/api/meta'),
  org: () => staff<{ org: Org }>('/api/org').then((r) => r.org),
  uploadSeal: (pngBase64: string) => staff<{ org: Org }>('/api/org/seal', { method: 'PUT', body: { pngBase64 } }).then((r) => r.org),
  sealUrl: (version: number | string) => `/api/org/seal?v=${enc(String(version))}`,

  // users (admin) ---------------------------------------------------
  users: () => staff<{ users: ManagedUser[] }>('/api/users').then((r) => r.users),
  createUser: (u: { username: string; displayName: string; role: Role; password: string }) =>
    staff<{ user: ManagedUser }>('/api/users', { method: 'POST', body: u }).then((r) => r.user),
  updateUser: (id: string, patch: { displayName?: string; active?: boolean; password?: string }) =>
    staff<{ user: ManagedUser }>(`/api/users/${enc(id)}`, { method: 'PATCH', body: patch }).then((r) => r.user),

  // cases -----------------------------------------------------------
  cases: () => staff<{ cases: CaseSummary[] }>('/api/cases').then((r) => r.cases),
  createCase: (c: NewCase) => staff<{ case: CaseDetail }>('/api/cases', { method: 'POST', body: c }).then((r) => r.case),
  getCase: (id: string) => staff<{ case: CaseDetail }>(`/api/cases/${enc(id)}`).then((r) => r.case),
  transition: (id: string, to: CaseStatus, reason?: string) =>
    staff<{ case: CaseDetail }>(`/api/cases/${enc(id)}/transition`, {
      method: 'POST',
      body: reason ? { to, reason } : { to },
    }).then((r) => r.case),

  coMediatorCandidates: (caseId: string) => staff<{ mediators: StaffRef[] }>(`/api/cases/${enc(caseId)}/co-mediators/candidates`).then((r) => r.mediators),
  assignCoMediator: (caseId: string, userId: string) =>
    staff<{ case: CaseDetail }>(`/api/cases/${enc(caseId)}/co-mediators`, { method: 'POST', body: { userId } }).then((r) => r.case),
  removeCoMediator: (caseId: string, userId: string) =>
    staff<{ case: CaseDetail }>(`/api/cases/${enc(caseId)}/co-mediators/${enc(userId)}`, { method: 'DELETE' }).then((r) => r.case),

  addParticipant: (caseId: string, p: NewParticipant) =>
    staff<{ participant: Participant }>(`/api/cases/${enc(caseId)}/participants`, { method: 'POST', body: p }).then((r) => r.participant),
  removeParticipant: (caseId: string, participantId: string) =>
    staff<void>(`/api/cases/${enc(caseId)}/participants/${enc(participantId)}`, { method: 'DELETE' }),

  invitations: (caseId: string) => staff<{ invitations: Invitation[] }>(`/api/cases/${enc(caseId)}/invitations`).then((r) => r.invitations),
  createInvitation: (caseId: string, participantId: string, expiresInDays?: number) =>
    staff<{ invitation: CreatedInvitation }>(`/api/cases/${enc(caseId)}/invitations`, {
      method: 'POST',
      body: expiresInDays === undefined ? { participantId } : { participantId, expiresInDays },
    }).then((r) => r.invitation),
  revokeInvitation: (caseId: string, invitationId: string) =>
    staff<{ invitation: Invitation }>(`/api/cases/${enc(caseId)}/invitations/${enc(invitationId)}/revoke`, {
      method: 'POST',
    }).then((r) => r.invitation),

  audit: (caseId: string) => staff<AuditLog>(`/api/cases/${enc(caseId)}/audit`),
};

// ---------------------------------------------------------------- party API

/** Client for a disputing party, authenticated by the link token only. */
export function partyApi(token: string) {
  const auth = { authorization: `Bearer ${token}` };
  // 'omit': a party device may also hold a staff cookie; never mix the two.
  const call = <T>(path: string, opts: RequestOptions = {}) => request<T>(path, { ...opts, headers: { ...auth, ...opts.headers }, credentials: 'omit' });
  return {
    me: () => call<PartyView>('/api/party/me'),
    confirmIdentity: (name: string, idLast4: string) =>
      call<{ participant: PartySelf }>('/api/party/confirm-identity', {
        method: 'POST',
        body: { name, idLast4 },
      }).then((r) => r.participant),
    consent: () => call<{ participant: PartySelf }>('/api/party/consent', { method: 'POST', body: { consent: true } }).then((r) => r.participant),
  };
}

export type PartyApi = ReturnType<typeof partyApi>;

// ---------------------------------------------------------------- agreement drafting API

/** A named version of a case's agreement draft (GET/POST /api/agreements/:caseId/versions). */
export type AgreementVersionInfo = S<typeof draftingSchemas.VersionView>;
export type AgreementVersionDiff = S<typeof draftingSchemas.VersionDiffView>;
export type NewAgreementSuggestion = S<typeof draftingSchemas.SuggestionBody>;
export type NotepadProposal = S<typeof draftingSchemas.NotepadProposalBody>;
export type AgreementAnnotation = S<typeof draftingSchemas.Annotation>;

export interface AgreementClauseInfo {
  id: string;
  title: string;
  text: string;
}

/**
 * Suggestions, comments and versions of a case's agreement draft. Staff (token omitted) use the
 * session cookie + CSRF header; parties their link token as Bearer, never cookies.
 */
export function agreementApi(caseId: string, token?: string | null) {
  const base = `/api/agreements/${enc(caseId)}`;
  const call = <T>(path: string, opts: RequestOptions = {}): Promise<T> =>
    token
      ? request<T>(base + path, { ...opts, headers: { authorization: `Bearer ${token}`, ...opts.headers }, credentials: 'omit' })
      : staff<T>(base + path, opts);
  return {
    suggest: (s: NewAgreementSuggestion) =>
      call<{ suggestion: AgreementAnnotation }>('/suggestions', { method: 'POST', body: { kind: 'replace', ...s } }).then((r) => r.suggestion),
    accept: (suggestionId: string) =>
      call<{ suggestion: AgreementAnnotation }>(`/suggestions/${enc(suggestionId)}/accept`, { method: 'POST', body: {} }).then((r) => r.suggestion),
    reject: (suggestionId: string, reason?: string) =>
      call<{ suggestion: AgreementAnnotation }>(`/suggestions/${enc(suggestionId)}/reject`, { method: 'POST', body: reason ? { reason } : {} }).then(
        (r) => r.suggestion,
      ),
    /** The draft's clauses (read-only data), e.g. to pick where a notepad proposal goes. */
    clauses: () => call<{ agreement?: { clauses?: AgreementClauseInfo[] } }>('').then((r) => (Array.isArray(r?.agreement?.clauses) ? r.agreement.clauses : [])),
    /** Mediator: a proposal from a side's caucus notepad becomes a suggestion on a clause (audited). */
    suggestFromNotepad: (s: NotepadProposal) =>
      call<{ suggestion: AgreementAnnotation }>('/suggestions/from-notepad', { method: 'POST', body: s }).then((r) => r.suggestion),
    comment: (clauseId: string, text: string) =>
      call<{ comment: AgreementAnnotation }>('/comments', { method: 'POST', body: { clauseId, text } }).then((r) => r.comment),
    versions: () => call<{ versions: AgreementVersionInfo[] }>('/versions').then((r) => r.versions),
    saveVersion: (name: string) => call<{ version: AgreementVersionInfo }>('/versions', { method: 'POST', body: { name } }).then((r) => r.version),
    diff: (from: number | string, to: number | string) => call<AgreementVersionDiff>(`/versions/diff?from=${enc(String(from))}&to=${enc(String(to))}`),
  };
}

export type AgreementApi = ReturnType<typeof agreementApi>;

// ---------------------------------------------------------------- file downloads

/**
 * A file (an issued PDF) as a Blob, with the right credentials: a party's link token as Bearer
 * (a plain link cannot carry it), or the staff session. `notFound` explains a 404.
 */
async function downloadFile(path: string, token: string | null | undefined, notFound: string): Promise<Blob> {
  const res = await fetch(path, token ? { headers: { authorization: `Bearer ${token}` }, credentials: 'omit' } : { credentials: 'same-origin' });
  if (!res.ok) throw new ApiError(res.status, 'DOWNLOAD', res.status === 404 ? notFound : '下载失败，请重试');
  return res.blob();
}

// ---------------------------------------------------------------- signing API

export type SigningRound = S<typeof signingSchemas.SigningRoundView>;
export type SigningParty = SigningRound['parties'][number];
export type SigningClause = SigningRound['clauses'][number];

/**
 * Locking, consent and signatures of a case's agreement. Staff (token omitted) use the session
 * cookie + CSRF header; parties their link token as Bearer, never cookies.
 */
export function signingApi(caseId: string, token?: string | null) {
  const base = `/api/signing/${enc(caseId)}`;
  const call = <T>(path: string, opts: RequestOptions = {}): Promise<T> =>
    token
      ? request<T>(base + path, { ...opts, headers: { authorization: `Bearer ${token}`, ...opts.headers }, credentials: 'omit' })
      : staff<T>(base + path, opts);
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

// ---------------------------------------------------------------- judicial confirmation API

export type JudicialView = S<typeof judicialSchemas.JudicialView>;
export type JudicialCourtOption = JudicialView['courts'][number];

/** The joint application for judicial confirmation, as a party (link token) or the case's mediator. */
export function judicialApi(caseId: string, token?: string | null) {
  const base = `/api/judicial/${enc(caseId)}`;
  const call = <T>(path: string, opts: RequestOptions = {}): Promise<T> =>
    token
      ? request<T>(base + path, { ...opts, headers: { authorization: `Bearer ${token}`, ...opts.headers }, credentials: 'omit' })
      : staff<T>(base + path, opts);
  return {
    view: () => call<JudicialView>(''),
    apply: (a: { courtId: string; serviceAddress: string; phone: string }) => call<{ status: string }>('/apply', { method: 'POST', body: a }),
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
  };
}

export type JudgeApplicationSummary = S<typeof judicialSchemas.JudgeApplicationSummary>;
export type JudgeApplicationDetail = S<typeof judicialSchemas.JudgeApplicationDetail>;

export const judgeApi = {
  queue: () => staff<{ applications: JudgeApplicationSummary[] }>('/api/judge/applications').then((r) => r.applications),
  detail: (id: string) => staff<{ application: JudgeApplicationDetail }>(`/api/judge/applications/${enc(id)}`).then((r) => r.application),
  accept: (id: string) => staff<{ courtCaseNumber: string }>(`/api/judge/applications/${enc(id)}/accept`, { method: 'POST', body: {} }),
  startReview: (id: string) => staff<null>(`/api/judge/applications/${enc(id)}/review`, { method: 'POST', body: {} }),
  saveReview: (id: string, checklist: Record<string, boolean>, notes: string) =>
    staff<null>(`/api/judge/applications/${enc(id)}/review`, { method: 'PUT', body: { checklist, notes } }),
  decide: (id: string, d: { decision: 'confirm' | 'dismiss'; reason?: string; clerk: string }) =>
    staff<{ status: string; rulingSha256: string }>(`/api/judge/applications/${enc(id)}/decide`, { method: 'POST', body: d }),
  agreementPdf: (id: string) => downloadFile(`/api/judge/applications/${enc(id)}/agreement.pdf`, null, '协议书下载失败'),
};
