// Accessibility of the main pages: axe-core (run inside each page, on a phone and on a desktop)
// finds no serious or critical violation — every control has an accessible name, contrast is
// sufficient, landmarks are there — and text enlarged to 200 % on a phone loses nothing: no page
// grows wider than the screen and no box cuts its text off.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { clippedText, DESKTOP, overflowing, PHONE, useTourSession, visit } from './page-tour.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const session = useTourSession();

/** axe-core's serious and critical violations on the page as it is now, one readable line per rule. */
async function seriousViolations(p: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol: the pages' CSP (script-src 'self') rightly refuses an inline <script>.
  if (!(await p.evaluate(() => 'axe' in window))) await p.evaluate(AXE_SOURCE);
  return p.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
    }
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}, ${v.nodes.length}×): ${v.help} — ${v.nodes
            .slice(0, 4)
            .map((n) => n.target.join(' '))
            .join(' | ')}`,
      );
  });
}

describe('accessibility', () => {
  for (const [label, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`axe-core finds no serious or critical violation on any main page (${label})`, async () => {
      const { server, tour, page } = session;
      await page.setViewportSize(viewport);
      const problems: string[] = [];
      let count = 0;
      for (const v of tour.visits) {
        await visit(page, server.url, v);
        const found = await seriousViolations(page);
        count += found.length;
        if (found.length) problems.push(`${v.name} (${v.path}):`, ...found.map((f) => `  ${f}`));
      }
      expect(problems, `${count} serious/critical axe violations (${label}):\n${problems.join('\n')}`).toEqual([]);
    }, 300_000);
  }

  it('text at 200 % on a phone: no page wider than the screen, no text cut off', async () => {
    const { server, tour, page } = session;
    await page.setViewportSize(PHONE);
    const problems: string[] = [];
    for (const v of tour.visits) {
      await visit(page, server.url, v);
      await page.evaluate(() => {
        document.documentElement.style.fontSize = '200%';
      });
      // Let media queries on em/rem and late reflows settle.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const { scrollWidth, elements } = await overflowing(page);
      const clipped = await clippedText(page, { selects: false });
      if (scrollWidth > PHONE.width || elements.length || clipped.length) {
        problems.push(`${v.name} (${v.path}): ${scrollWidth} px wide`, ...elements.map((e) => `  sticks out: ${e}`), ...clipped.map((c) => `  cut off: ${c}`));
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
  }, 300_000);
});
