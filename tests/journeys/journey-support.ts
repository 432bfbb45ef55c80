// What the UI-only journey does as a person would, step by step: log in (changing a password an
// administrator set), draw a signature with the pointer, download a file with the page's own
// button, keep a screenshot of every step. Nothing here sets state through the API.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** Screenshots of every step, kept after the run (git-ignored; CI keeps the folder as an artifact). */
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/journeys');

let step = 0;
export function resetShots(): void {
  // Only this run's steps: an earlier run's pictures would be mistaken for this one's.
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  step = 0;
}

/** Keeps a full-page screenshot named after the step and who took it. */
export async function shot(page: Page, who: string, what: string): Promise<void> {
  step += 1;
  await page.screenshot({ path: path.join(ARTIFACTS, `${String(step).padStart(2, '0')}-${who}-${what}.png`), fullPage: true });
}

/** Logs in with a password someone else set and changes it, as the first login requires. */
export async function firstLoginByHand(page: Page, baseUrl: string, username: string, given: string, chosen: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(given);
  await page.getByTestId('login-submit').click();
  await page.locator('[data-testid="password-form"][data-required="true"]').waitFor();
  await page.getByTestId('password-current').fill(given);
  await page.getByTestId('password-new').fill(chosen);
  await page.getByTestId('password-repeat').fill(chosen);
  await page.getByTestId('password-submit').click();
  const refused = page.getByTestId('error-banner').first();
  await Promise.race([page.locator('[data-testid="password-form"][data-required="true"]').waitFor({ state: 'detached' }), refused.waitFor()]);
  if (await refused.isVisible()) throw new Error(`password change refused: ${await refused.textContent()}`);
}

/** Draws a wavy stroke across a signature canvas with the pointer. */
export async function drawSignature(page: Page, testId: string): Promise<void> {
  const pad = page.getByTestId(testId);
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 24; i++) await page.mouse.move(box.x + 20 + i * ((box.width - 40) / 24), box.y + box.height / 2 + Math.sin(i / 2) * 25);
  await page.mouse.up();
  await page.locator(`[data-testid="${testId}"][data-has-ink="true"]`).waitFor();
}

/** The file a download button of the page delivers. */
export async function downloadWith(page: Page, testId: string): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const chunks: Buffer[] = [];
  for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A small file a party picks from its phone (a photo of its ID card). */
export function photoFile(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4096, 7)]));
  return file;
}

/** Every text the page shows, plus the values of its inputs (to look for raw placeholders). */
export function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const values = [...document.querySelectorAll('input, textarea')].map((el) => (el as HTMLInputElement).value);
    return `${document.body.innerText}\n${values.join('\n')}`;
  });
}
