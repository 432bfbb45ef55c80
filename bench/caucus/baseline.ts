// Baseline half of the caucus benchmark: "reconnect-based breakout", how breakout rooms usually
// move people. Every room (the joint session, each caucus) is its own MediaRoom (router) on the
// same worker pool and settings as jiefen's; a switch moves every participant whose room changes:
// the server closes their media peer in the old room at once (their producers and every
// consumer of them stop), pushes `move` to their page, and the page closes its transports,
// joins the new router with new ones (new ICE + DTLS), re-produces and consumes what the new
// room has (baseline.page.ts). Who is in which room comes from the same routing policy as
// jiefen's (roomOf / mayReceive), so both halves make exactly the same moves.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createWorkerPool, MediaRoom, type MediaPeer, type WorkerPool } from '../../sfu/index.ts';
import type { DtlsParameters, MediaKind, MediaSource, RtpCapabilities, RtpParameters } from '../../sfu/types.ts';
import { mayReceive, roomOf, type PolicyState } from '../../signaling/rooms/routing-policy.ts';
import { assertLoopback } from '../lib/env.ts';
import type { BenchContext } from '../lib/types.ts';
import type { BreakoutMethod, BreakoutPush, MoveMarks } from './baseline.page.ts';
import { bundle, now, PageSet, VIEWPORTS } from './pages.ts';
import { policyState, type Location, type Trio } from './plan.ts';
import type { CommandResult, Half, SwitchRecord } from './switches.ts';

const PAGE_SOURCE = fileURLToPath(new URL('./baseline.page.ts', import.meta.url));
let pageScript: Promise<string> | null = null;

interface Participant {
  peerId: string;
  /** The room the policy puts them in (null until their page is ready). */
  room: string | null;
  seq: number;
  peer: MediaPeer | null;
  peerRoom: string | null;
  events: ServerResponse | null;
  pending: string[];
  recvTransportId: string | null;
  rtpCapabilities: RtpCapabilities | null;
  /** producerId → consumerId */
  consumers: Map<string, string>;
}

class BreakoutServer {
  readonly #participants = new Map<string, Participant>();
  readonly #rooms = new Map<string, Promise<MediaRoom>>();
  #state: PolicyState;
  #sync: Promise<void> = Promise.resolve();

  constructor(
    readonly pool: WorkerPool,
    initial: PolicyState,
  ) {
    this.#state = initial;
  }

  room(id: string): Promise<MediaRoom> {
    let r = this.#rooms.get(id);
    if (!r) {
      r = MediaRoom.create(this.pool, { roomId: `breakout-${id}` });
      this.#rooms.set(id, r);
    }
    return r;
  }

  participant(peerId: string): Participant {
    let p = this.#participants.get(peerId);
    if (!p) {
      p = {
        peerId,
        room: null,
        seq: 0,
        peer: null,
        peerRoom: null,
        events: null,
        pending: [],
        recvTransportId: null,
        rtpCapabilities: null,
        consumers: new Map(),
      };
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
    // First move: into the room the policy has them in now.
    if (p.room === null) this.#move(p, roomOf(this.#state, peerId));
  }

  #push(p: Participant, data: BreakoutPush): void {
    const line = `data: ${JSON.stringify(data)}\n\n`;
    if (p.events) p.events.write(line);
    else p.pending.push(line);
  }

  /** The server side of a move: media stops now, the page reconnects into `room`. */
  #move(p: Participant, room: string): void {
    p.room = room;
    p.seq++;
    this.#leaveMedia(p);
    this.#push(p, { type: 'move', room, seq: p.seq });
  }

  #leaveMedia(p: Participant): void {
    const peer = p.peer;
    p.peer = null;
    p.peerRoom = null;
    p.recvTransportId = null;
    p.rtpCapabilities = null;
    p.consumers.clear();
    peer?.close();
  }

  /** The breakout switch: everyone whose room changes moves. Synchronous on the server. */
  switchTo(state: PolicyState): void {
    this.#state = state;
    for (const p of this.#participants.values()) {
      if (p.room === null) continue;
      const target = roomOf(state, p.peerId);
      if (target !== p.room) this.#move(p, target);
    }
  }

  async rpc(peerId: string, method: BreakoutMethod, data: Record<string, unknown>): Promise<unknown> {
    const p = this.participant(peerId);
    if (method === 'hello') return { rtpCapabilities: (await this.room('joint')).rtpCapabilities };
    if (method === 'enter') {
      const target = p.room;
      if (data.seq !== p.seq || target === null || data.room !== target) throw new Error('stale move');
      this.#leaveMedia(p);
      const room = await this.room(target);
      room.removePeer(peerId);
      const peer = room.addPeer(peerId);
      p.peer = peer;
      p.peerRoom = target;
      // Consumers of this peer close when their producer does: tell their page.
      peer.on('consumerclosed', ({ consumerId, producerId }: { consumerId: string; producerId: string }) => {
        if (p.peer === peer && p.consumers.get(producerId) === consumerId) p.consumers.delete(producerId);
        if (p.peer === peer) this.#push(p, { type: 'consumerClosed', consumerId });
      });
      return {};
    }
    const peer = p.peer;
    if (!peer) throw new Error('not in a room');
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
        await peer.resumeConsumer(String(data.consumerId)).catch(() => undefined);
        return {};
    }
    throw new Error(`unknown method ${String(method)}`);
  }

  /** Everyone in a room consumes everyone else there whom the policy allows (serialised). */
  #syncConsumers(): Promise<void> {
    const run = this.#sync.then(async () => {
      const all = [...this.#participants.values()];
      for (const receiver of all) {
        const rPeer = receiver.peer;
        if (!rPeer || !receiver.recvTransportId || !receiver.rtpCapabilities) continue;
        for (const sender of all) {
          if (sender === receiver || !sender.peer || sender.peerRoom !== receiver.peerRoom || !mayReceive(this.#state, receiver.peerId, sender.peerId))
            continue;
          for (const producer of sender.peer.producers()) {
            if (receiver.consumers.has(producer.id)) continue;
            let c;
            try {
              c = await rPeer.consume({ transportId: receiver.recvTransportId, producerId: producer.id, rtpCapabilities: receiver.rtpCapabilities });
            } catch {
              continue; // the producer or the receiver went away meanwhile
            }
            if (receiver.peer !== rPeer) continue;
            receiver.consumers.set(producer.id, c.consumerId);
            this.#push(receiver, {
              type: 'consumer',
              recvTransportId: receiver.recvTransportId,
              consumerId: c.consumerId,
              producerId: c.producerId,
              peerId: sender.peerId,
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

  async close(): Promise<void> {
    for (const p of this.#participants.values()) p.events?.end();
    for (const r of this.#rooms.values()) (await r.catch(() => null))?.close();
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

interface Running {
  url: string;
  breakout: BreakoutServer;
  close(): Promise<void>;
}

async function startBreakoutServer(initial: PolicyState): Promise<Running> {
  pageScript ??= bundle(PAGE_SOURCE, true);
  const script = await pageScript;
  const html =
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>breakout baseline</title><script src="/page.js"></script></html>';
  let pool: WorkerPool | undefined;
  let http: Server | undefined;
  let breakout: BreakoutServer | undefined;
  try {
    pool = await createWorkerPool({
      numWorkers: 1,
      listenIp: '127.0.0.1',
      rtcPort: 0,
      logLevel: 'warn',
      logger: { info: () => undefined, error: (obj, msg) => console.error(msg, obj) },
    });
    breakout = new BreakoutServer(pool, initial);
    await breakout.room('joint');
    const b = breakout;
    http = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'GET' && url.pathname === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      if (req.method === 'GET' && url.pathname === '/favicon.ico') return void res.writeHead(204).end();
      if (req.method === 'GET' && url.pathname === '/page.js') return void res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
      if (req.method === 'GET' && url.pathname === '/events') return b.attachEvents(url.searchParams.get('peer') ?? '', res);
      if (req.method === 'POST' && url.pathname === '/rpc') {
        void readBody(req)
          .then((body) => {
            const { peerId, method, data } = JSON.parse(body) as { peerId: string; method: BreakoutMethod; data: Record<string, unknown> };
            return b.rpc(peerId, method, data ?? {});
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
    await breakout?.close();
    pool?.close();
    http?.close();
    throw err;
  }
  const server = http;
  const bo = breakout;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    breakout: bo,
    async close() {
      await bo.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      pool!.close();
    },
  };
}

export interface BaselineSetup {
  half: Half;
  check(): Promise<string[]>;
  close(): Promise<void>;
}

const STEP_NAMES: Array<keyof MoveMarks> = ['received', 'closed', 'entered', 'transports', 'produced', 'ready', 'firstConsumer'];

export async function setUpBaseline(ctx: BenchContext, sampleMs: number): Promise<BaselineSetup> {
  const trio: Trio = { mediator: 'mediator', a: 'partyA', b: 'partyB' };
  let running: Running | undefined;
  let pages: PageSet | undefined;
  const unregister = ctx.onCleanup(() => running?.close());
  const close = async () => {
    await pages?.close();
    unregister();
    await running?.close();
  };
  try {
    running = await startBreakoutServer(policyState('joint', trio));
    assertLoopback(running.url);
    pages = await PageSet.launch(ctx, [
      { peerId: trio.mediator, label: 'mediator', viewport: VIEWPORTS[0] },
      { peerId: trio.a, label: 'party A', viewport: VIEWPORTS[1] },
      { peerId: trio.b, label: 'party B', viewport: VIEWPORTS[2] },
    ]);
    const url = running.url;
    await Promise.all(pages.pages.map((p) => p.page.goto(`${url}/?peer=${p.spec.peerId}`)));
    await pages.startSampling(sampleMs);
    await pages.untilFlowing(1_500, 60_000);
    const ps = pages;
    const breakout = running.breakout;
    const half: Half = {
      name: 'baseline',
      trio,
      pages: ps,
      reconnects: true,
      async command(to: Location): Promise<CommandResult> {
        const t = now();
        breakout.switchTo(policyState(to, trio));
        return { breakMs: null, callMs: now() - t };
      },
      async afterSwitch(rec: SwitchRecord) {
        // The moving pages' steps of this switch (their last move), ms after the command.
        rec.steps = [];
        for (const p of ps.pages) {
          if (!rec.plan.moving.includes(p.spec.peerId)) continue;
          const moves = (await p.page.evaluate(() => (window as unknown as { __breakout: { moves: MoveMarks[] } }).__breakout.moves.slice(-1))) as MoveMarks[];
          const m = moves[0];
          if (!m || m.received < rec.cmd) continue;
          const marks: Record<string, number> = {};
          for (const k of STEP_NAMES) if (typeof m[k] === 'number') marks[k] = (m[k] as number) - rec.cmd;
          rec.steps.push({ label: p.spec.label, marks });
        }
      },
    };
    return {
      half,
      async check() {
        const problems: string[] = [];
        for (const p of ps.pages) {
          const status = (await p.page.evaluate(() => (window as unknown as { __breakout: { status: string } }).__breakout.status)) as string;
          if (status !== 'ready') problems.push(`${p.spec.label}: baseline page ${status}`);
        }
        return problems;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
