// Judicial confirmation in real Chromium, from a signed agreement to a downloadable ruling: both
// parties apply on their phones (court, service address, phone; an identity document uploaded),
// the judge accepts on the desk, the integrity panel shows the agreement intact, the judge ticks
// the review grounds and confirms; each party downloads the same 民事裁定书, which pdfsig accepts.
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import type { DraftCase } from '../drafting/sync-support.ts';
import { pdfsig, pdftotext, scratchDir, writePdf } from '../signing/pdf-tools.ts';
import { signCaseThroughApi, SmsOutbox } from '../signing/signing-support.ts';
import { judgeClient, mediatingCase, PARTY_IDS, SERVICE } from './judicial-support.ts';
import { drawSignature } from '../journeys/journey-support.ts';

const sms = new SmsOutbox();
let server: TestServer;
let k: DraftCase;
let judge: StaffClient;
const browsers: TestBrowser[] = [];

async function newPage(viewport: { width: number; height: number }, staff?: StaffClient): Promise<Page> {
  const { browser, page } = await openPage(server.url, { viewport, ...(staff ? { cookieHeader: staff.cookie } : {}) });
  browsers.push(browser);
  return page;
}

async function download(page: Page, testId: string): Promise<Buffer> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const chunks: Buffer[] = [];
  for await (const c of await d.createReadStream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  judge = await judgeClient(server, admin, 'judge-li');
  k = await mediatingCase(server);
  await signCaseThroughApi(server, k, sms, PARTY_IDS);
}, 90_000);
afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
});

describe('judicial confirmation in Chromium', () => {
  it('parties apply, the judge accepts, reviews (integrity intact) and confirms; parties download the ruling', async () => {
    const idPhoto = `${scratchDir()}/身份证正面.jpg`;
    writeFileSync(idPhoto, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4096, 9)]));
    const parties: Page[] = [];
    for (const token of [k.tokenA, k.tokenB]) {
      const page = await newPage({ width: 390, height: 844 });
      parties.push(page);
      await page.goto(`${server.url}/j/${token}/judicial`);
      expect(await page.getByTestId('judicial-days-left').textContent()).toBe('还剩 30 天');
      await page.getByTestId('judicial-address').fill(SERVICE.serviceAddress);
      await page.getByTestId('judicial-phone').fill(SERVICE.phone);
      await page.getByTestId('judicial-eservice').check();
      await page.getByTestId('judicial-submit').click();
      await page.getByTestId('judicial-materials').waitFor();
      await page.getByTestId('judicial-file').setInputFiles(idPhoto);
      await page.getByTestId('judicial-material').filter({ hasText: '身份证正面.jpg' }).waitFor();
    }
    // Each applicant signs the 司法确认申请书 itself (#17 item 6).
    const signers: Array<[string, string]> = [
      ['李某', PARTY_IDS.A],
      ['王某', PARTY_IDS.B],
    ];
    for (const [i, [name, id]] of signers.entries()) {
      const page = parties[i]!;
      await page.getByTestId('application-sign').waitFor();
      await page.getByTestId('application-sign-name').fill(name);
      await page.getByTestId('application-sign-id').fill(id.slice(-4));
      // The agreement's ceremony: a one-time code by SMS to the applicant's own phone.
      await page.getByTestId('application-sign-send-code').click();
      await page.getByTestId('application-sign-code-sent').waitFor();
      expect(sms.messages.at(-1)!.text).toContain('司法确认申请书');
      await page.getByTestId('application-sign-code').fill(sms.lastCode());
      await page.getByTestId('application-sign-affirmation').fill('本人自愿申请司法确认，所述属实');
      await drawSignature(page, 'application-signature-pad');
      await page.getByTestId('application-sign-submit').click();
      await page.getByTestId('application-sign').waitFor({ state: 'detached' });
    }
    await parties[0]!.reload();
    await parties[0]!.locator('[data-testid="judicial-status"][data-status="SUBMITTED"]').waitFor();

    const desk = await newPage({ width: 1280, height: 900 }, judge);
    await desk.goto(server.url);
    await desk.locator('[data-testid="judge-application"][data-status="SUBMITTED"]').getByTestId('judge-open').click();
    await desk.getByTestId('judge-accept').click();
    await desk.getByTestId('judge-start-review').click();
    await desk.locator('[data-testid="judge-review"][data-status="REVIEWING"]').waitFor();
    expect(await desk.getByTestId('integrity-panel').getAttribute('data-intact')).toBe('true');
    // The ID photos the parties uploaded are there to look at.
    expect(await desk.getByTestId('review-material').count()).toBe(2);
    const photo = await desk.request.get(`${server.url}${await desk.getByTestId('review-material').first().getAttribute('href')}`);
    expect(photo.headers()['content-type']).toBe('image/jpeg');
    expect((await photo.body()).length).toBe(4100);
    for (const ground of await desk.getByTestId('review-ground').all()) await ground.check();
    await desk.getByTestId('review-notes').fill('经审查，协议系双方自愿达成，内容明确。');
    await desk.getByTestId('judge-clerk').fill('刘书记');
    if (process.env.JUDICIAL_SCREENSHOT) {
      await desk.screenshot({ path: `${process.env.JUDICIAL_SCREENSHOT}-desk.png`, fullPage: true });
      await parties[0]!.screenshot({ path: `${process.env.JUDICIAL_SCREENSHOT}-party.png`, fullPage: true });
    }
    // The ruling cannot be taken back: the judge confirms it in a dialog that says what will happen.
    await desk.getByTestId('judge-confirm').click();
    const dialog = desk.getByRole('dialog', { name: '裁定确认调解协议有效？' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('裁定作出后不能撤回或修改');
    await dialog.getByTestId('confirm-ok').click();
    await desk.getByTestId('judge-decided').waitFor({ timeout: 20_000 });
    // Sent, not yet served: no party has opened it (the desk says so instead of 已送达).
    const rulingRows = desk.locator('[data-testid="court-document"][data-kind="RULING"] [data-testid="service-row"]');
    expect(await rulingRows.evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-channel'), r.getAttribute('data-opened')]))).toEqual([
      ['electronic', 'false'],
      ['electronic', 'false'],
    ]);
    expect(await rulingRows.first().textContent()).toContain('已发送');
    const fromJudge = await download(desk, 'judge-ruling-download');

    const rulings: Buffer[] = [];
    for (const page of parties) {
      await page.reload();
      await page.locator('[data-testid="judicial-status"][data-status="CONFIRMED"]').waitFor();
      // After the ruling the page shows the outcome, no longer the application window's countdown.
      await page.getByTestId('judicial-outcome').waitFor();
      expect(await page.getByTestId('judicial-days-left').count()).toBe(0);
      rulings.push(await download(page, 'ruling-download'));
    }
    expect(rulings[0]!.equals(rulings[1]!)).toBe(true);
    expect(fromJudge.equals(rulings[0]!)).toBe(true);
    // Each party's download served it; the judge's desk shows it.
    await desk.goto(server.url);
    await desk.locator('[data-testid="judge-application"][data-status="CONFIRMED"] [data-testid="ruling-service"][data-served="2"]').waitFor();
    expect(await server.ctx.db.auditEntry.count({ where: { caseId: k.caseId, type: 'JUDICIAL_RULING_SERVED' } })).toBe(2);
    const file = writePdf(rulings[0]!);
    expect(pdfsig(file)).toContain('Signature Validation: Signature is Valid.');
    expect(pdftotext(file).replace(/\s+/g, '')).toContain('调解协议有效');
    expect((await k.mediator.json('GET', `/api/cases/${k.caseId}`)).case.status).toBe('CONFIRMED');
    expect(await server.ctx.db.judicialMaterial.count()).toBe(2);
  }, 120_000);
});
