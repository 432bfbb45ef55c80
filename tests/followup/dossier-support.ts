// A case with everything a 卷宗 holds, taken there through the real APIs: parties who read the
// notices and consented, signed minutes, the signed agreement, both parties' application for
// judicial confirmation, and the court's acceptance and ruling (已确认). Also used by the dossier
// benchmark (bench/dossier.ts).
import type { DraftCase } from '../drafting/sync-support.ts';
import { judgeClient, mediatingCase, PARTY_IDS, SERVICE, signApplications } from '../judicial/judicial-support.ts';
import { strokePng } from '../signing/pdf-tools.ts';
import { lastSmsCode, signCaseThroughApi, type SmsOutbox } from '../signing/signing-support.ts';
import { firstLogin, StaffClient, type TestServer } from '../support/server.ts';

export { PARTY_IDS };

const JUDICIAL_GROUNDS = ['LAWFUL', 'VOLUNTARY', 'PUBLIC_INTEREST', 'PUBLIC_ORDER', 'CLEAR', 'NO_PERSONAL_STATUS', 'NO_TITLE_CONFIRMATION', 'JURISDICTION'];

const asParty = (server: TestServer, token: string, path: string, body: unknown = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function ok(res: Promise<Response>, what: string): Promise<void> {
  const r = await res;
  if (!r.ok) throw new Error(`${what} → ${r.status}: ${await r.text()}`);
}

/** The committee's seal (the minutes and the agreement are sealed with its image). */
export async function ensureSeal(server: TestServer): Promise<void> {
  const org = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'committee' } });
  if (!org.sealPng) await server.ctx.db.organisation.update({ where: { id: org.id }, data: { sealPng: Buffer.from(strokePng(200, 200)) } });
}

/** Lines of the 调解笔录, the 回避 declaration, lock, and both parties sign: the sealed minutes. */
export async function signedMinutes(server: TestServer, k: DraftCase): Promise<void> {
  await ensureSeal(server);
  const base = `/api/procedure/${k.caseId}`;
  for (const line of [
    { kind: 'ATTENDANCE', caucus: false, text: '申请人李某、被申请人王某到场（在线）' },
    { kind: 'STATEMENT', side: 'A', caucus: false, text: '申请人称借款五万元到期未还' },
    { kind: 'OUTCOME', caucus: false, text: '双方同意分两期还清' },
  ])
    await k.mediator.json('POST', `${base}/minutes/entries`, line, 201);
  await k.mediator.json('POST', `${base}/recusal/declare`, undefined, 200);
  const { contentSha256 } = (await k.mediator.json('POST', `${base}/minutes/lock`)) as { contentSha256: string };
  const png = Buffer.from(strokePng(300, 100)).toString('base64');
  for (const [token, name, id] of [
    [k.tokenA, '李某', PARTY_IDS.A],
    [k.tokenB, '王某', PARTY_IDS.B],
  ] as const) {
    // The agreement's ceremony: a one-time code to the party's phone first.
    await ok(asParty(server, token, `${base}/minutes/code`), 'minutes/code');
    await ok(
      asParty(server, token, `${base}/minutes/sign`, {
        contentSha256,
        code: lastSmsCode(server),
        name,
        idLast4: id.slice(-4),
        signaturePngBase64: png,
        affirmation: '本人已核对调解笔录，记录属实',
      }),
      'minutes/sign',
    );
  }
}

/** Minutes, agreement, application and the court's acceptance and ruling: the case ends 已确认. */
export async function confirmedCase(server: TestServer, sms: SmsOutbox, admin: StaffClient, judgeName: string): Promise<DraftCase & { judge: StaffClient }> {
  const k = await mediatingCase(server);
  await signedMinutes(server, k);
  await signCaseThroughApi(server, k, sms, PARTY_IDS);
  const local = await server.ctx.db.court.findFirstOrThrow({ where: { isLocal: true } });
  for (const token of [k.tokenA, k.tokenB]) await ok(asParty(server, token, `/api/judicial/${k.caseId}/apply`, { courtId: local.id, ...SERVICE }), 'apply');
  await signApplications(server, k);
  const judge = await judgeClient(server, admin, judgeName);
  const application = await server.ctx.db.judicialApplication.findUniqueOrThrow({ where: { caseId: k.caseId } });
  const desk = `/api/judge/applications/${application.id}`;
  await judge.json('POST', `${desk}/accept`, {});
  await ok(judge.request('POST', `${desk}/review`, {}), 'review');
  await ok(
    judge.request('PUT', `${desk}/review`, { checklist: Object.fromEntries(JUDICIAL_GROUNDS.map((g) => [g, true])), notes: '双方自愿，协议内容明确。' }),
    'checklist',
  );
  await judge.json('POST', `${desk}/decide`, { decision: 'confirm', clerk: '刘书记' });
  return { ...k, judge };
}

/** A staff account of any role in a unit of the centre (by the unit's code), logged in. */
export async function staffInUnit(admin: StaffClient, user: { username: string; displayName: string; role: string; unitCode: string }): Promise<StaffClient> {
  const centre = (await admin.json('GET', '/api/centre')) as { kinds: Array<{ units: Array<{ id: string; code: string | null }> }> };
  const unit = centre.kinds.flatMap((k) => k.units).find((u) => u.code === user.unitCode);
  if (!unit) throw new Error(`no unit ${user.unitCode}`);
  // A password must not contain the user name.
  const password = 'staff-pass-Dossier-2027';
  await admin.json(
    'POST',
    '/api/users',
    { username: user.username, displayName: user.displayName, role: user.role, unitId: unit.id, password: `${password}-initial` },
    201,
  );
  return firstLogin(new StaffClient(admin.baseUrl), user.username, `${password}-initial`, password);
}
