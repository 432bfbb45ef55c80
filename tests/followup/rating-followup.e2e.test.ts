// 评价 → 回访 in real Chromium: a party on a phone whose mediation ended rates the service 非常不满意
// with a comment from its link page; the unit's head finds the 回访 task, reads the comment,
// records the call in the 回访记录 form, closes it, and downloads the sealed 回访记录.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, type TestBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { pdftotext, strokePng, writePdf } from '../signing/pdf-tools.ts';
import { caseWithParties, castOf, failCase, type Cast, type RatedCase } from './followup-support.ts';

const PHONE = { width: 360, height: 740 };
const COMMENT = '等了很久才有人回复';
let server: TestServer;
let cast: Cast;
let k: RatedCase;
const browsers: TestBrowser[] = [];

beforeAll(async () => {
  server = await startTestServer();
  cast = await castOf(server);
  await server.ctx.db.organisation.update({ where: { id: cast.head.unitId }, data: { sealPng: Buffer.from(strokePng(200, 200)) } });
  k = await caseWithParties(cast.mediator);
  await failCase(cast.mediator, k.caseId);
});
afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
});

describe('评价 and 回访 through the UI', () => {
  it('a party rates poorly from its phone', async () => {
    const browser = await launchBrowser({ viewport: PHONE });
    browsers.push(browser);
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/j/${k.a.token}`);
    const form = page.getByTestId('rating-form');
    await form.waitFor();
    expect(await form.getAttribute('data-occasion')).toBe('CLOSING');
    // Submitting without a choice says what is missing and sends nothing.
    await page.getByTestId('rating-submit').click();
    await page.getByText('请选择满意程度').waitFor();
    await page.getByLabel('非常不满意').check();
    await page.getByLabel('意见和建议（选填）').fill(COMMENT);
    await page.getByTestId('rating-submit').click();
    await page.getByTestId('rating-thanks').waitFor();
    await expect.poll(() => page.getByTestId('rating-form').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const rating = await server.ctx.db.serviceRating.findFirstOrThrow({ where: { participantId: k.a.id } });
    expect([rating.occasion, rating.score, rating.comment]).toEqual(['CLOSING', 1, COMMENT]);
    expect(await server.ctx.db.followUpTask.count({ where: { reason: 'POOR_RATING', sourceId: rating.id } })).toBe(1);
  });

  it('the unit head records the 回访 and closes it', async () => {
    const { browser, page } = await openPage(server.url, { viewport: PHONE, cookieHeader: cast.head.client.cookie });
    browsers.push(browser);
    await page.goto(`${server.url}/`);
    await page.getByTestId('nav-followup').click();
    const row = page.getByTestId('followup-row');
    await row.waitFor();
    expect(await row.textContent()).toContain('当事人差评');
    await row.getByTestId('followup-open').click();
    await page.getByTestId('followup-rating-comment').waitFor();
    expect(await page.getByTestId('followup-rating-comment').textContent()).toContain(COMMENT);
    expect(await page.getByTestId('followup-records-empty').count()).toBe(1);

    await recordCall(page);
    await page.getByTestId('followup-record').waitFor();
    const shown = (await page.getByTestId('followup-record').textContent()) ?? '';
    for (const must of ['电话回访', '李某', '吴负责', '已向当事人致歉', '不满意', '希望以后及时回复']) expect(shown).toContain(must);
    const stored = await server.ctx.db.followUpRecord.findFirstOrThrow();
    expect([stored.method, stored.contact, stored.result, stored.userId]).toEqual(['PHONE', '李某', 'dissatisfied', cast.head.id]);

    await page.getByLabel('回访结果').selectOption('RESOLVED');
    await page.getByLabel('处理意见').fill('已致歉，当事人表示理解');
    await page.getByTestId('followup-close-submit').click();
    await page.getByTestId('followup-outcome-label').waitFor();
    expect(await page.getByTestId('followup-outcome-label').textContent()).toContain('问题已解决');
    expect(await page.getByTestId('followup-record-form').count()).toBe(0);
    expect((await server.ctx.db.followUpTask.findFirstOrThrow()).status).toBe('DONE');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('followup-pdf').click()]);
    const chunks: Buffer[] = [];
    for await (const chunk of (await download.createReadStream())!) chunks.push(chunk as Buffer);
    const text = pdftotext(writePdf(Buffer.concat(chunks))).replace(/\s+/g, '');
    for (const must of ['人民调解回访记录', '回访对象：李某', '回访人：吴负责', '已致歉，当事人表示理解']) expect(text).toContain(must);
  });
});

async function recordCall(page: Page) {
  const form = page.getByTestId('followup-record-form');
  await form.waitFor();
  // The contact is prefilled with the party who rated.
  expect(await page.getByLabel('回访对象').inputValue()).toBe('李某');
  await page.getByLabel('回访方式').selectOption('PHONE');
  await page.getByLabel('回访内容').fill('电话回访，已向当事人致歉并说明办理进度');
  await page.getByTestId('followup-result').selectOption('dissatisfied');
  await page.getByLabel('当事人意见（原话摘要）').fill('希望以后及时回复');
  await page.getByLabel('履行情况').fill('无协议');
  await page.getByTestId('followup-record-submit').click();
}
