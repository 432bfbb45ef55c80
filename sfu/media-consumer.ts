// One received track. Owned by a recv MediaTransport of the receiving peer; it
// also dies with the producer it reads from (which lives in another peer).
import type { types } from 'mediasoup';
import { SfuError } from './errors.ts';
import type { MediaProducer } from './media-producer.ts';
import { TypedEmitter } from './typed-emitter.ts';
import { CLOSE_REASONS, type CloseReason, type ConsumerInfo, type ConsumerLayers, type MediaKind, type MediaSource } from './types.ts';

export type MediaConsumerEvents = {
  closed: [reason: CloseReason];
  /** The producer was paused (its peer muted, or an admin did). */
  producerpause: [];
  producerresume: [];
  /** Simulcast/SVC layers being forwarded changed; null = none (e.g. bandwidth). */
  layerschange: [layers: ConsumerLayers | null];
};

/** What the owning transport (and through it the peer) wants to hear, before public events. */
export interface ConsumerOwner {
  consumerClosed(consumer: MediaConsumer, reason: CloseReason): void;
  consumerProducerPaused(consumer: MediaConsumer, paused: boolean): void;
  consumerLayersChanged(consumer: MediaConsumer, layers: ConsumerLayers | null): void;
}

export class MediaConsumer extends TypedEmitter<MediaConsumerEvents> {
  readonly peerId: string;
  readonly transportId: string;
  readonly #consumer: types.Consumer;
  readonly #producer: MediaProducer;
  readonly #owner: ConsumerOwner;
  #closed = false;

  /** @internal Created by MediaTransport.consume(). */
  constructor(args: { consumer: types.Consumer; producer: MediaProducer; peerId: string; transportId: string; owner: ConsumerOwner }) {
    super();
    this.#consumer = args.consumer;
    this.#producer = args.producer;
    this.peerId = args.peerId;
    this.transportId = args.transportId;
    this.#owner = args.owner;
    // Listeners on the mediasoup consumer die with it: nothing to remove later.
    const consumer = args.consumer;
    consumer.on('producerclose', () => this.close(CLOSE_REASONS.producerClosed));
    consumer.on('producerpause', () => this.#producerPausedChanged(true));
    consumer.on('producerresume', () => this.#producerPausedChanged(false));
    consumer.on('layerschange', (layers) => this.#layersChanged(layers ?? null));
    args.producer.addConsumer(this);
  }

  get id(): string {
    return this.#consumer.id;
  }

  get producerId(): string {
    return this.#producer.id;
  }

  get producerPeerId(): string {
    return this.#producer.peerId;
  }

  get kind(): MediaKind {
    return this.#consumer.kind;
  }

  get source(): MediaSource {
    return this.#producer.source;
  }

  get type(): types.ConsumerType {
    return this.#consumer.type;
  }

  get rtpParameters(): types.RtpParameters {
    return this.#consumer.rtpParameters;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Paused at the receiving client's request. */
  get paused(): boolean {
    return this.#consumer.paused;
  }

  get producerPaused(): boolean {
    return this.#consumer.producerPaused;
  }

  info(): ConsumerInfo {
    return {
      id: this.id,
      transportId: this.transportId,
      producerId: this.producerId,
      producerPeerId: this.producerPeerId,
      kind: this.kind,
      source: this.source,
      paused: this.paused,
      producerPaused: this.producerPaused,
    };
  }

  async pause(): Promise<void> {
    this.#assertOpen();
    await this.#ifOpen(() => this.#consumer.pause());
  }

  /** Consumers start paused: the client resumes once its side exists (video then gets a key frame). */
  async resume(): Promise<void> {
    this.#assertOpen();
    await this.#ifOpen(() => this.#consumer.resume());
  }

  async setPreferredLayers(layers: ConsumerLayers): Promise<void> {
    this.#assertOpen();
    if (this.type !== 'simulcast' && this.type !== 'svc') {
      throw new SfuError('INVALID_STATE', `consumer ${this.id} is ${this.type}, it has no layers`);
    }
    await this.#ifOpen(() => this.#consumer.setPreferredLayers(layers));
  }

  /** Closes this consumer only. Idempotent. */
  close(reason: CloseReason = CLOSE_REASONS.closed): void {
    if (this.#closed) return;
    this.#consumer.close(); // no-op if mediasoup already closed it (producer gone)
    this.#finish(reason);
  }

  /** @internal The transport is closing and releases the server object itself. */
  parentClosed(reason: CloseReason): void {
    if (this.#closed) return;
    this.#finish(reason);
  }

  /** @internal */
  get mediasoupConsumer(): types.Consumer {
    return this.#consumer;
  }

  #finish(reason: CloseReason): void {
    this.#closed = true;
    this.#producer.removeConsumer(this);
    this.#owner.consumerClosed(this, reason);
    this.safeEmit('closed', reason);
  }

  #producerPausedChanged(paused: boolean): void {
    if (this.#closed) return;
    this.#owner.consumerProducerPaused(this, paused);
    this.safeEmit(paused ? 'producerpause' : 'producerresume');
  }

  #layersChanged(layers: types.ConsumerLayers | null): void {
    if (this.#closed) return;
    const value = layers ? { spatialLayer: layers.spatialLayer, ...(layers.temporalLayer !== undefined ? { temporalLayer: layers.temporalLayer } : {}) } : null;
    this.#owner.consumerLayersChanged(this, value);
    this.safeEmit('layerschange', value);
  }

  /** Runs a worker request; if the consumer closed meanwhile, its failure does not matter. */
  async #ifOpen(request: () => Promise<unknown>): Promise<void> {
    try {
      await request();
    } catch (error) {
      if (this.#closed) return;
      throw error;
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new SfuError('CONSUMER_NOT_FOUND', `consumer ${this.id} is closed`);
  }
}
