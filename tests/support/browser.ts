// Launches Debian's Chromium through playwright-core (never a downloaded browser)
// with fake camera/microphone, one fresh profile per context.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'jiefen-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 390, height: 844 },
    locale: 'zh-CN',
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A fresh browser with one page; `cookieHeader` (a staff session's `name=value; …`) is set for `baseUrl`. */
export async function openPage(baseUrl: string, options: { viewport: { width: number; height: number }; cookieHeader?: string }): Promise<{ browser: TestBrowser; page: Page }> {
  const browser = await launchBrowser({ viewport: options.viewport });
  if (options.cookieHeader) {
    const url = new URL(baseUrl).origin;
    await browser.context.addCookies(options.cookieHeader.split('; ').map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1), url })));
  }
  return { browser, page: await browser.context.newPage() };
}
