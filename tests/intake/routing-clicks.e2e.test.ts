// 分流 by clicking, on a phone-sized Chromium: the dispatcher sees the registered matter with the
// rules' suggestion and routes it; the property committee's head accepts it in the inbox and assigns
// a mediator — the case is opened in the unit — and the matter's page shows the whole history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { addUnitStaff, loginAs, registerTestMatter, type UnitStaff } from './routing-support.ts';

/** Waits until the element shows the text (the page loads and re-renders after each move). */
async function shows(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
}

async function asStaff(browser: TestBrowser, baseUrl: string, client: StaffClient) {
  const url = new URL(baseUrl).origin;
  await browser.context.clearCookies();
  await browser.context.addCookies(
    client.cookie.split('; ').map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1), url })),
  );
}

describe('分流 by clicking', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let dispatcher: UnitStaff;
  let head: UnitStaff;
  let mediator: UnitStaff;
  let matterId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const db = server.ctx.db;
    dispatcher = await addUnitStaff(db, 'centre-office', 'DISPATCHER', 'zhaoshouli', '赵受理');
    head = await addUnitStaff(db, 'property', 'UNIT_HEAD', 'qianfuze', '钱负责');
    mediator = await addUnitStaff(db, 'property', 'MEDIATOR', 'zhoutiaojie', '周调解');
    matterId = (await registerTestMatter(db, dispatcher)).id;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the dispatcher routes as suggested; the unit head accepts and assigns a mediator', async () => {
    const page = await browser.context.newPage();
    await asStaff(browser, server.url, await loginAs(server.url, dispatcher));
    await page.goto(`${server.url}/routing`);
    const card = page.locator(`[data-testid="matter-card"][data-matter-id="${matterId}"]`);
    await shows(card.getByTestId('route-suggestion'), '青山区物业纠纷人民调解委员会');
    await shows(card.getByTestId('route-suggestion'), '点对点');
    await shows(card.getByTestId('stage-due'), '本环节时限');
    // The suggestion is preselected: one click routes it.
    await card.getByTestId('route-submit').click();
    await shows(page.locator(`[data-testid="matter-card"][data-matter-id="${matterId}"]`).getByTestId('matter-pending'), '物业纠纷');

    await asStaff(browser, server.url, await loginAs(server.url, head));
    await page.goto(`${server.url}/unit/inbox`);
    await page.getByTestId('nav-unit-inbox').waitFor({ timeout: 15_000 });
    await page.locator(`[data-testid="matter-card"][data-matter-id="${matterId}"]`).getByTestId('accept-button').click();
    const toAssign = page.locator(`[data-testid="matter-card"][data-matter-id="${matterId}"]`).getByTestId('assign-mediator');
    await toAssign.waitFor({ timeout: 15_000 });
    await toAssign.selectOption({ label: '周调解' });
    await page.locator(`[data-testid="matter-card"][data-matter-id="${matterId}"]`).getByTestId('assign-submit').click();
    await shows(page.locator(`[data-testid="matter-card"][data-matter-id="${matterId}"]`).getByTestId('matter-owner'), '周调解');

    const m = await server.ctx.db.matter.findUniqueOrThrow({ where: { id: matterId }, include: { case: true } });
    expect(m).toMatchObject({ status: 'ASSIGNED', ownerUserId: mediator.id });
    expect(m.case).toMatchObject({ mediatorId: mediator.id, orgId: head.orgId });

    // The matter's page: who is responsible now and every step.
    await page.locator(`[data-testid="matter-card"][data-matter-id="${matterId}"]`).getByTestId('matter-link').click();
    await shows(page.getByTestId('current-owner'), '周调解（青山区物业纠纷人民调解委员会）');
    const steps = await page
      .getByTestId('matter-history')
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-step')));
    expect(steps.filter((s) => s !== 'DEADLINE_SET')).toEqual(['REGISTERED', 'ROUTED', 'ACCEPTED', 'ASSIGNED', 'CASE_OPENED']);
    await shows(page.getByTestId('matter-history'), '分流至青山区物业纠纷人民调解委员会（按分流规则建议）');
  });
});
