// Simulcast layers chosen per receiver: each member's video consumers are capped at the layer its
// own downlink carries — the media server's bandwidth estimate of the member's receive transport —
// and never set above what the member's client asked for (tile size, its link policy). mediasoup
// already drops layers under congestion by itself; the cap keeps a receiver on a weak link from
// probing back up to the high layer again and again, and makes its new consumers start low.
// A low estimate lowers the cap only while it is what holds the member's video back (the server
// forwards a consumer below the layer it may have, two rounds in a row): an estimate that limits
// nothing is application-limited — it sinks while little is sent (a caucus pauses half of what a
// member receives; a busy device delays its feedback at start-up) and says nothing of the link.
// A high estimate always lifts it (mediasoup probes up to what the senders send, capped or not).
// Only ever `setPreferredLayers`: it never resumes or creates a consumer, so what a member
// receives at all stays media sync's (and the routing policy's) decision.
import type { BackgroundTasks } from './background-tasks.ts';
import type { Member } from './member.ts';

export const RECEIVER_LAYER_POLICY = {
  /** A receiver on the low layer goes up from this estimate… */
  highAtBps: 800_000,
  /** …and one on the high layer comes down below this one (hysteresis). */
  lowBelowBps: 450_000,
  intervalMs: 2_000,
  /** Stands for "as high as the sender has" (mediasoup takes the best available at or below). */
  highest: 2,
} as const;

export type DownlinkLayer = 0 | 1;

/**
 * The layer a downlink of `bps` carries, from the current one (unknown estimate: no change). A low
 * estimate counts only when it is `binding` — what holds the member's video back.
 */
export function layerForDownlink(current: DownlinkLayer, bps: number | null, binding: boolean): DownlinkLayer {
  if (bps === null) return current;
  if (current === 1) return bps < RECEIVER_LAYER_POLICY.lowBelowBps && binding ? 0 : 1;
  return bps >= RECEIVER_LAYER_POLICY.highAtBps ? 1 : 0;
}

/** The spatial layer to ask of the media server: the client's wish, capped by the downlink. */
export function preferredLayer(asked: number | undefined, downlink: DownlinkLayer): number {
  const wish = asked ?? RECEIVER_LAYER_POLICY.highest;
  return downlink === 0 ? 0 : wish;
}

export interface ReceiverLayersPort {
  members(): Member[];
  closed(): boolean;
}

export class ReceiverLayers {
  readonly #port: ReceiverLayersPort;
  readonly #tasks: BackgroundTasks;
  /** peerId → the layer its downlink carries. */
  readonly #downlink = new Map<string, DownlinkLayer>();
  /** Members whose video the server held back in the last round. */
  readonly #heldBack = new Set<string>();
  /** consumerId → the layer its client asked for / the layer last set on the media server. */
  readonly #asked = new Map<string, number>();
  readonly #applied = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;

  constructor(port: ReceiverLayersPort, tasks: BackgroundTasks) {
    this.#port = port;
    this.#tasks = tasks;
  }

  start(intervalMs: number = RECEIVER_LAYER_POLICY.intervalMs): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#tasks.run('choose receivers’ simulcast layers', () => this.tick()), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** The member's client asked for a layer on one of its consumers. */
  async ask(m: Member, consumerId: string, spatialLayer: number): Promise<void> {
    this.#asked.set(consumerId, spatialLayer);
    await this.#apply(m, consumerId, true);
  }

  /** The layer the member's downlink carries now (tests and diagnostics). */
  downlinkLayer(peerId: string): DownlinkLayer {
    return this.#downlink.get(peerId) ?? 1;
  }

  /** One round: every member's estimate read, and its video consumers capped accordingly. */
  async tick(): Promise<void> {
    if (this.#port.closed()) return;
    const live = new Set<string>();
    for (const m of this.#port.members()) {
      if (!m.media || !m.recvTransportId) continue;
      const media = m.media;
      const bps = await media.downlinkEstimate(m.recvTransportId);
      const video = media.consumers().filter((c) => c.kind === 'video');
      const heldBack = video.some((c) => media.getConsumer(c.id)?.heldBack === true);
      const binding = heldBack && this.#heldBack.has(m.peerId);
      if (heldBack) this.#heldBack.add(m.peerId);
      else this.#heldBack.delete(m.peerId);
      this.#downlink.set(m.peerId, layerForDownlink(this.downlinkLayer(m.peerId), bps, binding));
      for (const c of video) {
        live.add(c.id);
        await this.#apply(m, c.id, false);
      }
    }
    for (const map of [this.#asked, this.#applied]) for (const id of map.keys()) if (!live.has(id)) map.delete(id);
    const present = new Set(this.#port.members().map((m) => m.peerId));
    for (const peerId of this.#downlink.keys()) if (!present.has(peerId)) this.#downlink.delete(peerId);
    for (const peerId of this.#heldBack) if (!present.has(peerId)) this.#heldBack.delete(peerId);
  }

  /** `strict`: the client's own request, whose failure (not its consumer, not simulcast) it hears about. */
  async #apply(m: Member, consumerId: string, strict: boolean): Promise<void> {
    const media = m.media;
    if (!media) return;
    const target = preferredLayer(this.#asked.get(consumerId), this.downlinkLayer(m.peerId));
    const consumer = media.getConsumer(consumerId);
    if (!strict) {
      if ((this.#applied.get(consumerId) ?? RECEIVER_LAYER_POLICY.highest) === target) return;
      if (!consumer || (consumer.type !== 'simulcast' && consumer.type !== 'svc')) return;
    }
    await media.setPreferredLayers(consumerId, { spatialLayer: target });
    this.#applied.set(consumerId, target);
  }
}
