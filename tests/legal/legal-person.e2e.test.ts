// In Chromium on a 360×740 phone, only clicking and typing: the mediator adds an organisation as
// a party (名称, 统一社会信用代码, 法定代表人, 住所地), uploads its 电子印章 and its 营业执照, then adds
// an entrusted agent and files its 授权委托书 with special powers. The page shows what is on file;
// the server has it (sealed at rest: tests/legal/parties.test.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../../signaling/domain/credit-code.ts';
import { strokePng } from '../signing/pdf-tools.ts';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { createStaffUser, makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { eventually } from '../support/wait.ts';

const COMPANY = '包头市某物业服务有限公司';
const CREDIT_CODE = '91150204MA0R2T5W8' + creditCodeCheckChar('91150204MA0R2T5W8');
let server: TestServer;
let mediator: StaffClient;
let caseId: string;
let browser: TestBrowser;
let page: Page;
const files = mkdtempSync(path.join(tmpdir(), 'jiefen-party-files-'));
const SEAL = path.join(files, '公章.png');
const LICENCE = path.join(files, '营业执照.pdf');
const POA = path.join(files, '授权委托书.pdf');

beforeAll(async () => {
  writeFileSync(SEAL, strokePng(160, 160));
  writeFileSync(LICENCE, '%PDF-1.4\n% 营业执照\n%%EOF\n');
  writeFileSync(POA, '%PDF-1.4\n% 授权委托书 特别授权\n%%EOF\n');
  server = await startTestServer();
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  mediator = (await createStaffUser(admin, { username: 'legal-person-mediator', displayName: '吴调解员', role: 'MEDIATOR', password: 'mediator-pass-7' }))
    .client;
  caseId = (await mediator.json('POST', '/api/cases', { title: '物业费纠纷', disputeType: 'PROPERTY_SERVICE', summary: '欠缴物业费两年' }, 201)).case.id;
  browser = await launchBrowser({ viewport: { width: 360, height: 740 } });
  const origin = new URL(server.url).origin;
  await browser.context.addCookies(
    mediator.cookie.split('; ').map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1), url: origin })),
  );
  page = await browser.context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const participant = async (name: string) => ((await mediator.json('GET', `/api/cases/${caseId}`)).case.participants as any[]).find((p) => p.name === name);

describe('an organisation as a party, on a phone (and a 法定代理人 on the case page)', () => {
  it('adds the company with its particulars, its 电子印章 and its proof of standing', async () => {
    await page.goto(`${server.url}/cases/${caseId}`);
    await page.getByTestId('participant-person-type').selectOption('legal');
    await page.getByTestId('participant-name').fill(COMPANY);
    await page.getByTestId('participant-phone').fill('04725123456');
    await page.getByTestId('participant-id').fill(makeIdNumber('15020419750312101'));
    await page.getByTestId('participant-credit-code').fill(CREDIT_CODE);
    await page.getByTestId('participant-representative').fill('赵某');
    await page.getByTestId('participant-representative-title').fill('总经理');
    await page.getByTestId('participant-address').fill('内蒙古自治区包头市青山区钢铁大街某号');
    await page.getByTestId('participant-submit').click();

    const row = page.locator('[data-testid="participant-row"]', { hasText: COMPANY });
    await expect.poll(() => row.getByTestId('participant-credit-code-text').textContent()).toBe(CREDIT_CODE);
    expect(await row.getByTestId('party-seal-status').textContent()).toBe('未上传');

    await row.getByTestId('party-seal-file').setInputFiles(SEAL);
    await expect.poll(() => row.getByTestId('party-seal-status').textContent(), { timeout: 10_000 }).toBe('已上传');

    await row.getByTestId('party-standing-file').setInputFiles(LICENCE);
    await row.getByTestId('party-standing-upload').click();
    await expect.poll(() => row.getByTestId('party-standing-list').textContent(), { timeout: 10_000 }).toContain('营业执照.pdf');

    const p = await participant(COMPANY);
    expect(p).toMatchObject({ personType: 'legal', creditCode: CREDIT_CODE, representative: '赵某', hasSeal: true });
    expect(p.documents.map((d: any) => [d.kind, d.fileName])).toEqual([['STANDING_PROOF', '营业执照.pdf']]);
    // Nothing on the page is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  it('adds an entrusted agent and files its 授权委托书 with special powers', async () => {
    await page.getByTestId('participant-role').selectOption('AGENT');
    await page.getByTestId('participant-side').selectOption('A');
    expect(await page.getByTestId('participant-agency').inputValue()).toBe('entrusted');
    await page.getByTestId('participant-name').fill('周某');
    await page.getByTestId('participant-phone').fill('13904720011');
    await page.getByTestId('participant-id').fill(makeIdNumber('15020419850716331'));
    await page.getByTestId('participant-submit').click();

    const row = page.locator('[data-testid="participant-row"]', { hasText: '周某' });
    await row.getByTestId('party-poa-file').waitFor();
    await row.getByTestId('party-poa-file').setInputFiles(POA);
    await row.getByTestId('party-poa-special').check();
    await row.getByTestId('party-poa-upload').click();
    await expect.poll(() => row.getByTestId('party-poa-list').textContent(), { timeout: 10_000 }).toContain('载明特别授权');
    await eventually(async () =>
      expect((await participant('周某')).documents.map((d: any) => [d.kind, d.specialPowers])).toEqual([['POWER_OF_ATTORNEY', true]]),
    );
  });

  it('adds a 法定代理人 only with its relationship to the party, and the row names it', async () => {
    await page.getByTestId('participant-role').selectOption('AGENT');
    await page.getByTestId('participant-side').selectOption('B');
    await page.getByTestId('participant-agency').selectOption('statutory');
    await page.getByTestId('participant-name').fill('吴某');
    await page.getByTestId('participant-phone').fill('13904720012');
    await page.getByTestId('participant-id').fill(makeIdNumber('15020419800302441'));
    await page.getByTestId('participant-submit').click();
    await page.getByTestId('error-banner').filter({ hasText: '请选择法定代理人与当事人的关系' }).waitFor();
    expect(await participant('吴某')).toBeUndefined();
    await page.getByTestId('participant-guardian-relationship').selectOption('MOTHER');
    await page.getByTestId('participant-submit').click();
    const row = page.locator('[data-testid="participant-row"]', { hasText: '吴某' });
    await expect.poll(() => row.getByTestId('participant-role-text').textContent(), { timeout: 10_000 }).toBe('法定代理人（母亲）');
    expect(await participant('吴某')).toMatchObject({ agencyType: 'statutory', guardianRelationship: 'MOTHER' });
  });
});
