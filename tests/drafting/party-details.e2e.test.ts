// In Chromium: the mediator enters a party's address in the case page's participant form and another
// party's in the agreement's 当事人 block (the same participant record), sees no {{…}} anywhere in the
// editor, fills a field once and sees it in every clause that uses it, and the checker stops asking
// for 住所 (PARTY_ADDRESS_MISSING).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { createStaffUser, makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { eventually } from '../support/wait.ts';

const ADDRESS_A = '内蒙古自治区包头市青山区青山路街道某小区3号楼1单元502室';
const ADDRESS_B = '内蒙古自治区包头市青山区青山路街道某小区3号楼1单元602室';
let server: TestServer;
let mediator: StaffClient;
let caseId: string;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  server = await startTestServer();
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  mediator = (await createStaffUser(admin, { username: 'details-mediator', displayName: '周调解员', role: 'MEDIATOR', password: 'mediator-pass-9' })).client;
  caseId = (await mediator.json('POST', '/api/cases', { title: '楼上漏水纠纷', disputeType: 'NEIGHBOUR', summary: '楼上管道漏水' }, 201)).case.id;
  browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
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

const snapshot = async () => (await mediator.json('GET', `/api/agreements/${caseId}`)).agreement;
const participant = async (name: string) => ((await mediator.json('GET', `/api/cases/${caseId}`)).case.participants as any[]).find((p) => p.name === name);
const addressFindings = (p: Page) => p.locator('[data-testid="checker-finding"][data-code="PARTY_ADDRESS_MISSING"]');

/** Everything the mediator can read in the editor: its text and every input's value. */
async function editorText(p: Page): Promise<string> {
  return p.getByTestId('agreement-editor').evaluate((root) => {
    const values = [...root.querySelectorAll('input, textarea, select')].map((el) => (el as HTMLInputElement).value);
    return `${(root as HTMLElement).innerText}\n${values.join('\n')}`;
  });
}

describe('party details and fill-in fields in the browser', () => {
  it('the participant form takes 住所 and 民族, and shows the birth date read from the ID number', async () => {
    await page.goto(`${server.url}/cases/${caseId}`);
    await page.getByTestId('participant-name').fill('刘某');
    await page.getByTestId('participant-phone').fill('13904721234');
    await page.getByTestId('participant-id').fill(makeIdNumber('15020419780314201'));
    await page.getByTestId('participant-ethnicity').fill('汉族');
    await page.getByTestId('participant-address').fill(ADDRESS_A);
    await page.getByTestId('participant-submit').click();
    const rowA = page.locator('[data-testid="participant-row"]', { hasText: '刘某' });
    await expect.poll(() => rowA.getByTestId('participant-address-text').textContent()).toBe(ADDRESS_A);
    expect(await rowA.getByTestId('participant-birth-text').textContent()).toContain('1978年3月14日');
    expect(await participant('刘某')).toMatchObject({ address: ADDRESS_A, ethnicity: '汉族', gender: '男', birthDate: '1978-03-14' });

    // The other side, without an address yet (the form suggests 被申请人 / 乙方 next).
    await page.getByTestId('participant-name').fill('王某');
    await page.getByTestId('participant-phone').fill('15604729876');
    await page.getByTestId('participant-id').fill(makeIdNumber('15020419820607151'));
    await page.getByTestId('participant-submit').click();
    const rowB = page.locator('[data-testid="participant-row"]', { hasText: '王某' });
    await expect.poll(() => rowB.getByTestId('participant-address-text').textContent()).toBe('未填写');
    expect((await participant('王某')).role).toBe('RESPONDENT');
  });

  it('the edit form changes a detail of the record', async () => {
    const rowA = page.locator('[data-testid="participant-row"]', { hasText: '刘某' });
    await rowA.getByTestId('participant-edit').click();
    const form = rowA.getByTestId('participant-edit-form');
    await form.getByTestId('participant-ethnicity').fill('蒙古族');
    await form.getByTestId('participant-edit-submit').click();
    await eventually(async () => expect((await participant('刘某')).ethnicity).toBe('蒙古族'));
  });

  it('in the agreement: no template syntax, the other address entered in the 当事人 block, the checker satisfied', async () => {
    await page.getByTestId('open-agreement').click();
    await page.locator('[data-testid="agreement-editor"][data-synced="true"][data-scope="read-write"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('checker-finding').first().waitFor();
    expect(await editorText(page)).not.toContain('{{');
    expect(await page.getByTestId('field-chip').count()).toBeGreaterThan(3);

    // 刘某's address came from the participant form; 王某's is missing.
    expect(await addressFindings(page).count()).toBe(1);
    const blockB = page.locator('[data-testid="party-block"]', { hasText: '王某' });
    const address = blockB.locator('[data-testid="party-field"][data-field="address"] input');
    await address.fill(ADDRESS_B);
    await address.press('Enter');
    await eventually(async () => expect(await addressFindings(page).count()).toBe(0), 10_000);
    // One source: the record changed, and the draft's copy with it.
    expect((await participant('王某')).address).toBe(ADDRESS_B);
    expect((await snapshot()).parties.map((p: any) => p.address)).toEqual([ADDRESS_A, ADDRESS_B]);
    expect(await editorText(page)).toContain(ADDRESS_A);
  });

  it('a field filled once shows in every clause that uses it, also one it was inserted into', async () => {
    const s = await snapshot();
    const repair = s.clauses.find((c: any) => c.templateKey === 'repair');
    const recurrence = s.clauses.find((c: any) => c.templateKey === 'recurrence');
    const clause = (id: string) => page.locator(`[data-testid="clause"][data-clause-id="${id}"]`);
    // The field is also put into a clause that did not use it, from the 插入填写项 list.
    await clause(recurrence.id).getByTestId('insert-field').selectOption('leakSource');
    await clause(recurrence.id).locator('[data-testid="field-chip"][data-field="leakSource"]').waitFor();

    const input = page.locator('[data-testid="agreement-section"][data-section="facts"] [data-testid="clause-field"][data-field="leakSource"] input');
    await input.fill('直饮水管道');
    await input.press('Enter');
    for (const id of [repair.id, recurrence.id]) {
      await eventually(async () => expect(await clause(id).locator('[data-testid="field-chip"][data-field="leakSource"]').textContent()).toBe('直饮水管道'));
    }
    const liability = page.locator('[data-testid="agreement-section"][data-section="liability"] [data-testid="field-chip"][data-field="leakSource"]');
    expect(await liability.textContent()).toBe('直饮水管道');
    // The value is stored once; both clauses refer to it.
    const after = await snapshot();
    expect(after.fields.leakSource.value).toBe('直饮水管道');
    for (const c of after.clauses.filter((x: any) => [repair.id, recurrence.id].includes(x.id))) expect(c.fields.leakSource.value).toBe('直饮水管道');

    // Typing in a clause with chips edits its text and keeps the field reference.
    const text = clause(repair.id).getByTestId('clause-text');
    await text.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('维修费用由乙方承担。');
    await eventually(async () => {
      const c = (await snapshot()).clauses.find((x: any) => x.id === repair.id);
      expect(c.text.endsWith('维修费用由乙方承担。')).toBe(true);
      expect(c.text).toContain('{{leakSource}}');
    });
    expect(await editorText(page)).not.toContain('{{');
  });
});
