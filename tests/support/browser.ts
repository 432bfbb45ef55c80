// Launches Debian's Chromium through playwright-core (never a downloaded browser)
// with fake camera/microphone, one fresh profile per context.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** Where Debian's fonts-dejavu-core puts DejaVu (fontconfig-config depends on it: every machine with Chromium has it). */
const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';

/**
 * Writes `dir/fonts.conf`, a fontconfig file under which Chromium sees DejaVu and nothing else,
 * whatever the machine has installed: the fonts of a fresh Debian machine, or of a Linux desktop
 * without a Chinese font. Chinese text is drawn as empty boxes (DejaVu's .notdef, 0.6 em wide
 * instead of 1 em), so lines wrap at other places than with a CJK font. The system configuration
 * is kept (aliases such as sans-serif → DejaVu Sans); every font file outside DejaVu's folder is
 * rejected. Returns the file's path.
 */
export function writeNoCjkFontconfig(dir: string): string {
  const reject = ['*.ttf', '*.ttc', '*.otf', '*.otc', '*.pfa', '*.pfb', '*.pcf*', '*.woff*', '*.bdf*'];
  const file = join(dir, 'fonts.conf');
  writeFileSync(
    file,
    [
      '<?xml version="1.0"?>',
      '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
      '<fontconfig>',
      '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
      // Globs match whole file paths (only * and ?); a rejectfont glob must not match a folder,
      // or fontconfig does not even look inside it.
      '  <selectfont>',
      `    <acceptfont><glob>${DEJAVU_DIR}/*</glob></acceptfont>`,
      `    <rejectfont>${reject.map((g) => `<glob>${g}</glob>`).join('')}</rejectfont>`,
      '  </selectfont>',
      '</fontconfig>',
      '',
    ].join('\n'),
  );
  return file;
}

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * `fonts: 'no-cjk'`: Chromium sees only DejaVu (see writeNoCjkFontconfig), even where the set-up
 * installed a Chinese font; default: the machine's fonts.
 */
export async function launchBrowser(
  options: {
    viewport?: { width: number; height: number };
    fonts?: 'system' | 'no-cjk';
    timezoneId?: string;
    /** Another Chromium launcher (e.g. one running inside a network namespace: tests/network). */
    executablePath?: string;
    extraArgs?: string[];
  } = {},
): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'jiefen-chromium-'));
  const fontDir = options.fonts === 'no-cjk' ? mkdtempSync(join(tmpdir(), 'jiefen-fonts-')) : undefined;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: options.executablePath ?? CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])],
    ...(fontDir ? { env: { ...process.env, FONTCONFIG_FILE: writeNoCjkFontconfig(fontDir) } } : {}),
    viewport: options.viewport ?? { width: 390, height: 844 },
    locale: 'zh-CN',
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
      if (fontDir) rmSync(fontDir, { recursive: true, force: true });
    },
  };
}

/** A fresh browser with one page; `cookieHeader` (a staff session's `name=value; …`) is set for `baseUrl`. */
export async function openPage(
  baseUrl: string,
  options: { viewport: { width: number; height: number }; cookieHeader?: string; timezoneId?: string },
): Promise<{ browser: TestBrowser; page: Page }> {
  const browser = await launchBrowser({ viewport: options.viewport, ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}) });
  if (options.cookieHeader) {
    const url = new URL(baseUrl).origin;
    await browser.context.addCookies(
      options.cookieHeader.split('; ').map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1), url })),
    );
  }
  return { browser, page: await browser.context.newPage() };
}
