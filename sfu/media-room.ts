// The media plane of one live case room: a home Router (on the pool's
// least-loaded worker) with the room's audio observers, the peers in it, and —
// once the room outgrows peersPerRouter — more routers on other workers, joined
// by pipeToRouter.
import type { types } from 'mediasoup';
import { SfuError } from './errors.ts';
import { MediaPeer, type PeerContext, type PeerCounts } from './media-peer.ts';
import type { MediaProducer } from './media-producer.ts';
import type { TransportTuning } from './media-transport.ts';
import { ProducerPipes } from './producer-pipes.ts';
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
  /**
   * Per-microphone levels ('volumes'). Off unless given: it costs the worker a little for every
   * audio packet and the product only needs the dominant speaker ('activespeaker', always on).
   */
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
  /**
   * Peers per router before the room takes a router on another worker. Default 40.
   * Soft: once the room has a router on every worker, newcomers join the emptiest.
   */
  peersPerRouter?: number;
}

/** Where the room's peers are: one entry per router (for stats and metrics). */
export interface RouterPlacement {
  routerId: string;
  workerPid: number;
  peerIds: string[];
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

// A mediation has 3–10 people: only rooms far beyond that pay for pipes between workers.
const DEFAULT_PEERS_PER_ROUTER = 40;

type Router = types.Router<PoolRouterAppData>;

/** One router of the room and the peers placed on it. */
interface RouterSlot {
  /** Set once created (the home router's at once); `ready` resolves after. */
  router?: Router;
  ready: Promise<Router>;
  peerIds: Set<string>;
}

export class MediaRoom extends TypedEmitter<MediaRoomEvents> {
  readonly id: string;
  readonly #pool: WorkerPool;
  /** The home router, with the audio observers. */
  readonly #router: Router;
  /** Home first; extra slots go when their last peer leaves. */
  readonly #slots: RouterSlot[];
  readonly #peersPerRouter: number;
  readonly #pipes = new ProducerPipes();
  readonly #audioLevel: types.AudioLevelObserver | null;
  readonly #activeSpeaker: types.ActiveSpeakerObserver;
  readonly #tuning: TransportTuning;
  readonly #peers = new Map<string, MediaPeer>();
  /** Every live producer of every peer, for cross-peer consume and observer events. */
  readonly #producers = new Map<string, MediaProducer>();
  /** The router each live producer lives on. */
  readonly #producerRouters = new Map<string, Router>();
  #speaker: MediaProducer | null = null;
  #closed = false;

  static async create(pool: WorkerPool, options: MediaRoomOptions): Promise<MediaRoom> {
    const { peersPerRouter = DEFAULT_PEERS_PER_ROUTER } = options;
    if (!Number.isInteger(peersPerRouter) || peersPerRouter < 1) throw new RangeError(`peersPerRouter must be >= 1, got ${peersPerRouter}`);
    const router = await pool.createRouter();
    try {
      const { audioLevel } = options;
      const audioLevelObserver = audioLevel
        ? await router.createAudioLevelObserver({
            threshold: audioLevel.threshold ?? -70,
            interval: audioLevel.interval ?? 800,
            maxEntries: audioLevel.maxEntries ?? 16,
          })
        : null;
      const activeSpeakerObserver = await router.createActiveSpeakerObserver({ interval: options.activeSpeakerInterval ?? 300 });
      return new MediaRoom(pool, options, router, audioLevelObserver, activeSpeakerObserver);
    } catch (error) {
      router.close();
      throw error;
    }
  }

  private constructor(
    pool: WorkerPool,
    options: MediaRoomOptions,
    router: Router,
    audioLevel: types.AudioLevelObserver | null,
    activeSpeaker: types.ActiveSpeakerObserver,
  ) {
    super();
    this.id = options.roomId;
    this.#pool = pool;
    this.#router = router;
    this.#slots = [{ router, ready: Promise.resolve(router), peerIds: new Set() }];
    this.#peersPerRouter = options.peersPerRouter ?? DEFAULT_PEERS_PER_ROUTER;
    this.#audioLevel = audioLevel;
    this.#activeSpeaker = activeSpeaker;
    this.#tuning = { ...DEFAULT_TUNING, ...options.transport };
    // These emitters live exactly as long as the room: no listener to remove.
    router.on('workerclose', () => this.close(CLOSE_REASONS.workerClosed));
    audioLevel?.on('volumes', (volumes) => this.#onVolumes(volumes));
    audioLevel?.on('silence', () => this.safeEmit('volumes', []));
    activeSpeaker.on('dominantspeaker', ({ producer }) => this.#onDominantSpeaker(producer.id));
  }

  get closed(): boolean {
    return this.#closed;
  }

  get rtpCapabilities(): RtpCapabilities {
    return this.#router.rtpCapabilities;
  }

  /**
   * The home router, for diagnostics and tests (dump()). Never create
   * transports on it directly: they would be outside the tree and its counts.
   */
  get router(): Router {
    return this.#router;
  }

  /** Every created router of the room, home first (diagnostics and tests, as `router`). */
  get routers(): Router[] {
    return this.#slots.flatMap((slot) => (slot.router ? [slot.router] : []));
  }

  /** Routers in use, counting one still being created. */
  routerCount(): number {
    return this.#slots.length;
  }

  /** Which router and worker each peer is on (waits for routers being created). */
  async placement(): Promise<RouterPlacement[]> {
    this.#assertOpen();
    const slots = [...this.#slots];
    const routers = await Promise.all(slots.map((slot) => slot.ready));
    return slots.map((slot, i) => ({ routerId: routers[i]!.id, workerPid: routers[i]!.appData.workerPid, peerIds: [...slot.peerIds] }));
  }

  /** The peer's transports will live on the first router with room, else on a new one (see peersPerRouter). */
  addPeer(peerId: string): MediaPeer {
    this.#assertOpen();
    if (this.#peers.has(peerId)) throw new SfuError('PEER_EXISTS', `peer ${peerId} is already in room ${this.id}`);
    const slot = this.#placePeer();
    const peer = new MediaPeer(peerId, this.#peerContext(slot));
    slot.peerIds.add(peerId);
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

  /** Closes the routers, then every peer's bookkeeping. Idempotent. */
  close(reason: CloseReason = CLOSE_REASONS.closed): void {
    if (this.#closed) return;
    this.#closed = true;
    // Routers first: mediasoup then drops every transport, producer, consumer and
    // pipe in one request per router, and the peers' cascade below only does
    // bookkeeping. A router still being created is closed when it arrives.
    for (const slot of this.#slots) slot.router?.close();
    for (const peer of [...this.#peers.values()]) peer.parentClosed(reason);
    this.#peers.clear();
    this.#producers.clear();
    this.#producerRouters.clear();
    this.#speaker = null;
    this.safeEmit('closed', reason);
  }

  #peerContext(slot: RouterSlot): PeerContext {
    return {
      router: () => slot.ready,
      tuning: this.#tuning,
      roomClosed: () => this.#closed,
      findProducer: (producerId) => this.#producers.get(producerId),
      reach: (producer) => this.#reach(producer, slot.router!),
      producerOpened: (producer) => {
        this.#producers.set(producer.id, producer);
        this.#producerRouters.set(producer.id, slot.router!); // it has a transport, so its router exists
      },
      producerClosed: (producer) => this.#producerClosed(producer),
      observeAudio: (producer) => this.#observeAudio(producer),
      peerClosed: (peer) => {
        if (this.#peers.get(peer.id) !== peer) return;
        this.#peers.delete(peer.id);
        slot.peerIds.delete(peer.id);
        if (slot.peerIds.size === 0 && slot !== this.#slots[0] && !this.#closed) this.#dropSlot(slot);
      },
    };
  }

  #placePeer(): RouterSlot {
    const withRoom = this.#slots.find((slot) => slot.peerIds.size < this.#peersPerRouter);
    if (withRoom) return withRoom;
    // A second router on a worker the room already uses would add pipes, not CPU.
    if (this.#slots.length < this.#pool.workers.length) return this.#addSlot();
    return this.#slots.reduce((a, b) => (b.peerIds.size < a.peerIds.size ? b : a));
  }

  #addSlot(): RouterSlot {
    const avoidWorkerPids = this.routers.map((router) => router.appData.workerPid);
    const ready = this.#pool.createRouter({ avoidWorkerPids }).then((router) => {
      slot.router = router;
      if (this.#closed || !this.#slots.includes(slot))
        router.close(); // its peers then fail with ROOM_CLOSED / PEER_CLOSED
      else router.on('workerclose', () => this.close(CLOSE_REASONS.workerClosed));
      return router;
    });
    const slot: RouterSlot = { ready, peerIds: new Set() };
    // Its peers hear the error from createTransport(); later peers get a new slot.
    slot.ready.catch(() => this.#dropSlot(slot));
    this.#slots.push(slot);
    return slot;
  }

  /** An extra router whose peers all left (or that could not be created): close it with its pipes. */
  #dropSlot(slot: RouterSlot): void {
    const index = this.#slots.indexOf(slot);
    if (index > 0) this.#slots.splice(index, 1);
    slot.router?.close();
  }

  async #reach(producer: MediaProducer, target: Router): Promise<void> {
    const source = this.#producerRouters.get(producer.id);
    if (!source || producer.closed) throw new SfuError('PRODUCER_NOT_FOUND', `producer ${producer.id} is closed`);
    if (source === target) return;
    try {
      await this.#pipes.ensure(producer.id, source, target);
    } catch (error) {
      if (producer.closed) throw new SfuError('PRODUCER_NOT_FOUND', `producer ${producer.id} closed`);
      throw error;
    }
  }

  #producerClosed(producer: MediaProducer): void {
    this.#producers.delete(producer.id);
    this.#producerRouters.delete(producer.id);
    this.#pipes.closeProducer(producer.id);
    if (this.#speaker !== producer) return;
    this.#speaker = null;
    if (!this.#closed) this.safeEmit('activespeaker', null);
  }

  async #observeAudio(producer: MediaProducer): Promise<void> {
    try {
      // The observers are on the home router: a microphone elsewhere is piped in.
      await this.#reach(producer, this.#router);
      // The worker drops a closed producer from the observers by itself.
      await Promise.all([this.#audioLevel?.addProducer({ producerId: producer.id }), this.#activeSpeaker.addProducer({ producerId: producer.id })]);
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
