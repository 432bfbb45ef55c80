import { describe, expect, it } from 'vitest';
import { bandwidthFromStats, classifyQuality, InboundLossMeter, QualityTracker, sampleFromStats } from './quality.ts';

describe('classifyQuality', () => {
  it('is unknown without data', () => {
    expect(classifyQuality({ rttMs: null, lossFraction: null })).toBe('unknown');
  });
  it('grades by RTT and loss, the worse one wins', () => {
    expect(classifyQuality({ rttMs: 40, lossFraction: 0 })).toBe('good');
    expect(classifyQuality({ rttMs: 250, lossFraction: 0.02 })).toBe('good');
    expect(classifyQuality({ rttMs: 300, lossFraction: 0 })).toBe('fair');
    expect(classifyQuality({ rttMs: 40, lossFraction: 0.05 })).toBe('fair');
    expect(classifyQuality({ rttMs: 800, lossFraction: 0 })).toBe('poor');
    expect(classifyQuality({ rttMs: 40, lossFraction: 0.2 })).toBe('poor');
  });
  it('uses whichever measurement exists', () => {
    expect(classifyQuality({ rttMs: 100, lossFraction: null })).toBe('good');
    expect(classifyQuality({ rttMs: null, lossFraction: 0.3 })).toBe('poor');
  });
});

describe('sampleFromStats', () => {
  it('reads the selected candidate pair and the worst remote loss', () => {
    const stats = [
      { type: 'transport', id: 'T1', selectedCandidatePairId: 'CP2' },
      { type: 'candidate-pair', id: 'CP1', state: 'succeeded', nominated: false, currentRoundTripTime: 0.9 },
      { type: 'candidate-pair', id: 'CP2', state: 'succeeded', nominated: true, currentRoundTripTime: 0.045 },
      { type: 'remote-inbound-rtp', id: 'R1', kind: 'audio', fractionLost: 0.01, roundTripTime: 0.05 },
      { type: 'remote-inbound-rtp', id: 'R2', kind: 'video', fractionLost: 0.04 },
      { type: 'outbound-rtp', id: 'O1' },
    ];
    expect(sampleFromStats(stats)).toEqual({ rttMs: 45, lossFraction: 0.04 });
  });
  it('falls back to a nominated pair, then to remote-inbound RTT', () => {
    expect(sampleFromStats([{ type: 'candidate-pair', id: 'a', state: 'succeeded', nominated: true, currentRoundTripTime: 0.2 }])).toEqual({
      rttMs: 200,
      lossFraction: null,
    });
    expect(sampleFromStats([{ type: 'remote-inbound-rtp', id: 'r', roundTripTime: 0.3, fractionLost: 0 }])).toEqual({ rttMs: 300, lossFraction: 0 });
  });
  it('works on a Map-like report and ignores junk', () => {
    const report = new Map<string, unknown>([
      ['x', null],
      ['y', { type: 'candidate-pair', id: 'y', state: 'in-progress', currentRoundTripTime: 1 }],
    ]);
    expect(sampleFromStats(report.values())).toEqual({ rttMs: null, lossFraction: null });
  });
});

describe('QualityTracker', () => {
  it('averages the last samples', () => {
    const t = new QualityTracker(3);
    expect(t.push({ rttMs: 50, lossFraction: 0 })).toBe('good');
    expect(t.push({ rttMs: 50, lossFraction: 0.15 })).toBe('fair'); // mean loss 0.075
    expect(t.push({ rttMs: 50, lossFraction: 0.15 })).toBe('poor'); // mean loss 0.1
    t.push({ rttMs: 50, lossFraction: 0 });
    t.push({ rttMs: 50, lossFraction: 0 });
    expect(t.push({ rttMs: 50, lossFraction: 0 })).toBe('good');
  });
});

describe('bandwidthFromStats', () => {
  const pairs = [
    { type: 'transport', id: 'T', selectedCandidatePairId: 'P2' },
    { type: 'candidate-pair', id: 'P1', availableOutgoingBitrate: 9_000_000 },
    { type: 'candidate-pair', id: 'P2', availableOutgoingBitrate: 148_400 },
  ];
  const video = (rid: string, qualityLimitationReason: string) => ({ type: 'outbound-rtp', kind: 'video', id: rid, rid, qualityLimitationReason });

  it('reads the selected pair’s availableOutgoingBitrate in kbit/s while it limits my video', () => {
    expect(bandwidthFromStats([...pairs, video('l', 'none'), video('h', 'bandwidth')])).toBe(148);
    expect(
      bandwidthFromStats([{ type: 'transport', id: 'T', selectedCandidatePairId: 'P' }, { type: 'candidate-pair', id: 'P' }, video('h', 'bandwidth')]),
    ).toBeNull();
  });

  it('is unknown while the estimate limits nothing: an application-limited estimate follows what is sent, not the link', () => {
    // As sampled on loopback (RTT 2 ms, no loss): an estimate under the fair threshold while the
    // encoder sends every layer it has, or is held back by the CPU only.
    const loopback = [
      { type: 'transport', id: 'T', selectedCandidatePairId: 'P' },
      { type: 'candidate-pair', id: 'P', availableOutgoingBitrate: 440_000 },
    ];
    expect(bandwidthFromStats([...loopback, video('l', 'none'), video('h', 'none')])).toBeNull();
    expect(bandwidthFromStats([...loopback, video('l', 'cpu'), video('h', 'cpu')])).toBeNull();
    expect(bandwidthFromStats([...loopback, { type: 'outbound-rtp', kind: 'audio', id: 'a' }])).toBeNull();
  });
});

describe('InboundLossMeter', () => {
  it('measures lost over expected between two samples, over all inbound streams', () => {
    const meter = new InboundLossMeter();
    const at = (aLost: number, aRecv: number, vLost: number, vRecv: number) => [
      { type: 'inbound-rtp', id: 'a', packetsLost: aLost, packetsReceived: aRecv },
      { type: 'inbound-rtp', id: 'v', packetsLost: vLost, packetsReceived: vRecv },
      { type: 'outbound-rtp', id: 'o', packetsLost: 999 },
    ];
    expect(meter.sample(at(0, 100, 0, 100))).toBeNull(); // nothing to compare with yet
    expect(meter.sample(at(5, 195, 5, 195))).toBeCloseTo(0.05);
    expect(meter.sample(at(5, 295, 5, 295))).toBe(0);
    expect(meter.sample(at(5, 298, 5, 298))).toBeNull(); // too few packets to say
    meter.reset();
    expect(meter.sample(at(50, 300, 5, 300))).toBeNull();
  });
});
