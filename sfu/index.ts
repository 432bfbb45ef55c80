/**
 * sfu — the media plane of live mediation rooms. A plain module: no fastify,
 * socket.io or prisma; the signaling layer drives it by ids and listens to events.
 *
 * Ownership tree (each parent closes its children exactly once; every object
 * emits one 'closed' [reason]; close() is idempotent everywhere). A cascade
 * passes its reason down, except that consumers whose producer went away close
 * with 'producer-closed'. Counts are exact synchronously after any close:
 *
 *   WorkerPool                        one mediasoup Worker + WebRtcServer per core; a worker that dies is
 *   │                                 started again in its place ('workerdied', then 'workerrespawned')
 *   └ MediaRoom                       a home Router + AudioLevelObserver + ActiveSpeakerObserver per case room;
 *     │                               beyond peersPerRouter, more Routers on other workers, joined by pipeToRouter
 *     │                               (one pipe per producer and target router; closed with the producer or router)
 *     └ MediaPeer                     one participant, placed on one of the room's routers
 *       └ MediaTransport              WebRtcTransport on the worker's WebRtcServer ('send' | 'recv'),
 *                                     or a PlainTransport for the load generator (LOAD_TEST_PLAIN_RTP)
 *         ├ MediaProducer             on 'send': a published track (microphone | camera | screen)
 *         └ MediaConsumer             on 'recv': another peer's producer, received; also closes with that producer
 *
 * MediaRoom
 *   static create(pool, { roomId, transport?, audioLevel?, activeSpeakerInterval?, peersPerRouter? }): Promise<MediaRoom>
 *   id; closed; rtpCapabilities (the same on every router); router / routers (home first; diagnostics/tests only)
 *   routerCount(); placement(): Promise<RouterPlacement[]>   which router and worker each peer is on
 *   addPeer(peerId): MediaPeer                        SfuError PEER_EXISTS | ROOM_CLOSED
 *   getPeer(peerId) / peers()
 *   removePeer(peerId, reason?): boolean              = getPeer(peerId)?.close(reason)
 *   counts(): { peers, transports, producers, consumers }   live objects, synchronous
 *   stats(): Promise<RoomStats>                       bitrates, loss, score and a quality grade per peer
 *   close(reason?)                                    router first, then the peers' bookkeeping
 *   events: 'activespeaker' [peerId | null], 'volumes' [PeerVolume[]], 'closed' [reason], 'listenererror'
 *
 * MediaPeer (every id is looked up among this peer's own objects: another
 * peer's id gets *_NOT_FOUND, and so does an id already closed — for a lenient close
 * use getX(id)?.close(reason); after the peer/room closed: PEER_CLOSED / ROOM_CLOSED)
 *   createTransport(direction): Promise<TransportParams>
 *   connectTransport(transportId, dtlsParameters)     INVALID_STATE if connected twice
 *   createPlainTransport(direction): Promise<{ id, ip, port }>   load testing only (bare RTP, rtcp-mux;
 *       send: comedia); connectPlainTransport(transportId, { ip, port }) points a recv one at its sink
 *   restartIce(transportId): Promise<IceParameters>
 *   closeTransport(transportId, reason?)
 *   produce({ transportId, kind, rtpParameters, source, paused? }): Promise<{ producerId }>
 *       'send' transports only; kind must match source (else TypeError); one live producer
 *       per source (INVALID_STATE); microphones join the room's audio observers (piped to the home router)
 *   closeProducer(producerId, reason?)
 *   setProducerPausedByPeer(producerId, paused): Promise<boolean>   false = refused, admin-muted
 *   adminMute(producerId) / adminUnmute(producerId): Promise<void>  sticky per source
 *   consume({ transportId, producerId, rtpCapabilities }): Promise<ConsumeResult>
 *       'recv' transports only; starts paused; CANNOT_CONSUME if the router says no;
 *       a producer on another of the room's routers is piped to this peer's first
 *   resumeConsumer(id) / pauseConsumer(id) / setPreferredLayers(id, { spatialLayer, temporalLayer? })
 *       video resumes as a bitrate newcomer and asks its sender for a key frame, again every
 *       KEY_FRAME_RETRY_MS until one went out; settleConsumer(id) when it keeps flowing across a
 *       switch (CONSUMER_PRIORITY); requestKeyFrame(id)
 *   closeConsumer(consumerId, reason?)
 *   transports() / producers() / consumers(): plain snapshots; getTransport/getProducer/getConsumer(id): live objects
 *   counts(); stats(); downlinkEstimate(transportId): Promise<bps | null>; close(reason?)
 *   events (only while the peer is open, once per object, whoever closed it —
 *   including the caller's own closeX()): 'transportclosed', 'producerclosed',
 *     'consumerclosed' [{ consumerId, producerId, reason }] (reason 'producer-closed' when the sender went away),
 *     'consumerpaused' / 'consumerresumed' [{ consumerId, producerId, paused }] (pause at the source, e.g. admin mute),
 *     'consumerlayerschange', 'closed' [reason]
 *
 * Errors: SfuError with a stable `code` (SFU_ERROR_CODES); malformed client input is a TypeError.
 */
export { createWorkerPool, WorkerPool } from './worker-pool.ts';
export type { PoolLogger, PoolRouterAppData, WorkerDiedEvent, WorkerPoolEvents, WorkerPoolOptions, WorkerRespawnedEvent } from './worker-pool.ts';
export { mediaCodecs } from './codecs.ts';
export { MediaRoom } from './media-room.ts';
export type { MediaRoomEvents, MediaRoomOptions, RoomCounts, RouterPlacement } from './media-room.ts';
export { MediaPeer } from './media-peer.ts';
export type { MediaPeerEvents, PeerCounts } from './media-peer.ts';
export { MediaTransport } from './media-transport.ts';
export type { MediaTransportEvents, TransportTuning } from './media-transport.ts';
export { MediaProducer } from './media-producer.ts';
export type { MediaProducerEvents } from './media-producer.ts';
export { CONSUMER_PRIORITY, KEY_FRAME_RETRY_MS, KEY_FRAME_WATCH_MS, MediaConsumer } from './media-consumer.ts';
export type { MediaConsumerEvents } from './media-consumer.ts';
export { SfuError, SFU_ERROR_CODES, isSfuError } from './errors.ts';
export type { SfuErrorCode } from './errors.ts';
export { networkQuality } from './stats.ts';
export type { ConsumerStats, NetworkQuality, PeerStats, ProducerStats, RoomStats, StreamStats, TransportStats } from './stats.ts';
export { TypedEmitter } from './typed-emitter.ts';
export type { EventMap, ListenerErrorEvents } from './typed-emitter.ts';
export { CLOSE_REASONS, MEDIA_SOURCES } from './types.ts';
export type * from './types.ts';
