// How a join travels (#18 item 4): in real Chromium, the mediator and a party open their room
// links and press "进入"; the room socket speaks WebSocket from its first packet (no long-polling
// requests at all), the router's capabilities come with the join answer or the admission (never
// asked for), and both WebRTC transports come from one `media:createTransports` request; the
// camera is asked for once, and the browser's codecs are asked while the pre-join check waits (the
// join's Device makes no RTCPeerConnection of its own). Behind a proxy that refuses WebSocket
// upgrades, the same join still gets in over long-polling.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { expectReceivingFrom } from '../support/room-pages.ts';
import { seedLeakCase, type SeededParty, type StaffClient, type TestServer, startTestServer } from '../support/server.ts';

/** What one page's room socket did on the wire. */
interface Wire {
  pollingRequests: number;
  websockets: number;
  /** socket.io packets the page sent over WebSocket. */
  sent: string[];
}

/** The socket.io events a page emitted, in order (`42/room,7["media:produce",…]` → media:produce). */
const emitted = (wire: Wire) => wire.sent.flatMap((f) => [...f.matchAll(/^\d+\/room,\d*\["([^"]+)"/g)].map((m) => m[1]!));

/**
 * A reverse proxy in front of the server that passes plain HTTP and refuses every WebSocket
 * upgrade with 403, as some office and carrier proxies do.
 */
async function startProxyWithoutWebSocket(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const to = new URL(target);
  const proxy = createServer((req, res) => {
    const upstream = httpRequest({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  proxy.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

/** Records every getUserMedia call of the page and the tracks it got; runs before the page's own scripts. */
const RECORD_CAMERA_ASKS = `
  window.__cameraAsks = [];
  const md = navigator.mediaDevices;
  const ask = md.getUserMedia.bind(md);
  md.getUserMedia = (constraints) => {
    const tracks = [];
    window.__cameraAsks.push(tracks);
    const asked = ask(constraints);
    asked.then((s) => tracks.push(...s.getTracks()), () => undefined);
    return asked;
  };`;

/** Counts the RTCPeerConnections the page makes (window.__peerConnections). */
const COUNT_PEER_CONNECTIONS = `
  window.__peerConnections = 0;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      window.__peerConnections++;
    }
  };`;

const peerConnections = (page: Page) => page.evaluate('window.__peerConnections') as Promise<number>;

/** Per getUserMedia call of the page, its tracks' readyState ('live' or 'ended'). */
const cameraTracks = (page: Page) => page.evaluate('window.__cameraAsks.map((tracks) => tracks.map((t) => t.readyState))') as Promise<string[][]>;

async function openWatched(url: string, options: { staff?: StaffClient } = {}): Promise<{ browser: TestBrowser; page: Page; wire: Wire }> {
  const browser = await launchBrowser();
  await browser.context.addInitScript({ content: RECORD_CAMERA_ASKS });
  await browser.context.addInitScript({ content: COUNT_PEER_CONNECTIONS });
  if (options.staff) {
    const origin = new URL(url).origin;
    await browser.context.addCookies(
      options.staff.cookie.split('; ').map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1), url: origin })),
    );
  }
  const page = await browser.context.newPage();
  const wire: Wire = { pollingRequests: 0, websockets: 0, sent: [] };
  page.on('request', (r) => {
    if (r.url().includes('/socket.io/') && r.url().includes('transport=polling')) wire.pollingRequests++;
  });
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/socket.io/')) return;
    wire.websockets++;
    ws.on('framesent', (f) => {
      if (typeof f.payload === 'string') wire.sent.push(f.payload);
    });
  });
  await page.goto(url);
  await page.getByTestId('prejoin-join').waitFor({ timeout: 20_000 });
  // The pre-join check's quiet moment: the warm-up's connection and the Device's two codec probes.
  await expect.poll(() => peerConnections(page), { timeout: 10_000 }).toBe(3);
  await page.getByTestId('prejoin-join').click();
  return { browser, page, wire };
}

describe('joining the room: WebSocket first, few round trips', () => {
  let server: TestServer;
  let mediator: StaffClient;
  let mediatorId: string;
  let caseId: string;
  let parties: SeededParty[];
  const browsers: TestBrowser[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    ({ mediator, mediatorId, caseId, parties } = await seedLeakCase(server));
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await server?.close();
  });

  it('the mediator and an admitted party join over WebSocket with one transports request each', async () => {
    const m = await openWatched(`${server.url}/cases/${caseId}/room`, { staff: mediator });
    browsers.push(m.browser);
    await m.page.getByTestId('room-tile').first().waitFor({ timeout: 20_000 });

    const [a] = parties;
    const p = await openWatched(`${server.url}/j/${a!.token}/room`);
    browsers.push(p.browser);
    await p.page.getByTestId('lobby-waiting').waitFor({ timeout: 20_000 });
    await m.page
      .getByTestId('toolbar-lobby')
      .click()
      .catch(() => undefined);
    await m.page.locator(`[data-testid="lobby-entry"][data-peer-id="${a!.id}"] [data-testid="lobby-admit"]`).click();

    await expectReceivingFrom(m.page, [a!.id]);
    await expectReceivingFrom(p.page, [mediatorId]);

    for (const { wire } of [m, p]) {
      expect(wire.pollingRequests).toBe(0);
      expect(wire.websockets).toBe(1);
      const events = emitted(wire);
      expect(events.filter((e) => e === 'room:join')).toHaveLength(1);
      expect(events.filter((e) => e === 'media:createTransports')).toHaveLength(1);
      expect(events).not.toContain('media:createTransport');
      expect(events).not.toContain('media:getRouterRtpCapabilities');
      // Camera and microphone, both published; the receive transport connects once consumers come.
      expect(events.filter((e) => e === 'media:produce')).toHaveLength(2);
      expect(events.filter((e) => e === 'media:connectTransport')).toHaveLength(2);
      expect(events.filter((e) => e === 'media:ready')).toHaveLength(1);
    }
    // Each asked for camera and microphone once: the pre-join check took what the page's start asked for.
    for (const { page } of [m, p]) expect(await cameraTracks(page)).toEqual([['live', 'live']]);
    // The join's Device asked the browser nothing again: the only connections since are the two transports.
    for (const { page } of [m, p]) expect(await peerConnections(page)).toBe(5);
    // The server holds exactly one transport per direction for each of them.
    expect(server.rooms.get(caseId)!.media.counts()).toMatchObject({ peers: 2, transports: 4, producers: 4, consumers: 4 });
  });

  it('with WebSocket blocked, a party still reaches the lobby over long-polling', async () => {
    const [, b] = parties;
    const proxy = await startProxyWithoutWebSocket(server.url);
    try {
      const p = await openWatched(`${proxy.url}/j/${b!.token}/room`);
      browsers.push(p.browser);
      await p.page.getByTestId('lobby-waiting').waitFor({ timeout: 20_000 });
      expect(p.wire.websockets).toBeGreaterThan(0); // tried first…
      expect(p.wire.sent).toEqual([]); // …refused…
      expect(p.wire.pollingRequests).toBeGreaterThan(0); // …and the join went over long-polling
      await p.browser.close();
    } finally {
      await proxy.close();
    }
  });
});
