// 统计分析 in real Chromium on a phone: a dispatcher follows 统计分析 in the staff navigation, sees the
// figures of the fixed data set with their definitions and the charts drawn (echarts, loaded with the
// page), narrows to one unit and sees the figure change, then switches to 大屏 mode on a wall screen;
// then registers a visit at the desk choosing its 街道 and 社区, and finds them by name in the area table.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../signaling/deadlines/clock.ts';
import { FIGURES } from '../../signaling/followup/dashboard/figures.ts';
import { loginAs } from '../intake/routing-support.ts';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { NOW, seedDashboardFixture, type Fixture } from './dashboard-fixture.ts';

const PHONE = { width: 390, height: 844 };

describe('the dashboard page (Chromium)', () => {
  let server: TestServer;
  let fx: Fixture;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer({}, { clock: new FakeClock(NOW) });
    fx = await seedDashboardFixture(server.ctx.db);
    const dispatcher = await loginAs(server.url, fx.staff.dispatcher);
    ({ browser, page } = await openPage(server.url, { viewport: PHONE, cookieHeader: dispatcher.cookie }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is linked from the navigation and shows each figure with its definition and the charts', async () => {
    await page.goto(`${server.url}/deadlines`);
    await page.getByTestId('nav-dashboard').click();
    await page.waitForURL(`${server.url}/dashboard`);
    await page.getByTestId('dash-from').fill('2026-02-01');
    await page.getByTestId('dash-to').fill('2026-06-30');
    await page.getByTestId('dash-apply').click();
    await expect.poll(() => page.getByTestId('figure-received-value').textContent(), { timeout: 15_000 }).toBe('6');
    expect(await page.getByTestId('figure-resolutionRate-value').textContent()).toBe('33.3%');
    expect(await page.getByTestId('figure-caucusAvgMinutes-value').textContent()).toBe('15.0 分钟');
    expect(await page.getByTestId('figure-resolutionRate').textContent()).toContain(FIGURES.resolutionRate.definition);
    // The month chart is drawn (SVG) with its months; the figure is named, echarts describes the series.
    const chart = page.getByTestId('chart-period');
    expect(await chart.getAttribute('aria-label')).toBe('按月受理与化解件数图');
    await expect.poll(() => chart.locator('svg text').allTextContents(), { timeout: 15_000 }).toContain('2026年3月');
    expect(await chart.locator('.dash-chart').getAttribute('aria-label')).toContain('受理');
    // Every table is there, on a phone without sideways scrolling of the page.
    for (const t of ['stages', 'channel', 'disputeType', 'unit', 'area', 'period', 'workload']) await page.getByTestId(`table-${t}`).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it('narrows to one unit', async () => {
    await page.getByTestId('dash-unit').selectOption(fx.units.property);
    await page.getByTestId('dash-apply').click();
    await expect.poll(() => page.getByTestId('figure-received-value').textContent(), { timeout: 15_000 }).toBe('4');
    expect(await page.getByTestId('figure-overdueNow-value').textContent()).toBe('0');
    expect(await page.getByTestId('dash-export').getAttribute('href')).toBe(
      `/api/dashboard/export.xlsx?from=2026-02-01&to=2026-06-30&unitId=${fx.units.property}`,
    );
  });

  it('has a wall-screen mode', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByTestId('dash-wall').click();
    expect(await page.getByTestId('dashboard-page').getAttribute('class')).toContain('dash--wall');
    expect(await page.getByTestId('dash-wall').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.getByTestId('chart-units').locator('svg').count(), { timeout: 15_000 }).toBe(1);
  });

  it('names the 街道/社区 a dispatcher picked at the desk', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/intake/desk`);
    await page.getByTestId('desk-title').fill('广场舞噪音');
    await page.getByTestId('desk-summary').fill('小区广场舞音响声音过大，影响休息');
    await page.getByTestId('desk-name').fill('钱多多');
    // The 社区 choice appears once a 街镇 that has any is chosen.
    expect(await page.getByTestId('desk-area-community').count()).toBe(0);
    await page.getByLabel('街道/乡镇').selectOption({ label: '万青路街道' });
    await page.getByLabel('社区').selectOption({ label: '光明社区' });
    await page.getByTestId('desk-submit').click();
    await page.getByTestId('intake-registration-no').waitFor({ timeout: 15_000 });

    // Registered now (the desk's own time), so the period is the days around today (China calendar).
    const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    // A slow first load: the page's own figures arrive only after the dates were typed, and must
    // not overwrite them.
    let release!: () => void;
    const typed = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    await page.route('**/api/dashboard*', async (route) => {
      if (!held) {
        held = true;
        await typed;
      }
      await route.continue();
    });
    await page.getByTestId('nav-dashboard').click();
    await page.waitForURL(`${server.url}/dashboard`);
    await page.getByTestId('dash-from').fill(day(-1));
    await page.getByTestId('dash-to').fill(day(1));
    release();
    await page.getByTestId('table-area').waitFor();
    expect(await page.getByTestId('dash-from').inputValue()).toBe(day(-1));
    expect(await page.getByTestId('dash-to').inputValue()).toBe(day(1));
    await page.unroute('**/api/dashboard*');
    await page.getByTestId('dash-apply').click();
    const areaRows = page.getByTestId('table-area').locator('tbody th');
    await expect.poll(() => areaRows.allTextContents(), { timeout: 15_000 }).toEqual(['万青路街道 · 光明社区']);
  });
});
