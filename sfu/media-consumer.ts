// One received track. Owned by a recv MediaTransport of the receiving peer; it
// also dies with the producer it reads from (which lives in another peer).
import type { types } from 'mediasoup';
import { SfuError } from './errors.ts';
import type { MediaProducer } from './media-producer.ts';
import { TypedEmitter } from './typed-emitter.ts';
import { CLOSE_REASONS, type CloseReason, type ConsumerInfo, type ConsumerLayers, type MediaKind, type MediaSource } from './types.ts';

/**
 * Bitrate priority among the video consumers of one receive transport (mediasoup shares the
 * transport's estimated bitrate layer by layer, higher priority first and with more steps). A
 * consumer just resumed is a newcomer: it gets its lowest layer at once but climbs only with
 * bitrate the consumers already flowing do not use, so a caucus switch never makes a stream that
 * continues drop a layer (and freeze while the lower layer's key frame comes). The room settles it
 * at its next reconciliation.
 */
export const CONSUMER_PRIORITY = { newcomer: 1, settled: 2 } as const;

/**
 * A resumed video consumer forwards nothing until its sender's next key frame. mediasoup asks for
 * one (PLI/FIR) when the consumer resumes, but a PLI is RTCP over UDP and can be lost, and mediasoup
 * sends one per stream per second at most and repeats it only if asked again meanwhile; the
 * receiving browser will not ask, since it gets no packets at all. So ask again every
 * KEY_FRAME_RETRY_MS until a key frame has gone out, for at most KEY_FRAME_WATCH_MS.
 */
export const KEY_FRAME_RETRY_MS = 250;
export const KEY_FRAME_WATCH_MS = 5_000;

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
  /** Set while a resumed video consumer waits for its first key frame (see KEY_FRAME_RETRY_MS). */
  #keyFrameWatch: { timer: NodeJS.Timeout; until: number } | null = null;
  #keyFramesOut = 0;
  #tracing = false;

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
    consumer.on('trace', (event) => {
      if (event.type === 'keyframe' && event.direction === 'out') this.#keyFrameSent();
    });
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

  /** Bitrate priority on its transport (CONSUMER_PRIORITY). */
  get priority(): number {
    return this.#consumer.priority;
  }

  /** Simulcast/SVC layers being forwarded now; null when none (paused, or waiting for a key frame). */
  get currentLayers(): ConsumerLayers | null {
    const layers = this.#consumer.currentLayers;
    return layers ? { spatialLayer: layers.spatialLayer, ...(layers.temporalLayer !== undefined ? { temporalLayer: layers.temporalLayer } : {}) } : null;
  }

  /**
   * Simulcast video forwarded below the layer it may have — the preferred one, or the sender's
   * highest live one if that is lower: the transport's bandwidth holds it back (or, for a moment
   * after a resume, a key frame is awaited). Paused video and a paused sender hold nothing back.
   */
  get heldBack(): boolean {
    if (this.#closed || this.#consumer.type !== 'simulcast' || this.paused || this.producerPaused) return false;
    const live = this.#consumer.score.producerScores.reduce((top, score, i) => (score > 0 ? i : top), -1);
    if (live < 0) return false;
    const may = Math.min(this.#consumer.preferredLayers?.spatialLayer ?? live, live);
    return (this.#consumer.currentLayers?.spatialLayer ?? -1) < may;
  }

  /** Key frames forwarded to the receiver since it was created (counted once a resume watched for one). */
  get keyFramesSent(): number {
    return this.#keyFramesOut;
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
    this.#stopKeyFrameWatch();
    await this.#ifOpen(() => this.#consumer.pause());
  }

  /**
   * Consumers start paused: the client resumes once its side exists, and the server when the
   * routing policy allows it again. Video resumes as a newcomer (CONSUMER_PRIORITY) and asks its
   * sender for a key frame at once, again until one went out (KEY_FRAME_RETRY_MS).
   */
  async resume(): Promise<void> {
    this.#assertOpen();
    if (this.kind !== 'video') {
      await this.#ifOpen(() => this.#consumer.resume());
      return;
    }
    // Counted before the resume: a key frame may go out before the resume's reply comes back.
    const sentBefore = this.#keyFramesOut;
    // One channel, processed in order: the priority and tracing apply before the resume's bitrate split.
    const steps: Promise<unknown>[] = [];
    if (this.#consumer.priority !== CONSUMER_PRIORITY.newcomer) steps.push(this.#consumer.setPriority(CONSUMER_PRIORITY.newcomer));
    if (!this.#tracing) {
      this.#tracing = true;
      steps.push(this.#consumer.enableTraceEvent(['keyframe']));
    }
    steps.push(this.#consumer.resume(), this.#consumer.requestKeyFrame());
    await this.#ifOpen(() => Promise.all(steps));
    this.#watchForKeyFrame(sentBefore);
  }

  /** Asks the sender for a key frame for this consumer (video; no-op for audio or while paused). */
  async requestKeyFrame(): Promise<void> {
    this.#assertOpen();
    if (this.kind !== 'video') return;
    await this.#ifOpen(() => this.#consumer.requestKeyFrame());
  }

  /** The room's reconciliation: a consumer that keeps flowing across a switch is no newcomer any more. */
  async settle(): Promise<void> {
    this.#assertOpen();
    if (this.kind !== 'video' || this.#consumer.priority === CONSUMER_PRIORITY.settled) return;
    await this.#ifOpen(() => this.#consumer.setPriority(CONSUMER_PRIORITY.settled));
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

  #watchForKeyFrame(sentBefore: number): void {
    this.#stopKeyFrameWatch();
    const until = Date.now() + KEY_FRAME_WATCH_MS;
    const tick = () => {
      if (this.#closed || this.paused || this.#keyFramesOut > sentBefore || Date.now() >= until) {
        this.#keyFrameWatch = null;
        return;
      }
      this.#consumer.requestKeyFrame().catch(() => {
        // The consumer closed meanwhile or its worker died (the room heals that): nothing left to ask for.
        this.#stopKeyFrameWatch();
      });
      this.#keyFrameWatch = { timer: setTimeout(tick, KEY_FRAME_RETRY_MS), until };
    };
    this.#keyFrameWatch = { timer: setTimeout(tick, KEY_FRAME_RETRY_MS), until };
  }

  #stopKeyFrameWatch(): void {
    if (!this.#keyFrameWatch) return;
    clearTimeout(this.#keyFrameWatch.timer);
    this.#keyFrameWatch = null;
  }

  #keyFrameSent(): void {
    this.#keyFramesOut++;
    if (this.#keyFrameWatch) this.#stopKeyFrameWatch();
  }

  #finish(reason: CloseReason): void {
    this.#stopKeyFrameWatch();
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
