// The loop closed, in Chromium, from a signed agreement: the mediator confirms the 履行 schedule on the
// case page and looks at the dashboard; the deadline passes unpaid (the server's fake clock moves past
// it — the only step no person takes); the obligee's phone shows 逾期 and what it can do; the 回访
// the missed payment opened is in the mediator's list, recorded and closed there; the dashboard now
// counts the overdue items. Every step after the signing is a click or a keystroke.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../signaling/deadlines/clock.ts';
import { SmsOutbox } from '../signing/signing-support.ts';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { partiesThroughLinkPages, signedLoanCase, type SignedCase } from './performance-support.ts';

const sms = new SmsOutbox();
const clock = new FakeClock(Date.now());
let server: TestServer;
let k: SignedCase;
const browsers: TestBrowser[] = [];

async function newPage(viewport: { width: number; height: number }, staff?: StaffClient): Promise<Page> {
  const { browser, page } = await openPage(server.url, { viewport, ...(staff ? { cookieHeader: staff.cookie } : {}) });
  browsers.push(browser);
  return page;
}

async function figure(page: Page, key: string): Promise<string> {
  return ((await page.getByTestId(`figure-${key}-value`).textContent()) ?? '').trim();
}

beforeAll(async () => {
  server = await startTestServer({}, { sms, clock });
  k = await signedLoanCase(server, sms);
  await partiesThroughLinkPages(server, k);
}, 120_000);
afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
});

describe('closing the loop in Chromium', () => {
  it('a signed agreement, a missed payment, the 回访 and the dashboard changing', async () => {
    // The mediator confirms the schedule drawn from the signed agreement.
    const mediator = await newPage({ width: 1280, height: 900 }, k.mediator);
    await mediator.goto(`${server.url}/cases/${k.caseId}`);
    const card = mediator.getByTestId('staff-performance');
    await card.getByTestId('derive-schedule').click();
    await mediator.locator('[data-testid="staff-performance"][data-schedule="DRAFT"]').waitFor();
    await card.getByTestId('confirm-schedule').click();
    await mediator.locator('[data-testid="staff-performance"][data-schedule="CONFIRMED"]').waitFor();
    const items = await card.getByTestId('staff-obligation').count();
    expect(items).toBeGreaterThan(0);

    // The dashboard before the deadline: nothing overdue, nothing performed yet.
    await mediator.getByTestId('nav-dashboard').click();
    await expect.poll(() => figure(mediator, 'received'), { timeout: 15_000 }).not.toBe('');
    expect(await figure(mediator, 'obligationsOverdue')).toBe('0');

    // The last due day passes with nothing paid.
    const lastDue = await server.ctx.db.obligation.findFirstOrThrow({ where: { caseId: k.caseId }, orderBy: { dueDate: 'desc' } });
    clock.advance(lastDue.dueDate.getTime() + 2 * 86_400_000 - clock.now().getTime());
    await server.deadlines.scheduler.runDue();

    // The obligee's phone: every item 逾期, and what it can do now.
    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(`${server.url}/j/${k.tokenA}`);
    await phone.locator('[data-testid="party-obligation"]').first().waitFor();
    await expect.poll(() => phone.locator('[data-testid="party-obligation"][data-status="OVERDUE"]').count(), { timeout: 15_000 }).toBe(items);
    const remedies = (await phone.getByTestId('performance-remedies').textContent()) ?? '';
    expect(remedies).toMatch(/起诉|强制执行/);

    // The mediator finds the 回访 the missed payment opened, records the call and closes it.
    await mediator.getByTestId('nav-followup').click();
    const row = mediator.getByTestId('followup-row').filter({ hasText: '逾期未履行' }).first();
    await row.waitFor();
    await row.getByTestId('followup-open').click();
    const form = mediator.getByTestId('followup-record-form');
    await form.waitFor();
    await mediator.getByLabel('回访对象').fill('李某');
    await mediator.getByLabel('回访方式').selectOption('PHONE');
    await mediator.getByLabel('回访内容').fill('电话回访申请人，告知可申请司法确认后向人民法院申请强制执行');
    await mediator.getByTestId('followup-result').selectOption('neutral');
    await mediator.getByLabel('当事人意见（原话摘要）').fill('希望对方尽快还款');
    await mediator.getByLabel('履行情况').fill('乙方逾期未还款');
    await mediator.getByTestId('followup-record-submit').click();
    await mediator.getByTestId('followup-record').waitFor();
    await mediator.getByLabel('回访结果').selectOption('RESOLVED');
    await mediator.getByLabel('处理意见').fill('已告知救济途径，继续督促履行');
    await mediator.getByTestId('followup-close-submit').click();
    await mediator.getByTestId('followup-outcome-label').waitFor();

    // The dashboard now counts the overdue items.
    await mediator.getByTestId('nav-dashboard').click();
    await expect.poll(() => figure(mediator, 'obligationsOverdue'), { timeout: 15_000 }).toBe(String(items));
    const tasks = await server.ctx.db.followUpTask.findMany({ where: { caseId: k.caseId, reason: 'MISSED_PERFORMANCE' } });
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.some((t) => t.status === 'DONE')).toBe(true);
  });
});
