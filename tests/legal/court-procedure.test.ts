// The court's procedure end to end through the API, with every document checked as a clerk would
// read it (pdftotext) and its service (送达) recorded per party:
//  - a late application (after the 30-day window) is taken with a warning; the court accepts it
//    (受理通知书), asks for materials (the review clock stops), the party supplies them, a party
//    asks to withdraw and the court allows it (准许撤回, 解释 art. 357) — the case is 已签署 again;
//  - another is accepted, the judge questions the parties (询问笔录, art. 356) and dismisses with a
//    解释 art. 358 item (违反自愿原则); the case may then return to mediation (MS 206);
//  - a third is refused (不予受理) with its art. 355 ground.
// Electronic service only to a party that consented; opening the document from its link is the receipt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DraftCase } from '../drafting/sync-support.ts';
import { pdfsig, pdftotext, writePdf } from '../signing/pdf-tools.ts';
import { signCaseThroughApi, SmsOutbox } from '../signing/signing-support.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { judgeClient, mediatingCase, PARTY_IDS, SERVICE, signApplications, submittedCase } from '../judicial/judicial-support.ts';

const sms = new SmsOutbox();
let server: TestServer;
let judge: StaffClient;
let local: { id: string };

const asParty = async (k: DraftCase, token: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.url}/api/judicial/${k.caseId}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: any = null;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    json = null;
  }
  return { status: res.status, body: json, bytes };
};
const text = (pdf: Buffer) => pdftotext(writePdf(pdf)).replace(/\s+/g, '');
const appOf = async (k: DraftCase) => (await server.ctx.db.judicialApplication.findUniqueOrThrow({ where: { caseId: k.caseId } })).id;
const detail = async (id: string) => (await judge.json('GET', `/api/judge/applications/${id}`)).application;
const judgeDoc = async (id: string, documentId: string) => {
  const res = await judge.request('GET', `/api/judge/applications/${id}/court-documents/${documentId}`);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
};

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  local = await server.ctx.db.court.findFirstOrThrow({ where: { isLocal: true } });
  judge = await judgeClient(server, admin, 'judge-li');
}, 60_000);
afterAll(() => server?.close());

describe('accept, ask for materials, withdraw — on a late application', () => {
  let k: DraftCase;
  let id: string;

  it('after the window the page warns with the dates and the parties still apply (the court decides: MS 86)', async () => {
    k = await mediatingCase(server);
    await signCaseThroughApi(server, k, sms, PARTY_IDS);
    await server.ctx.db.signingRound.updateMany({
      where: { caseId: k.caseId, status: 'COMPLETED' },
      data: { completedAt: new Date(Date.now() - 45 * 24 * 3600_000) },
    });
    const view = (await asParty(k, k.tokenA, 'GET', '')).body;
    expect(view).toMatchObject({ windowOpen: false, daysLeft: 0 });
    expect(view.lateWarning).toMatch(/申请期限已于 \d{4}年\d{1,2}月\d{1,2}日 24时届满。仍可提交申请，是否受理由法院决定/);
    // A consents to electronic service (送达地址确认书); B does not.
    expect((await asParty(k, k.tokenA, 'POST', '/apply', { courtId: local.id, ...SERVICE, electronicService: true })).status).toBe(201);
    expect((await asParty(k, k.tokenB, 'POST', '/apply', { courtId: local.id, ...SERVICE, electronicService: false })).status).toBe(201);
    await signApplications(server, k);
    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId: k.caseId, type: 'JUDICIAL_APPLIED' } });
    expect(audit.map((e) => JSON.parse(e.data).late)).toEqual([true, true]);
    id = await appOf(k);
    expect(await detail(id)).toMatchObject({ status: 'SUBMITTED', appliedLate: true, acceptOverdue: false, documents: [] });
  }, 90_000);

  it('acceptance: a 受理通知书 with the 民特 number (内, not 蒙) and the 15-day review deadline, served only to the consenting party', async () => {
    const { courtCaseNumber } = await judge.json('POST', `/api/judge/applications/${id}/accept`, {});
    expect(courtCaseNumber).toMatch(/^（20\d\d）内0204民特\d+号$/);
    const d = await detail(id);
    expect(d.reviewBy).not.toBeNull();
    expect(d.documents).toHaveLength(1);
    const notice = d.documents[0];
    expect(notice).toMatchObject({ kind: 'ACCEPTANCE_NOTICE', title: '受理通知书' });
    const byName = Object.fromEntries(notice.service.map((s: any) => [s.name, s]));
    expect(byName['李某']).toMatchObject({ channel: 'electronic', openedAt: null });
    expect(byName['李某'].sentAt).not.toBeNull();
    expect(byName['王某']).toMatchObject({ channel: 'none', sentAt: null, openedAt: null });
    const pdf = await judgeDoc(id, notice.id);
    expect(pdfsig(writePdf(pdf))).toContain('Signer Certificate Common Name: 包头市青山区人民法院');
    const t = text(pdf);
    for (const s of ['包头市青山区人民法院', '通知书', courtCaseNumber, '决定立案受理', '十五日内', '（院印）']) expect(t).toContain(s);

    // The party opens it from its own link: that is the receipt — who and when.
    const seen = (await asParty(k, k.tokenA, 'GET', '')).body.application.documents;
    expect(seen).toEqual([expect.objectContaining({ id: notice.id, kind: 'ACCEPTANCE_NOTICE', electronic: true, openedAt: null })]);
    expect((await asParty(k, k.tokenA, 'GET', `/court-documents/${notice.id}`)).bytes.equals(pdf)).toBe(true);
    const after = (await detail(id)).documents[0].service.find((s: any) => s.name === '李某');
    expect(after).toMatchObject({ channel: 'electronic', openedBy: '李某' });
    expect(after.openedAt).not.toBeNull();
    expect(await server.ctx.db.auditEntry.count({ where: { caseId: k.caseId, type: 'JUDICIAL_DOCUMENT_SERVED' } })).toBe(1);
    // B did not consent: opening it is no electronic service.
    await asParty(k, k.tokenB, 'GET', `/court-documents/${notice.id}`);
    expect((await detail(id)).documents[0].service.find((s: any) => s.name === '王某')).toMatchObject({ channel: 'none', openedAt: null });
  });

  it('a request for materials (解释 art. 354) stops the review clock until the parties supply them', async () => {
    const before = await detail(id);
    const { dueAt } = await judge.json('POST', `/api/judge/applications/${id}/materials-request`, {
      materials: '调解组织主持调解的证明；双方身份证明',
      dueDays: 7,
    });
    expect(Date.parse(dueAt)).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);
    expect((await judge.request('POST', `/api/judge/applications/${id}/materials-request`, { materials: '再次', dueDays: 7 })).status).toBe(409);
    const paused = await detail(id);
    expect(paused.clockStopped).toBe(true);
    const request = paused.documents.find((x: any) => x.kind === 'SUPPLEMENT_REQUEST');
    const t = text(await judgeDoc(id, request.id));
    for (const s of ['调解组织主持调解的证明；双方身份证明', '补充期间不计入审查期限', '第三百五十七条第二款']) expect(t).toContain(s);
    await new Promise((r) => setTimeout(r, 1200)); // the clock stands still for a measurable while
    expect((await asParty(k, k.tokenA, 'POST', '/materials-supplied')).status).toBe(204);
    const resumed = await detail(id);
    expect(resumed.clockStopped).toBe(false);
    expect(Date.parse(resumed.reviewBy) - Date.parse(before.reviewBy)).toBeGreaterThanOrEqual(1000);
    expect(resumed.documents.find((x: any) => x.kind === 'SUPPLEMENT_REQUEST').answeredAt).not.toBeNull();
  });

  it('withdrawal: refused without a request; a party asks, the court allows it by ruling (解释 art. 357); the case is 已签署 again', async () => {
    expect((await judge.request('POST', `/api/judge/applications/${id}/withdraw`, { clerk: '赵书记' })).status).toBe(409);
    expect((await asParty(k, k.tokenB, 'POST', '/withdraw')).status).toBe(204);
    expect((await detail(id)).withdrawRequestedAt).not.toBeNull();
    expect((await judge.request('POST', `/api/judge/applications/${id}/withdraw`, { clerk: '赵书记' })).status).toBe(204);
    const d = await detail(id);
    expect(d).toMatchObject({ status: 'WITHDRAWN', statusLabel: '准许撤回', reviewBy: null });
    expect((await k.mediator.json('GET', `/api/cases/${k.caseId}`)).case.status).toBe('SIGNED');
    const ruling = d.documents.find((x: any) => x.kind === 'WITHDRAWAL_RULING');
    const t = text(await judgeDoc(id, ruling.id));
    for (const s of ['民事裁定书', '准许申请人李某、王某撤回司法确认申请', '第三百五十七条第一款', '审判员', '（院印）', '本件与原本核对无异', '赵书记'])
      expect(t).toContain(s);
  });
});

describe('accept, question with minutes, dismiss with a 解释 art. 358 item; back to mediation', () => {
  let k: DraftCase;
  let id: string;

  it('the judge questions the parties: 询问笔录 sealed and served', async () => {
    k = await submittedCase(server, sms);
    id = await appOf(k);
    await judge.json('POST', `/api/judge/applications/${id}/accept`, {});
    expect((await judge.request('POST', `/api/judge/applications/${id}/review`, {})).status).toBe(204);
    const record = '问：调解协议是否系你们自愿达成？\n李某答：是。\n王某答：签署时我认为还款期限是对方单方定的。';
    const startedAt = new Date(Date.now() - 30 * 60_000).toISOString();
    const res = await judge.request('POST', `/api/judge/applications/${id}/questioning`, {
      startedAt,
      endedAt: new Date().toISOString(),
      place: '在线视频询问',
      record,
      clerk: '赵书记',
    });
    expect(res.status).toBe(201);
    const minutes = (await detail(id)).documents.find((x: any) => x.kind === 'QUESTIONING_MINUTES');
    const t = text(await judgeDoc(id, minutes.id));
    expect(t).toMatch(/时间：\d{4}年\d{1,2}月\d{1,2}日\d{2}时\d{2}分至\d{2}时\d{2}分/);
    for (const s of ['询问笔录', '在线视频询问', '调解协议是否系你们自愿达成', '王某答：签署时我认为还款期限是对方单方定的。', '被询问人', '书记员：赵书记'])
      expect(t).toContain(s.replace(/\s+/g, ''));
  }, 90_000);

  it('dismissal takes a ground from the data, not free text; the ruling cites MS 206 and the 解释 item', async () => {
    expect((await judge.request('POST', `/api/judge/applications/${id}/decide`, { decision: 'dismiss', clerk: '赵书记' })).status).toBe(400);
    expect((await judge.request('POST', `/api/judge/applications/${id}/decide`, { decision: 'dismiss', ground: 'BECAUSE', clerk: '赵书记' })).status).toBe(400);
    // "Other" needs its explanation.
    expect((await judge.request('POST', `/api/judge/applications/${id}/decide`, { decision: 'dismiss', ground: 'OTHER', clerk: '赵书记' })).status).toBe(400);
    const decided = await judge.json('POST', `/api/judge/applications/${id}/decide`, {
      decision: 'dismiss',
      ground: 'NOT_VOLUNTARY',
      explanation: '被申请人在询问中表示还款期限非其真实意思',
      clerk: '赵书记',
    });
    expect(decided.status).toBe('DISMISSED');
    const d = await detail(id);
    expect(d.ground).toEqual({ key: 'NOT_VOLUNTARY', article: '第三百五十八条第四项', label: '违反自愿原则的' });
    const ruling = d.documents.find((x: any) => x.kind === 'RULING');
    const t = text(await judgeDoc(id, ruling.id));
    for (const s of [
      '驳回申请人李某、王某的司法确认申请',
      '该调解协议属于“违反自愿原则的”情形：被申请人在询问中表示还款期限非其真实意思',
      '《中华人民共和国民事诉讼法》第二百零六条',
      '第三百五十八条第四项',
      '可以通过调解方式变更原调解协议或者达成新的调解协议',
      '（院印）',
      '本件与原本核对无异',
    ])
      expect(t).toContain(s);
    expect(t).not.toContain('调解协议有效');
  });

  it('a dismissed case may return to mediation (MS 206), with a reason', async () => {
    expect((await k.mediator.json('GET', `/api/cases/${k.caseId}`)).case.status).toBe('DISMISSED');
    await k.mediator.json('POST', `/api/cases/${k.caseId}/transition`, { to: 'MEDIATING', reason: '法院驳回后双方同意重新调解' }, 200);
    expect((await k.mediator.json('GET', `/api/cases/${k.caseId}`)).case.status).toBe('MEDIATING');
  });
});

describe('不予受理 with its 解释 art. 355 ground', () => {
  it('refuses with the ground as data, under a 民特 number; the case is 已签署 again', async () => {
    const k = await submittedCase(server, sms);
    const id = await appOf(k);
    expect((await judge.request('POST', `/api/judge/applications/${id}/refuse`, { ground: 'NOT_VOLUNTARY', clerk: '赵书记' })).status).toBe(400);
    expect((await judge.request('POST', `/api/judge/applications/${id}/refuse`, { ground: 'TITLE_CONFIRMATION', clerk: '赵书记' })).status).toBe(204);
    const d = await detail(id);
    expect(d).toMatchObject({ status: 'REFUSED', statusLabel: '不予受理', ground: { key: 'TITLE_CONFIRMATION', article: '第三百五十五条第一款第五项' } });
    expect(d.courtCaseNumber).toMatch(/^（20\d\d）内0204民特\d+号$/);
    expect((await k.mediator.json('GET', `/api/cases/${k.caseId}`)).case.status).toBe('SIGNED');
    const t = text(await judgeDoc(id, d.documents[0].id));
    for (const s of ['民事裁定书', '调解协议内容涉及物权、知识产权确权的', '第三百五十五条第一款第五项', '本院不予受理', '本件与原本核对无异'])
      expect(t).toContain(s);
    expect((await judge.request('POST', `/api/judge/applications/${id}/accept`, {})).status).toBe(409);
  }, 90_000);
});
