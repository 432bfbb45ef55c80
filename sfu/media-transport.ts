// One transport of a peer, in one direction. It owns the producers (send) or consumers
// (recv) created on it and closes them when it closes. Browsers get a WebRtcTransport;
// the load generator (LOAD_TEST_PLAIN_RTP only) gets a PlainTransport carrying bare RTP.
import type { types } from 'mediasoup';
import { SfuError } from './errors.ts';
import { MediaConsumer, type ConsumerOwner } from './media-consumer.ts';
import { MediaProducer, type ProducerOwner } from './media-producer.ts';
import { TypedEmitter } from './typed-emitter.ts';
import {
  assertSourceKind,
  CLOSE_REASONS,
  type CloseReason,
  type ConsumerLayers,
  type DtlsParameters,
  type IceParameters,
  type MediaKind,
  type MediaSource,
  type RtpCapabilities,
  type RtpParameters,
  type PlainTransportParams,
  type TransportDirection,
  type TransportInfo,
  type TransportParams,
} from './types.ts';

type AnyTransport = types.WebRtcTransport | types.PlainTransport;

export type MediaTransportEvents = {
  closed: [reason: CloseReason];
};

/** The peer's side of the tree bookkeeping; every call comes before the child's public event. */
export interface TransportOwner {
  transportClosed(transport: MediaTransport, reason: CloseReason): void;
  producerOpened(producer: MediaProducer): void;
  producerClosed(producer: MediaProducer, reason: CloseReason): void;
  consumerOpened(consumer: MediaConsumer): void;
  consumerClosed(consumer: MediaConsumer, reason: CloseReason): void;
  consumerProducerPaused(consumer: MediaConsumer, paused: boolean): void;
  consumerLayersChanged(consumer: MediaConsumer, layers: ConsumerLayers | null): void;
}

export interface TransportTuning {
  /** Starting estimate for the bandwidth toward the client (bps). */
  initialAvailableOutgoingBitrate: number;
  /** Cap on what one client may send us (bps), so one peer cannot starve the worker. */
  maxIncomingBitrate: number;
}

export class MediaTransport extends TypedEmitter<MediaTransportEvents> {
  readonly peerId: string;
  readonly direction: TransportDirection;
  readonly #router: types.Router;
  readonly #transport: AnyTransport;
  readonly #owner: TransportOwner;
  readonly #producers = new Map<string, MediaProducer>();
  readonly #consumers = new Map<string, MediaConsumer>();
  #connectState: 'new' | 'connecting' | 'connected' = 'new';
  #closed = false;

  /**
   * Creates the mediasoup transport on the router's worker's WebRtcServer, so all
   * transports share that worker's one UDP and one TCP port.
   */
  static async create(args: {
    router: types.Router;
    webRtcServer: types.WebRtcServer;
    peerId: string;
    direction: TransportDirection;
    tuning: TransportTuning;
    owner: TransportOwner;
  }): Promise<MediaTransport> {
    const { router, webRtcServer, direction, tuning } = args;
    const transport = await router.createWebRtcTransport({
      webRtcServer,
      enableUdp: true,
      enableTcp: true, // for networks that block UDP (many offices, some hospitals/courts)
      preferUdp: true,
      initialAvailableOutgoingBitrate: tuning.initialAvailableOutgoingBitrate,
      appData: { peerId: args.peerId, direction },
    });
    if (direction === 'send') {
      try {
        await transport.setMaxIncomingBitrate(tuning.maxIncomingBitrate);
      } catch (error) {
        transport.close();
        throw error;
      }
    }
    return new MediaTransport({ ...args, transport });
  }

  /**
   * A plain RTP transport on `listenIp` (rtcp-mux, no SRTP), for the load generator. A send
   * transport learns the sender's address from its first packet (comedia); a recv transport
   * sends where connectPlain() says.
   */
  static async createPlain(args: {
    router: types.Router;
    listenIp: string;
    peerId: string;
    direction: TransportDirection;
    owner: TransportOwner;
  }): Promise<MediaTransport> {
    const transport = await args.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: args.listenIp },
      rtcpMux: true,
      comedia: args.direction === 'send',
      appData: { peerId: args.peerId, direction: args.direction },
    });
    return new MediaTransport({ ...args, transport });
  }

  private constructor(args: { router: types.Router; transport: AnyTransport; peerId: string; direction: TransportDirection; owner: TransportOwner }) {
    super();
    this.#router = args.router;
    this.#transport = args.transport;
    this.peerId = args.peerId;
    this.direction = args.direction;
    this.#owner = args.owner;
    // Only path where mediasoup closes a transport behind our back (the router
    // and worker paths reach us through MediaRoom first); plain ones have no listen server.
    if (args.transport.type === 'webrtc') args.transport.on('listenserverclose', () => this.close(CLOSE_REASONS.listenServerClosed));
  }

  get id(): string {
    return this.#transport.id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get connected(): boolean {
    return this.#connectState === 'connected';
  }

  /** Plain RTP transports have no ICE or DTLS: null. */
  get iceState(): types.IceState | null {
    return this.#webRtc?.iceState ?? null;
  }

  get dtlsState(): types.DtlsState | null {
    return this.#webRtc?.dtlsState ?? null;
  }

  get plain(): boolean {
    return this.#webRtc === null;
  }

  get producerCount(): number {
    return this.#producers.size;
  }

  get consumerCount(): number {
    return this.#consumers.size;
  }

  params(): TransportParams {
    const t = this.#webRtcOnly();
    return {
      id: t.id,
      iceParameters: t.iceParameters,
      iceCandidates: t.iceCandidates,
      dtlsParameters: t.dtlsParameters,
      ...(t.sctpParameters ? { sctpParameters: t.sctpParameters } : {}),
    };
  }

  /** Where the load generator sends RTP to (send) or expects it from (recv). */
  plainParams(): PlainTransportParams {
    const t = this.#plainOnly();
    return { id: t.id, ip: t.tuple.localAddress, port: t.tuple.localPort };
  }

  info(): TransportInfo {
    return { id: this.id, direction: this.direction, connected: this.connected };
  }

  getProducer(producerId: string): MediaProducer | undefined {
    return this.#producers.get(producerId);
  }

  getConsumer(consumerId: string): MediaConsumer | undefined {
    return this.#consumers.get(consumerId);
  }

  producers(): MediaProducer[] {
    return [...this.#producers.values()];
  }

  consumers(): MediaConsumer[] {
    return [...this.#consumers.values()];
  }

  async connect(dtlsParameters: DtlsParameters): Promise<void> {
    const transport = this.#webRtcOnly();
    await this.#connectOnce(() => transport.connect({ dtlsParameters }));
  }

  /** Where a plain recv transport sends its RTP (and RTCP, muxed). Send transports learn it (comedia). */
  async connectPlain(remote: { ip: string; port: number }): Promise<void> {
    const transport = this.#plainOnly();
    if (this.direction !== 'recv')
      throw new SfuError('INVALID_STATE', `plain transport ${this.id} is a send transport: it learns the sender's address from the first packet`);
    await this.#connectOnce(() => transport.connect({ ip: remote.ip, port: remote.port }));
  }

  async #connectOnce(connect: () => Promise<void>): Promise<void> {
    this.#assertOpen();
    if (this.#connectState !== 'new') throw new SfuError('INVALID_STATE', `transport ${this.id} is already ${this.#connectState}`);
    this.#connectState = 'connecting';
    try {
      await connect();
      this.#connectState = 'connected';
    } catch (error) {
      this.#connectState = 'new';
      throw error;
    }
    this.#assertOpen();
  }

  async restartIce(): Promise<IceParameters> {
    const transport = this.#webRtcOnly();
    const iceParameters = await transport.restartIce();
    this.#assertOpen();
    return iceParameters;
  }

  /** `adminMuted` starts the producer muted by an admin (the mute outlives a re-publish). */
  async produce(args: { kind: MediaKind; rtpParameters: RtpParameters; source: MediaSource; paused?: boolean; adminMuted?: boolean }): Promise<MediaProducer> {
    this.#assertOpen();
    if (this.direction !== 'send') throw new SfuError('INVALID_STATE', `transport ${this.id} is a recv transport: produce on the send one`);
    assertSourceKind(args.source, args.kind);

    const pausedByPeer = args.paused ?? false;
    const adminMuted = args.adminMuted ?? false;
    const producer = await this.#transport.produce({
      kind: args.kind,
      rtpParameters: args.rtpParameters,
      paused: pausedByPeer || adminMuted,
      appData: { peerId: this.peerId, source: args.source },
    });
    if (this.#closed) {
      // Closed while the worker created it: mediasoup would keep it in a dead
      // transport's map, so release it here.
      producer.close();
      throw new SfuError('TRANSPORT_NOT_FOUND', `transport ${this.id} closed during produce`);
    }
    const media = new MediaProducer({
      producer,
      peerId: this.peerId,
      transportId: this.id,
      source: args.source,
      pausedByPeer,
      adminMuted,
      owner: this.#childOwner,
    });
    this.#producers.set(media.id, media);
    this.#owner.producerOpened(media);
    return media;
  }

  /** Consumers start paused; see MediaConsumer.resume(). */
  async consume(args: { producer: MediaProducer; rtpCapabilities: RtpCapabilities }): Promise<MediaConsumer> {
    this.#assertOpen();
    const { producer, rtpCapabilities } = args;
    if (this.direction !== 'recv') throw new SfuError('INVALID_STATE', `transport ${this.id} is a send transport: consume on the recv one`);
    if (producer.closed) throw new SfuError('PRODUCER_NOT_FOUND', `producer ${producer.id} is closed`);
    if (!this.#router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      throw new SfuError('CANNOT_CONSUME', `the client's capabilities cannot receive producer ${producer.id}`);
    }

    const consumer = await this.#transport.consume({ producerId: producer.id, rtpCapabilities, paused: true, appData: { peerId: this.peerId } });
    if (this.#closed || producer.closed) {
      consumer.close();
      if (this.#closed) throw new SfuError('TRANSPORT_NOT_FOUND', `transport ${this.id} closed during consume`);
      throw new SfuError('PRODUCER_NOT_FOUND', `producer ${producer.id} closed during consume`);
    }
    const media = new MediaConsumer({ consumer, producer, peerId: this.peerId, transportId: this.id, owner: this.#childOwner });
    this.#consumers.set(media.id, media);
    this.#owner.consumerOpened(media);
    return media;
  }

  /** Closes the transport, its producers (and their consumers elsewhere) and its consumers. Idempotent. */
  close(reason: CloseReason = CLOSE_REASONS.closed): void {
    if (this.#closed) return;
    this.#finish(reason);
    this.#transport.close(); // after the children, so they close with our reason
  }

  /** @internal The peer/room is closing and the router releases the server object. */
  parentClosed(reason: CloseReason): void {
    if (this.#closed) return;
    this.#finish(reason);
  }

  /** @internal */
  get mediasoupTransport(): AnyTransport {
    return this.#transport;
  }

  get #webRtc(): types.WebRtcTransport | null {
    const t = this.#transport;
    return t.type === 'webrtc' ? t : null;
  }

  #webRtcOnly(): types.WebRtcTransport {
    this.#assertOpen();
    const transport = this.#webRtc;
    if (!transport) throw new SfuError('INVALID_STATE', `transport ${this.id} is a plain RTP transport`);
    return transport;
  }

  #plainOnly(): types.PlainTransport {
    this.#assertOpen();
    const t = this.#transport;
    if (t.type !== 'plain') throw new SfuError('INVALID_STATE', `transport ${this.id} is a WebRTC transport`);
    return t;
  }

  #finish(reason: CloseReason): void {
    this.#closed = true;
    for (const producer of [...this.#producers.values()]) producer.parentClosed(reason);
    for (const consumer of [...this.#consumers.values()]) consumer.parentClosed(reason);
    this.#owner.transportClosed(this, reason);
    this.safeEmit('closed', reason);
  }

  // Children report to the transport, which drops them and tells the peer.
  readonly #childOwner: ProducerOwner & ConsumerOwner = {
    producerClosed: (producer, reason) => {
      this.#producers.delete(producer.id);
      this.#owner.producerClosed(producer, reason);
    },
    consumerClosed: (consumer, reason) => {
      this.#consumers.delete(consumer.id);
      this.#owner.consumerClosed(consumer, reason);
    },
    consumerProducerPaused: (consumer, paused) => this.#owner.consumerProducerPaused(consumer, paused),
    consumerLayersChanged: (consumer, layers) => this.#owner.consumerLayersChanged(consumer, layers),
  };

  #assertOpen(): void {
    if (this.#closed) throw new SfuError('TRANSPORT_NOT_FOUND', `transport ${this.id} is closed`);
  }
}
