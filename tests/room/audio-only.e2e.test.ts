// 仅语音 by hand in real Chromium (#18 item 3): a party taps 仅语音 in the room's toolbar; its
// camera stops going out and no video comes in, its voice and the other party's voice keep
// flowing, and the other party sees its avatar with the name and a 仅语音 badge. 恢复视频 brings
// video back both ways. The parties only click; the mediator (a socket client on the server's
// side) lets them in from the lobby.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomTestClient } from '../support/room-client.ts';
import { expectReceivingFrom, inboundStats, openRoomPage, totals, type RoomPage } from '../support/room-pages.ts';
import { seedLeakCase, startTestServer, type SeededParty, type TestServer } from '../support/server.ts';
import { eventually, sleep } from '../support/wait.ts';

/** How much of `field` from `peerId/kind` arrives at `page` over `ms`. */
async function growth(page: Page, key: string, field: 'framesDecoded' | 'packetsReceived', ms = 1500): Promise<number> {
  const before = totals(await inboundStats(page), field).get(key) ?? 0;
  await sleep(ms);
  return (totals(await inboundStats(page), field).get(key) ?? 0) - before;
}

describe('仅语音 in the room (manual)', () => {
  let server: TestServer;
  let parties: SeededParty[];
  let mediator: RoomTestClient;
  const pages: RoomPage[] = [];

  beforeAll(async () => {
    server = await startTestServer({ ROOM_RECONNECT_GRACE_SEC: '30' });
    const seeded = await seedLeakCase(server);
    parties = seeded.parties;
    mediator = new RoomTestClient(server.url, { cookie: seeded.mediator.cookie });
    await mediator.connected();
    await mediator.ok('room:join', { caseId: seeded.caseId });
    mediator.socket.on('room:lobby', ({ waiting }: { waiting: Array<{ peerId: string }> }) => {
      for (const { peerId } of waiting) void mediator.request('mediator:admit', { peerId });
    });
  });

  afterAll(async () => {
    for (const p of pages) await p.close();
    mediator?.close();
    await server?.close();
  });

  it('the party stops sending and receiving video, voice keeps flowing, the other party sees the avatar and the badge; 恢复视频 undoes it', async () => {
    const [a, b] = parties as [SeededParty, SeededParty];
    for (const party of [a, b]) pages.push(await openRoomPage(`${server.url}/j/${party.token}/room`));
    const [pageA, pageB] = [pages[0]!.page, pages[1]!.page];
    await expectReceivingFrom(pageA, [b.id]);
    await expectReceivingFrom(pageB, [a.id]);

    await pageA.getByTestId('toolbar-audio-only').click();
    await expect.poll(() => pageA.getByTestId('toolbar-audio-only').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => pageA.getByTestId('link-advice').textContent()).toContain('仅语音');
    // The camera button cannot undo it by the back door.
    expect(await pageA.getByTestId('toolbar-camera').isDisabled()).toBe(true);

    // B sees A's avatar with the name and the badge, not A's video.
    const tileOfA = pageB.locator(`[data-testid="room-tile"][data-peer-id="${a.id}"]`);
    await tileOfA.getByTestId('tile-audio-only').waitFor({ timeout: 10_000 });
    expect(await tileOfA.getAttribute('data-audio-only')).toBe('true');
    expect(await tileOfA.locator('.tile__avatar').textContent()).toContain('仅语音');
    expect(await tileOfA.locator('.tile__name').textContent()).toContain('李某');
    expect(await tileOfA.locator('video.tile__video:not(.is-hidden)').count()).toBe(0);

    // Video stops both ways once in-flight frames are through; voice goes on both ways.
    await sleep(1000);
    await eventually(async () => expect(await growth(pageB, `${a.id}/video`, 'framesDecoded')).toBe(0), 10_000);
    await eventually(async () => expect(await growth(pageA, `${b.id}/video`, 'framesDecoded')).toBe(0), 10_000);
    expect(await growth(pageB, `${a.id}/audio`, 'packetsReceived')).toBeGreaterThan(0);
    expect(await growth(pageA, `${b.id}/audio`, 'packetsReceived')).toBeGreaterThan(0);
    // A's own tile shows it too.
    expect(await pageA.locator('[data-testid="room-tile"][data-self="true"]').getAttribute('data-audio-only')).toBe('true');

    // Back to video, from the toolbar.
    await pageA.getByTestId('toolbar-audio-only').click();
    await tileOfA.getByTestId('tile-audio-only').waitFor({ state: 'detached', timeout: 10_000 });
    await expectReceivingFrom(pageB, [a.id]);
    await expectReceivingFrom(pageA, [b.id]);
    // No 仅语音 advice left (a loopback link is good; a busy machine may still call it fair).
    expect((await pageA.getByTestId('link-advice').allTextContents()).join('')).not.toContain('仅语音');
  }, 180_000);
});
