// What I receive: the consumers the server creates for me (`media:newConsumer`) on the receive
// transport, their tracks in `state.remote`, the simulcast layer I prefer, and their inbound
// statistics for tests. Owned by the media session, which hands over the receive transport.
import type { types as ms } from 'mediasoup-client';
import { parseConsumerRtpParameters } from './media-params.ts';
import type { ConsumerParams, EventAck, MediaSource, RoomRequest } from './protocol.ts';
import type { Kind, RemoteMedia, RoomStore } from './room-store.ts';

type ConsumerData = { peerId: string; source: MediaSource };

export interface InboundStat {
  peerId: string;
  kind: Kind;
  consumerId: string;
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
  /** Audio: samples played out and those made up by concealment (lost or late packets). */
  totalSamplesReceived: number;
  concealedSamples: number;
}

export class MediaConsumers {
  readonly #store: RoomStore;
  readonly #request: RoomRequest;
  readonly #consumers = new Map<string, ms.Consumer<ConsumerData>>();
  /** What the tile size asks for, and the most the link policy allows (link-policy.ts). */
  #tileLayer: 0 | 1 = 1;
  #linkLayer: 0 | 1 = 1;
  /** The layer last asked of the server (what new consumers get too). */
  #preferredLayer: 0 | 1 = 1;

  constructor(store: RoomStore, request: RoomRequest) {
    this.#store = store;
    this.#request = request;
  }

  /**
   * Takes a server-created consumer on `recv` (the current receive transport, if any) and acks
   * the server, which resumes it then. `current` tells whether `recv` is still the one in use.
   */
  async add(p: ConsumerParams, ack: EventAck | undefined, recv: ms.Transport | null, current: (t: ms.Transport) => boolean): Promise<void> {
    const reply: EventAck = (r) => ack?.(r);
    if (!recv || recv.closed) return reply({ ok: false, code: 'TRANSPORT_NOT_FOUND', message: 'no receive transport' });
    let rtpParameters: ms.RtpParameters;
    try {
      rtpParameters = parseConsumerRtpParameters(p.rtpParameters);
    } catch {
      return reply({ ok: false, code: 'VALIDATION', message: 'invalid consumer RTP parameters' });
    }
    let consumer: ms.Consumer<ConsumerData>;
    try {
      consumer = await recv.consume<ConsumerData>({
        id: p.consumerId,
        producerId: p.producerId,
        kind: p.kind,
        rtpParameters,
        appData: { peerId: p.peerId, source: p.source },
      });
    } catch (err) {
      console.warn('[room] consume failed', err);
      return reply({ ok: false, code: 'CANNOT_CONSUME', message: String(err) });
    }
    if (!current(recv) || recv.closed) {
      consumer.close();
      return reply({ ok: false, code: 'TRANSPORT_NOT_FOUND', message: 'receive transport replaced' });
    }
    this.#consumers.set(consumer.id, consumer);
    const drop = () => this.close(consumer.id);
    consumer.on('transportclose', drop);
    consumer.on('trackended', drop);
    const entry: RemoteMedia = {
      consumerId: consumer.id,
      producerId: p.producerId,
      peerId: p.peerId,
      kind: p.kind,
      source: p.source,
      track: consumer.track,
      paused: p.producerPaused,
    };
    const { remote } = this.#store.state;
    this.#store.patch({ remote: [...remote.filter((r) => r.consumerId !== consumer.id), entry] });
    reply({ ok: true });
    if (p.kind === 'video' && this.#preferredLayer !== 1) this.#askLayer(consumer.id, this.#preferredLayer);
  }

  close(consumerId: string): void {
    const c = this.#consumers.get(consumerId);
    this.#consumers.delete(consumerId);
    if (c && !c.closed) c.close();
    const { remote } = this.#store.state;
    if (remote.some((r) => r.consumerId === consumerId)) this.#store.patch({ remote: remote.filter((r) => r.consumerId !== consumerId) });
  }

  closeAll(): void {
    for (const c of this.#consumers.values()) if (!c.closed) c.close();
    this.#consumers.clear();
    if (this.#store.state.remote.length) this.#store.patch({ remote: [] });
  }

  /** The sender paused or resumed it (self-mute, camera off, mediator mute). */
  setPaused(consumerId: string, paused: boolean): void {
    this.#store.patch({ remote: this.#store.state.remote.map((r) => (r.consumerId === consumerId ? { ...r, paused } : r)) });
  }

  /** 0 = low simulcast layer (small tiles), 1 = high. `online`: whether to tell the server now. */
  setPreferredLayer(layer: 0 | 1, online: boolean): void {
    this.#tileLayer = layer;
    this.#applyLayer(online);
  }

  /** The most the link allows (a fair link: the low layer whatever the tile size). */
  setLinkLayer(layer: 0 | 1, online: boolean): void {
    this.#linkLayer = layer;
    this.#applyLayer(online);
  }

  #applyLayer(online: boolean): void {
    const layer = Math.min(this.#tileLayer, this.#linkLayer) as 0 | 1;
    if (layer === this.#preferredLayer) return;
    this.#preferredLayer = layer;
    if (!online) return;
    for (const c of this.#consumers.values()) if (c.kind === 'video' && !c.closed) this.#askLayer(c.id, layer);
  }

  #askLayer(consumerId: string, spatialLayer: 0 | 1): void {
    this.#request('media:setPreferredLayers', { consumerId, spatialLayer }).catch((err: unknown) => console.warn('[room] preferred layer not set', err));
  }

  async inboundStats(): Promise<InboundStat[]> {
    const out: InboundStat[] = [];
    for (const c of [...this.#consumers.values()]) {
      if (c.closed) continue;
      let report: RTCStatsReport;
      try {
        report = await c.getStats();
      } catch {
        continue;
      }
      let inbound: Record<string, unknown> | undefined;
      report.forEach((s: Record<string, unknown>) => {
        if (!inbound && s.type === 'inbound-rtp') inbound = s;
      });
      const n = (v: unknown) => (typeof v === 'number' ? v : 0);
      out.push({
        peerId: c.appData.peerId,
        kind: c.kind,
        consumerId: c.id,
        framesDecoded: n(inbound?.framesDecoded),
        packetsReceived: n(inbound?.packetsReceived),
        bytesReceived: n(inbound?.bytesReceived),
        totalSamplesReceived: n(inbound?.totalSamplesReceived),
        concealedSamples: n(inbound?.concealedSamples),
      });
    }
    return out;
  }
}
