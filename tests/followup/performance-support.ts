// Shared set-up for the 履行 tests: a 民间借贷 case signed through the signing API (李某 甲方 lends,
// 王某 乙方 owes 50,000.00元 principal and 1,500.00元 interest by 2027-04-30), its schedule derived and,
// optionally, confirmed by the mediator; and a small client for a party's link.
import type { DraftCase } from '../drafting/sync-support.ts';
import { mediatingCase, PARTY_IDS } from '../judicial/judicial-support.ts';
import { strokePng } from '../signing/pdf-tools.ts';
import { signCaseThroughApi, type SmsOutbox } from '../signing/signing-support.ts';
import type { TestServer } from '../support/server.ts';

export { PARTY_IDS };
export const SIGNATURE = Buffer.from(strokePng(300, 100)).toString('base64');
export const AFFIRMATION = '本人确认已收到上述履行，所述属实';

export interface SignedCase extends DraftCase {
  partyBId: string;
}

/** The parties have been through their link pages (identity, consent to online mediation), as before signing. */
export async function partiesThroughLinkPages(server: TestServer, k: SignedCase): Promise<void> {
  for (const [id, token, name, idNumber] of [
    [k.partyAId, k.tokenA, '李某', PARTY_IDS.A],
    [k.partyBId, k.tokenB, '王某', PARTY_IDS.B],
  ] as const) {
    const p = await server.ctx.db.participant.findUniqueOrThrow({ where: { id } });
    if (!p.identityConfirmedAt) await expectOk(asParty(server, token, 'POST', '/api/party/confirm-identity', { name, idLast4: idNumber.slice(-4) }));
    if (!p.consentAt) await expectOk(asParty(server, token, 'POST', '/api/party/consent', { consent: true }));
  }
}

async function expectOk(answer: Promise<PartyAnswer>): Promise<void> {
  const { status, body } = await answer;
  if (status !== 200) throw new Error(`party page step → ${status}: ${JSON.stringify(body)}`);
}

export async function signedLoanCase(server: TestServer, sms: SmsOutbox): Promise<SignedCase> {
  const k = await mediatingCase(server);
  await signCaseThroughApi(server, k, sms, PARTY_IDS);
  const b = await server.ctx.db.participant.findFirstOrThrow({ where: { caseId: k.caseId, side: 'B', role: 'RESPONDENT' } });
  return { ...k, partyBId: b.id };
}

export interface PartyAnswer<T = any> {
  status: number;
  body: T;
}

/** A party's call through its link (Bearer token), JSON in and out. */
export async function asParty<T = any>(server: Pick<TestServer, 'url'>, token: string, method: string, path: string, body?: unknown): Promise<PartyAnswer<T>> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Derives and confirms the schedule as the mediator would (no corrections). Returns the staff view. */
export async function confirmedSchedule(k: SignedCase): Promise<any> {
  const view = await k.mediator.json('POST', `/api/performance/${k.caseId}/schedule/derive`, {});
  return k.mediator.json('POST', `/api/performance/${k.caseId}/schedule/confirm`, { obligations: view.obligations.length });
}

/** The obligee's (李某, 甲方) signed confirmation of receipt; `amount` in yuan. */
export function receipt(server: Pick<TestServer, 'url'>, k: SignedCase, obligationId: string, amount: string | undefined, over: Record<string, unknown> = {}) {
  return asParty(server, k.tokenA, 'POST', `/api/performance/${k.caseId}/obligations/${obligationId}/receipt`, {
    ...(amount !== undefined ? { amount } : {}),
    name: '李某',
    idLast4: PARTY_IDS.A.slice(-4),
    signaturePngBase64: SIGNATURE,
    affirmation: AFFIRMATION,
    ...over,
  });
}
