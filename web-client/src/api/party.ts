// A disputing party's own view of its case (/api/party/*), authenticated by the link token only.

import type * as schemas from '../../../signaling/http/schemas.ts';
import type * as privacySchemas from '../../../signaling/party/privacy-schemas.ts';
import { request, type RequestOptions, type S } from './core.ts';

export type PartyCase = S<typeof schemas.PartyCaseView>;
export type PartySelf = S<typeof schemas.PartySelfView>;
export type LinkContact = S<typeof schemas.LinkContactView>;
export type PrivacyState = S<typeof privacySchemas.PrivacyView>;
export type ConsentPurpose = PrivacyState['consents'][number]['purpose'];
export interface PartyView {
  case: PartyCase;
  participant: PartySelf;
}

/** Client for a disputing party, authenticated by the link token only. */
export function partyApi(token: string) {
  const auth = { authorization: `Bearer ${token}` };
  // 'omit': a party device may also hold a staff cookie; never mix the two.
  const call = <T>(path: string, opts: RequestOptions = {}) => request<T>(path, { ...opts, headers: { ...auth, ...opts.headers }, credentials: 'omit' });
  return {
    me: () => call<PartyView>('/api/party/me'),
    /** Who to call when the link does not work (answers for any link, even a broken one). */
    contact: () => call<LinkContact>('/api/party/contact'),
    confirmIdentity: (name: string, idLast4: string) =>
      call<{ participant: PartySelf }>('/api/party/confirm-identity', {
        method: 'POST',
        body: { name, idLast4 },
      }).then((r) => r.participant),
    consent: () => call<{ participant: PartySelf }>('/api/party/consent', { method: 'POST', body: { consent: true } }).then((r) => r.participant),
    /** The 个人信息处理告知书 and the state of each separate consent (PIPL). */
    privacy: () => call<PrivacyState>('/api/party/privacy'),
    acknowledgePrivacy: (version: string) => call<PrivacyState>('/api/party/privacy/acknowledge', { method: 'POST', body: { version } }),
    giveConsent: (purpose: ConsentPurpose, version: string) =>
      call<PrivacyState>('/api/party/privacy/consents', { method: 'POST', body: { purpose, version } }),
    withdrawConsent: (purpose: ConsentPurpose) => call<PrivacyState>('/api/party/privacy/consents/withdraw', { method: 'POST', body: { purpose } }),
  };
}

export type PartyApi = ReturnType<typeof partyApi>;
