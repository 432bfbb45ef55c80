// 履行 in real Chromium: on the case page the mediator generates the schedule from the signed
// agreement, checks it and confirms it; on a phone-sized page the obligee (李某) opens its link,
// finds 履行情况, confirms receiving part of the principal with a drawn signature and the affirmation,
// and sees the item become 部分履行; the obligor uploads a proof from its phone; the mediator's page
// shows both.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmsOutbox } from '../signing/signing-support.ts';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { AFFIRMATION, PARTY_IDS, partiesThroughLinkPages, SIGNATURE, signedLoanCase, type SignedCase } from './performance-support.ts';

const sms = new SmsOutbox();
let server: TestServer;
let k: SignedCase;
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

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  k = await signedLoanCase(server, sms);
  await partiesThroughLinkPages(server, k);
}, 120_000);
afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
});

describe('履行 in Chromium', () => {
  it('the mediator confirms the derived schedule; the obligee confirms part of a payment with a signature on its phone', async () => {
    const mediator = await newPage({ width: 1280, height: 900 }, k.mediator);
    await mediator.goto(`${server.url}/cases/${k.caseId}`);
    const card = mediator.getByTestId('staff-performance');
    await card.getByTestId('derive-schedule').click();
    await mediator.locator('[data-testid="staff-performance"][data-schedule="DRAFT"]').waitFor();
    expect(await card.getByTestId('staff-obligation').count()).toBe(2);
    expect(await card.getByTestId('edit-amount').first().inputValue()).toBe('50000.00');
    expect(await card.getByTestId('edit-due').first().inputValue()).toBe('2027-04-30');
    await card.getByTestId('confirm-schedule').click();
    await mediator.locator('[data-testid="staff-performance"][data-schedule="CONFIRMED"]').waitFor();
    expect(await card.locator('[data-testid="obligation-status"][data-status="NOT_DUE"]').count()).toBe(2);

    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(`${server.url}/j/${k.tokenA}`);
    const principal = phone.locator('[data-testid="party-obligation"][data-seq="1"]');
    await principal.waitFor();
    expect(await principal.getByTestId('obligation-status').getAttribute('data-status')).toBe('NOT_DUE');
    // The obligee confirms; it has nothing to upload.
    expect(await phone.getByTestId('open-proof').count()).toBe(0);
    await principal.getByTestId('open-receipt').click();
    const form = phone.getByRole('form', { name: '确认收到第1项' });
    await form.getByTestId('receipt-amount').fill('20000');
    await form.getByTestId('receipt-note').fill('银行转账');
    await form.getByTestId('receipt-name').fill('李某');
    await form.getByTestId('receipt-id4').fill(PARTY_IDS.A.slice(-4));
    await drawSignature(phone, 'receipt-signature-pad');
    await form.getByTestId('receipt-affirmation').fill(AFFIRMATION);
    if (process.env.PERFORMANCE_SCREENSHOT) await phone.screenshot({ path: `${process.env.PERFORMANCE_SCREENSHOT}-phone-form.png`, fullPage: true });
    await form.getByTestId('receipt-submit').click();
    await phone.locator('[data-testid="party-obligation"][data-seq="1"][data-status="PARTIAL"]').waitFor({ timeout: 15_000 });
    expect(await principal.textContent()).toContain('已收到 20,000.00元');
    expect(await principal.getByTestId('obligation-events').textContent()).toContain('权利人确认收到（李某）：20,000.00元');

    const o = await server.ctx.db.obligation.findFirstOrThrow({ where: { caseId: k.caseId, seq: 1 } });
    expect([o.status, o.receivedFen]).toEqual(['PARTIAL', 2_000_000]);
    const signed = await server.ctx.db.obligationEvent.findFirstOrThrow({ where: { obligationId: o.id, type: 'RECEIPT_CONFIRMED' } });
    expect(signed.participantId).toBe(k.partyAId);
    expect(Buffer.from(signed.bytes!).subarray(1, 4).toString('latin1')).toBe('PNG');

    // The obligor, on its phone, uploads a transfer slip for the interest; it cannot confirm receipt.
    const obligor = await newPage({ width: 390, height: 844 });
    await obligor.goto(`${server.url}/j/${k.tokenB}`);
    const interest = obligor.locator('[data-testid="party-obligation"][data-seq="2"]');
    await interest.waitFor();
    expect(await obligor.getByTestId('open-receipt').count()).toBe(0);
    await interest.getByTestId('open-proof').click();
    await interest.getByTestId('proof-file').setInputFiles({ name: '转账回单.png', mimeType: 'image/png', buffer: Buffer.from(SIGNATURE, 'base64') });
    await interest.getByTestId('proof-submit').click();
    await interest.locator('[data-testid="obligation-events"] li[data-type="PROOF_UPLOADED"]').waitFor({ timeout: 15_000 });
    expect(await interest.getByTestId('obligation-status').getAttribute('data-status')).toBe('NOT_DUE');

    await mediator.reload();
    const first = mediator.locator('[data-testid="staff-obligation"][data-seq="1"]');
    await first.locator('[data-testid="obligation-status"][data-status="PARTIAL"]').waitFor();
    expect(await first.getByTestId('obligation-events').textContent()).toContain('银行转账');
    const second = mediator.locator('[data-testid="staff-obligation"][data-seq="2"]');
    expect(await second.getByTestId('obligation-events').textContent()).toContain('义务人上传履行凭证（王某）');
    if (process.env.PERFORMANCE_SCREENSHOT) {
      await phone.screenshot({ path: `${process.env.PERFORMANCE_SCREENSHOT}-phone.png`, fullPage: true });
      await card.screenshot({ path: `${process.env.PERFORMANCE_SCREENSHOT}-mediator.png` });
    }
  });
});
