// The 限时办结 countdown in real Chromium on a phone: a staff member's "my matters" list shows each
// deadline in words and colour — 剩余 2 天 3 小时 (green), 剩余 4 小时 (amber), 已超期 5 小时 (red) —
// with the 督办 and reminder badges, the exact deadline for screen readers, no serious axe-core
// violation and no sideways scrolling; and a deadline is extended from the list only with a reason.
// The server runs on a fake clock: the countdown counts from the server's time, not the browser's.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../signaling/deadlines/clock.ts';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { registerAt, staffInUnit, steps, type UnitStaff } from './deadline-support.ts';

const HOUR = 3600_000;
const PHONE = { width: 390, height: 844 };
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function seriousViolations(p: Page): Promise<string[]> {
  if (!(await p.evaluate(() => 'axe' in window))) await p.evaluate(AXE_SOURCE);
  return p.evaluate(async () => {
    interface AxeResults {
      violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }>;
    }
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<AxeResults> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

describe('the deadline countdown on a phone (Chromium)', () => {
  const T = Date.parse('2026-12-07T01:00:00Z');
  const clock = new FakeClock(T);
  let server: TestServer;
  let dispatcher: UnitStaff;
  let browser: TestBrowser;
  let page: Page;
  const ids: Record<'ok' | 'soon' | 'late', string> = { ok: '', soon: '', late: '' };

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
    dispatcher = await staffInUnit(server.ctx.db, server.url, {
      username: 'dispatcher-ui',
      displayName: '吴受理',
      role: 'DISPATCHER',
      unitCode: 'centre-office',
    });
    // Registered 29 h ago (due 5 h ago: reminded, 督办 to the unit head), 20 h ago (due in 4 h:
    // reminded) and now, extended to 51 h from now.
    ids.late = (await registerAt(server.ctx.db, dispatcher, new Date(T - 29 * HOUR), { title: '楼上漏水纠纷' })).id;
    ids.soon = (await registerAt(server.ctx.db, dispatcher, new Date(T - 20 * HOUR), { title: '物业费纠纷' })).id;
    ids.ok = (await registerAt(server.ctx.db, dispatcher, new Date(T), { title: '停车位纠纷' })).id;
    await dispatcher.client.json('POST', `/api/deadlines/matters/${ids.ok}/extension`, {
      dueAt: new Date(T + 51 * HOUR).toISOString(),
      reason: '等待物业提供材料',
    });
    await server.deadlines.scheduler.runDue();
    ({ browser, page } = await openPage(server.url, { viewport: PHONE, cookieHeader: dispatcher.client.cookie }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const row = (id: string) => page.locator(`[data-testid="deadline-row"][data-matter-id="${id}"]`);

  it('shows each deadline in words, tone and colour, soonest first', async () => {
    await page.goto(`${server.url}/deadlines`);
    await page.getByTestId('deadline-list').waitFor();
    expect(await page.locator('[data-testid="deadline-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-matter-id')))).toEqual([
      ids.late,
      ids.soon,
      ids.ok,
    ]);
    const countdown = (id: string) => row(id).getByTestId('deadline-countdown');
    expect(await countdown(ids.late).locator('.deadline__text').textContent()).toBe('已超期 5 小时');
    expect(await countdown(ids.soon).locator('.deadline__text').textContent()).toBe('剩余 4 小时');
    expect(await countdown(ids.ok).locator('.deadline__text').textContent()).toBe('剩余 2 天 3 小时');
    expect(await countdown(ids.late).getAttribute('data-tone')).toBe('overdue');
    expect(await countdown(ids.soon).getAttribute('data-tone')).toBe('soon');
    expect(await countdown(ids.ok).getAttribute('data-tone')).toBe('ok');
    const colour = (id: string) => countdown(id).evaluate((el) => getComputedStyle(el).color);
    expect(await colour(ids.late)).toBe('rgb(198, 40, 40)');
    expect(await colour(ids.soon)).toBe('rgb(161, 92, 0)');
    expect(await colour(ids.ok)).toBe('rgb(46, 125, 50)');
    // Screen readers hear the deadline itself (Beijing time), not only the countdown.
    expect(await countdown(ids.late).textContent()).toContain('，办理期限 12月7日 04:00');
    expect(await countdown(ids.late).locator('time').getAttribute('datetime')).toBe(new Date(T - 5 * HOUR).toISOString());
    expect(await row(ids.late).getByTestId('deadline-escalated').textContent()).toBe('已督办（单位负责人）');
    expect(await row(ids.soon).textContent()).toContain('已提醒');
  });

  it('fits the phone and has no serious accessibility violation', async () => {
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-artifacts/intake/deadlines-phone.png', fullPage: true });
  });

  it('extends a deadline from the list only with a reason', async () => {
    await row(ids.late).getByTestId('deadline-extend').click();
    const form = row(ids.late).getByTestId('deadline-extend-form');
    await form.getByTestId('deadline-extend-submit').click();
    await form.getByTestId('error-banner').waitFor();
    expect(await form.getByTestId('error-banner').textContent()).toContain('延长办理期限须写明理由');
    expect(await steps(server.ctx.db, ids.late, ['DEADLINE_EXTENDED'])).toEqual([]);

    await form.getByTestId('deadline-extend-reason').fill('当事人住院，延期两日');
    await form.getByTestId('deadline-extend-submit').click();
    await page.getByTestId('toast-success').waitFor();
    await row(ids.late).getByTestId('deadline-countdown').and(page.locator('[data-tone="ok"]')).waitFor();
    expect(await row(ids.late).getByTestId('deadline-escalated').count()).toBe(0);
    const [extended] = await steps(server.ctx.db, ids.late, ['DEADLINE_EXTENDED']);
    expect(extended).toMatchObject({ actorLabel: '吴受理（中心受理员）', data: { reason: '当事人住院，延期两日' } });
  });
});
