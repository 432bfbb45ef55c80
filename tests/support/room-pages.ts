// Drives the web client's live room in Chromium for end-to-end tests: opening the room as
// mediator (session cookie) or party (link), passing the pre-join check, reading inbound stats.
import { eventually } from './wait.ts';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './browser.ts';
import type { StaffClient } from './server.ts';

export interface InboundStat {
  peerId: string;
  kind: 'audio' | 'video';
  consumerId: string;
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
  totalSamplesReceived: number;
  concealedSamples: number;
}

export interface RoomPage {
  browser: TestBrowser;
  page: Page;
  close(): Promise<void>;
}

export async function openRoomPage(url: string, staff?: StaffClient): Promise<RoomPage> {
  const browser = await launchBrowser();
  if (staff) await addSessionCookie(browser.context, url, staff);
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.getByTestId('prejoin-join').click({ timeout: 20_000 });
  return { browser, page, close: () => browser.close() };
}

async function addSessionCookie(context: BrowserContext, url: string, staff: StaffClient): Promise<void> {
  const cookies = staff.cookie.split('; ').map((pair) => {
    const i = pair.indexOf('=');
    return { name: pair.slice(0, i), value: pair.slice(i + 1), url: new URL(url).origin };
  });
  await context.addCookies(cookies);
}

export function inboundStats(page: Page): Promise<InboundStat[]> {
  return page.evaluate(async () => {
    const room = (window as unknown as { __jiefenRoom?: { inboundStats(): Promise<unknown[]> } }).__jiefenRoom;
    return room ? ((await room.inboundStats()) as never) : [];
  });
}

/** Sums a counter per (peerId, kind) so consumers re-created after a reconnect still add up. */
export function totals(
  stats: InboundStat[],
  field: 'framesDecoded' | 'packetsReceived' | 'bytesReceived' | 'totalSamplesReceived' | 'concealedSamples',
): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of stats) out.set(`${s.peerId}/${s.kind}`, (out.get(`${s.peerId}/${s.kind}`) ?? 0) + s[field]);
  return out;
}

/** Asserts that, at `page`, media from each of `peerIds` is flowing (both kinds increase over `windowMs`). */
export async function expectReceivingFrom(page: Page, peerIds: string[], windowMs = 1500): Promise<void> {
  await eventually(async () => {
    const before = await inboundStats(page);
    await new Promise((r) => setTimeout(r, windowMs));
    const after = await inboundStats(page);
    const frames0 = totals(before, 'framesDecoded');
    const frames1 = totals(after, 'framesDecoded');
    const audio0 = totals(before, 'packetsReceived');
    const audio1 = totals(after, 'packetsReceived');
    for (const peerId of peerIds) {
      const v = (frames1.get(`${peerId}/video`) ?? 0) - (frames0.get(`${peerId}/video`) ?? 0);
      const a = (audio1.get(`${peerId}/audio`) ?? 0) - (audio0.get(`${peerId}/audio`) ?? 0);
      if (!(v > 0 && a > 0)) throw new Error(`not receiving from ${peerId}: +${v} frames, +${a} audio packets`);
    }
  });
}
