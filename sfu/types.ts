// Plain data shared by the sfu classes and handed to the signaling layer.
import type { types } from 'mediasoup';

export type MediaKind = types.MediaKind;
export type RtpCapabilities = types.RtpCapabilities;
export type RtpParameters = types.RtpParameters;
export type DtlsParameters = types.DtlsParameters;
export type IceParameters = types.IceParameters;
export type IceCandidate = types.IceCandidate;
export type SctpParameters = types.SctpParameters;

/** What a track is, in LiveKit's words: one name per concept across server and client. */
export type MediaSource = 'microphone' | 'camera' | 'screen';
export const MEDIA_SOURCES: readonly MediaSource[] = ['microphone', 'camera', 'screen'];

/** The kind each source must have; also checks that `source` is one we know. */
export function assertSourceKind(source: MediaSource, kind: MediaKind): void {
  const expected = SOURCE_KIND[source];
  if (expected === undefined) throw new TypeError(`unknown source "${String(source)}"`);
  if (expected !== kind) throw new TypeError(`a ${source} track must be ${expected}, not ${String(kind)}`);
}

const SOURCE_KIND: Record<MediaSource, MediaKind> = { microphone: 'audio', camera: 'video', screen: 'video' };

export type TransportDirection = 'send' | 'recv';

/**
 * Why an object closed. Callers pass their own ('left', 'removed', 'ended', …);
 * the sfu itself uses the values in CLOSE_REASONS.
 */
export type CloseReason = string;

export const CLOSE_REASONS = {
  /** A consumer's producer went away (closed, its transport or peer closed). */
  producerClosed: 'producer-closed',
  /** The room's router died with its worker (or the pool was closed). */
  workerClosed: 'worker-closed',
  /** The WebRtcServer under a transport was closed. */
  listenServerClosed: 'listen-server-closed',
  /** Default for close() without a reason. */
  closed: 'closed',
} as const;

/** What the client needs to build its side of a WebRtcTransport. */
export interface TransportParams {
  id: string;
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  dtlsParameters: DtlsParameters;
  sctpParameters?: SctpParameters;
}

/** A plain RTP transport's local address (load testing only: LOAD_TEST_PLAIN_RTP). */
export interface PlainTransportParams {
  id: string;
  ip: string;
  port: number;
}

export interface ConsumeResult {
  consumerId: string;
  producerId: string;
  producerPeerId: string;
  kind: MediaKind;
  source: MediaSource;
  /** 'simulcast' or 'svc' means setPreferredLayers() applies. */
  type: types.ConsumerType;
  rtpParameters: RtpParameters;
  /** The producer is paused (peer mute or admin mute): the client shows it muted. */
  producerPaused: boolean;
}

export interface ConsumerLayers {
  spatialLayer: number;
  temporalLayer?: number;
}

// Snapshots for the signaling layer: plain data, safe to serialise.

export interface TransportInfo {
  id: string;
  direction: TransportDirection;
  connected: boolean;
}

export interface ProducerInfo {
  id: string;
  transportId: string;
  kind: MediaKind;
  source: MediaSource;
  /** Effective state: paused by the peer or by an admin. */
  paused: boolean;
  pausedByPeer: boolean;
  adminMuted: boolean;
}

export interface ConsumerInfo {
  id: string;
  transportId: string;
  producerId: string;
  producerPeerId: string;
  kind: MediaKind;
  source: MediaSource;
  /** Paused at the client's request (pauseConsumer). */
  paused: boolean;
  /** Its producer is paused (peer or admin mute). */
  producerPaused: boolean;
}

/** One entry of the room's 'volumes' event (dBov, -127 silent … 0 loudest). */
export interface PeerVolume {
  peerId: string;
  producerId: string;
  volume: number;
}
