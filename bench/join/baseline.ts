// Baseline half of the join benchmark: a bare MediaRoom (same worker pool, router codecs and
// transport tuning as jiefen's rooms) behind a trivial HTTP signaling server (../lib/baseline-server.ts),
// and a minimal mediasoup-client page (baseline.page.ts). No app shell, lobby, auth, database or socket.io.
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { MediaRoom } from '../../sfu/index.ts';
import { ConsumerSync, mediaParticipant, mediaRpc, startBaselineServer, type BaselineApp, type MediaParticipant } from '../lib/baseline-server.ts';
import { prioritiseServer } from '../lib/priority.ts';
import { assertLoopback } from '../lib/env.ts';
import type { BenchContext } from '../lib/types.ts';
import type { BaselineConsumer, BaselineMethod } from './baseline.page.ts';
import type { LinkNetwork } from './link.ts';
import { measurePages, type Measurement } from './pages.ts';
import { VIEWPORTS, type RunOptions } from './shared.ts';

const PAGE_SOURCE = fileURLToPath(new URL('./baseline.page.ts', import.meta.url));

type Participant = MediaParticipant<BaselineConsumer>;

/** Server side of the baseline: one MediaRoom, peers created on 'join', consumers pushed on 'ready'/'produce'. */
class BaselineRoom implements BaselineApp<BaselineMethod> {
  readonly #participants = new Map<string, Participant>();
  /** Every ready participant consumes every other participant's producers. */
  readonly #consumers = new ConsumerSync<Participant>(() => this.#participants.values(), {
    mayConsume: () => true,
    announce: (receiver, sender, c) =>
      receiver.events.push({
        consumerId: c.consumerId,
        producerId: c.producerId,
        peerId: sender.peerId,
        kind: c.kind,
        rtpParameters: c.rtpParameters as never,
      }),
    consumeFailed: (err) => {
      throw err; // nobody leaves this room: a failed consume fails the run
    },
  });

  constructor(readonly media: MediaRoom) {}

  #participant(peerId: string): Participant {
    let p = this.#participants.get(peerId);
    if (!p) {
      p = mediaParticipant(peerId);
      this.#participants.set(peerId, p);
    }
    return p;
  }

  attachEvents(peerId: string, res: ServerResponse): void {
    this.#participant(peerId).events.attach(res);
  }

  async rpc(peerId: string, method: BaselineMethod, data: Record<string, unknown>): Promise<unknown> {
    const p = this.#participant(peerId);
    if (method === 'join') {
      p.peer ??= this.media.addPeer(peerId);
      return { rtpCapabilities: this.media.rtpCapabilities };
    }
    const peer = p.peer;
    if (!peer) throw new Error('join first');
    return mediaRpc(p, peer, method, data, () => this.#consumers.run());
  }

  close(): void {
    for (const p of this.#participants.values()) p.events.end();
    this.media.close();
  }
}

/** One baseline run: a fresh server and room, three peers opening the page at once (with `link`: over it). */
export async function runBaseline(ctx: BenchContext, options: RunOptions, link?: LinkNetwork): Promise<Measurement> {
  const server = await startBaselineServer({
    title: 'join baseline',
    ...(link ? { network: { host: link.serverIp, httpPort: link.httpPort, rtcPort: link.rtcPort, announcedAddress: link.announcedAddress } } : {}),
    pageSource: PAGE_SOURCE,
    createApp: async (pool) => new BaselineRoom(await MediaRoom.create(pool, { roomId: 'baseline' })),
  });
  const unregister = ctx.onCleanup(() => server.close());
  prioritiseServer(options.serverNice, options.serverRt);
  try {
    if (!link) assertLoopback(server.url);
    const pageUrl = link?.publicUrl ?? server.url;
    return await measurePages(
      ctx,
      VIEWPORTS.map((viewport, i) => ({ label: `peer ${i + 1}`, url: `${pageUrl}/?peer=p${i + 1}`, viewport, ...(link ? { browser: link.browser(i) } : {}) })),
      { timeoutMs: options.pageTimeoutMs, settleMs: options.settleMs },
    );
  } finally {
    unregister();
    await server.close();
  }
}
