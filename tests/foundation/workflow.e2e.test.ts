// The workflow follows the work, clicked through in Chromium: on a 受理 case the mediator's lock
// is disabled with its reason shown and the party's page offers neither 签署 nor 司法确认; the
// mediator opens the room and the case page then shows 调解中, with the move in the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpDraftCase, type DraftCase } from '../drafting/sync-support.ts';
import { openPage, type TestBrowser } from '../support/browser.ts';
import { openRoomPage, type RoomPage } from '../support/room-pages.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';

let server: TestServer;
let k: DraftCase;
const browsers: TestBrowser[] = [];
let room: RoomPage | null = null;

beforeAll(async () => {
  server = await startTestServer();
  k = await setUpDraftCase(server.url, server.admin);
  await server.ctx.db.participant.updateMany({ where: { caseId: k.caseId }, data: { identityConfirmedAt: new Date(), consentAt: new Date() } });
});
afterAll(async () => {
  await room?.close();
  for (const b of browsers) await b.close();
  await server?.close();
});

describe('the workflow in Chromium', () => {
  it('a 受理 case: lock disabled with its reason, no 签署 for the party; opening the room moves it to 调解中', async () => {
    const staff = await openPage(server.url, { viewport: { width: 1280, height: 800 }, cookieHeader: k.mediator.cookie });
    browsers.push(staff.browser);
    const page = staff.page;
    await page.goto(`${server.url}/cases/${k.caseId}`);
    await page.locator('[data-testid="case-status"][data-status="ACCEPTED"]').waitFor();
    expect(await page.getByTestId('workflow-note').textContent()).toContain('自动进入「调解中」');
    const lock = page.getByTestId('signing-lock');
    expect(await lock.isDisabled()).toBe(true);
    expect(await page.getByTestId('signing-lock-reason').textContent()).toBe('案件尚未进入「调解中」：进入调解室或打开协议草稿后即可锁定');
    // The reason is the button's accessible description, not only text nearby.
    expect(await lock.getAttribute('aria-describedby')).toBe('signing-lock-reason');

    const party = await openPage(server.url, { viewport: { width: 390, height: 844 } });
    browsers.push(party.browser);
    await party.page.goto(`${server.url}/j/${k.tokenA}`);
    await party.page.getByTestId('party-done').waitFor();
    expect(await party.page.getByTestId('open-signing').count()).toBe(0);
    expect(await party.page.getByTestId('open-judicial').count()).toBe(0);
    expect(await party.page.getByTestId('party-waiting-note').textContent()).toContain('锁定协议书后');

    // The mediator enters the room (from the case page's link, through the device check).
    const roomHref = await page.getByTestId('enter-room').getAttribute('href');
    room = await openRoomPage(`${server.url}${roomHref}`, k.mediator);
    await waitFor(
      async () => (await server.ctx.db.case.findUniqueOrThrow({ where: { id: k.caseId } })).status === 'MEDIATING',
      15_000,
      'the case moved to 调解中',
    );
    await page.reload();
    await page.locator('[data-testid="case-status"][data-status="MEDIATING"]').waitFor();
    expect(await page.getByTestId('case-status').textContent()).toBe('调解中');
    expect(await page.getByTestId('signing-lock-reason').count()).toBe(0);
    await page.getByText('案件状态：受理 → 分流（进入调解室）').waitFor();
    await page.getByText('案件状态：分流 → 调解中（进入调解室）').waitFor();
    // Still nothing to sign for the party until the agreement is locked.
    await party.page.reload();
    await party.page.getByTestId('party-done').waitFor();
    expect(await party.page.getByTestId('open-signing').count()).toBe(0);
  }, 90_000);
});
