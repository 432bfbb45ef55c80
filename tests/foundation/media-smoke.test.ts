// Proof that a real browser works with our self-built mediasoup worker: a
// Chromium page sends its fake camera and microphone through the SFU and
// consumes both back, over UDP and over TCP-only ICE. Passing means ICE, DTLS
// (with the BIO-callback patch), SRTP via the libsrtp 3-on-2 shim and RTP
// forwarding all work, and the worker survived it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerPool, type PoolRouterAppData, type WorkerDiedEvent, type WorkerPool } from '../../sfu/worker-pool.ts';
import { CHROMIUM_PATH, launchBrowser, type TestBrowser } from '../support/browser.ts';
import { waitFor } from '../support/wait.ts';
import type { SfuMethod } from './media-smoke.page.ts';

const PAGE_SCRIPT = fileURLToPath(new URL('./media-smoke.page.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000; // getUserMedia + two transports + four signaling round trips
const FIRST_MEDIA_TIMEOUT_MS = 20_000; // first decoded frame: 0.6–1.9 s measured on loopback
const MEASURE_MS = 3_000;

type Router = types.Router<PoolRouterAppData>;

/** Server side of one page's signaling: mediasoup objects by id. */
class SmokeSession {
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly #producers = new Map<string, types.Producer>();
  readonly #consumers = new Map<string, types.Consumer>();

  constructor(private readonly router: Router) {}

  // The page's data arrives as JSON through Playwright; this is a test harness,
  // so each branch trusts the shape its page counterpart sends.
  async handle(method: SfuMethod, data: Record<string, unknown> = {}): Promise<unknown> {
    switch (method) {
      case 'routerRtpCapabilities':
        return this.router.rtpCapabilities;
      case 'createTransport': {
        const tcpOnly = data.tcpOnly === true;
        const transport = await this.router.createWebRtcTransport({
          webRtcServer: this.router.appData.webRtcServer,
          enableUdp: !tcpOnly,
          enableTcp: true,
          preferUdp: !tcpOnly,
        });
        this.transports.set(transport.id, transport);
        const { id, iceParameters, iceCandidates, dtlsParameters } = transport;
        return { id, iceParameters, iceCandidates, dtlsParameters };
      }
      case 'connectTransport':
        await this.#transport(data.transportId).connect({ dtlsParameters: data.dtlsParameters as types.DtlsParameters });
        return null;
      case 'produce': {
        const producer = await this.#transport(data.transportId).produce({
          kind: data.kind as types.MediaKind,
          rtpParameters: data.rtpParameters as types.RtpParameters,
        });
        this.#producers.set(producer.id, producer);
        return { id: producer.id };
      }
      case 'consume': {
        const producerId = String(data.producerId);
        const rtpCapabilities = data.rtpCapabilities as types.RtpCapabilities;
        if (!this.router.canConsume({ producerId, rtpCapabilities })) throw new Error(`cannot consume ${producerId}`);
        const consumer = await this.#transport(data.transportId).consume({ producerId, rtpCapabilities, paused: true });
        this.#consumers.set(consumer.id, consumer);
        return { id: consumer.id, producerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters };
      }
      case 'resumeConsumer': {
        const consumer = this.#consumers.get(String(data.consumerId));
        if (!consumer) throw new Error(`no consumer ${String(data.consumerId)}`);
        await consumer.resume();
        return null;
      }
    }
  }

  close(): void {
    for (const transport of this.transports.values()) transport.close();
  }

  #transport(id: unknown): types.WebRtcTransport {
    const transport = this.transports.get(String(id));
    if (!transport) throw new Error(`no transport ${String(id)}`);
    return transport;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('media smoke: Chromium ↔ self-built mediasoup worker', () => {
  let pool: WorkerPool | undefined;
  let router: Router;
  let server: Server | undefined;
  let browser: TestBrowser | undefined;
  let bundleDir: string | undefined;
  let pageUrl: string;
  const workerDeaths: WorkerDiedEvent[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    }
    // Fails with a clear message if the worker binary was never built.
    pool = await createWorkerPool({
      numWorkers: 1,
      listenIp: '127.0.0.1',
      rtcPort: 0,
      logLevel: 'warn',
      logger: { info: () => undefined, error: (obj, msg) => console.error(msg, obj) },
    });
    pool.on('workerdied', (event) => workerDeaths.push(event));
    router = await pool.createRouter();

    bundleDir = mkdtempSync(join(tmpdir(), 'jiefen-media-smoke-'));
    await build({
      entryPoints: [PAGE_SCRIPT],
      outfile: join(bundleDir, 'page.js'),
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome110',
      logLevel: 'silent',
    });
    const files: Record<string, [string, string]> = {
      '/': ['text/html', '<!doctype html><meta charset="utf-8"><title>media smoke</title><script src="/page.js"></script>'],
      '/page.js': ['text/javascript', readFileSync(join(bundleDir, 'page.js'), 'utf8')],
    };
    server = createServer((req, res) => {
      const file = files[req.url ?? ''];
      res.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' }).end(file?.[1] ?? 'not found');
    });
    await new Promise<void>((resolve, reject) => server!.once('error', reject).listen(0, '127.0.0.1', resolve));
    // 127.0.0.1 is a secure context, so getUserMedia works over plain http.
    pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    pool?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });

  it.each([
    { name: 'UDP', tcpOnly: false },
    { name: 'TCP-only ICE', tcpOnly: true },
  ])(
    '$name: audio and video loop back through the SFU',
    async ({ tcpOnly }) => {
      const session = new SmokeSession(router);
      const page = await browser!.context.newPage();
      const pageLog: string[] = [];
      page.on('console', (m) => pageLog.push(`[${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => pageLog.push(`[pageerror] ${e.message}`));
      try {
        await page.exposeFunction('sfu', (method: SfuMethod, data?: Record<string, unknown>) => session.handle(method, data));
        await page.goto(pageUrl, { timeout: 10_000 });

        const started = Date.now();
        await withTimeout(
          page.evaluate((tcp) => window.smoke.start(tcp), tcpOnly),
          START_TIMEOUT_MS,
          'page: getUserMedia, produce and consume',
        );
        const readStats = () => page.evaluate(() => window.smoke.stats());
        const first = await waitFor(
          async () => {
            const s = await withTimeout(readStats(), 5_000, 'stats');
            return s.videoFramesDecoded > 0 && s.audioPacketsReceived > 0 ? s : null;
          },
          FIRST_MEDIA_TIMEOUT_MS,
          'first decoded video frame and audio packet',
          200,
        );
        const firstMediaMs = Date.now() - started;
        await new Promise((r) => setTimeout(r, MEASURE_MS));
        const last = await withTimeout(readStats(), 5_000, 'stats');

        const frames = last.videoFramesDecoded - first.videoFramesDecoded;
        const audioPackets = last.audioPacketsReceived - first.audioPacketsReceived;
        console.info(
          `[media-smoke ${tcpOnly ? 'tcp' : 'udp'}] first media after ${firstMediaMs} ms; in ${MEASURE_MS} ms: ` +
            `+${frames} video frames decoded (total ${last.videoFramesDecoded}), ` +
            `+${audioPackets} audio packets received (total ${last.audioPacketsReceived})`,
        );

        expect(last.sendState).toBe('connected');
        expect(last.recvState).toBe('connected');
        // The fake camera runs at ~30 fps and opus at 50 packets/s; allow for a loaded 2-core machine.
        expect(frames).toBeGreaterThan(15);
        expect(audioPackets).toBeGreaterThan(50);

        expect(session.transports.size).toBe(2);
        for (const transport of session.transports.values()) {
          expect(transport.dtlsState).toBe('connected');
          expect(['connected', 'completed']).toContain(transport.iceState);
          expect(transport.iceSelectedTuple?.protocol).toBe(tcpOnly ? 'tcp' : 'udp');
        }
        expect(workerDeaths).toEqual([]);
        expect(pool!.workers).toHaveLength(1);
        expect(pool!.workers[0]!.died).toBe(false);
      } catch (error) {
        if (error instanceof Error) error.message += `\n--- page log ---\n${pageLog.join('\n') || '(empty)'}`;
        throw error;
      } finally {
        await page.close().catch(() => undefined);
        session.close();
      }
    },
    60_000,
  );
});
