// The server plumbing every bench baseline shares (join/baseline.ts, caucus/baseline.ts): a bare
// mediasoup worker pool (the same sfu/ code, codecs and transport tuning as jiefen's rooms)
// behind trivial signaling — JSON POST /rpc for the page's requests, one EventSource (/events)
// per participant for what the server pushes — and the page bundle served at `/`. Its page
// side is baseline-page.ts. What a baseline does with its rooms (one room; breakout rooms that
// participants move between) stays in the benchmark: an app with `rpc`, `attachEvents`, `close`.
//
// The harness trusts its own pages: request data is what mediasoup-client produced, not checked.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { createWorkerPool, type MediaPeer, type WorkerPool } from '../../sfu/index.ts';
import type { ConsumeResult, DtlsParameters, MediaKind, MediaSource, RtpCapabilities, RtpParameters } from '../../sfu/types.ts';
import { bundle } from './bundle.ts';

/** Server-sent events to one page; what is pushed before the page connects waits for it. */
export class PushStream<T> {
  #res: ServerResponse | null = null;
  readonly #pending: string[] = [];

  attach(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(':\n\n');
    this.#res = res;
    for (const line of this.#pending.splice(0)) res.write(line);
    res.on('close', () => {
      if (this.#res === res) this.#res = null;
    });
  }

  push(data: T): void {
    const line = `data: ${JSON.stringify(data)}\n\n`;
    if (this.#res) this.#res.write(line);
    else this.#pending.push(line);
  }

  end(): void {
    this.#res?.end();
  }
}

/** One participant's media on the server: its peer in the room it is in, and what it consumes. */
export interface MediaParticipant<Push> {
  readonly peerId: string;
  peer: MediaPeer | null;
  readonly events: PushStream<Push>;
  recvTransportId: string | null;
  rtpCapabilities: RtpCapabilities | null;
  /** producerId → consumerId */
  readonly consumers: Map<string, string>;
}

export function mediaParticipant<Push>(peerId: string): MediaParticipant<Push> {
  return { peerId, peer: null, events: new PushStream<Push>(), recvTransportId: null, rtpCapabilities: null, consumers: new Map() };
}

/** The requests a page makes once it is in a room (the same in every baseline). */
export type MediaMethod = 'createTransport' | 'connectTransport' | 'produce' | 'ready' | 'resume';

/** Handles a media request of `p` on `peer`; a new producer or a ready receiver runs `syncConsumers`. */
export async function mediaRpc<Push>(
  p: MediaParticipant<Push>,
  peer: MediaPeer,
  method: MediaMethod,
  data: Record<string, unknown>,
  syncConsumers: () => Promise<void>,
): Promise<unknown> {
  switch (method) {
    case 'createTransport': {
      const direction = data.direction === 'recv' ? 'recv' : 'send';
      const params = await peer.createTransport(direction);
      if (direction === 'recv') p.recvTransportId = params.id;
      return params;
    }
    case 'connectTransport':
      await peer.connectTransport(String(data.transportId), data.dtlsParameters as DtlsParameters);
      return {};
    case 'produce': {
      const result = await peer.produce({
        transportId: String(data.transportId),
        kind: data.kind as MediaKind,
        rtpParameters: data.rtpParameters as RtpParameters,
        source: data.source as MediaSource,
      });
      await syncConsumers();
      return result;
    }
    case 'ready':
      p.rtpCapabilities = data.rtpCapabilities as RtpCapabilities;
      await syncConsumers();
      return {};
    case 'resume':
      await peer.resumeConsumer(String(data.consumerId));
      return {};
  }
  throw new Error(`unknown method ${String(method)}`);
}

/** What a baseline decides when its participants consume each other. */
export interface ConsumerRules<P> {
  /** Whether `receiver` consumes `sender`'s producers now. */
  mayConsume(receiver: P, sender: P): boolean;
  /** Tells the receiver's page about its new consumer (on the receive transport `recvTransportId`). */
  announce(receiver: P, sender: P, consumer: ConsumeResult, recvTransportId: string): void;
  /** A consume failed: throw to fail the request that ran the sync, return to skip that producer. */
  consumeFailed(err: unknown): void;
}

/**
 * Every ready participant consumes every producer the rules allow that it does not consume
 * yet. Runs are serialised (like jiefen's): a run starts after the previous one ended.
 */
export class ConsumerSync<P extends MediaParticipant<unknown>> {
  #chain: Promise<void> = Promise.resolve();

  constructor(
    readonly participants: () => Iterable<P>,
    readonly rules: ConsumerRules<P>,
  ) {}

  run(): Promise<void> {
    const run = this.#chain.then(() => this.#consumeAll());
    this.#chain = run.catch(() => undefined); // the failure is the caller's (its request fails); the chain goes on
    return run;
  }

  async #consumeAll(): Promise<void> {
    const all = [...this.participants()];
    for (const receiver of all) {
      const rPeer = receiver.peer;
      const recvTransportId = receiver.recvTransportId;
      const rtpCapabilities = receiver.rtpCapabilities;
      if (!rPeer || !recvTransportId || !rtpCapabilities) continue;
      for (const sender of all) {
        if (sender === receiver || !sender.peer || !this.rules.mayConsume(receiver, sender)) continue;
        for (const producer of sender.peer.producers()) {
          if (receiver.consumers.has(producer.id)) continue;
          let c: ConsumeResult;
          try {
            c = await rPeer.consume({ transportId: recvTransportId, producerId: producer.id, rtpCapabilities });
          } catch (err) {
            this.rules.consumeFailed(err);
            continue;
          }
          if (receiver.peer !== rPeer) continue; // the receiver moved meanwhile
          receiver.consumers.set(producer.id, c.consumerId);
          this.rules.announce(receiver, sender, c, recvTransportId);
        }
      }
    }
  }
}

/** What a baseline serves behind /rpc and /events. */
export interface BaselineApp<Method extends string> {
  rpc(peerId: string, method: Method, data: Record<string, unknown>): Promise<unknown>;
  attachEvents(peerId: string, res: ServerResponse): void;
  close(): void | Promise<void>;
}

export interface BaselineServer<App> {
  url: string;
  app: App;
  close(): Promise<void>;
}

const pageScripts = new Map<string, Promise<string>>();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 1_000_000) req.destroy(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/**
 * Starts a worker pool (one worker, loopback), the app on it, and the HTTP server on a free
 * loopback port: `/` is a page titled `title` running the bundle of `pageSource`.
 */
export async function startBaselineServer<Method extends string, App extends BaselineApp<Method>>(options: {
  title: string;
  pageSource: string;
  /** Answer /favicon.ico with 204 (otherwise 404, like any unknown path). */
  favicon?: boolean;
  /**
   * Listen here instead of loopback on free ports (`join --link`: a namespace's address). The
   * page script is then sent compressed (brotli, else gzip: Chromium offers brotli only over
   * https), as jiefen's assets are: over a slow link an uncompressed baseline would lose on bytes,
   * not on joining.
   */
  network?: { host: string; httpPort: number; rtcPort: number; announcedAddress: string };
  createApp(pool: WorkerPool): Promise<App>;
}): Promise<BaselineServer<App>> {
  const host = options.network?.host ?? '127.0.0.1';
  let pageScript = pageScripts.get(options.pageSource);
  if (!pageScript) {
    pageScript = bundle(options.pageSource, true);
    pageScripts.set(options.pageSource, pageScript);
  }
  const script = await pageScript;
  const compressed = options.network
    ? { br: brotliCompressSync(script, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }), gzip: gzipSync(script, { level: 9 }) }
    : null;
  const html = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${options.title}</title><script src="/page.js"></script></html>`;
  let pool: WorkerPool | undefined;
  let http: Server | undefined;
  let app: App | undefined;
  try {
    pool = await createWorkerPool({
      numWorkers: 1,
      listenIp: host,
      ...(options.network ? { announcedAddress: options.network.announcedAddress } : {}),
      rtcPort: options.network?.rtcPort ?? 0,
      logLevel: 'warn',
      logger: { info: () => undefined, error: (obj, msg) => console.error(msg, obj) },
    });
    app = await options.createApp(pool);
    const a = app;
    http = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'GET' && url.pathname === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      if (options.favicon && req.method === 'GET' && url.pathname === '/favicon.ico') return void res.writeHead(204).end();
      if (req.method === 'GET' && url.pathname === '/page.js') {
        const type = { 'content-type': 'text/javascript; charset=utf-8' };
        const accepted = String(req.headers['accept-encoding'] ?? '');
        const encoding = compressed && (['br', 'gzip'] as const).find((e) => new RegExp(`\\b${e}\\b`).test(accepted));
        if (compressed && encoding)
          return void res.writeHead(200, { ...type, 'content-encoding': encoding, vary: 'accept-encoding' }).end(compressed[encoding]);
        return void res.writeHead(200, type).end(script);
      }
      if (req.method === 'GET' && url.pathname === '/events') return a.attachEvents(url.searchParams.get('peer') ?? '', res);
      if (req.method === 'POST' && url.pathname === '/rpc') {
        void readBody(req)
          .then((body) => {
            const { peerId, method, data } = JSON.parse(body) as { peerId: string; method: Method; data: Record<string, unknown> };
            return a.rpc(peerId, method, data ?? {});
          })
          .then(
            (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result })),
            (err: unknown) =>
              res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) })),
          );
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve, reject) => http!.once('error', reject).listen(options.network?.httpPort ?? 0, host, resolve));
  } catch (err) {
    await app?.close();
    pool?.close();
    http?.close();
    throw err;
  }
  const server = http;
  const startedApp = app;
  const startedPool = pool;
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    app: startedApp,
    async close() {
      await startedApp.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      startedPool.close();
    },
  };
}
