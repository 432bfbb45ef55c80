// Leaving the room by accident (issue 13, item 7) and what the mediator sees of a party's way of
// taking part (item 10): in real Chromium against a real server. The back button asks first
// (cancel stays, confirm leaves); a party who went back returns within the reconnect grace
// straight into the room — after it, through the lobby again; 离开 in the toolbar asks and then
// leaves for real. A party whose browser gives it no camera or microphone shows as 文字模式 on the
// mediator's tile.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { openRoomPage, type RoomPage } from '../support/room-pages.ts';
import { seedLeakCase, startTestServer, type SeededParty, type StaffClient, type TestServer } from '../support/server.ts';
import { eventually, waitFor } from '../support/wait.ts';

const GRACE_SEC = 6;

describe('leaving the room by accident', () => {
  let server: TestServer;
  let mediator: StaffClient;
  let caseId: string;
  let parties: SeededParty[];
  let mediatorPage: RoomPage;
  let partyBrowser: TestBrowser;
  let party: Page;

  beforeAll(async () => {
    server = await startTestServer({ ROOM_RECONNECT_GRACE_SEC: String(GRACE_SEC) });
    ({ mediator, caseId, parties } = await seedLeakCase(server));
    mediatorPage = await openRoomPage(`${server.url}/cases/${caseId}/room`, mediator);
    await mediatorPage.page.getByTestId('room').waitFor({ timeout: 20_000 });
    partyBrowser = await launchBrowser();
    // This phone gives the page no camera and no microphone: the party takes part by chat only.
    await partyBrowser.context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
    });
    party = await partyBrowser.context.newPage();
  });

  afterAll(async () => {
    await partyBrowser?.close();
    await mediatorPage?.close();
    await server?.close();
  });

  const partyA = () => parties[0]!;
  const tileOfA = () => mediatorPage.page.locator(`[data-testid="room-tile"][data-peer-id="${partyA().id}"]`);

  /** From the party's link page into the room (as a party does: 进入调解室, device check, 进入). */
  async function enterFromLinkPage(): Promise<void> {
    await party.getByTestId('enter-room').click();
    await party.getByTestId('prejoin-join').click({ timeout: 20_000 });
  }

  const roomJoins = async (via: string) =>
    (await server.ctx.db.auditEntry.findMany({ where: { caseId, type: 'ROOM_JOINED' } })).filter((e) => {
      const d = JSON.parse(e.data) as { peerId: string; via: string };
      return d.peerId === partyA().id && d.via === via;
    }).length;

  it('a text-only party is admitted, and the mediator sees 文字模式 on its tile', async () => {
    await party.goto(`${server.url}/j/${partyA().token}`);
    await enterFromLinkPage();
    await party.getByTestId('lobby-waiting').waitFor({ timeout: 20_000 });
    await mediatorPage.page.getByTestId('toolbar-lobby').click();
    await mediatorPage.page.locator(`[data-testid="lobby-entry"][data-peer-id="${partyA().id}"] [data-testid="lobby-admit"]`).click();
    await party.getByTestId('room').waitFor({ timeout: 20_000 });

    const badge = tileOfA().getByTestId('tile-mode');
    await badge.waitFor();
    expect(await badge.getAttribute('data-mode')).toBe('chat');
    expect(await tileOfA().innerText()).toContain('文字模式');
    expect(await tileOfA().innerText()).not.toContain('未开启摄像头');
  });

  it('the back button asks: cancel stays in the room, nothing is sent to the server', async () => {
    await party.goBack();
    const dialog = party.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('离开调解室');
    await party.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(new URL(party.url()).pathname).toBe(`/j/${partyA().token}/room`);
    expect(await party.getByTestId('room').isVisible()).toBe(true);
    expect(await tileOfA().getAttribute('class')).not.toContain('is-offline');
    // The trap is set again: a second back asks again.
    await party.goBack();
    await dialog.waitFor();
    await party.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('confirming back leaves; returning within the grace comes straight back into the room', async () => {
    const reconnectsBefore = await roomJoins('reconnect');
    await party.goBack();
    await party.getByTestId('confirm-ok').click();
    await waitFor(() => new URL(party.url()).pathname === `/j/${partyA().token}`);
    await party.getByTestId('enter-room').waitFor();
    // The mediator sees the party away (reconnecting), not gone.
    await tileOfA().getByTestId('tile-reconnecting').waitFor();

    await enterFromLinkPage();
    await party.getByTestId('room').waitFor({ timeout: 20_000 });
    expect(await party.getByTestId('lobby-waiting').count()).toBe(0);
    expect(await roomJoins('reconnect')).toBe(reconnectsBefore + 1);
    expect(await server.ctx.db.auditEntry.count({ where: { caseId, type: 'ROOM_LEFT' } })).toBe(0);
    await tileOfA().getByTestId('tile-reconnecting').waitFor({ state: 'detached' });
  });

  it('returning after the grace goes through the lobby again', async () => {
    await party.goBack();
    await party.getByTestId('confirm-ok').click();
    await party.getByTestId('enter-room').waitFor();
    await eventually(
      async () => {
        const left = await server.ctx.db.auditEntry.findMany({ where: { caseId, type: 'ROOM_LEFT' } });
        expect(left.some((e) => JSON.parse(e.data).reason === 'timeout')).toBe(true);
      },
      (GRACE_SEC + 10) * 1000,
    );
    await enterFromLinkPage();
    await party.getByTestId('lobby-waiting').waitFor({ timeout: 20_000 });
    await mediatorPage.page.locator(`[data-testid="lobby-entry"][data-peer-id="${partyA().id}"] [data-testid="lobby-admit"]`).click();
    await party.getByTestId('room').waitFor({ timeout: 20_000 });
  });

  it('离开 in the toolbar asks, then leaves for real (the place is not kept)', async () => {
    await party.getByTestId('toolbar-leave').click();
    await party.getByTestId('confirm-dialog').waitFor();
    await party.getByTestId('confirm-ok').click();
    await party.getByTestId('enter-room').waitFor({ timeout: 20_000 });
    await eventually(async () => {
      const left = await server.ctx.db.auditEntry.findMany({ where: { caseId, type: 'ROOM_LEFT' } });
      expect(left.some((e) => JSON.parse(e.data).reason === 'left')).toBe(true);
    });
    await tileOfA().waitFor({ state: 'detached' });
  });
});
