// Signing in real Chromium: the mediator locks the agreement on the case page; two parties on
// phone-sized pages accept every clause, get a one-time code, draw a signature with the pointer
// and type the affirmation; the mediator draws theirs and issues the PDF; all three download the
// same file, which pdfsig accepts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { setUpDraftCase, type DraftCase } from '../drafting/sync-support.ts';
import { pdfsig, pdftotext, strokePng, writePdf } from './pdf-tools.ts';

const pdftotextOf = (bytes: Buffer) => pdftotext(writePdf(bytes)).replace(/\s+/g, '');
import { fillLoanAgreement, SmsOutbox } from './signing-support.ts';

const AFFIRMATION = '本人已阅读协议全部内容，系自愿签署';
const sms = new SmsOutbox();
let server: TestServer;
let kase: DraftCase;
const browsers: TestBrowser[] = [];

async function newPage(viewport: { width: number; height: number }, staff?: StaffClient): Promise<Page> {
  const { browser, page } = await openPage(server.url, { viewport, ...(staff ? { cookieHeader: staff.cookie } : {}) });
  browsers.push(browser);
  return page;
}

/** Draws a wavy stroke across the signature canvas with the pointer. */
async function drawSignature(page: Page, testId: string) {
  await page.getByTestId(testId).scrollIntoViewIfNeeded();
  const box = (await page.getByTestId(testId).boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 24; i++) await page.mouse.move(box.x + 20 + i * ((box.width - 40) / 24), box.y + box.height / 2 + Math.sin(i / 2) * 25);
  await page.mouse.up();
  await page.locator(`[data-testid="${testId}"][data-has-ink="true"]`).waitFor();
}

/** The PDF as the page's own download button fetches it. */
async function downloadFrom(page: Page): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('signing-download').click()]);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function partySigns(page: Page, token: string, who: { name: string; idNumber: string }) {
  // The party's way in: its link page (identity, consent), then 逐条确认并签署协议书.
  await page.goto(`${server.url}/j/${token}`);
  await page.getByTestId('confirm-name').fill(who.name);
  await page.getByTestId('confirm-id4').fill(who.idNumber.slice(-4));
  await page.getByTestId('confirm-submit').click();
  await page.getByTestId('consent-checkbox').check();
  await page.getByTestId('consent-submit').click();
  await page.getByTestId('open-signing').click();
  await page.getByTestId('signing-clause').first().waitFor();
  const clauses = await page.getByTestId('signing-clause').count();
  for (let i = 0; i < clauses; i++) {
    await page.getByTestId('clause-accept').first().click();
    await page.locator('[data-testid="signing-clause"][data-accepted="true"]').nth(i).waitFor();
  }
  await page.getByTestId('sign-form').waitFor();
  await page.getByTestId('sign-name').fill(who.name);
  await page.getByTestId('sign-id4').fill(who.idNumber.slice(-4));
  await page.getByTestId('sign-send-code').click();
  await page.getByTestId('sign-code-sent').waitFor();
  await page.getByTestId('sign-code').fill(sms.lastCode());
  await drawSignature(page, 'signature-pad');
  await page.getByTestId('sign-affirmation').fill(AFFIRMATION);
  if (process.env.SIGNING_SCREENSHOT) await page.screenshot({ path: `${process.env.SIGNING_SCREENSHOT}-${who.name}.png`, fullPage: true });
  await page.getByTestId('sign-submit').click();
  await page.getByTestId('signing-signed').waitFor({ timeout: 15_000 });
}

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  kase = await setUpDraftCase(server.url, server.admin);
  const mediatorId = ((await (await kase.mediator.request('GET', '/api/auth/me')).json()) as { user: { id: string } }).user.id;
  for (const to of ['TRIAGED', 'MEDIATING']) await kase.mediator.json('POST', `/api/cases/${kase.caseId}/transition`, { to }, 200);
  await server.drafting.withDocument(kase.caseId, async () => undefined);
  await fillLoanAgreement(server, kase.caseId, mediatorId);
  await kase.mediator.json('POST', `/api/agreements/${kase.caseId}/versions`, { name: '签署版' }, 201);
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  await admin.json('PUT', '/api/org/seal', { pngBase64: Buffer.from(strokePng(200, 200)).toString('base64') }, 200);
});
afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
});

describe('signing in Chromium', () => {
  it('mediator locks, two parties accept and sign with drawn signatures, mediator signs, everyone downloads the same PDF', async () => {
    const mediator = await newPage({ width: 1280, height: 900 }, kase.mediator);
    await mediator.goto(`${server.url}/cases/${kase.caseId}`);
    // Locking asks first, saying what it fixes; cancelling changes nothing.
    await mediator.getByTestId('signing-lock').click();
    await mediator.getByRole('dialog', { name: '锁定最新版本供签署？' }).getByTestId('confirm-cancel').click();
    expect(await mediator.getByTestId('staff-signing').getAttribute('data-status')).toBe('NONE');
    expect(await server.ctx.db.signingRound.count({ where: { caseId: kase.caseId } })).toBe(0);
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id: kase.caseId } })).status).toBe('MEDIATING');
    await mediator.getByTestId('signing-lock').click();
    await mediator.getByRole('dialog', { name: '锁定最新版本供签署？' }).getByTestId('confirm-ok').click();
    await mediator.locator('[data-testid="staff-signing"][data-status="OPEN"]').waitFor();

    const a = await newPage({ width: 390, height: 844 });
    const b = await newPage({ width: 390, height: 844 });
    await partySigns(a, kase.tokenA, { name: '李某', idNumber: makeIdNumber('15020419750312101') });
    await partySigns(b, kase.tokenB, { name: '王某', idNumber: makeIdNumber('15020419800101123') });

    // The mediator's page follows (polling) and offers the signature once both parties signed.
    await mediator.getByTestId('mediator-signature-pad').waitFor({ timeout: 15_000 });
    expect(await mediator.locator('[data-testid="signing-party"][data-signed="true"]').count()).toBe(2);
    await drawSignature(mediator, 'mediator-signature-pad');
    if (process.env.SIGNING_SCREENSHOT) await mediator.getByTestId('staff-signing').screenshot({ path: `${process.env.SIGNING_SCREENSHOT}-mediator.png` });
    await mediator.getByTestId('mediator-sign').click();
    await mediator.getByRole('dialog', { name: '签署并出具协议书？' }).getByTestId('confirm-ok').click();
    await mediator.locator('[data-testid="staff-signing"][data-status="COMPLETED"]').waitFor({ timeout: 20_000 });

    const fromMediator = await downloadFrom(mediator);
    await a.reload();
    const fromA = await downloadFrom(a);
    await b.reload();
    const fromB = await downloadFrom(b);
    expect(fromA.equals(fromMediator)).toBe(true);
    expect(fromB.equals(fromMediator)).toBe(true);
    expect(pdfsig(writePdf(fromMediator))).toContain('Signature Validation: Signature is Valid.');
    // The QR code's page, on a phone: the issued record; uploading the file says genuine, a changed copy not.
    const round = await server.ctx.db.signingRound.findFirstOrThrow({ where: { caseId: kase.caseId, status: 'COMPLETED' } });
    expect(pdftotextOf(fromA)).toContain(`/verify/${round.id}`);
    const visitor = await newPage({ width: 390, height: 844 });
    await visitor.goto(`${server.url}/verify/${round.id}`);
    expect(await visitor.getByTestId('verify-case-number').textContent()).toBe(round.snapshot ? JSON.parse(round.snapshot).meta.caseNumber : '');
    await visitor.getByTestId('verify-file').setInputFiles(writePdf(fromA));
    await visitor.locator('[data-testid="verify-result"][data-genuine="true"]').waitFor();
    const tampered = Buffer.from(fromA);
    tampered[Math.floor(tampered.length / 3)]! ^= 1;
    await visitor.getByTestId('verify-file').setInputFiles(writePdf(tampered));
    await visitor.locator('[data-testid="verify-result"][data-genuine="false"]').waitFor();
    expect(await visitor.getByTestId('verify-result').textContent()).toContain('核验未通过');

    // The drawn signatures are what went into the file.
    const signatures = await server.ctx.db.agreementSignature.findMany();
    expect(signatures).toHaveLength(3);
    for (const s of signatures) expect(s.png.length).toBeGreaterThan(500);
  }, 120_000);
});
