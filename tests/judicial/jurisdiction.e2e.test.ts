// #17 item 9 in real Chromium, clicks and typing only, on a 360 px phone: a party enters its
// 住所地 as an area code and the court of that area is offered, with why; the mediator then
// records on the case page that a court delegated the mediation, and from then on the party is
// offered that court alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DraftCase } from '../drafting/sync-support.ts';
import { signCaseThroughApi, SmsOutbox } from '../signing/signing-support.ts';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { mediatingCase, PARTY_IDS } from './judicial-support.ts';

const sms = new SmsOutbox();
let server: TestServer;
let k: DraftCase;
const browsers: TestBrowser[] = [];

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  // Their areas come from court-rules/courts.json by code.
  await admin.json('POST', '/api/courts', { name: '包头市昆都仑区人民法院', code: '内0203', region: '内蒙古自治区包头市昆都仑区' }, 201);
  await admin.json('POST', '/api/courts', { name: '包头市东河区人民法院', code: '内0202', region: '内蒙古自治区包头市东河区' }, 201);
  k = await mediatingCase(server);
  await signCaseThroughApi(server, k, sms, PARTY_IDS);
}, 120_000);
afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
});

describe('which court in Chromium', () => {
  it('the courts offered follow the 住所地 code; after the mediator records a delegating court, only that one', async () => {
    const party = await openPage(server.url, { viewport: { width: 360, height: 740 } });
    browsers.push(party.browser);
    const page = party.page;
    await page.goto(`${server.url}/j/${k.tokenA}/judicial`);
    const options = () => page.getByTestId('judicial-court').locator('option').allTextContents();
    await page.getByTestId('judicial-apply').waitFor();
    expect(await options()).toEqual(['包头市青山区人民法院（建议）']);
    await page.getByTestId('judicial-domicile-code').fill('150203');
    await page.getByTestId('judicial-court').locator('option', { hasText: '包头市昆都仑区人民法院' }).waitFor({ state: 'attached' });
    await page.getByTestId('judicial-court').selectOption({ label: '包头市昆都仑区人民法院' });
    expect(await page.getByTestId('judicial-court-reasons').textContent()).toBe('当事人住所地');

    const staff = await openPage(server.url, { viewport: { width: 360, height: 740 }, cookieHeader: k.mediator.cookie });
    browsers.push(staff.browser);
    const desk = staff.page;
    await desk.goto(`${server.url}/cases/${k.caseId}`);
    await desk.getByTestId('referral-open').click();
    await desk.getByTestId('referral-court').selectOption({ label: '包头市东河区人民法院' });
    await desk.getByTestId('referral-kind').selectOption({ label: '法院委派调解（立案前）' });
    await desk.getByTestId('referral-save').click();
    await desk.getByTestId('staff-judicial-courts').filter({ hasText: '可申请的法院：包头市东河区人民法院' }).waitFor();

    await page.reload();
    await page.getByTestId('judicial-apply').waitFor();
    expect(await options()).toEqual(['包头市东河区人民法院（建议）']);
    expect(await page.getByTestId('judicial-court-reasons').textContent()).toBe('委派调解的人民法院（民事诉讼法第二百零五条第一项）');
  }, 120_000);
});
