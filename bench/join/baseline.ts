// Baseline half of the join benchmark: a bare MediaRoom (same worker pool, router codecs and
// transport tuning as jiefen's rooms) behind a trivial HTTP signaling server, and a minimal
// mediasoup-client page (baseline.page.ts). No app shell, lobby, auth, database or socket.io.
import { build } from 'esbuild';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createWorkerPool, MediaRoom, type MediaPeer, type WorkerPool } from '../../sfu/index.ts';
import type { DtlsParameters, MediaKind, MediaSource, RtpCapabilities, RtpParameters } from '../../sfu/types.ts';
import { assertLoopback } from '../lib/env.ts';
import type { BenchContext } from '../lib/types.ts';
import type { BaselineConsumer, BaselineMethod } from './baseline.page.ts';
import { measurePages, type Measurement } from './pages.ts';
import { VIEWPORTS, type RunOptions } from './shared.ts';

const PAGE_SOURCE = fileURLToPath(new URL('./baseline.page.ts', import.meta.url));
let pageScript: Promise<string> | null = null;

function pageBundle(): Promise<string> {
  pageScript ??= build({
    entryPoints: [PAGE_SOURCE],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome110',
    minify: true,
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text);
  return pageScript;
}

interface Participant {
  peer: MediaPeer | null;
  events: ServerResponse | null;
  pending: string[];
  recvTransportId: string | null;
  rtpCapabilities: RtpCapabilities | null;
  /** producerId → consumerId */
  consumers: Map<string, string>;
}

/** Server side of the baseline: one MediaRoom, peers created on 'join', consumers pushed on 'ready'/'produce'. */
class BaselineRoom {
  readonly #participants = new Map<string, Participant>();
  #sync: Promise<void> = Promise.resolve();

  constructor(readonly media: MediaRoom) {}

  participant(peerId: string): Participant {
    let p = this.#participants.get(peerId);
    if (!p) {
      p = { peer: null, events: null, pending: [], recvTransportId: null, rtpCapabilities: null, consumers: new Map() };
      this.#participants.set(peerId, p);
    }
    return p;
  }

  attachEvents(peerId: string, res: ServerResponse): void {
    const p = this.participant(peerId);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(':\n\n');
    p.events = res;
    for (const line of p.pending.splice(0)) res.write(line);
    res.on('close', () => {
      if (p.events === res) p.events = null;
    });
  }

  #push(p: Participant, data: BaselineConsumer): void {
    const line = `data: ${JSON.stringify(data)}\n\n`;
    if (p.events) p.events.write(line);
    else p.pending.push(line);
  }

  // The page sends what mediasoup-client produced; the harness trusts its own page.
  async rpc(peerId: string, method: BaselineMethod, data: Record<string, unknown>): Promise<unknown> {
    const p = this.participant(peerId);
    if (method === 'join') {
      p.peer ??= this.media.addPeer(peerId);
      return { rtpCapabilities: this.media.rtpCapabilities };
    }
    const peer = p.peer;
    if (!peer) throw new Error('join first');
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
        await this.#syncConsumers();
        return result;
      }
      case 'ready':
        p.rtpCapabilities = data.rtpCapabilities as RtpCapabilities;
        await this.#syncConsumers();
        return {};
      case 'resume':
        await peer.resumeConsumer(String(data.consumerId));
        return {};
    }
  }

  /** Every ready participant consumes every other participant's producers (serialised, like jiefen's). */
  #syncConsumers(): Promise<void> {
    const run = this.#sync.then(async () => {
      const all = [...this.#participants.entries()];
      for (const [receiverId, receiver] of all) {
        if (!receiver.peer || !receiver.recvTransportId || !receiver.rtpCapabilities) continue;
        for (const [senderId, sender] of all) {
          if (senderId === receiverId || !sender.peer) continue;
          for (const producer of sender.peer.producers()) {
            if (receiver.consumers.has(producer.id)) continue;
            const c = await receiver.peer.consume({
              transportId: receiver.recvTransportId,
              producerId: producer.id,
              rtpCapabilities: receiver.rtpCapabilities,
            });
            receiver.consumers.set(producer.id, c.consumerId);
            this.#push(receiver, {
              consumerId: c.consumerId,
              producerId: c.producerId,
              peerId: senderId,
              kind: c.kind,
              rtpParameters: c.rtpParameters as never,
            });
          }
        }
      }
    });
    this.#sync = run.catch(() => undefined);
    return run;
  }

  close(): void {
    for (const p of this.#participants.values()) p.events?.end();
    this.media.close();
  }
}

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

interface BaselineServer {
  url: string;
  close(): Promise<void>;
}

async function startBaselineServer(): Promise<BaselineServer> {
  const script = await pageBundle();
  const html =
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>join baseline</title><script src="/page.js"></script></html>';
  let pool: WorkerPool | undefined;
  let http: Server | undefined;
  let room: BaselineRoom | undefined;
  try {
    pool = await createWorkerPool({
      numWorkers: 1,
      listenIp: '127.0.0.1',
      rtcPort: 0,
      logLevel: 'warn',
      logger: { info: () => undefined, error: (obj, msg) => console.error(msg, obj) },
    });
    room = new BaselineRoom(await MediaRoom.create(pool, { roomId: 'baseline' }));
    const r = room;
    http = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'GET' && url.pathname === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      if (req.method === 'GET' && url.pathname === '/page.js') return void res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
      if (req.method === 'GET' && url.pathname === '/events') return r.attachEvents(url.searchParams.get('peer') ?? '', res);
      if (req.method === 'POST' && url.pathname === '/rpc') {
        void readBody(req)
          .then((body) => {
            const { peerId, method, data } = JSON.parse(body) as { peerId: string; method: BaselineMethod; data: Record<string, unknown> };
            return r.rpc(peerId, method, data ?? {});
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
    await new Promise<void>((resolve, reject) => http!.once('error', reject).listen(0, '127.0.0.1', resolve));
  } catch (err) {
    room?.close();
    pool?.close();
    http?.close();
    throw err;
  }
  const server = http;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async close() {
      room!.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      pool!.close();
    },
  };
}

/** One baseline run: a fresh server and room, three peers opening the page at once. */
export async function runBaseline(ctx: BenchContext, options: RunOptions): Promise<Measurement> {
  const server = await startBaselineServer();
  const unregister = ctx.onCleanup(() => server.close());
  try {
    assertLoopback(server.url);
    return await measurePages(
      ctx,
      VIEWPORTS.map((viewport, i) => ({ label: `peer ${i + 1}`, url: `${server.url}/?peer=p${i + 1}`, viewport })),
      { timeoutMs: options.pageTimeoutMs, settleMs: options.settleMs },
    );
  } finally {
    unregister();
    await server.close();
  }
}
