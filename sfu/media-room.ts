// The media plane of one live case room: one mediasoup Router (on the pool's
// least-loaded worker) plus the room's audio observers, and the peers in it.
import type { types } from 'mediasoup';
import { SfuError } from './errors.ts';
import { MediaPeer, type PeerContext, type PeerCounts } from './media-peer.ts';
import type { MediaProducer } from './media-producer.ts';
import type { TransportTuning } from './media-transport.ts';
import type { RoomStats } from './stats.ts';
import { TypedEmitter } from './typed-emitter.ts';
import type { PoolRouterAppData, WorkerPool } from './worker-pool.ts';
import { CLOSE_REASONS, type CloseReason, type PeerVolume, type RtpCapabilities } from './types.ts';

export type MediaRoomEvents = {
  /** The dominant speaker changed; null when their microphone went away. */
  activespeaker: [peerId: string | null];
  /** Loudest microphones, loudest first, every `audioLevel.interval` ms; [] = silence. */
  volumes: [volumes: PeerVolume[]];
  closed: [reason: CloseReason];
};

export interface MediaRoomOptions {
  roomId: string;
  transport?: Partial<TransportTuning>;
  audioLevel?: {
    /** dBov below which a microphone counts as silent. Default -70. */
    threshold?: number;
    /** ms between 'volumes' events. Default 800. */
    interval?: number;
    /** Most entries per 'volumes' event. Default 16 (everyone in a mediation). */
    maxEntries?: number;
  };
  /** ms between dominant-speaker checks. Default 300. */
  activeSpeakerInterval?: number;
}

export interface RoomCounts extends PeerCounts {
  peers: number;
}

// Mediation is mostly talking heads: start modest (mobile networks) and cap what
// one client may push so a bad encoder cannot starve the others on a 2-core box.
const DEFAULT_TUNING: TransportTuning = {
  initialAvailableOutgoingBitrate: 800_000,
  maxIncomingBitrate: 2_500_000,
};

type Router = types.Router<PoolRouterAppData>;

export class MediaRoom extends TypedEmitter<MediaRoomEvents> {
  readonly id: string;
  readonly #router: Router;
  readonly #audioLevel: types.AudioLevelObserver;
  readonly #activeSpeaker: types.ActiveSpeakerObserver;
  readonly #tuning: TransportTuning;
  readonly #peers = new Map<string, MediaPeer>();
  /** Every live producer of every peer, for cross-peer consume and observer events. */
  readonly #producers = new Map<string, MediaProducer>();
  readonly #peerContext: PeerContext;
  #speaker: MediaProducer | null = null;
  #closed = false;

  static async create(pool: WorkerPool, options: MediaRoomOptions): Promise<MediaRoom> {
    const router = await pool.createRouter();
    try {
      const { audioLevel = {} } = options;
      const audioLevelObserver = await router.createAudioLevelObserver({
        threshold: audioLevel.threshold ?? -70,
        interval: audioLevel.interval ?? 800,
        maxEntries: audioLevel.maxEntries ?? 16,
      });
      const activeSpeakerObserver = await router.createActiveSpeakerObserver({ interval: options.activeSpeakerInterval ?? 300 });
      return new MediaRoom(options, router, audioLevelObserver, activeSpeakerObserver);
    } catch (error) {
      router.close();
      throw error;
    }
  }

  private constructor(options: MediaRoomOptions, router: Router, audioLevel: types.AudioLevelObserver, activeSpeaker: types.ActiveSpeakerObserver) {
    super();
    this.id = options.roomId;
    this.#router = router;
    this.#audioLevel = audioLevel;
    this.#activeSpeaker = activeSpeaker;
    this.#tuning = { ...DEFAULT_TUNING, ...options.transport };
    this.#peerContext = {
      router,
      webRtcServer: router.appData.webRtcServer,
      listenIp: router.appData.listenIp,
      tuning: this.#tuning,
      roomClosed: () => this.#closed,
      findProducer: (producerId) => this.#producers.get(producerId),
      producerOpened: (producer) => {
        this.#producers.set(producer.id, producer);
      },
      producerClosed: (producer) => this.#producerClosed(producer),
      observeAudio: (producer) => this.#observeAudio(producer),
      peerClosed: (peer) => {
        if (this.#peers.get(peer.id) === peer) this.#peers.delete(peer.id);
      },
    };
    // These emitters live exactly as long as the room: no listener to remove.
    router.on('workerclose', () => this.close(CLOSE_REASONS.workerClosed));
    audioLevel.on('volumes', (volumes) => this.#onVolumes(volumes));
    audioLevel.on('silence', () => this.safeEmit('volumes', []));
    activeSpeaker.on('dominantspeaker', ({ producer }) => this.#onDominantSpeaker(producer.id));
  }

  get closed(): boolean {
    return this.#closed;
  }

  get rtpCapabilities(): RtpCapabilities {
    return this.#router.rtpCapabilities;
  }

  /**
   * The underlying router, for diagnostics and tests (dump()). Never create
   * transports on it directly: they would be outside the tree and its counts.
   */
  get router(): Router {
    return this.#router;
  }

  addPeer(peerId: string): MediaPeer {
    this.#assertOpen();
    if (this.#peers.has(peerId)) throw new SfuError('PEER_EXISTS', `peer ${peerId} is already in room ${this.id}`);
    const peer = new MediaPeer(peerId, this.#peerContext);
    this.#peers.set(peerId, peer);
    return peer;
  }

  getPeer(peerId: string): MediaPeer | undefined {
    return this.#peers.get(peerId);
  }

  peers(): MediaPeer[] {
    return [...this.#peers.values()];
  }

  /** Same as getPeer(peerId).close(reason); false if there was no such peer. */
  removePeer(peerId: string, reason: CloseReason = CLOSE_REASONS.closed): boolean {
    const peer = this.#peers.get(peerId);
    if (!peer) return false;
    peer.close(reason);
    return true;
  }

  /** Live objects right now, counted from the tree itself. */
  counts(): RoomCounts {
    const counts: RoomCounts = { peers: this.#peers.size, transports: 0, producers: 0, consumers: 0 };
    for (const peer of this.#peers.values()) {
      const c = peer.counts();
      counts.transports += c.transports;
      counts.producers += c.producers;
      counts.consumers += c.consumers;
    }
    return counts;
  }

  async stats(): Promise<RoomStats> {
    this.#assertOpen();
    const peers = await Promise.all(this.peers().map((peer) => peer.stats()));
    return { roomId: this.id, timestamp: Date.now(), peers };
  }

  /** Closes every peer, then the router (which releases all server objects at once). Idempotent. */
  close(reason: CloseReason = CLOSE_REASONS.closed): void {
    if (this.#closed) return;
    this.#closed = true;
    // Router first: mediasoup then drops every transport, producer and consumer in
    // one worker request, and the peers' cascade below only does bookkeeping.
    this.#router.close();
    for (const peer of [...this.#peers.values()]) peer.parentClosed(reason);
    this.#peers.clear();
    this.#producers.clear();
    this.#speaker = null;
    this.safeEmit('closed', reason);
  }

  #producerClosed(producer: MediaProducer): void {
    this.#producers.delete(producer.id);
    if (this.#speaker !== producer) return;
    this.#speaker = null;
    if (!this.#closed) this.safeEmit('activespeaker', null);
  }

  async #observeAudio(producer: MediaProducer): Promise<void> {
    try {
      // The worker drops a closed producer from the observers by itself.
      await Promise.all([this.#audioLevel.addProducer({ producerId: producer.id }), this.#activeSpeaker.addProducer({ producerId: producer.id })]);
    } catch (error) {
      if (producer.closed) return;
      throw error;
    }
  }

  #onVolumes(volumes: types.AudioLevelObserverVolume[]): void {
    const entries: PeerVolume[] = [];
    for (const { producer, volume } of volumes) {
      const owner = this.#producers.get(producer.id);
      if (owner) entries.push({ peerId: owner.peerId, producerId: owner.id, volume });
    }
    this.safeEmit('volumes', entries);
  }

  #onDominantSpeaker(producerId: string): void {
    const producer = this.#producers.get(producerId);
    if (!producer || producer === this.#speaker) return;
    const changedPeer = producer.peerId !== this.#speaker?.peerId;
    this.#speaker = producer;
    if (changedPeer) this.safeEmit('activespeaker', producer.peerId);
  }

  #assertOpen(): void {
    if (this.#closed) throw new SfuError('ROOM_CLOSED', `room ${this.id} is closed`);
  }
}
