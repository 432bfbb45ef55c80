// Cases at the judicial stage for the judicial tests: mediated and filled in, signed through the
// signing API, and (optionally) jointly applied for at the local court.
import { setUpDraftCase, type DraftCase } from '../drafting/sync-support.ts';
import { fillLoanAgreement, lastSmsCode, signCaseThroughApi, type SmsOutbox } from '../signing/signing-support.ts';
import { createStaffUser, makeIdNumber, type StaffClient, type TestServer } from '../support/server.ts';
import { strokePng } from '../signing/pdf-tools.ts';

export const PARTY_IDS = { A: makeIdNumber('15020419750312101'), B: makeIdNumber('15020419800101123') };
export const SERVICE = { serviceAddress: '内蒙古自治区包头市青山区某小区1号楼1单元101室', phone: '13800138000' };

export async function mediatingCase(server: TestServer): Promise<DraftCase> {
  const k = await setUpDraftCase(server.url, server.admin);
  const me = ((await (await k.mediator.request('GET', '/api/auth/me')).json()) as { user: { id: string } }).user.id;
  for (const to of ['TRIAGED', 'MEDIATING']) await k.mediator.json('POST', `/api/cases/${k.caseId}/transition`, { to }, 200);
  await server.drafting.withDocument(k.caseId, async () => undefined);
  await fillLoanAgreement(server, k.caseId, me);
  return k;
}

/** Signed, and both parties applied from their links to the local court: 待受理. */
export async function submittedCase(server: TestServer, sms: SmsOutbox): Promise<DraftCase> {
  const k = await mediatingCase(server);
  await signCaseThroughApi(server, k, sms, PARTY_IDS);
  const local = await server.ctx.db.court.findFirstOrThrow({ where: { isLocal: true } });
  for (const token of [k.tokenA, k.tokenB]) {
    const res = await fetch(`${server.url}/api/judicial/${k.caseId}/apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ courtId: local.id, ...SERVICE }),
    });
    if (res.status !== 201) throw new Error(`apply → ${res.status}: ${await res.text()}`);
  }
  await signApplications(server, k);
  return k;
}

export const APPLICATION_AFFIRMATION = '本人自愿申请司法确认，所述属实';

/**
 * One applicant signs the 司法确认申请书 from its own link, with a one-time code sent to its phone
 * (`code`: use this one instead, asking for none); returns the HTTP status and body of the signing.
 */
export async function signApplication(server: TestServer, caseId: string, token: string, name: string, idNumber: string, code?: string) {
  const post = (p: string, body: unknown) =>
    fetch(`${server.url}/api/judicial/${caseId}${p}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  if (code === undefined) {
    const sent = await post('/application-code', {});
    // 429: a code went out less than a minute ago (an earlier try refused before using it) — that one is still good.
    if (sent.status !== 200 && sent.status !== 429) return { status: sent.status, body: (await sent.json()) as { status?: string; code?: string } };
  }
  const res = await post('/sign-application', {
    name,
    idLast4: idNumber.slice(-4),
    code: code ?? lastSmsCode(server),
    affirmation: APPLICATION_AFFIRMATION,
    signaturePngBase64: Buffer.from(strokePng(300, 100)).toString('base64'),
  });
  return { status: res.status, body: (await res.json()) as { status?: string; code?: string } };
}

/** Both applicants (李某 A, 王某 B) sign the application: then it is submitted (待受理). */
export async function signApplications(server: TestServer, k: DraftCase): Promise<void> {
  for (const [token, name, id] of [
    [k.tokenA, '李某', PARTY_IDS.A],
    [k.tokenB, '王某', PARTY_IDS.B],
  ] as const) {
    const r = await signApplication(server, k.caseId, token, name, id);
    if (r.status !== 200) throw new Error(`sign-application → ${r.status}: ${JSON.stringify(r.body)}`);
  }
}

export async function judgeClient(server: TestServer, admin: StaffClient, username: string, courtId?: string): Promise<StaffClient> {
  return (
    await createStaffUser(admin, { username, displayName: `法官${username}`, role: 'JUDGE', password: 'judge-pass-12345', ...(courtId ? { courtId } : {}) })
  ).client;
}
