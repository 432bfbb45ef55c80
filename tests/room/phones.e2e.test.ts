// Phones and desktops in real Chromium (#18 item 6): the mediator shares a screen (Chromium's fake
// capture: with --use-fake-ui-for-media-stream and --use-fake-device-for-media-stream headless
// Debian Chromium answers getDisplayMedia with a fake monitor) and the parties see it large — except
// a party a caucus leaves outside; a phone with several cameras switches front/back without a new
// producer, skipping a camera whose video cannot be sent; coming back from the background reopens an ended camera and reconnects a dropped
// socket; WeChat's in-app browser without media tells the party how to open the system browser.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { expectReceivingFrom, openRoomPage, type RoomPage } from '../support/room-pages.ts';
import { seedLeakCase, startTestServer, type SeededParty, type StaffClient, type TestServer } from '../support/server.ts';
import { eventually, waitFor } from '../support/wait.ts';

const WECHAT_ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/5197 MMWEBSDK/20230805 MMWEBID/6170 MicroMessenger/8.0.42.2460(0x28002A35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';
const ANDROID_CHROME_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36';

/** Frames the page has shown of the shared screen so far (0 when none is shown). */
const screenFrames = (page: Page) =>
  page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="screen-share-video"]');
    return v ? v.getVideoPlaybackQuality().totalVideoFrames : 0;
  });

/** The shared screen is shown at `page` and its frames keep coming. */
async function expectScreenShown(page: Page) {
  await page.getByTestId('screen-share').waitFor({ timeout: 20_000 });
  const first = await waitFor(async () => ((await screenFrames(page)) > 0 ? await screenFrames(page) : null), 20_000, 'screen frames');
  await waitFor(async () => (await screenFrames(page)) > first, 20_000, 'more screen frames');
}

/** A party's room page in its own browser with `cameras` fake cameras. */
async function openPartyWithCameras(url: string, cameras: number): Promise<RoomPage> {
  const browser = await launchBrowser({ extraArgs: [`--use-fake-device-for-media-stream=device-count=${cameras}`] });
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.getByTestId('prejoin-join').click({ timeout: 20_000 });
  return { browser, page, close: () => browser.close() };
}

describe('phones and screen sharing in the room', () => {
  let server: TestServer;
  let mediator: StaffClient;
  let mediatorId: string;
  let caseId: string;
  let parties: SeededParty[];
  let m: RoomPage, a: RoomPage, b: RoomPage;

  beforeAll(async () => {
    server = await startTestServer({ ROOM_RECONNECT_GRACE_SEC: '30' });
    ({ mediator, mediatorId, caseId, parties } = await seedLeakCase(server));
    m = await openRoomPage(`${server.url}/cases/${caseId}/room`, mediator);
    a = await openRoomPage(`${server.url}/j/${parties[0]!.token}/room`);
    b = await openPartyWithCameras(`${server.url}/j/${parties[1]!.token}/room`, 3);
    await eventually(async () =>
      expect(
        server.rooms
          .get(caseId)
          ?.members()
          .filter((x) => x.status === 'lobby'),
      ).toHaveLength(2),
    );
    for (const p of parties) await m.page.evaluate((peerId) => (window as any).__jiefenRoom.socket.emitWithAck('mediator:admit', { peerId }), p.id);
    await expectReceivingFrom(a.page, [mediatorId, parties[1]!.id]);
    await expectReceivingFrom(b.page, [mediatorId, parties[0]!.id]);
  });

  afterAll(async () => {
    for (const p of [m, a, b]) await p?.close();
    await server?.close();
  });

  /** Whether the party's consumer of the mediator's screen flows on the server. */
  const screenFlowsTo = (peerId: string): boolean => {
    const room = server.rooms.get(caseId)!;
    const screen = room
      .member(mediatorId)!
      .media!.producers()
      .find((p) => p.source === 'screen');
    if (!screen) return false;
    const member = room.member(peerId)!;
    const c = member.consumers.get(screen.id);
    const live = c && member.media!.getConsumer(c.consumerId);
    return !!c && !!live && c.resumed && !live.paused;
  };

  it('the mediator shares a screen: shown large to the parties, kept from a party the caucus leaves outside, gone when stopped', async () => {
    const [pa, pb] = parties;
    // Parties (and phones) have no such button.
    expect(await a.page.getByTestId('toolbar-screen').count()).toBe(0);
    await m.page.getByTestId('toolbar-screen').click();
    await m.page.getByTestId('screen-share-self').waitFor();
    expect(await m.page.getByTestId('toolbar-screen').getAttribute('aria-pressed')).toBe('true');
    await expectScreenShown(a.page);
    await expectScreenShown(b.page);
    expect(await a.page.getByTestId('screen-share').textContent()).toContain('李瑞芳正在共享屏幕');

    const room = server.rooms.get(caseId)!;
    const me = room.member(mediatorId)!;
    await room.startCaucus(me, [pa!.id]);
    expect(screenFlowsTo(pb!.id)).toBe(false);
    await b.page.getByTestId('caucus-waiting').waitFor();
    expect(await b.page.getByTestId('screen-share').count()).toBe(0);
    const frozenAt = await b.page.evaluate(() => (window as any).__jiefenRoom.inboundStats());
    await expectScreenShown(a.page);
    expect(screenFlowsTo(pa!.id)).toBe(true);
    // Nothing of the screen reaches B while it waits.
    const bytes = (stats: { peerId: string; kind: string; bytesReceived: number }[]) =>
      stats.filter((s) => s.peerId === mediatorId && s.kind === 'video').reduce((n, s) => n + s.bytesReceived, 0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(bytes(await b.page.evaluate(() => (window as any).__jiefenRoom.inboundStats()))).toBe(bytes(frozenAt));

    await room.endAllCaucuses(me);
    await expectScreenShown(b.page);

    await m.page.getByTestId('toolbar-screen').click();
    await a.page.getByTestId('screen-share').waitFor({ state: 'detached' });
    await b.page.getByTestId('screen-share').waitFor({ state: 'detached' });
    await m.page.getByTestId('screen-share-self').waitFor({ state: 'detached' });
    await waitFor(() => !me.media!.producers().some((p) => p.source === 'screen'), 10_000, 'screen producer closed');
    // The mediator's camera goes on.
    await expectReceivingFrom(a.page, [mediatorId]);
  });

  // Chromium's fake cameras: fake_device_0 gives I420 frames, fake_device_1 Y16 (a depth camera:
  // shown locally, never encoded — like a laptop's infrared camera), fake_device_2 MJPEG.
  it('a phone with several cameras switches in place, skipping one whose video cannot be sent; one with a single camera has no switch', async () => {
    const pb = parties[1]!;
    expect(await a.page.getByTestId('toolbar-switch-camera').count()).toBe(0);
    const member = server.rooms.get(caseId)!.member(pb.id)!;
    const producerBefore = member.media!.producers().find((p) => p.source === 'camera')!.id;
    const cameraLabel = () => b.page.evaluate(() => (window as any).__jiefenRoom.localVideoLabel());
    expect(await cameraLabel()).toBe('fake_device_0');

    await b.page.getByTestId('toolbar-switch-camera').click();
    await waitFor(async () => (await cameraLabel()) === 'fake_device_2', 20_000, 'the depth camera skipped');
    expect(member.media!.producers().find((p) => p.source === 'camera')!.id).toBe(producerBefore);
    await expectReceivingFrom(m.page, [pb.id]);
    expect(await b.page.getByTestId('room-tile').first().getAttribute('data-video')).toBe('on');

    // The next switch goes straight back to the first camera: the depth camera is remembered.
    await b.page.getByTestId('toolbar-switch-camera').click();
    await waitFor(async () => (await cameraLabel()) === 'fake_device_0', 10_000, 'back to the first camera');
    await expectReceivingFrom(m.page, [pb.id]);
  });

  it('back from the background: an ended camera is reopened and replaced, a dropped socket reconnects', async () => {
    const pa = parties[0]!;
    const producerBefore = server.rooms
      .get(caseId)!
      .member(pa.id)!
      .media!.producers()
      .find((p) => p.source === 'camera')!.id;
    // The system took the camera while the page was in the background.
    await a.page.evaluate(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="room-tile"][data-self="true"] video');
      (v!.srcObject as MediaStream).getVideoTracks()[0]!.stop();
    });
    await a.page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await waitFor(() => a.page.evaluate(() => (window as any).__jiefenRoom.localVideoState() === 'live'), 10_000, 'camera reopened');
    expect(
      server.rooms
        .get(caseId)!
        .member(pa.id)!
        .media!.producers()
        .find((p) => p.source === 'camera')!.id,
    ).toBe(producerBefore);
    await expectReceivingFrom(m.page, [pa.id]);

    // The socket went while in the background and nothing retries it: coming back reconnects and re-joins.
    await a.page.evaluate(() => (window as any).__jiefenRoom.socket.disconnect());
    await waitFor(() => a.page.evaluate(() => !(window as any).__jiefenRoom.socket.connected), 5_000, 'socket down');
    await a.page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await waitFor(
      () => a.page.evaluate(() => (window as any).__jiefenRoom.socket.connected && (window as any).__jiefenRoom.status === 'admitted'),
      15_000,
      're-joined',
    );
    await expectReceivingFrom(a.page, [mediatorId]);
  });
});

describe('WeChat and QQ in-app browsers', () => {
  let server: TestServer;
  let parties: SeededParty[];
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startTestServer();
    ({ parties } = await seedLeakCase(server));
    browser = await launchBrowser({ viewport: { width: 375, height: 740 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The party's link in a page with this user agent; `noMedia`: the WebView gives the page no camera or microphone API. */
  async function openLink(userAgent: string, noMedia: boolean): Promise<Page> {
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Network.setUserAgentOverride', { userAgent });
    if (noMedia) await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'mediaDevices', { get: () => undefined, configurable: true }));
    await page.goto(`${server.url}/j/${parties[0]!.token}/room`);
    await page.getByTestId('prejoin-mode').filter({ hasNotText: '正在检测设备' }).waitFor({ timeout: 20_000 });
    return page;
  }

  it('without media, WeChat’s browser tells the party in Chinese how to open the system browser', async () => {
    const page = await openLink(WECHAT_ANDROID_UA, true);
    const guide = page.getByTestId('inapp-guide');
    await guide.waitFor();
    expect(await guide.getAttribute('data-app')).toBe('wechat');
    const text = (await guide.textContent()) ?? '';
    expect(text).toContain('微信内置浏览器无法使用摄像头和麦克风');
    expect(text).toContain('点击右上角的「···」');
    expect(text).toContain('选择「在浏览器打开」');
    expect(await page.getByTestId('prejoin-error').getAttribute('data-problem')).toBe('unsupported');
    // The party can still go in (chat only).
    expect(await page.getByTestId('prejoin-mode').getAttribute('data-mode')).toBe('chat');
    expect(await page.getByTestId('prejoin-join').isEnabled()).toBe(true);
    await page.close();
  });

  it('a real browser without media gets the usual help, and WeChat with working media gets no guide', async () => {
    const chrome = await openLink(ANDROID_CHROME_UA, true);
    await chrome.getByTestId('prejoin-error').waitFor();
    expect(await chrome.getByTestId('inapp-guide').count()).toBe(0);
    await chrome.close();
    const wechat = await openLink(WECHAT_ANDROID_UA, false);
    expect(await wechat.getByTestId('prejoin-mode').getAttribute('data-mode')).toBe('av');
    expect(await wechat.getByTestId('inapp-guide').count()).toBe(0);
    await wechat.close();
  });
});
