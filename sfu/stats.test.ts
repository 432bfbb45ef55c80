// The quality grade behind the network indicator: pure functions, no worker.
import { describe, expect, it } from 'vitest';
import { networkQuality, summarise, type TransportStats } from './stats.ts';

const stream = (fractionLost: number, score: number, bitrate = 300_000) => ({ bitrate, packetsLost: 0, fractionLost, score });

function transport(overrides: Partial<TransportStats> = {}): TransportStats {
  return {
    transportId: 't',
    direction: 'send',
    iceState: 'completed',
    dtlsState: 'connected',
    sendBitrate: 0,
    recvBitrate: 0,
    producers: [],
    consumers: [],
    ...overrides,
  };
}

function producer(lossRatio: number, score: number, extra: { paused?: boolean; bitrate?: number } = {}) {
  return {
    producerId: 'p',
    kind: 'audio' as const,
    source: 'microphone' as const,
    paused: extra.paused ?? false,
    bitrate: extra.bitrate ?? 40_000,
    packetsLost: 0,
    lossRatio,
    score,
  };
}

describe('summarise', () => {
  it('sums bitrates and keeps the worst loss and score across simulcast layers', () => {
    expect(summarise([stream(0, 10, 100_000), stream(64, 7, 400_000), stream(13, 9, 900_000)])).toEqual({
      bitrate: 1_400_000,
      packetsLost: 0,
      lossRatio: 0.25,
      score: 7,
    });
  });

  it('is neutral for no streams', () => {
    expect(summarise([])).toEqual({ bitrate: 0, packetsLost: 0, lossRatio: 0, score: 10 });
  });
});

describe('networkQuality', () => {
  it('is unknown until media flows, and ignores paused streams', () => {
    expect(networkQuality([])).toBe('unknown');
    expect(networkQuality([transport({ producers: [producer(0.5, 1, { paused: true })] })])).toBe('unknown');
    expect(networkQuality([transport({ producers: [producer(0.5, 1, { bitrate: 0 })] })])).toBe('unknown');
  });

  it('grades by the worst stream of the peer', () => {
    expect(networkQuality([transport({ producers: [producer(0, 10)] })])).toBe('good');
    expect(networkQuality([transport({ producers: [producer(0.05, 10)] })])).toBe('fair');
    expect(networkQuality([transport({ producers: [producer(0, 6)] })])).toBe('fair');
    expect(networkQuality([transport({ producers: [producer(0, 10), producer(0.12, 10)] })])).toBe('poor');
    expect(networkQuality([transport({ producers: [producer(0, 3)] })])).toBe('poor');
  });

  it('is poor while ICE is disconnected, whatever the streams said', () => {
    expect(networkQuality([transport({ iceState: 'disconnected', producers: [producer(0, 10)] })])).toBe('poor');
  });
});
