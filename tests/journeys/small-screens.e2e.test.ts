// Small screens: every main page fits a 360 px wide phone (nothing sticks out, no text cut off,
// e.g. a SHA-256 on /verify or the court's name in the court picker); the mediator's 进入调解室
// is on screen without scrolling on a 1280×800 laptop; the party's judicial application starts
// with the phone number on file.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmsOutbox } from '../signing/signing-support.ts';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { clippedText, DESKTOP, overflowing, PHONE, setUpTour, visit, type Tour } from './page-tour.ts';

const sms = new SmsOutbox();
let server: TestServer;
let tour: Tour;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  tour = await setUpTour(server, sms);
  browser = await launchBrowser({ viewport: PHONE });
  page = await browser.context.newPage();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('small screens', () => {
  it('every main page fits a 360 px wide phone', async () => {
    await page.setViewportSize(PHONE);
    const problems: string[] = [];
    for (const v of tour.visits) {
      await visit(page, server.url, v);
      const { scrollWidth, elements } = await overflowing(page);
      const clipped = await clippedText(page);
      if (scrollWidth > PHONE.width || elements.length || clipped.length) {
        problems.push(`${v.name} (${v.path}): ${scrollWidth} px wide`, ...elements.map((e) => `  sticks out: ${e}`), ...clipped.map((c) => `  cut off: ${c}`));
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
  }, 240_000);

  it('the mediator sees 进入调解室 without scrolling at 1280×800', async () => {
    await page.setViewportSize(DESKTOP);
    const casePage = tour.visits.find((v) => v.path === `/cases/${tour.mediating.caseId}`)!;
    await visit(page, server.url, casePage);
    const box = await page.getByTestId('enter-room').boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height, `进入调解室 ends at y=${box!.y + box!.height}`).toBeLessThanOrEqual(DESKTOP.height);
    expect(box!.x + box!.width).toBeLessThanOrEqual(DESKTOP.width);
  }, 60_000);

  it("the party's judicial application starts with the phone number on file", async () => {
    await page.setViewportSize(PHONE);
    await visit(
      page,
      server.url,
      tour.visits.find((v) => v.path === `/j/${tour.signed.tokenA}/judicial`)!,
    );
    expect(await page.getByTestId('judicial-phone').inputValue()).toBe('13800138000');
  }, 60_000);
});
