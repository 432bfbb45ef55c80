// Guidance before submitting, in Chromium: required fields say 必填 (and aria-required) before
// anything is sent, a refused field is named in Chinese, and a greyed-out 确认签署 says why —
// a wrong affirmation sentence is named next to the button instead of a silent grey.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { makeIdNumber, startTestServer, type TestServer } from '../support/server.ts';
import { setUpDraftCase, type DraftCase } from '../drafting/sync-support.ts';
import { fillLoanAgreement, SmsOutbox } from './signing-support.ts';

const sms = new SmsOutbox();
let server: TestServer;
let kase: DraftCase;
const browsers: TestBrowser[] = [];

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  kase = await setUpDraftCase(server.url, server.admin);
  const mediatorId = ((await (await kase.mediator.request('GET', '/api/auth/me')).json()) as { user: { id: string } }).user.id;
  for (const to of ['TRIAGED', 'MEDIATING']) await kase.mediator.json('POST', `/api/cases/${kase.caseId}/transition`, { to }, 200);
  await server.drafting.withDocument(kase.caseId, async () => undefined);
  await fillLoanAgreement(server, kase.caseId, mediatorId);
  await kase.mediator.json('POST', `/api/agreements/${kase.caseId}/versions`, { name: '签署版' }, 201);
  await kase.mediator.json('POST', `/api/signing/${kase.caseId}/lock`, {}, 201);
});
afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
});

async function newPage(viewport: { width: number; height: number }, cookieHeader?: string): Promise<Page> {
  const { browser, page } = await openPage(server.url, { viewport, ...(cookieHeader ? { cookieHeader } : {}) });
  browsers.push(browser);
  return page;
}

describe('guidance before submitting', () => {
  it('the new-case form marks its required fields and names a refused field in Chinese', async () => {
    const page = await newPage({ width: 1280, height: 900 }, kase.mediator.cookie);
    await page.goto(server.url);
    await page.getByTestId('new-case-button').click();
    const summary = page.getByTestId('case-summary');
    await summary.waitFor();
    expect(await summary.getAttribute('aria-required')).toBe('true');
    expect(await page.locator('label[for="case-summary"]').textContent()).toContain('必填');
    await page.getByTestId('case-title').fill('邻里纠纷');
    await summary.fill('   ');
    await page.getByTestId('case-submit').click();
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('纠纷概要不能为空');
  });

  it('a greyed-out 确认签署 says what is missing, down to a wrong affirmation', async () => {
    const page = await newPage({ width: 390, height: 844 });
    const idNumber = makeIdNumber('15020419750312101');
    await page.goto(`${server.url}/j/${kase.tokenA}`);
    await page.getByTestId('confirm-name').fill('李某');
    await page.getByTestId('confirm-id4').fill(idNumber.slice(-4));
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
    const reason = page.getByTestId('sign-disabled-reason');
    expect(await page.getByTestId('sign-submit').isDisabled()).toBe(true);
    expect(await reason.textContent()).toBe('请填写您的姓名');
    expect(await page.getByTestId('sign-name').getAttribute('aria-required')).toBe('true');

    await page.getByTestId('sign-name').fill('李某');
    await page.getByTestId('sign-id4').fill(idNumber.slice(-4));
    expect(await reason.textContent()).toBe('请先获取并填写短信验证码');
    await page.getByTestId('sign-send-code').click();
    await page.getByTestId('sign-code-sent').waitFor();
    await page.getByTestId('sign-code').fill(sms.lastCode());
    expect(await reason.textContent()).toBe('请在签名区手写签名');
    const pad = page.getByTestId('signature-pad');
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + 20 + i * ((box.width - 40) / 20), box.y + box.height / 2 + Math.sin(i / 2) * 25);
    await page.mouse.up();
    await page.locator('[data-testid="signature-pad"][data-has-ink="true"]').waitFor();

    await page.getByTestId('sign-affirmation').fill('本人已阅读协议，自愿签署');
    expect(await page.getByTestId('sign-submit').isDisabled()).toBe(true);
    expect(await reason.textContent()).toContain('确认声明与要求的文字不一致');
    expect(await page.getByTestId('sign-submit').getAttribute('aria-describedby')).toBe('sign-missing');

    await page.getByTestId('sign-affirmation').fill('本人已阅读协议全部内容，系自愿签署');
    expect(await page.getByTestId('sign-submit').isDisabled()).toBe(false);
    expect(await reason.count()).toBe(0);
  }, 90_000);
});
