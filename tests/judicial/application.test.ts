// The joint application for judicial confirmation against a real server: only after signing and
// within 30 days; both parties (or one, with the other's consent recorded by the mediator and
// confirmed by that party from its own link) for the same competent court; then 待受理 and
// 申请司法确认. The mediator alone cannot make the application. Judges see only their own court's
// applications. Uploads are checked by content and size and stored outside the web root under
// names of our own; every refusal stores nothing.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { materialsDir } from '../../signaling/judicial/materials.ts';
import { pdfsig, pdftotext, writePdf } from '../signing/pdf-tools.ts';
import type { DraftCase } from '../drafting/sync-support.ts';
import { signCaseThroughApi, SmsOutbox } from '../signing/signing-support.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { judgeClient, mediatingCase as mediatingCaseOn, PARTY_IDS, signApplication, signApplications } from './judicial-support.ts';

const sms = new SmsOutbox();
const ID = PARTY_IDS;
let server: TestServer;
let admin: StaffClient;

const mediatingCase = () => mediatingCaseOn(server);

const asParty = async (k: DraftCase, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}/api/judicial/${k.caseId}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && !Buffer.isBuffer(body) ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
};
const judge = (username: string, courtId?: string) => judgeClient(server, admin, username, courtId);

let k: DraftCase;
/** Judges of the local court and of another one (logged in once: logins are rate-limited). */
let here: StaffClient;
let there: StaffClient;
let local: { id: string };
let city: { id: string };
/** A basic court listed in court-rules/courts.json (内0203, area 150203): competent for a party domiciled there. */
let kun: { id: string };
const apply = (courtId: string) => ({ courtId, serviceAddress: '内蒙古自治区包头市青山区某小区1号楼1单元101室', phone: '13800138000' });

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  local = await server.ctx.db.court.findFirstOrThrow({ where: { isLocal: true } });
  // More configured courts: one covering a party's domicile once given as a code (its area from courts.json), two that do not.
  kun = (await admin.json('POST', '/api/courts', { name: '包头市昆都仑区人民法院', code: '内0203', region: '内蒙古自治区包头市昆都仑区' }, 201)).court;
  city = (await admin.json('POST', '/api/courts', { name: '包头市中级人民法院', code: '蒙02', region: '内蒙古自治区包头市' }, 201)).court;
  await admin.json('POST', '/api/courts', { name: '呼和浩特市新城区人民法院', code: '蒙0102', region: '内蒙古自治区呼和浩特市新城区' }, 201);
  expect((await admin.request('POST', '/api/courts', { name: '包头市中级人民法院', code: '蒙02', region: 'x区域' })).status).toBe(409);
  expect((await admin.request('POST', '/api/courts', { name: '某法院', code: '../x', region: '某地' })).status).toBe(400);
  k = await mediatingCase();
}, 60_000);
afterAll(() => server?.close());

describe('applying for judicial confirmation', () => {
  it('is refused before the agreement is signed', async () => {
    const res = await asParty(k, k.tokenA, 'POST', '/apply', apply(local.id));
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('签署完毕');
    expect(await server.ctx.db.judicialApplication.count()).toBe(0);
  });

  it('after signing: a 30-day window, the competent courts with the local one suggested', async () => {
    await signCaseThroughApi(server, k, sms, ID);
    const view = (await asParty(k, k.tokenA, 'GET', '')).body;
    expect(view).toMatchObject({ windowOpen: true, daysLeft: 30, application: null });
    // Jurisdiction is decided on area codes (#17 item 9), never on address text: no codes given yet, only the organisation's place.
    expect(view.courts.map((c: any) => [c.name, c.suggested, c.reasons])).toEqual([['包头市青山区人民法院', true, ['调解组织所在地']]]);
    const withDomicile = (await asParty(k, k.tokenA, 'GET', '?domicileAreaCode=150203')).body;
    expect(withDomicile.courts.map((c: any) => [c.name, c.reasons])).toEqual([
      ['包头市青山区人民法院', ['调解组织所在地']],
      ['包头市昆都仑区人民法院', ['当事人住所地']],
    ]);
  });

  it('both parties apply to the same court (or one with the other’s recorded consent, confirmed by that party); then 待受理 and 申请司法确认', async () => {
    expect((await asParty(k, k.tokenA, 'POST', '/apply', { ...apply(local.id), phone: '12345' })).status).toBe(400);
    expect((await asParty(k, k.tokenA, 'POST', '/apply', apply((await server.ctx.db.court.findFirstOrThrow({ where: { code: '蒙0102' } })).id))).status).toBe(
      400,
    ); // not competent
    expect((await asParty(k, k.tokenInterpreter, 'POST', '/apply', apply(local.id))).status).toBe(403);
    expect((await asParty(k, k.tokenA, 'POST', '/apply', apply(local.id))).body).toEqual({ status: 'DRAFT' });
    expect((await asParty(k, k.tokenA, 'POST', '/apply', apply(local.id))).status).toBe(409); // once
    const other = await asParty(k, k.tokenB, 'POST', '/apply', { ...apply(kun.id), domicileAreaCode: '150203' });
    expect(other.status).toBe(409);
    expect(other.body.message).toContain('同一法院');
    // B agreed in person: the mediator records it.
    const partyB = (await asParty(k, k.tokenB, 'GET', '')).body.parties.find((p: any) => p.name === '王某').id;
    const res = await k.mediator.request('POST', `/api/judicial/${k.caseId}/consents`, { participantId: partyB, ...apply(local.id) });
    expect(res.status).toBe(201);
    expect(((await res.json()) as any).status).toBe('DRAFT');
    // …which B confirms from its own link; then each signs the application itself.
    expect((await asParty(k, k.tokenB, 'POST', '/confirm-consent')).body).toEqual({ status: 'DRAFT' });
    expect((await signApplication(server, k.caseId, k.tokenA, '李某', ID.A)).body).toEqual({ status: 'DRAFT' });
    expect((await signApplication(server, k.caseId, k.tokenB, '王某', ID.B)).body).toEqual({ status: 'SUBMITTED' });
    expect((await k.mediator.json('GET', `/api/cases/${k.caseId}`)).case.status).toBe('CONFIRMATION_REQUESTED');
    const view = (await asParty(k, k.tokenB, 'GET', '')).body;
    expect(view.application.parties.map((p: any) => p.applied.how)).toEqual(['self', 'consented']);
    expect(await server.ctx.db.auditEntry.count({ where: { caseId: k.caseId, type: 'JUDICIAL_SUBMITTED' } })).toBe(1);
  });

  it('the 司法确认申请书 is generated from its template once submitted, the same file for everyone', async () => {
    const get = async (token: string) => {
      const res = await fetch(`${server.url}/api/judicial/${k.caseId}/application.pdf`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
    };
    const a = await get(k.tokenA);
    expect(a.status).toBe(200);
    expect((await get(k.tokenB)).bytes.equals(a.bytes)).toBe(true);
    const mediatorCopy = await k.mediator.request('GET', `/api/judicial/${k.caseId}/application.pdf`);
    expect(Buffer.from(await mediatorCopy.arrayBuffer()).equals(a.bytes)).toBe(true);
    const file = writePdf(a.bytes);
    expect(pdfsig(file)).toContain('Signature Validation: Signature is Valid.');
    const text = pdftotext(file).replace(/\s+/g, '');
    for (const s of ['司法确认申请书', '请求依法确认申请人之间', '青山区人民调解委员会', '此致', '包头市青山区人民法院', '李某', '王某'])
      expect(text).toContain(s);
  });

  it('a party of another case cannot see this application', async () => {
    expect((await asParty(k, k.tokenOtherCase, 'GET', '')).status).toBe(403);
  });

  it('judges see only their own court’s applications', async () => {
    here = await judge('judge-local');
    there = await judge('judge-city', city.id);
    const mine = (await here.json('GET', '/api/judge/applications')).applications;
    expect(mine.map((a: any) => a.caseNumber)).toEqual([(await k.mediator.json('GET', `/api/cases/${k.caseId}`)).case.number]);
    expect((await there.json('GET', '/api/judge/applications')).applications).toEqual([]);
    expect((await there.request('GET', `/api/judge/applications/${mine[0].id}`)).status).toBe(404);
    expect((await here.request('GET', `/api/judge/applications/${mine[0].id}`)).status).toBe(200);
    expect((await k.mediator.request('GET', '/api/judge/applications')).status).toBe(403);
  });

  it('no application document before both parties applied', async () => {
    const draft = await mediatingCase();
    await signCaseThroughApi(server, draft, sms, ID);
    const res = await fetch(`${server.url}/api/judicial/${draft.caseId}/application.pdf`, { headers: { authorization: `Bearer ${draft.tokenA}` } });
    expect(res.status).toBe(404);
  }, 60_000);
  // After the window the application is still taken, with a warning: tests/legal/court-procedure.test.ts.
});

describe('application materials', () => {
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
  const upload = (body: Buffer, type: string, name: string, kind = 'ID_DOCUMENT') =>
    asParty(k, k.tokenA, 'POST', `/materials?kind=${kind}&name=${encodeURIComponent(name)}`, body, { 'content-type': type });
  const stored = () => (existsSync(materialsDir(server.ctx)) ? readdirSync(materialsDir(server.ctx)) : []);

  it('refuses wrong content, mismatched type, unsupported type and oversize — storing nothing', async () => {
    const before = stored().length;
    expect((await upload(Buffer.from('just some text pretending to be a picture'), 'image/png', 'id.png')).body.message).toContain('只能上传');
    expect((await upload(jpeg, 'image/png', 'id.png')).body.message).toContain('不符');
    const text = await upload(pdf, 'text/plain', 'a.txt');
    expect(text.status).toBe(400);
    expect(text.body.message).toContain('JPG、PNG 图片或 PDF');
    expect((await upload(Buffer.alloc(10 * 1024 * 1024 + 10, 0x25), 'application/pdf', 'big.pdf')).status).toBe(413);
    expect((await upload(pdf, 'application/pdf', 'x.pdf', 'PASSPORT_SCAN')).status).toBe(400);
    expect(stored().length).toBe(before);
    expect(await server.ctx.db.judicialMaterial.count()).toBe(0);
  });

  it('stores accepted files under our own names outside the web root; a path in the file name is only a label', async () => {
    const res = await upload(pdf, 'application/pdf', '../../../etc/passwd');
    expect(res.status).toBe(201);
    expect(res.body.displayName).toBe('passwd');
    const ok = await upload(jpeg, 'image/jpeg', '身份证正面.jpg');
    expect(ok.body).toMatchObject({ displayName: '身份证正面.jpg', mime: 'image/jpeg', bytes: jpeg.length });
    const files = stored();
    expect(files.sort()).toEqual([res.body.id, ok.body.id].sort());
    for (const f of files) expect(f).toMatch(/^[0-9a-f]{32}$/);
    expect(path.relative(path.resolve('web-client/dist'), materialsDir(server.ctx)).startsWith('..')).toBe(true);
    expect(existsSync(path.join(server.dataDir, 'etc', 'passwd'))).toBe(false);
    // Only the uploader's own materials are listed to them.
    expect((await asParty(k, k.tokenB, 'GET', '')).body.application.materials).toEqual([]);
    expect((await asParty(k, k.tokenA, 'GET', '')).body.application.materials).toHaveLength(2);
    // The reviewing court's judge can look at them; another court's cannot.
    const appId = (await here.json('GET', '/api/judge/applications')).applications[0].id;
    const got = await here.request('GET', `/api/judge/applications/${appId}/materials/${ok.body.id}`);
    expect(got.headers.get('content-type')).toBe('image/jpeg');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await got.arrayBuffer()).equals(jpeg)).toBe(true);
    expect((await there.request('GET', `/api/judge/applications/${appId}/materials/${ok.body.id}`)).status).toBe(404);
    expect((await here.request('GET', `/api/judge/applications/${appId}/materials/..%2F..%2Fsecrets.json`)).status).toBe(400);
  });
});

describe('the application is the parties’ own act', () => {
  let c: DraftCase;
  const ids = { A: '', B: '' };
  const consent = (participantId: string) => c.mediator.request('POST', `/api/judicial/${c.caseId}/consents`, { participantId, ...apply(local.id) });
  const caseStatus = async () => (await c.mediator.json('GET', `/api/cases/${c.caseId}`)).case.status;
  const audits = (type: string) => server.ctx.db.auditEntry.count({ where: { caseId: c.caseId, type } });
  const awaiting = (view: any) => view.application.parties.filter((p: any) => p.awaitingConfirmation).map((p: any) => p.id);

  beforeAll(async () => {
    c = await mediatingCase();
    await signCaseThroughApi(server, c, sms, ID);
    const parties = (await asParty(c, c.tokenA, 'GET', '')).body.parties;
    ids.A = parties.find((p: any) => p.name === '李某').id;
    ids.B = parties.find((p: any) => p.name === '王某').id;
  }, 60_000);

  it('consent the mediator records for every party is no application: refused, nothing submitted', async () => {
    expect((await consent(ids.A)).status).toBe(201);
    const second = await consent(ids.B);
    expect(second.status).toBe(409);
    expect(((await second.json()) as any).code).toBe('APPLICATION_NOT_OWN');
    expect((await server.ctx.db.judicialApplication.findUniqueOrThrow({ where: { caseId: c.caseId } })).status).toBe('DRAFT');
    expect(await server.ctx.db.judicialApplicant.count({ where: { participantId: ids.B } })).toBe(0);
    expect(await caseStatus()).toBe('SIGNED');
    expect(await audits('JUDICIAL_SUBMITTED')).toBe(0);
  });

  it('the party is asked to confirm the consent recorded for it, and may decline: the consent is removed (audited)', async () => {
    // Both the party and the mediator see whose recorded consent awaits confirmation.
    const mine = (await asParty(c, c.tokenA, 'GET', '')).body;
    expect(awaiting(mine)).toEqual([ids.A]);
    expect(mine.application.parties.find((p: any) => p.id === ids.A).applied).toMatchObject({
      how: 'consented',
      confirmedAt: null,
      serviceAddress: apply(local.id).serviceAddress,
      phone: '13800138000',
    });
    expect(awaiting(await c.mediator.json('GET', `/api/judicial/${c.caseId}`))).toEqual([ids.A]);
    // B has nothing to decline: A's consent is not B's to answer.
    const notB = await asParty(c, c.tokenB, 'POST', '/decline-consent');
    expect(notB.status).toBe(409);
    expect(notB.body.code).toBe('NOTHING_TO_CONFIRM');
    expect((await asParty(c, c.tokenA, 'POST', '/decline-consent')).body).toEqual({ status: 'DRAFT' });
    expect(await server.ctx.db.judicialApplicant.count({ where: { participantId: ids.A } })).toBe(0);
    expect(await audits('JUDICIAL_CONSENT_DECLINED')).toBe(1);
    expect((await asParty(c, c.tokenA, 'POST', '/decline-consent')).body.code).toBe('NOTHING_TO_CONFIRM');
    expect(awaiting((await asParty(c, c.tokenA, 'GET', '')).body)).toEqual([]);
  });

  it('one party applies itself; the other’s recorded consent then waits for that party’s own confirmation', async () => {
    expect((await asParty(c, c.tokenA, 'POST', '/apply', apply(local.id))).body).toEqual({ status: 'DRAFT' });
    const res = await consent(ids.B);
    expect(res.status).toBe(201);
    expect(((await res.json()) as any).status).toBe('DRAFT');
    expect(await caseStatus()).toBe('SIGNED');
    expect(awaiting((await asParty(c, c.tokenB, 'GET', '')).body)).toEqual([ids.B]);
    expect(awaiting(await c.mediator.json('GET', `/api/judicial/${c.caseId}`))).toEqual([ids.B]);
    // Having consented, B is asked to confirm rather than to apply a second time.
    expect((await asParty(c, c.tokenB, 'POST', '/apply', apply(local.id))).body.code).toBe('CONSENT_NOT_CONFIRMED');
    expect(((await (await consent(ids.B)).json()) as any).code).toBe('CONSENT_NOT_CONFIRMED');
  });

  it('nobody else can confirm it: not the other party, not the mediator, not a party of another case', async () => {
    const byA = await asParty(c, c.tokenA, 'POST', '/confirm-consent');
    expect(byA.status).toBe(409);
    expect(byA.body.code).toBe('NOTHING_TO_CONFIRM');
    expect((await c.mediator.request('POST', `/api/judicial/${c.caseId}/confirm-consent`)).status).toBe(403);
    expect((await asParty(c, c.tokenOtherCase, 'POST', '/confirm-consent')).status).toBe(403);
    expect((await server.ctx.db.judicialApplicant.findFirstOrThrow({ where: { participantId: ids.B } })).confirmedAt).toBeNull();
    expect(await audits('JUDICIAL_CONSENT_CONFIRMED')).toBe(0);
    expect(await caseStatus()).toBe('SIGNED');
  });

  it('the party confirms from its own link: then 待受理 and 申请司法确认 (audited)', async () => {
    expect((await asParty(c, c.tokenB, 'POST', '/confirm-consent')).body).toEqual({ status: 'DRAFT' });
    await signApplications(server, c);
    expect(await caseStatus()).toBe('CONFIRMATION_REQUESTED');
    expect(await audits('JUDICIAL_CONSENT_CONFIRMED')).toBe(1);
    expect(await audits('JUDICIAL_SUBMITTED')).toBe(1);
    const view = (await asParty(c, c.tokenB, 'GET', '')).body;
    expect(awaiting(view)).toEqual([]);
    expect(view.application.parties.map((p: any) => p.applied.how)).toEqual(['self', 'consented']);
    expect(view.application.parties.every((p: any) => p.applied.confirmedAt !== null)).toBe(true);
    expect((await asParty(c, c.tokenB, 'POST', '/confirm-consent')).status).toBe(409);
  });
});
