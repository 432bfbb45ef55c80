// One clock in Chromium: a browser set to Los Angeles time shows the case page and the party's
// signing page in China time, in one format — the same evening is the same minute on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { setUpDraftCase, type DraftCase } from '../drafting/sync-support.ts';
import { fillLoanAgreement } from './signing-support.ts';

// 06:34 on 9 March in Beijing; 15:34 on 8 March in Los Angeles.
const EVENING = new Date('2026-03-08T22:34:00Z');
const CHINA = '2026-03-09 06:34';

let server: TestServer;
let kase: DraftCase;
const browsers: TestBrowser[] = [];

beforeAll(async () => {
  server = await startTestServer();
  kase = await setUpDraftCase(server.url, server.admin);
  const mediatorId = ((await (await kase.mediator.request('GET', '/api/auth/me')).json()) as { user: { id: string } }).user.id;
  for (const to of ['TRIAGED', 'MEDIATING']) await kase.mediator.json('POST', `/api/cases/${kase.caseId}/transition`, { to }, 200);
  await server.drafting.withDocument(kase.caseId, async () => undefined);
  await fillLoanAgreement(server, kase.caseId, mediatorId);
  await kase.mediator.json('POST', `/api/agreements/${kase.caseId}/versions`, { name: '签署版' }, 201);
  await kase.mediator.json('POST', `/api/signing/${kase.caseId}/lock`, {}, 201);
  // The case was opened and its agreement locked on that same evening.
  await server.ctx.db.case.update({ where: { id: kase.caseId }, data: { createdAt: EVENING } });
  await server.ctx.db.signingRound.updateMany({ where: { caseId: kase.caseId }, data: { lockedAt: EVENING } });
});
afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
});

describe('one clock', () => {
  it('the case page and the signing page show the same China time in a Los Angeles browser', async () => {
    const timezoneId = 'America/Los_Angeles';
    const staff = await openPage(server.url, { viewport: { width: 1280, height: 900 }, cookieHeader: kase.mediator.cookie, timezoneId });
    browsers.push(staff.browser);
    expect(await staff.page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe(timezoneId);
    await staff.page.goto(`${server.url}/cases/${kase.caseId}`);
    await staff.page.getByTestId('signing-status').waitFor();
    const casePage = (await staff.page.locator('main').textContent()) ?? '';

    const party = await openPage(server.url, { viewport: { width: 390, height: 844 }, timezoneId });
    browsers.push(party.browser);
    await party.page.goto(`${server.url}/j/${kase.tokenA}/sign`);
    await party.page.getByTestId('signing-status').waitFor();
    const signingPage = (await party.page.getByTestId('signing-status').textContent()) ?? '';

    // 受理时间 on the case page, 锁定于 on both pages: one minute, one format, China time.
    expect(casePage).toContain(`受理时间${CHINA}`);
    expect(casePage).toContain(`锁定于 ${CHINA}`);
    expect(signingPage).toContain(`锁定于 ${CHINA}`);
    expect(casePage + signingPage).not.toContain('15:34');
  }, 90_000);
});
