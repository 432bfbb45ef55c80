// What a party's phone downloads to reach the room (#18 item 7): Chromium opens a party's room
// link in a fresh profile, passes the pre-join check and waits in the lobby, counting every byte
// the network brought (Chrome's own count per request: headers and the encoded body). Then the
// same browser opens the link again — a return visit: hashed assets come from the cache, so only
// index.html (revalidated), the API and the socket travel. Bytes are deterministic (no timing).
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { seedLeakCase, type SeededParty, type TestServer, startTestServer } from '../support/server.ts';

const FIRST_VISIT_BUDGET = 250 * 1024;
const RETURN_VISIT_BUDGET = 20 * 1024;

/** Bytes received per URL while `visit` runs (HTTP requests; WebSocket frames are not counted). */
async function countBytes(cdp: CDPSession, visit: () => Promise<void>): Promise<{ total: number; byUrl: Map<string, number> }> {
  const urls = new Map<string, string>();
  const byUrl = new Map<string, number>();
  const onResponse = (e: { requestId: string; response: { url: string } }) => urls.set(e.requestId, e.response.url);
  const onFinished = (e: { requestId: string; encodedDataLength: number }) => {
    const url = new URL(urls.get(e.requestId) ?? 'about:unknown').pathname;
    byUrl.set(url, (byUrl.get(url) ?? 0) + e.encodedDataLength);
  };
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.loadingFinished', onFinished);
  try {
    await visit();
  } finally {
    cdp.off('Network.responseReceived', onResponse);
    cdp.off('Network.loadingFinished', onFinished);
  }
  return { total: [...byUrl.values()].reduce((a, b) => a + b, 0), byUrl };
}

const describeBytes = (r: { total: number; byUrl: Map<string, number> }) =>
  `${(r.total / 1024).toFixed(1)} KB: ${[...r.byUrl.entries()].map(([u, n]) => `${u} ${(n / 1024).toFixed(1)}`).join(', ')}`;

describe('bytes to reach the room on a phone', () => {
  let server: TestServer;
  let party: SeededParty;
  let browser: TestBrowser;
  let page: Page;
  let cdp: CDPSession;

  beforeAll(async () => {
    server = await startTestServer();
    party = (await seedLeakCase(server)).parties[0]!;
    browser = await launchBrowser();
    page = await browser.context.newPage();
    cdp = await browser.context.newCDPSession(page);
    await cdp.send('Network.enable');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const reachLobby = async () => {
    await page.goto(`${server.url}/j/${party.token}/room`);
    await page.getByTestId('prejoin-join').click({ timeout: 20_000 });
    await page.getByTestId('lobby-waiting').waitFor({ timeout: 20_000 });
  };

  it(`first visit: at most ${FIRST_VISIT_BUDGET / 1024} KB`, async () => {
    const first = await countBytes(cdp, reachLobby);
    expect(first.total, describeBytes(first)).toBeLessThanOrEqual(FIRST_VISIT_BUDGET);
    // The control: the scripts really came over the network this time.
    expect([...first.byUrl.keys()].filter((u) => u.startsWith('/assets/')).length).toBeGreaterThanOrEqual(2);
  });

  it(`return visit: at most ${RETURN_VISIT_BUDGET / 1024} KB (hashed assets from the cache)`, async () => {
    await page.goto('about:blank');
    const again = await countBytes(cdp, reachLobby);
    expect(again.total, describeBytes(again)).toBeLessThanOrEqual(RETURN_VISIT_BUDGET);
  });
});
