// A party on a phone (360×740), only clicking and typing: opens its link, reads the 个人信息处理告知书
// before it is asked for anything, confirms its identity, consents to online mediation, then gives
// the separate consent for its handwritten signature and withdraws it again — each step recorded
// (version and time; audit). Real server, real Chromium.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { addInvitedParty, createStaffUser, sharedStaffSession, startTestServer, type StaffClient, type TestServer } from '../support/server.ts';

const NOTICE = JSON.parse(readFileSync(new URL('../../signaling/party/party-privacy-notice.json', import.meta.url), 'utf8')) as { version: string };
const PHONE = { width: 360, height: 740 };
let server: TestServer;
let browser: TestBrowser;
let page: Page;
let mediator: StaffClient;
let caseId: string;
let party: { id: string; token: string; name: string; idNumber: string };

beforeAll(async () => {
  server = await startTestServer();
  const admin = await sharedStaffSession(server.url, server.admin);
  mediator = (await createStaffUser(admin, { username: 'privacy-e2e', displayName: '李瑞芳', role: 'MEDIATOR', password: 'mediator-pass-1' })).client;
  caseId = (await mediator.json('POST', '/api/cases', { title: '王某家漏水纠纷', disputeType: 'NEIGHBOUR', summary: '直饮水管道漏水' }, 201)).case.id;
  party = await addInvitedParty(mediator, caseId, { name: '王某', side: 'B', role: 'RESPONDENT', id17: '15020419800101123' });
  browser = await launchBrowser({ viewport: PHONE });
  page = await browser.context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const fitsWidth = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
const consentRow = (purpose: string) =>
  server.ctx.db.partyPrivacyConsent.findUnique({ where: { participantId_purpose: { participantId: party.id, purpose } } });

describe('a party’s personal information on a phone', () => {
  it('reads the privacy notice before anything is asked, then identity and consent', async () => {
    await page.goto(`${server.url}/j/${party.token}`);
    const notice = page.getByTestId('privacy-notice');
    await notice.waitFor();
    expect(await notice.getAttribute('data-version')).toBe(NOTICE.version);
    const text = (await notice.textContent()) ?? '';
    for (const must of ['处理目的', '不会提供给对方当事人', '撤回', '不影响撤回前已经完成的处理']) expect(text).toContain(must);
    // Nothing personal is asked while the notice is shown.
    expect(await page.getByTestId('confirm-name').count()).toBe(0);
    expect(await fitsWidth()).toBe(true);

    await page.getByTestId('privacy-ack').click();
    await page.getByTestId('confirm-name').fill(party.name);
    await page.getByTestId('confirm-id4').fill(party.idNumber.slice(-4));
    await page.getByTestId('confirm-submit').click();
    await page.getByTestId('consent-checkbox').check();
    await page.getByTestId('consent-submit').click();
    await page.getByTestId('party-done').waitFor();
    const ack = await consentRow('NOTICE');
    expect(ack?.noticeVersion).toBe(NOTICE.version);
    expect(ack?.givenAt).toBeInstanceOf(Date);
  });

  it('gives the separate signature consent and withdraws it from its page', async () => {
    const card = page.getByTestId('privacy-consents');
    await card.waitFor();
    expect(await card.getByTestId('consent-SIGNATURE').getAttribute('data-active')).toBe('false');
    expect(await fitsWidth()).toBe(true);

    await page.getByTestId('consent-give-SIGNATURE').click();
    await page.getByTestId('consent-withdraw-SIGNATURE').waitFor();
    await expect.poll(async () => (await consentRow('SIGNATURE'))?.withdrawnAt === null).toBe(true);
    // Only the consent given: the others stay not given.
    for (const other of ['ID_IMAGES', 'BANK_ACCOUNT', 'COURT']) expect(await consentRow(other)).toBeNull();

    await page.getByTestId('consent-withdraw-SIGNATURE').click();
    await page.getByTestId('consent-give-SIGNATURE').waitFor();
    await expect.poll(async () => (await consentRow('SIGNATURE'))?.withdrawnAt instanceof Date).toBe(true);
    expect((await card.getByTestId('consent-SIGNATURE').textContent()) ?? '').toContain('已撤回');
    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId, type: { startsWith: 'PRIVACY_' } }, orderBy: { seq: 'asc' } });
    expect(audit.map((e) => e.type)).toEqual(['PRIVACY_NOTICE_ACKNOWLEDGED', 'PRIVACY_CONSENT_GIVEN', 'PRIVACY_CONSENT_WITHDRAWN']);
  });
});
