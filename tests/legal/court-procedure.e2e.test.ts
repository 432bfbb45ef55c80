// The court's procedure in real Chromium, clicked and typed as the judge and the parties would
// (the API version with every refusal is court-procedure.test.ts). The cases are brought to 待受理
// through the API (signed, both applied, both signed the 申请书); from there on everything happens
// on the judge's desk and on the parties' /j/<token>/judicial pages:
//  - accept (受理通知书, served only to the party that consented: opened on its page is the
//    receipt), ask for materials (the review clock stops), a party says it supplied them (the
//    clock runs), a party asks to withdraw, the judge allows it (准许撤回) — the case is 已签署 again;
//  - accept, start the review, record the 询问笔录 through its form, dismiss with a 解释 art. 358
//    ground chosen from the list; the party opens the ruling on its page and the desk shows it served;
//  - 不予受理 with a 解释 art. 355 ground chosen from the list.
// Every document the pages offer is downloaded from them and read with pdftotext.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import type { DraftCase } from '../drafting/sync-support.ts';
import { pdftotext, writePdf } from '../signing/pdf-tools.ts';
import { signCaseThroughApi, SmsOutbox } from '../signing/signing-support.ts';
import { judgeClient, mediatingCase, PARTY_IDS, SERVICE, signApplications } from '../judicial/judicial-support.ts';

const sms = new SmsOutbox();
let server: TestServer;
let judge: StaffClient;
const browsers: TestBrowser[] = [];
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 900 };

async function newPage(viewport: { width: number; height: number }, staff?: StaffClient, timezoneId = 'Asia/Shanghai'): Promise<Page> {
  const { browser, page } = await openPage(server.url, { viewport, timezoneId, ...(staff ? { cookieHeader: staff.cookie } : {}) });
  browsers.push(browser);
  return page;
}

/** Signed, and both parties applied (A consenting to electronic service; B as given) and signed the 申请书: 待受理. */
async function submitted(bConsents: boolean): Promise<{ k: DraftCase; number: string }> {
  const k = await mediatingCase(server);
  await signCaseThroughApi(server, k, sms, PARTY_IDS);
  const local = await server.ctx.db.court.findFirstOrThrow({ where: { isLocal: true } });
  for (const [token, electronicService] of [
    [k.tokenA, true],
    [k.tokenB, bConsents],
  ] as const) {
    const res = await fetch(`${server.url}/api/judicial/${k.caseId}/apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ courtId: local.id, ...SERVICE, electronicService }),
    });
    if (res.status !== 201) throw new Error(`apply → ${res.status}: ${await res.text()}`);
  }
  await signApplications(server, k);
  return { k, number: (await k.mediator.json('GET', `/api/cases/${k.caseId}`)).case.number };
}

const flat = (pdf: Buffer) => pdftotext(writePdf(pdf)).replace(/\s+/g, '');
const doc = (page: Page, kind: string) => page.locator(`[data-testid="court-document"][data-kind="${kind}"]`);
const serviceRows = (desk: Page, kind: string) =>
  doc(desk, kind)
    .getByTestId('service-row')
    .evaluateAll((rows) => rows.map((r) => ({ text: r.textContent ?? '', channel: r.getAttribute('data-channel'), opened: r.getAttribute('data-opened') })));

/** The judge opens the application from the desk's list, as a person would. */
async function openOnDesk(desk: Page, number: string): Promise<void> {
  await desk.goto(server.url);
  await desk.getByTestId('judge-application').filter({ hasText: number }).getByTestId('judge-open').click();
  await desk.getByTestId('judge-review').waitFor();
}

/** A court document as the desk links it: fetched with the desk's own session cookies. */
async function deskDocument(desk: Page, kind: string): Promise<string> {
  const href = await doc(desk, kind).locator('a').first().getAttribute('href');
  const res = await desk.request.get(`${server.url}${href}`);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/pdf');
  return flat(await res.body());
}

/** A party opens a court document from its page (the download is the receipt). */
async function partyOpens(page: Page, kind: string): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download'), doc(page, kind).getByRole('button').click()]);
  const chunks: Buffer[] = [];
  for await (const c of await d.createReadStream()) chunks.push(c as Buffer);
  return flat(Buffer.concat(chunks));
}

async function partyPage(token: string): Promise<Page> {
  const page = await newPage(PHONE);
  await page.goto(`${server.url}/j/${token}/judicial`);
  await page.getByTestId('judicial-status').waitFor();
  return page;
}

const status = (page: Page, testId: string, s: string) => page.locator(`[data-testid="${testId}"][data-status="${s}"]`).waitFor();

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  judge = await judgeClient(server, admin, 'judge-li');
}, 60_000);
afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
});

describe('accept, ask for materials, withdraw — in Chromium', () => {
  it('each step on the desk and on the parties’ pages, with the service of every document', async () => {
    const { k, number } = await submitted(false);
    const desk = await newPage(DESK, judge);
    await openOnDesk(desk, number);
    await status(desk, 'judge-review', 'SUBMITTED');

    // 受理: the 受理通知书 with its service per party — sent to 李某 (consented), not served
    // electronically to 王某 (did not) — and nobody has opened it yet: nothing says 已送达.
    await desk.getByTestId('judge-accept').click();
    await status(desk, 'judge-review', 'ACCEPTED');
    await doc(desk, 'ACCEPTANCE_NOTICE').waitFor();
    let rows = await serviceRows(desk, 'ACCEPTANCE_NOTICE');
    expect(rows.map((r) => [r.channel, r.opened])).toEqual([
      ['electronic', 'false'],
      ['none', 'false'],
    ]);
    expect(rows[0]!.text).toMatch(/^李某：已发送/);
    expect(rows[1]!.text).toBe('王某：未同意电子送达，须以其他方式送达');
    for (const r of rows) expect(r.text).not.toContain('已送达');
    const courtNumber = (await desk.getByTestId('judge-review').locator('h1 + p').textContent())!.match(/（20\d\d）内0204民特\d+号/)![0];
    const notice = await deskDocument(desk, 'ACCEPTANCE_NOTICE');
    for (const s of ['包头市青山区人民法院', '通知书', courtNumber, '决定立案受理', '十五日内', '（院印）']) expect(notice).toContain(s);
    expect(await desk.getByTestId('judge-review-clock').getAttribute('data-stopped')).toBe('false');

    // 李某 opens it on its phone: that is the receipt.
    const a = await partyPage(k.tokenA);
    await status(a, 'judicial-status', 'ACCEPTED');
    expect(await doc(a, 'ACCEPTANCE_NOTICE').textContent()).toContain('新文书');
    expect(await partyOpens(a, 'ACCEPTANCE_NOTICE')).toBe(notice);
    await a.locator('[data-testid="court-document"][data-kind="ACCEPTANCE_NOTICE"][data-opened="true"]').waitFor();
    expect(await doc(a, 'ACCEPTANCE_NOTICE').textContent()).toContain('已签收');
    // 王某 did not consent: its page says the court serves it another way, and opening it changes nothing.
    const b = await partyPage(k.tokenB);
    expect(await doc(b, 'ACCEPTANCE_NOTICE').textContent()).toContain('您未同意电子送达');
    await partyOpens(b, 'ACCEPTANCE_NOTICE');
    await desk.reload();
    await doc(desk, 'ACCEPTANCE_NOTICE').waitFor();
    rows = await serviceRows(desk, 'ACCEPTANCE_NOTICE');
    expect(rows.map((r) => [r.channel, r.opened])).toEqual([
      ['electronic', 'true'],
      ['none', 'false'],
    ]);
    expect(rows[0]!.text).toMatch(/^李某：已送达：.+发送，李某 于 .+ 打开$/);

    // A request for materials (解释 art. 354): the review clock stops.
    await desk.getByTestId('judge-materials').fill('调解组织主持调解的证明；双方身份证明');
    await desk.getByTestId('judge-request-materials').click();
    await doc(desk, 'SUPPLEMENT_REQUEST').waitFor();
    await desk.locator('[data-testid="judge-review-clock"][data-stopped="true"]').waitFor();
    expect(await desk.getByTestId('judge-review-clock').textContent()).toContain('期限中止');
    expect(await desk.getByTestId('judge-request-materials').isDisabled()).toBe(true);
    const request = await deskDocument(desk, 'SUPPLEMENT_REQUEST');
    for (const s of ['调解组织主持调解的证明；双方身份证明', '补充期间不计入审查期限', '第三百五十七条第二款']) expect(request).toContain(s);
    // Nobody asked to withdraw and the deadline has not lapsed: the desk does not offer 准许撤回
    // (the clerk is filled in: that is not what holds it back).
    await desk.getByTestId('judge-clerk').fill('赵书记');
    expect(await desk.getByTestId('judge-allow-withdrawal').getAttribute('aria-describedby')).toBe('judge-withdraw-reason');
    expect(await desk.getByTestId('judge-allow-withdrawal').isDisabled()).toBe(true);

    // 李某 reads the request and says it supplied them: the clock runs again.
    await a.reload();
    expect(await doc(a, 'SUPPLEMENT_REQUEST').textContent()).toMatch(/请于 \d{4}-\d{2}-\d{2} 前补充/);
    expect(await partyOpens(a, 'SUPPLEMENT_REQUEST')).toBe(request);
    await a.getByTestId('materials-supplied').click();
    await a.getByTestId('materials-supplied').waitFor({ state: 'detached' });
    await desk.reload();
    await desk.locator('[data-testid="judge-review-clock"][data-stopped="false"]').waitFor();
    expect(await desk.getByTestId('judge-review-clock').textContent()).not.toContain('中止');
    expect(await doc(desk, 'SUPPLEMENT_REQUEST').textContent()).toMatch(/已于 .+ 告知材料已补充/);

    // 王某 asks to withdraw from its page; the page keeps saying so until the court rules.
    await b.reload();
    await b.getByTestId('judicial-withdraw').click();
    // It cannot be taken back: the page says what follows and asks first.
    const ask = b.getByRole('dialog', { name: '申请撤回司法确认申请？' });
    expect(await ask.textContent()).toContain('法院裁定准许撤回后');
    await ask.getByTestId('confirm-ok').click();
    await b.getByTestId('judicial-withdraw-requested').waitFor();
    expect(await b.getByTestId('judicial-withdraw').count()).toBe(0);
    await b.reload();
    expect(await b.getByTestId('judicial-withdraw-requested').textContent()).toContain('已申请撤回');

    // The judge allows it (解释 art. 357): a ruling, confirmed in a dialog; the application ends.
    await desk.reload();
    await status(desk, 'judge-review', 'ACCEPTED');
    expect(await desk.getByTestId('judge-review').textContent()).toContain('申请撤回');
    await desk.getByTestId('judge-clerk').fill('赵书记');
    expect(await desk.getByTestId('judge-allow-withdrawal').isDisabled()).toBe(false);
    await desk.getByTestId('judge-allow-withdrawal').click();
    await desk.getByRole('dialog', { name: '裁定准许撤回？' }).getByTestId('confirm-ok').click();
    await status(desk, 'judge-review', 'WITHDRAWN');
    await desk.getByTestId('judge-decided').waitFor();
    const ruling = await deskDocument(desk, 'WITHDRAWAL_RULING');
    for (const s of ['民事裁定书', '准许申请人李某、王某撤回司法确认申请', '第三百五十七条第一款', '审判员', '（院印）', '本件与原本核对无异', '赵书记'])
      expect(ruling).toContain(s);

    // 李某 sees the ruling on its page and opens it; the desk shows the receipt.
    await a.reload();
    await status(a, 'judicial-status', 'WITHDRAWN');
    expect(await partyOpens(a, 'WITHDRAWAL_RULING')).toBe(ruling);
    await desk.reload();
    await doc(desk, 'WITHDRAWAL_RULING').waitFor();
    expect((await serviceRows(desk, 'WITHDRAWAL_RULING')).map((r) => [r.channel, r.opened])).toEqual([
      ['electronic', 'true'],
      ['none', 'false'],
    ]);

    // The mediator's case page: 已签署 again.
    const mediator = await newPage(DESK, k.mediator);
    await mediator.goto(`${server.url}/cases/${k.caseId}`);
    await mediator.locator('[data-testid="case-status"][data-status="SIGNED"]').waitFor();
    expect(await mediator.getByTestId('case-status').first().textContent()).toBe('已签署');
  }, 180_000);
});

describe('accept, question with minutes, dismiss with a 解释 art. 358 ground — in Chromium', () => {
  it('the minutes through the form, the ground from the list, the ruling opened by the party', async () => {
    const { k, number } = await submitted(true);
    // The judge's browser is set to another time zone: the court's times are China time all the same.
    const desk = await newPage(DESK, judge, 'Europe/Berlin');
    await openOnDesk(desk, number);
    // The judge looks at the refusal grounds, then accepts after all: that choice does not carry
    // over to the dismissal, which needs its own ground.
    await desk.getByTestId('judge-refusal-ground').selectOption({ label: '调解协议内容涉及物权、知识产权确权的（第三百五十五条第一款第五项）' });
    await desk.getByTestId('judge-accept').click();
    await status(desk, 'judge-review', 'ACCEPTED');
    await desk.getByTestId('judge-start-review').click();
    await status(desk, 'judge-review', 'REVIEWING');

    // 询问笔录 (解释 art. 356): when, where, what was said, the clerk.
    await desk.getByTestId('judge-clerk').fill('赵书记');
    // Forty minutes ago, typed as China time.
    const started = new Date(Date.now() - 40 * 60_000 + 8 * 3600_000).toISOString().slice(0, 16);
    await desk.getByTestId('judge-minutes-start').fill(started);
    await desk.getByTestId('judge-minutes-place').fill('包头市青山区人民法院第三法庭（视频）');
    await desk.getByTestId('judge-minutes').fill('问：调解协议是否系你们自愿达成？\n李某答：是。\n王某答：签署时我认为还款期限是对方单方定的。');
    await desk.getByTestId('judge-record-minutes').click();
    await doc(desk, 'QUESTIONING_MINUTES').waitFor();
    const minutes = await deskDocument(desk, 'QUESTIONING_MINUTES');
    const when = minutes.match(/时间：\d{4}年\d{1,2}月\d{1,2}日(\d{2})时(\d{2})分至(\d{2})时(\d{2})分/);
    expect(when).not.toBeNull();
    expect(`${when![1]}:${when![2]}`).toBe(started.slice(11));
    expect(`${when![3]}:${when![4]}`).not.toBe(`${when![1]}:${when![2]}`);
    for (const s of [
      '询问笔录',
      '包头市青山区人民法院第三法庭（视频）',
      '调解协议是否系你们自愿达成',
      '王某答：签署时我认为还款期限是对方单方定的。',
      '被询问人',
      '书记员：赵书记',
    ])
      expect(minutes).toContain(s);

    // Dismissal: not without a ground from the list (the refusal ground chosen earlier is no answer).
    expect(await desk.getByTestId('judge-dismiss').isDisabled()).toBe(true);
    expect(await desk.getByTestId('judge-decide-reason').textContent()).toContain('驳回理由');
    await desk.getByTestId('judge-reason').selectOption({ label: '违反自愿原则的（第三百五十八条第四项）' });
    await desk.getByTestId('judge-explanation').fill('被申请人在询问中表示还款期限非其真实意思');
    await desk.getByTestId('judge-dismiss').click();
    const dialog = desk.getByRole('dialog', { name: '裁定驳回申请？' });
    expect(await dialog.textContent()).toContain('违反自愿原则的');
    await dialog.getByTestId('confirm-ok').click();
    await status(desk, 'judge-review', 'DISMISSED');
    expect(await desk.getByTestId('judge-ground').textContent()).toBe('理由：违反自愿原则的（解释第三百五十八条第四项）');
    const ruling = await deskDocument(desk, 'RULING');
    for (const s of [
      '驳回申请人李某、王某的司法确认申请',
      '该调解协议属于“违反自愿原则的”情形：被申请人在询问中表示还款期限非其真实意思',
      '《中华人民共和国民事诉讼法》第二百零六条',
      '第三百五十八条第四项',
      '（院印）',
      '本件与原本核对无异',
    ])
      expect(ruling).toContain(s);
    expect((await serviceRows(desk, 'RULING')).map((r) => [r.channel, r.opened])).toEqual([
      ['electronic', 'false'],
      ['electronic', 'false'],
    ]);

    // 王某 sees the ruling on its page, with the ground, and opens it: served.
    const b = await partyPage(k.tokenB);
    await status(b, 'judicial-status', 'DISMISSED');
    expect(await b.getByTestId('judicial-status').textContent()).toContain(
      '驳回理由：该调解协议属于“违反自愿原则的”情形：被申请人在询问中表示还款期限非其真实意思',
    );
    expect(await doc(b, 'RULING').textContent()).toContain('新文书');
    expect(await partyOpens(b, 'RULING')).toBe(ruling);
    await b.locator('[data-testid="court-document"][data-kind="RULING"][data-opened="true"]').waitFor();
    await desk.reload();
    await doc(desk, 'RULING').waitFor();
    const rows = await serviceRows(desk, 'RULING');
    expect(rows.map((r) => [r.channel, r.opened])).toEqual([
      ['electronic', 'false'],
      ['electronic', 'true'],
    ]);
    expect(rows[1]!.text).toMatch(/^王某：已送达：.+王某 于 .+ 打开$/);
    await desk.goto(server.url);
    await desk.getByTestId('judge-application').filter({ hasText: number }).locator('[data-testid="ruling-service"][data-served="1"]').waitFor();
  }, 180_000);
});

describe('不予受理 with a 解释 art. 355 ground — in Chromium', () => {
  it('the ground from the list, confirmed in a dialog; the parties see why', async () => {
    const { k, number } = await submitted(true);
    const desk = await newPage(DESK, judge);
    await openOnDesk(desk, number);
    await desk.getByTestId('judge-clerk').fill('赵书记');
    expect(await desk.getByTestId('judge-refuse').isDisabled()).toBe(true);
    await desk.getByTestId('judge-refusal-ground').selectOption({ label: '调解协议内容涉及物权、知识产权确权的（第三百五十五条第一款第五项）' });
    await desk.getByTestId('judge-refuse').click();
    const dialog = desk.getByRole('dialog', { name: '裁定不予受理？' });
    expect(await dialog.textContent()).toContain('调解协议内容涉及物权、知识产权确权的');
    await dialog.getByTestId('confirm-ok').click();
    await status(desk, 'judge-review', 'REFUSED');
    expect(await desk.getByTestId('judge-ground').textContent()).toBe('理由：调解协议内容涉及物权、知识产权确权的（解释第三百五十五条第一款第五项）');
    expect(await desk.getByTestId('judge-review').locator('h1 + p').textContent()).toMatch(/本院案号 （20\d\d）内0204民特\d+号/);
    const ruling = await deskDocument(desk, 'REFUSAL_RULING');
    for (const s of ['民事裁定书', '调解协议内容涉及物权、知识产权确权的', '第三百五十五条第一款第五项', '本院不予受理', '本件与原本核对无异'])
      expect(ruling).toContain(s);

    // 李某's page: 不予受理 with its ground (not called a 驳回), and the ruling to open.
    const a = await partyPage(k.tokenA);
    await status(a, 'judicial-status', 'REFUSED');
    const shown = await a.getByTestId('judicial-status').textContent();
    expect(shown).toContain('法院裁定不予受理');
    expect(shown).toMatch(/不予受理的理由：.*调解协议内容涉及物权、知识产权确权的/);
    expect(shown).not.toContain('驳回');
    expect(await partyOpens(a, 'REFUSAL_RULING')).toBe(ruling);
    await desk.reload();
    await doc(desk, 'REFUSAL_RULING').waitFor();
    expect((await serviceRows(desk, 'REFUSAL_RULING')).map((r) => r.opened)).toEqual(['true', 'false']);
  }, 180_000);
});
