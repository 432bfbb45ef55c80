// One published track. Owned by a send MediaTransport; the consumers of it live in
// other peers' recv transports, so closing a producer closes them too.
import type { types } from 'mediasoup';
import { SfuError } from './errors.ts';
import type { MediaConsumer } from './media-consumer.ts';
import { TypedEmitter } from './typed-emitter.ts';
import { CLOSE_REASONS, type CloseReason, type MediaKind, type MediaSource, type ProducerInfo } from './types.ts';

export type MediaProducerEvents = {
  closed: [reason: CloseReason];
};

/** What the owning transport wants to hear; called before the public 'closed' event. */
export interface ProducerOwner {
  producerClosed(producer: MediaProducer, reason: CloseReason): void;
}

export class MediaProducer extends TypedEmitter<MediaProducerEvents> {
  readonly peerId: string;
  readonly transportId: string;
  readonly source: MediaSource;
  readonly #producer: types.Producer;
  readonly #owner: ProducerOwner;
  readonly #consumers = new Set<MediaConsumer>();
  #pausedByPeer: boolean;
  #adminMuted = false;
  #closed = false;

  /** @internal Created by MediaTransport.produce(). */
  constructor(args: {
    producer: types.Producer;
    peerId: string;
    transportId: string;
    source: MediaSource;
    pausedByPeer: boolean;
    adminMuted: boolean;
    owner: ProducerOwner;
  }) {
    super();
    this.#producer = args.producer;
    this.peerId = args.peerId;
    this.transportId = args.transportId;
    this.source = args.source;
    this.#owner = args.owner;
    this.#pausedByPeer = args.pausedByPeer;
    this.#adminMuted = args.adminMuted;
  }

  get id(): string {
    return this.#producer.id;
  }

  get kind(): MediaKind {
    return this.#producer.kind;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Effective state: paused by the peer or muted by an admin. */
  get paused(): boolean {
    return this.#pausedByPeer || this.#adminMuted;
  }

  get pausedByPeer(): boolean {
    return this.#pausedByPeer;
  }

  get adminMuted(): boolean {
    return this.#adminMuted;
  }

  get consumerCount(): number {
    return this.#consumers.size;
  }

  info(): ProducerInfo {
    return {
      id: this.id,
      transportId: this.transportId,
      kind: this.kind,
      source: this.source,
      paused: this.paused,
      pausedByPeer: this.#pausedByPeer,
      adminMuted: this.#adminMuted,
    };
  }

  /**
   * The peer's own mute. While admin-muted a pause is recorded (it will still
   * hold after adminUnmute) but a resume is refused: returns false.
   */
  async setPausedByPeer(paused: boolean): Promise<boolean> {
    this.#assertOpen();
    if (!paused && this.#adminMuted) return false;
    this.#pausedByPeer = paused;
    await this.#applyPaused();
    return true;
  }

  /** Server-side pause the peer cannot undo. */
  async adminMute(): Promise<void> {
    this.#assertOpen();
    this.#adminMuted = true;
    await this.#applyPaused();
  }

  /** Lifts the admin mute; the producer resumes unless the peer had paused it itself. */
  async adminUnmute(): Promise<void> {
    this.#assertOpen();
    this.#adminMuted = false;
    await this.#applyPaused();
  }

  /** Closes the producer and every consumer of it. Idempotent. */
  close(reason: CloseReason = CLOSE_REASONS.closed): void {
    if (this.#closed) return;
    this.#producer.close();
    this.#finish(reason);
  }

  /** @internal The transport is closing and releases the server object itself. */
  parentClosed(reason: CloseReason): void {
    if (this.#closed) return;
    this.#finish(reason);
  }

  /** @internal */
  get mediasoupProducer(): types.Producer {
    return this.#producer;
  }

  /** @internal Bookkeeping for the cascade; called by MediaConsumer. */
  addConsumer(consumer: MediaConsumer): void {
    if (!this.#closed) this.#consumers.add(consumer);
  }

  /** @internal */
  removeConsumer(consumer: MediaConsumer): void {
    this.#consumers.delete(consumer);
  }

  #finish(reason: CloseReason): void {
    this.#closed = true;
    // The worker closes these consumers too; closing them here keeps counts exact
    // at once instead of after the worker's 'producerclose' notifications.
    const consumers = [...this.#consumers];
    this.#consumers.clear();
    for (const consumer of consumers) consumer.close(CLOSE_REASONS.producerClosed);
    this.#owner.producerClosed(this, reason);
    this.safeEmit('closed', reason);
  }

  // The channel to the worker is FIFO, so sending the request for the state we
  // want now (even if unchanged) makes the last call win under concurrency.
  async #applyPaused(): Promise<void> {
    try {
      if (this.paused) await this.#producer.pause();
      else await this.#producer.resume();
    } catch (error) {
      if (this.#closed) return; // closed meanwhile: nothing left to pause
      throw error;
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new SfuError('PRODUCER_NOT_FOUND', `producer ${this.id} is closed`);
  }
}
