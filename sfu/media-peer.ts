// One participant's media in a room: its transports and, through them, its
// producers and consumers. Every id a caller passes is looked up among this
// peer's own objects only, so a peer can never touch another peer's media.
import type { types } from 'mediasoup';
import { SfuError } from './errors.ts';
import type { MediaConsumer } from './media-consumer.ts';
import type { MediaProducer } from './media-producer.ts';
import { MediaTransport, type TransportOwner, type TransportTuning } from './media-transport.ts';
import { collectPeerStats, type PeerStats } from './stats.ts';
import { TypedEmitter } from './typed-emitter.ts';
import type { PoolRouterAppData } from './worker-pool.ts';
import {
  assertSourceKind,
  CLOSE_REASONS,
  type CloseReason,
  type ConsumeResult,
  type ConsumerInfo,
  type ConsumerLayers,
  type DtlsParameters,
  type IceParameters,
  type MediaKind,
  type PlainTransportParams,
  type MediaSource,
  type ProducerInfo,
  type RtpCapabilities,
  type RtpParameters,
  type TransportDirection,
  type TransportInfo,
  type TransportParams,
} from './types.ts';

/**
 * Events about this peer's objects, emitted only while the peer itself is open
 * (when the peer closes there is just its own 'closed'). Each fires once per object.
 */
export type MediaPeerEvents = {
  transportclosed: [event: { transportId: string; direction: TransportDirection; reason: CloseReason }];
  producerclosed: [event: { producerId: string; kind: MediaKind; source: MediaSource; reason: CloseReason }];
  /** e.g. reason 'producer-closed' when the sender stopped or left. */
  consumerclosed: [event: { consumerId: string; producerId: string; reason: CloseReason }];
  /** The consumed producer was paused at its source (its peer muted, or an admin mute). */
  consumerpaused: [event: { consumerId: string; producerId: string; paused: true }];
  consumerresumed: [event: { consumerId: string; producerId: string; paused: false }];
  consumerlayerschange: [event: { consumerId: string; layers: ConsumerLayers | null }];
  closed: [reason: CloseReason];
};

export interface PeerCounts {
  transports: number;
  producers: number;
  consumers: number;
}

/** What a peer needs from its room; narrow so the peer does not depend on MediaRoom. */
export interface PeerContext {
  /** This peer's router (a large room spans several): all its transports live there. */
  router(): Promise<types.Router<PoolRouterAppData>>;
  readonly tuning: TransportTuning;
  roomClosed(): boolean;
  /** Any live producer in the room (consumers may read other peers' producers). */
  findProducer(producerId: string): MediaProducer | undefined;
  /** Makes a producer of another router consumable on this peer's (pipes it there once). */
  reach(producer: MediaProducer): Promise<void>;
  /** A producer was created: consumable by everyone from now on. */
  producerOpened(producer: MediaProducer): void;
  producerClosed(producer: MediaProducer, reason: CloseReason): void;
  /** Adds an audio producer to the room's audio-level and active-speaker observers. */
  observeAudio(producer: MediaProducer): Promise<void>;
  peerClosed(peer: MediaPeer, reason: CloseReason): void;
}

export class MediaPeer extends TypedEmitter<MediaPeerEvents> {
  readonly id: string;
  readonly #ctx: PeerContext;
  readonly #transports = new Map<string, MediaTransport>();
  /** Sources with a produce() in flight: one live producer per source and peer. */
  readonly #pendingSources = new Set<MediaSource>();
  /** Admin mutes hold per source, so closing and re-publishing does not escape them. */
  readonly #adminMutedSources = new Set<MediaSource>();
  #closed = false;

  /** @internal Created by MediaRoom.addPeer(). */
  constructor(id: string, ctx: PeerContext) {
    super();
    this.id = id;
    this.#ctx = ctx;
  }

  get closed(): boolean {
    return this.#closed;
  }

  // ── transports ──────────────────────────────────────────────────────────────

  async createTransport(direction: TransportDirection): Promise<TransportParams> {
    const { tuning } = this.#ctx;
    const transport = await this.#addTransport(direction, (router) =>
      MediaTransport.create({ router, webRtcServer: router.appData.webRtcServer, tuning, direction, peerId: this.id, owner: this.#owner }),
    );
    return transport.params();
  }

  /** A plain RTP transport instead (load testing only; the signaling layer decides who may). */
  async createPlainTransport(direction: TransportDirection): Promise<PlainTransportParams> {
    const transport = await this.#addTransport(direction, (router) =>
      MediaTransport.createPlain({ router, listenIp: router.appData.listenIp, direction, peerId: this.id, owner: this.#owner }),
    );
    return transport.plainParams();
  }

  async #addTransport(direction: TransportDirection, create: (router: types.Router<PoolRouterAppData>) => Promise<MediaTransport>): Promise<MediaTransport> {
    this.#assertOpen();
    if (direction !== 'send' && direction !== 'recv') throw new TypeError(`direction must be 'send' or 'recv', got ${String(direction)}`);
    let transport: MediaTransport;
    try {
      transport = await create(await this.#ctx.router());
    } catch (error) {
      this.#assertOpen(); // a closed room explains the failure better
      throw error;
    }
    if (this.#closed) {
      transport.close(this.#ctx.roomClosed() ? 'room-closed' : 'peer-closed'); // released, never seen by anyone
      this.#assertOpen();
    }
    this.#transports.set(transport.id, transport);
    return transport;
  }

  async connectTransport(transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    await this.#guard(() => this.#transport(transportId).connect(dtlsParameters));
  }

  /** Where a plain recv transport sends its RTP. */
  async connectPlainTransport(transportId: string, remote: { ip: string; port: number }): Promise<void> {
    await this.#guard(() => this.#transport(transportId).connectPlain(remote));
  }

  /** New ICE credentials after a network change; the client calls transport.restartIce() with them. */
  async restartIce(transportId: string): Promise<IceParameters> {
    return this.#guard(() => this.#transport(transportId).restartIce());
  }

  /** Closes the transport and everything on it. */
  closeTransport(transportId: string, reason: CloseReason = CLOSE_REASONS.closed): void {
    this.#transport(transportId).close(reason);
  }

  // ── producers ───────────────────────────────────────────────────────────────

  /**
   * Publishes a track. Audio is added to the room's audio-level and active-speaker
   * observers before this resolves. One live producer per source.
   */
  async produce(args: {
    transportId: string;
    kind: MediaKind;
    rtpParameters: RtpParameters;
    source: MediaSource;
    /** Start muted by the peer. */
    paused?: boolean;
  }): Promise<{ producerId: string }> {
    this.#assertOpen();
    const transport = this.#transport(args.transportId);
    const { source } = args;
    assertSourceKind(source, args.kind);
    if (this.#pendingSources.has(source) || this.#allProducers().some((p) => p.source === source)) {
      throw new SfuError('INVALID_STATE', `peer ${this.id} already publishes a ${source}`);
    }
    this.#pendingSources.add(source);
    let producer: MediaProducer;
    try {
      producer = await this.#guard(() =>
        transport.produce({
          kind: args.kind,
          rtpParameters: args.rtpParameters,
          source,
          paused: args.paused ?? false,
          adminMuted: this.#adminMutedSources.has(source),
        }),
      );
    } finally {
      this.#pendingSources.delete(source);
    }
    // An admin mute that landed while the worker was creating the producer.
    if (this.#adminMutedSources.has(source) && !producer.adminMuted) await this.#guard(() => producer.adminMute());
    if (producer.kind === 'audio') await this.#guard(() => this.#ctx.observeAudio(producer));
    return { producerId: producer.id };
  }

  closeProducer(producerId: string, reason: CloseReason = CLOSE_REASONS.closed): void {
    this.#producer(producerId).close(reason);
  }

  /** The peer's own mute. Returns false (and changes nothing) for a resume while admin-muted. */
  async setProducerPausedByPeer(producerId: string, paused: boolean): Promise<boolean> {
    return this.#guard(() => this.#producer(producerId).setPausedByPeer(paused));
  }

  /** Server-side pause the peer cannot undo; also applies to later producers of the same source. */
  async adminMute(producerId: string): Promise<void> {
    const producer = this.#producer(producerId);
    this.#adminMutedSources.add(producer.source);
    await this.#guard(() => producer.adminMute());
  }

  /** Sources the mediator muted (sticky: later producers of them start muted). */
  adminMutedSources(): MediaSource[] {
    return [...this.#adminMutedSources];
  }

  /** Restores sticky mutes before anything is produced (room recreated on another node). */
  presetAdminMute(sources: MediaSource[]): void {
    for (const source of sources) this.#adminMutedSources.add(source);
  }

  async adminUnmute(producerId: string): Promise<void> {
    const producer = this.#producer(producerId);
    this.#adminMutedSources.delete(producer.source);
    await this.#guard(() => producer.adminUnmute());
  }

  // ── consumers ───────────────────────────────────────────────────────────────

  /** Receives any live producer of the room on this peer's recv transport. Starts paused. */
  async consume(args: { transportId: string; producerId: string; rtpCapabilities: RtpCapabilities }): Promise<ConsumeResult> {
    this.#assertOpen();
    const transport = this.#transport(args.transportId);
    const producer = this.#ctx.findProducer(args.producerId);
    if (!producer) throw new SfuError('PRODUCER_NOT_FOUND', `no producer ${args.producerId} in this room`);
    await this.#guard(() => this.#ctx.reach(producer));
    const consumer = await this.#guard(() => transport.consume({ producer, rtpCapabilities: args.rtpCapabilities }));
    return {
      consumerId: consumer.id,
      producerId: producer.id,
      producerPeerId: producer.peerId,
      kind: consumer.kind,
      source: consumer.source,
      type: consumer.type,
      rtpParameters: consumer.rtpParameters,
      producerPaused: consumer.producerPaused,
    };
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    await this.#guard(() => this.#consumer(consumerId).resume());
  }

  /** Asks the consumer's sender for a key frame (video only). */
  async requestKeyFrame(consumerId: string): Promise<void> {
    await this.#guard(() => this.#consumer(consumerId).requestKeyFrame());
  }

  /** A consumer that keeps flowing across a switch: settled bitrate priority (CONSUMER_PRIORITY). */
  async settleConsumer(consumerId: string): Promise<void> {
    await this.#guard(() => this.#consumer(consumerId).settle());
  }

  async pauseConsumer(consumerId: string): Promise<void> {
    await this.#guard(() => this.#consumer(consumerId).pause());
  }

  /** For simulcast/SVC consumers: the layers to forward when bandwidth allows. */
  async setPreferredLayers(consumerId: string, layers: ConsumerLayers): Promise<void> {
    await this.#guard(() => this.#consumer(consumerId).setPreferredLayers(layers));
  }

  closeConsumer(consumerId: string, reason: CloseReason = CLOSE_REASONS.closed): void {
    this.#consumer(consumerId).close(reason);
  }

  // ── views ───────────────────────────────────────────────────────────────────

  transports(): TransportInfo[] {
    return [...this.#transports.values()].map((t) => t.info());
  }

  producers(): ProducerInfo[] {
    return this.#allProducers().map((p) => p.info());
  }

  consumers(): ConsumerInfo[] {
    return this.#allConsumers().map((c) => c.info());
  }

  /** Live objects of this peer only (undefined for another peer's id). */
  getTransport(transportId: string): MediaTransport | undefined {
    return this.#transports.get(transportId);
  }

  getProducer(producerId: string): MediaProducer | undefined {
    for (const t of this.#transports.values()) {
      const producer = t.getProducer(producerId);
      if (producer) return producer;
    }
    return undefined;
  }

  getConsumer(consumerId: string): MediaConsumer | undefined {
    for (const t of this.#transports.values()) {
      const consumer = t.getConsumer(consumerId);
      if (consumer) return consumer;
    }
    return undefined;
  }

  counts(): PeerCounts {
    let producers = 0;
    let consumers = 0;
    for (const t of this.#transports.values()) {
      producers += t.producerCount;
      consumers += t.consumerCount;
    }
    return { transports: this.#transports.size, producers, consumers };
  }

  stats(): Promise<PeerStats> {
    return collectPeerStats(this.id, [...this.#transports.values()]);
  }

  /**
   * The media server's estimate of the bandwidth towards this peer on one of its transports
   * (bps; transport-cc), or null when unknown (no such transport, plain RTP, closed meanwhile).
   */
  async downlinkEstimate(transportId: string): Promise<number | null> {
    const transport = this.#transports.get(transportId);
    if (!transport) return null;
    try {
      const [own] = await transport.mediasoupTransport.getStats();
      const bps = own && 'availableOutgoingBitrate' in own ? own.availableOutgoingBitrate : undefined;
      return typeof bps === 'number' && bps > 0 ? bps : null;
    } catch {
      return null; // closed while the worker answered
    }
  }

  // ── closing ─────────────────────────────────────────────────────────────────

  /** Closes every transport (so every producer, consumer, and consumer of our producers elsewhere). Idempotent. */
  close(reason: CloseReason = CLOSE_REASONS.closed): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of [...this.#transports.values()]) transport.close(reason);
    this.#finish(reason);
  }

  /** @internal The room is closing; its router releases the server objects. */
  parentClosed(reason: CloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of [...this.#transports.values()]) transport.parentClosed(reason);
    this.#finish(reason);
  }

  #finish(reason: CloseReason): void {
    this.#transports.clear();
    this.#ctx.peerClosed(this, reason);
    this.safeEmit('closed', reason);
  }

  // ── helpers ─────────────────────────────────────────────────────────────────

  // Children report here (through their transport) before their own 'closed'.
  readonly #owner: TransportOwner = {
    transportClosed: (transport, reason) => {
      this.#transports.delete(transport.id);
      if (!this.#closed) this.safeEmit('transportclosed', { transportId: transport.id, direction: transport.direction, reason });
    },
    producerOpened: (producer) => this.#ctx.producerOpened(producer),
    producerClosed: (producer, reason) => {
      this.#ctx.producerClosed(producer, reason);
      if (!this.#closed) this.safeEmit('producerclosed', { producerId: producer.id, kind: producer.kind, source: producer.source, reason });
    },
    consumerOpened: () => undefined,
    consumerClosed: (consumer, reason) => {
      if (!this.#closed) this.safeEmit('consumerclosed', { consumerId: consumer.id, producerId: consumer.producerId, reason });
    },
    consumerProducerPaused: (consumer, paused) => {
      if (this.#closed) return;
      const event = { consumerId: consumer.id, producerId: consumer.producerId };
      if (paused) this.safeEmit('consumerpaused', { ...event, paused: true });
      else this.safeEmit('consumerresumed', { ...event, paused: false });
    },
    consumerLayersChanged: (consumer, layers) => {
      if (!this.#closed) this.safeEmit('consumerlayerschange', { consumerId: consumer.id, layers });
    },
  };

  #allProducers(): MediaProducer[] {
    return [...this.#transports.values()].flatMap((t) => t.producers());
  }

  #allConsumers(): MediaConsumer[] {
    return [...this.#transports.values()].flatMap((t) => t.consumers());
  }

  #transport(transportId: string): MediaTransport {
    this.#assertOpen();
    const transport = this.#transports.get(transportId);
    if (!transport) throw new SfuError('TRANSPORT_NOT_FOUND', `peer ${this.id} has no transport ${transportId}`);
    return transport;
  }

  #producer(producerId: string): MediaProducer {
    this.#assertOpen();
    const producer = this.getProducer(producerId);
    if (!producer) throw new SfuError('PRODUCER_NOT_FOUND', `peer ${this.id} has no producer ${producerId}`);
    return producer;
  }

  #consumer(consumerId: string): MediaConsumer {
    this.#assertOpen();
    const consumer = this.getConsumer(consumerId);
    if (!consumer) throw new SfuError('CONSUMER_NOT_FOUND', `peer ${this.id} has no consumer ${consumerId}`);
    return consumer;
  }

  /**
   * Runs an async step; if it fails because the peer or room closed meanwhile,
   * report that (ROOM_CLOSED / PEER_CLOSED) instead of the symptom.
   */
  async #guard<T>(step: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await step();
    } catch (error) {
      this.#assertOpen();
      throw error;
    }
    this.#assertOpen();
    return result;
  }

  #assertOpen(): void {
    if (this.#ctx.roomClosed()) throw new SfuError('ROOM_CLOSED', `room of peer ${this.id} is closed`);
    if (this.#closed) throw new SfuError('PEER_CLOSED', `peer ${this.id} has left`);
  }
}
