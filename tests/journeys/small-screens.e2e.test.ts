// Small screens: every main page fits a 360 px wide phone (nothing sticks out, no text cut off,
// e.g. a SHA-256 on /verify or the court's name in the court picker); the mediator's 进入调解室
// is on screen without scrolling on a 1280×800 laptop; the party's judicial application starts
// with the phone number on file.
import { describe, expect, it } from 'vitest';
import { clippedText, DESKTOP, overflowing, PHONE, useTourSession, visit } from './page-tour.ts';

const session = useTourSession();

describe('small screens', () => {
  it('every main page fits a 360 px wide phone', async () => {
    const { server, tour, page } = session;
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
    const { server, tour, page } = session;
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
    const { server, tour, page } = session;
    await page.setViewportSize(PHONE);
    await visit(
      page,
      server.url,
      tour.visits.find((v) => v.path === `/j/${tour.signed.tokenA}/judicial`)!,
    );
    expect(await page.getByTestId('judicial-phone').inputValue()).toBe('13800138000');
  }, 60_000);
});
