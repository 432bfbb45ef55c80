// The fetch core of the HTTP client (../api.ts re-exports what the app uses): one request()
// for every call, the ApiError every failure becomes, and the two ways to authenticate.
//
// Staff requests use the httpOnly session cookie (credentials: 'same-origin')
// and send `x-csrf-token` on every non-GET request. Party requests carry the
// invitation link token as `Authorization: Bearer <token>` and never cookies.
// Every failure is surfaced as an ApiError whose `message` is display-ready
// Chinese text (the server's `message` when it sent one).

import type { Static, TSchema } from '@sinclair/typebox';

// The HTTP contract's types are the server's TypeBox schemas (signaling/http/schemas.ts and each
// area's schemas.ts), so the client cannot drift from what the routes validate and answer.
// Type-only: nothing of the server is bundled.
export type S<T extends TSchema> = Static<T>;

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

export async function toApiError(res: Response): Promise<ApiError> {
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

export interface RequestOptions {
  method?: Method;
  body?: unknown;
  headers?: Record<string, string>;
  credentials?: RequestCredentials;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
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

// ---------------------------------------------------------------- staff requests

let csrfToken = '';
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function csrfHeader(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

/** Called when an authenticated staff request gets 401 (session expired). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

/** For a staff request made outside staff() (an upload with progress): the session expired. */
export function reportUnauthorized(): void {
  onUnauthorized?.();
}

export async function staff<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers = method === 'GET' ? { ...opts.headers } : { ...opts.headers, ...csrfHeader() };
  try {
    return await request<T>(path, { ...opts, headers, credentials: 'same-origin' });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && onUnauthorized) onUnauthorized();
    throw err;
  }
}

// ---------------------------------------------------------------- party or staff

/**
 * Requests under `base` for a case area both sides use: a party (`token`) sends its link token
 * as Bearer, never cookies; staff (token omitted) the session cookie + CSRF header.
 */
export function caseAreaCall(base: string, token?: string | null) {
  return <T>(path: string, opts: RequestOptions = {}): Promise<T> =>
    token
      ? request<T>(base + path, { ...opts, headers: { authorization: `Bearer ${token}`, ...opts.headers }, credentials: 'omit' })
      : staff<T>(base + path, opts);
}

export const enc = encodeURIComponent;

/**
 * A file (an issued PDF) as a Blob, with the right credentials: a party's link token as Bearer
 * (a plain link cannot carry it), or the staff session. `notFound` explains a 404.
 */
export async function downloadFile(path: string, token: string | null | undefined, notFound: string): Promise<Blob> {
  const res = await fetch(path, token ? { headers: { authorization: `Bearer ${token}` }, credentials: 'omit' } : { credentials: 'same-origin' });
  if (!res.ok) throw new ApiError(res.status, 'DOWNLOAD', res.status === 404 ? notFound : '下载失败，请重试');
  return res.blob();
}
