// Baseline half of the caucus benchmark: "reconnect-based breakout", how breakout rooms usually
// move people. Every room (the joint session, each caucus) is its own MediaRoom (router) on the
// same worker pool and settings as jiefen's; a switch moves every participant whose room changes:
// the server closes their media peer in the old room at once (their producers and every
// consumer of them stop), pushes `move` to their page, and the page closes its transports,
// joins the new router with new ones (new ICE + DTLS), re-produces and consumes what the new
// room has (baseline.page.ts). Who is in which room comes from the same routing policy as
// jiefen's (roomOf / mayReceive), so both halves make exactly the same moves. The HTTP signaling,
// worker pool and media requests are ../lib/baseline-server.ts, shared with the join baseline.
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { MediaRoom, type WorkerPool } from '../../sfu/index.ts';
import { mayReceive, roomOf, type PolicyState } from '../../signaling/rooms/routing-policy.ts';
import {
  ConsumerSync,
  mediaParticipant,
  mediaRpc,
  startBaselineServer,
  type BaselineApp,
  type BaselineServer,
  type MediaParticipant,
} from '../lib/baseline-server.ts';
import { assertLoopback } from '../lib/env.ts';
import type { BenchContext } from '../lib/types.ts';
import type { BreakoutMethod, BreakoutPush, MoveMarks } from './baseline.page.ts';
import { now, PageSet, VIEWPORTS } from './pages.ts';
import { policyState, type Location, type Trio } from './plan.ts';
import type { CommandResult, Half, SwitchRecord } from './switches.ts';

const PAGE_SOURCE = fileURLToPath(new URL('./baseline.page.ts', import.meta.url));

interface Participant extends MediaParticipant<BreakoutPush> {
  /** The room the policy puts them in (null until their page is ready). */
  room: string | null;
  seq: number;
  /** The room their media peer is in. */
  peerRoom: string | null;
}

class BreakoutServer implements BaselineApp<BreakoutMethod> {
  readonly #participants = new Map<string, Participant>();
  readonly #rooms = new Map<string, Promise<MediaRoom>>();
  #state: PolicyState;
  /** Everyone in a room consumes everyone else there whom the policy allows. */
  readonly #consumers = new ConsumerSync<Participant>(() => this.#participants.values(), {
    mayConsume: (receiver, sender) => sender.peerRoom === receiver.peerRoom && mayReceive(this.#state, receiver.peerId, sender.peerId),
    announce: (receiver, sender, c, recvTransportId) =>
      receiver.events.push({
        type: 'consumer',
        recvTransportId,
        consumerId: c.consumerId,
        producerId: c.producerId,
        peerId: sender.peerId,
        kind: c.kind,
        rtpParameters: c.rtpParameters as never,
      }),
    consumeFailed: () => undefined, // the producer or the receiver went away meanwhile
  });

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

  #participant(peerId: string): Participant {
    let p = this.#participants.get(peerId);
    if (!p) {
      p = { ...mediaParticipant<BreakoutPush>(peerId), room: null, seq: 0, peerRoom: null };
      this.#participants.set(peerId, p);
    }
    return p;
  }

  attachEvents(peerId: string, res: ServerResponse): void {
    const p = this.#participant(peerId);
    p.events.attach(res);
    // First move: into the room the policy has them in now.
    if (p.room === null) this.#move(p, roomOf(this.#state, peerId));
  }

  /** The server side of a move: media stops now, the page reconnects into `room`. */
  #move(p: Participant, room: string): void {
    p.room = room;
    p.seq++;
    this.#leaveMedia(p);
    p.events.push({ type: 'move', room, seq: p.seq });
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
    const p = this.#participant(peerId);
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
        if (p.peer === peer) p.events.push({ type: 'consumerClosed', consumerId });
      });
      return {};
    }
    const peer = p.peer;
    if (!peer) throw new Error('not in a room');
    if (method === 'resume') {
      // The consumer may have closed since it was announced (its producer moved away): nothing to resume.
      await peer.resumeConsumer(String(data.consumerId)).catch(() => undefined);
      return {};
    }
    return mediaRpc(p, peer, method, data, () => this.#consumers.run());
  }

  async close(): Promise<void> {
    for (const p of this.#participants.values()) p.events.end();
    for (const r of this.#rooms.values()) (await r.catch(() => null))?.close();
  }
}

export interface BaselineSetup {
  half: Half;
  check(): Promise<string[]>;
  close(): Promise<void>;
}

const STEP_NAMES: Array<keyof MoveMarks> = ['received', 'closed', 'entered', 'transports', 'produced', 'ready', 'firstConsumer'];

export async function setUpBaseline(ctx: BenchContext, sampleMs: number): Promise<BaselineSetup> {
  const trio: Trio = { mediator: 'mediator', a: 'partyA', b: 'partyB' };
  let running: BaselineServer<BreakoutServer> | undefined;
  let pages: PageSet | undefined;
  const unregister = ctx.onCleanup(() => running?.close());
  const close = async () => {
    await pages?.close();
    unregister();
    await running?.close();
  };
  try {
    running = await startBaselineServer({
      title: 'breakout baseline',
      pageSource: PAGE_SOURCE,
      favicon: true,
      createApp: async (pool) => {
        const breakout = new BreakoutServer(pool, policyState('joint', trio));
        await breakout.room('joint');
        return breakout;
      },
    });
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
    const breakout = running.app;
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
