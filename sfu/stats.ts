// Per-peer network figures for the "connection quality" indicator, gathered from
// mediasoup getStats(). Objects may close while we wait for the worker: they are
// left out rather than failing the whole report.
import type { types } from 'mediasoup';
import type { MediaConsumer } from './media-consumer.ts';
import type { MediaProducer } from './media-producer.ts';
import type { MediaTransport } from './media-transport.ts';
import type { MediaKind, MediaSource, TransportDirection } from './types.ts';

export type NetworkQuality = 'good' | 'fair' | 'poor' | 'unknown';

export interface StreamStats {
  /** bps over mediasoup's last measurement window. */
  bitrate: number;
  packetsLost: number;
  /** 0–1, from the last RTCP report (RTCP's fraction-lost byte / 256). */
  lossRatio: number;
  /** mediasoup's 0–10 stream score (10 = perfect). */
  score: number;
  /** ms, when known. */
  roundTripTime?: number;
}

/** Uplink: what the SFU receives from the peer (worst simulcast layer for loss/score). */
export interface ProducerStats extends StreamStats {
  producerId: string;
  kind: MediaKind;
  source: MediaSource;
  paused: boolean;
}

/** Downlink: what the SFU sends the peer, with loss as the peer's receiver reports say. */
export interface ConsumerStats extends StreamStats {
  consumerId: string;
  producerId: string;
  kind: MediaKind;
  source: MediaSource;
  paused: boolean;
  producerPaused: boolean;
}

export interface TransportStats {
  transportId: string;
  direction: TransportDirection;
  /** Absent for plain RTP transports (load testing), which have neither. */
  iceState?: types.IceState;
  dtlsState?: types.DtlsState;
  sendBitrate: number;
  recvBitrate: number;
  availableOutgoingBitrate?: number;
  producers: ProducerStats[];
  consumers: ConsumerStats[];
}

export interface PeerStats {
  peerId: string;
  quality: NetworkQuality;
  transports: TransportStats[];
}

export interface RoomStats {
  roomId: string;
  /** ms since epoch. */
  timestamp: number;
  peers: PeerStats[];
}

export async function collectPeerStats(peerId: string, transports: MediaTransport[]): Promise<PeerStats> {
  const collected = await Promise.all(transports.map(collectTransportStats));
  const present = collected.filter((t): t is TransportStats => t !== null);
  return { peerId, quality: networkQuality(present), transports: present };
}

async function collectTransportStats(transport: MediaTransport): Promise<TransportStats | null> {
  const [own, producers, consumers] = await Promise.all([
    settle<Array<types.WebRtcTransportStat | types.PlainTransportStat>>(transport.mediasoupTransport.getStats()),
    Promise.all(transport.producers().map(collectProducerStats)),
    Promise.all(transport.consumers().map(collectConsumerStats)),
  ]);
  const t = own?.[0];
  if (!t || transport.closed) return null;
  return {
    transportId: transport.id,
    direction: transport.direction,
    ...('iceState' in t ? { iceState: t.iceState, dtlsState: t.dtlsState } : {}),
    sendBitrate: t.sendBitrate,
    recvBitrate: t.recvBitrate,
    ...(t.availableOutgoingBitrate !== undefined ? { availableOutgoingBitrate: t.availableOutgoingBitrate } : {}),
    producers: producers.filter((p): p is ProducerStats => p !== null),
    consumers: consumers.filter((c): c is ConsumerStats => c !== null),
  };
}

async function collectProducerStats(producer: MediaProducer): Promise<ProducerStats | null> {
  const streams = await settle(producer.mediasoupProducer.getStats());
  if (!streams || producer.closed) return null;
  return { producerId: producer.id, kind: producer.kind, source: producer.source, paused: producer.paused, ...summarise(streams) };
}

async function collectConsumerStats(consumer: MediaConsumer): Promise<ConsumerStats | null> {
  const entries = await settle(consumer.mediasoupConsumer.getStats());
  if (!entries || consumer.closed) return null;
  // getStats() also returns the producer's inbound stream; only ours is downlink.
  const streams = entries.filter((e) => e.type === 'outbound-rtp');
  return {
    consumerId: consumer.id,
    producerId: consumer.producerId,
    kind: consumer.kind,
    source: consumer.source,
    paused: consumer.paused,
    producerPaused: consumer.producerPaused,
    ...summarise(streams),
  };
}

interface RawStream {
  bitrate: number;
  packetsLost: number;
  fractionLost: number;
  score: number;
  roundTripTime?: number;
}

/** Sums bitrates; takes the worst loss/score so a bad layer is not hidden by a good one. */
export function summarise(streams: readonly RawStream[]): StreamStats {
  if (streams.length === 0) return { bitrate: 0, packetsLost: 0, lossRatio: 0, score: 10 };
  let bitrate = 0;
  let packetsLost = 0;
  let lossRatio = 0;
  let score = 10;
  let roundTripTime: number | undefined;
  for (const s of streams) {
    bitrate += s.bitrate;
    packetsLost += s.packetsLost;
    lossRatio = Math.max(lossRatio, s.fractionLost / 256);
    score = Math.min(score, s.score);
    if (s.roundTripTime) roundTripTime = Math.max(roundTripTime ?? 0, s.roundTripTime);
  }
  return { bitrate, packetsLost, lossRatio, score, ...(roundTripTime !== undefined ? { roundTripTime } : {}) };
}

/**
 * Grades a peer's connection from its streams: the worst of uplink and downlink.
 * Thresholds follow common WebRTC practice: < 3 % loss is fine, > 10 % is audible.
 * Streams with no traffic yet (and paused ones) say nothing about the network.
 */
export function networkQuality(transports: readonly TransportStats[]): NetworkQuality {
  if (transports.some((t) => t.iceState === 'disconnected' || t.dtlsState === 'failed')) return 'poor';
  const streams: StreamStats[] = [];
  for (const t of transports) {
    for (const p of t.producers) if (!p.paused && p.bitrate > 0) streams.push(p);
    for (const c of t.consumers) if (!c.paused && !c.producerPaused && c.bitrate > 0) streams.push(c);
  }
  if (streams.length === 0) return 'unknown';
  const loss = Math.max(...streams.map((s) => s.lossRatio));
  const score = Math.min(...streams.map((s) => s.score));
  if (loss >= 0.1 || score <= 4) return 'poor';
  if (loss >= 0.03 || score <= 7) return 'fair';
  return 'good';
}

async function settle<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch {
    return null; // the object closed under us
  }
}
