// The organisation (its seal) and the labels the app shows (/api/meta, /api/org).

import type * as schemas from '../../../signaling/http/schemas.ts';
import type { CaseStatus, ParticipantRole, Side } from './cases.ts';
import { enc, request, staff, type S } from './core.ts';

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

export const orgApi = {
  meta: () => request<Meta>('/api/meta'),
  org: () => staff<{ org: Org }>('/api/org').then((r) => r.org),
  setOrgPhone: (phone: string) => staff<{ org: Org }>('/api/org', { method: 'PUT', body: { phone } }).then((r) => r.org),
  uploadSeal: (pngBase64: string) => staff<{ org: Org }>('/api/org/seal', { method: 'PUT', body: { pngBase64 } }).then((r) => r.org),
  sealUrl: (version: number | string) => `/api/org/seal?v=${enc(String(version))}`,
};
