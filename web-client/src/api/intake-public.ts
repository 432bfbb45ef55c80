// The centre's online front door: the public application (/api/apply), the person's follow page
// (/api/follow, the link token as Bearer, never cookies) and the staff outbox (/api/intake/public).
import type * as schemas from '../../../signaling/intake/public/schemas.ts';
import { request, staff, type S } from './core.ts';

export type ApplyBody = S<typeof schemas.ApplyBody>;
export type ApplyResult = S<typeof schemas.ApplyResult>;
export type FollowView = S<typeof schemas.FollowView>;
export type OutboxEntry = S<typeof schemas.OutboxView>['notifications'][number];

export interface ApplyForm {
  centreName: string;
  notice: { version: string; title: string; law: string; controller: string; paragraphs: string[] };
  disputeTypes: Array<{ key: ApplyBody['disputeType']; label: string }>;
  photoLimits: { maxCount: number; maxBytes: number };
  towns: S<typeof schemas.ApplyTownsView>;
}

export const intakePublicApi = {
  form: () => request<ApplyForm>('/api/apply/form', { credentials: 'omit' }),
  sendCode: (phone: string) =>
    request<{ phone: string; expiresInSec: number; resendInSec: number }>('/api/apply/code', { method: 'POST', body: { phone }, credentials: 'omit' }),
  verify: (phone: string, code: string) =>
    request<{ ticket: string; expiresInSec: number }>('/api/apply/verify', { method: 'POST', body: { phone, code }, credentials: 'omit' }),
  apply: (body: ApplyBody) => request<ApplyResult>('/api/apply', { method: 'POST', body, credentials: 'omit' }),
  follow: (token: string) => request<FollowView>('/api/follow', { headers: { authorization: `Bearer ${token}` }, credentials: 'omit' }),
  outbox: () => staff<{ notifications: OutboxEntry[] }>('/api/intake/public/outbox'),
  posterUrl: '/api/intake/public/poster.pdf',
};
