// Network quality from WebRTC stats (computed client-side, no server involvement).

export type Quality = 'good' | 'fair' | 'poor' | 'unknown';

export const QUALITY_LABEL: Record<Quality, string> = {
  good: '好',
  fair: '一般',
  poor: '差',
  unknown: '检测中',
};

export interface QualitySample {
  /** Round-trip time of the selected ICE candidate pair, in ms. */
  rttMs: number | null;
  /** Worst fraction of packets lost reported by the far end (0..1). */
  lossFraction: number | null;
}

type Stat = Record<string, unknown> & { type?: unknown; id?: unknown };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The candidate pair a transport selected (before one names it: the nominated, succeeded one). */
function selectedPair(all: Stat[]): Stat | undefined {
  const pairs = all.filter((s) => s.type === 'candidate-pair');
  const selectedIds = new Set(
    all
      .filter((s) => s.type === 'transport')
      .map((s) => s.selectedCandidatePairId)
      .filter(Boolean),
  );
  return pairs.find((p) => selectedIds.has(p.id)) ?? pairs.find((p) => p.nominated === true && p.state === 'succeeded');
}

/** Extracts RTT and loss from an RTCStatsReport's values (plain objects in tests). */
export function sampleFromStats(stats: Iterable<unknown>): QualitySample {
  const all = [...stats].filter((s): s is Stat => !!s && typeof s === 'object');
  const pair = selectedPair(all) ?? all.find((p) => p.type === 'candidate-pair' && p.state === 'succeeded' && num(p.currentRoundTripTime) !== null);
  let rttSec = pair ? num(pair.currentRoundTripTime) : null;

  let loss: number | null = null;
  for (const s of all) {
    if (s.type !== 'remote-inbound-rtp') continue;
    const f = num(s.fractionLost);
    if (f !== null) loss = Math.max(loss ?? 0, f);
    const r = num(s.roundTripTime);
    if (rttSec === null && r !== null) rttSec = r;
  }
  return { rttMs: rttSec === null ? null : Math.round(rttSec * 1000), lossFraction: loss };
}

export const THRESHOLDS = {
  good: { rttMs: 250, loss: 0.02 },
  fair: { rttMs: 500, loss: 0.08 },
} as const;

export function classifyQuality(s: QualitySample): Quality {
  const { rttMs, lossFraction } = s;
  if (rttMs === null && lossFraction === null) return 'unknown';
  const within = (t: { rttMs: number; loss: number }) => (rttMs === null || rttMs <= t.rttMs) && (lossFraction === null || lossFraction <= t.loss);
  if (within(THRESHOLDS.good)) return 'good';
  if (within(THRESHOLDS.fair)) return 'fair';
  return 'poor';
}

/** Averages the last few samples so one lost RTCP report does not make the indicator flicker. */
export class QualityTracker {
  readonly #samples: QualitySample[] = [];
  constructor(readonly windowSize = 3) {}

  push(sample: QualitySample): Quality {
    this.#samples.push(sample);
    if (this.#samples.length > this.windowSize) this.#samples.shift();
    return classifyQuality(this.average());
  }

  average(): QualitySample {
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    const rtts = this.#samples.map((s) => s.rttMs).filter((v): v is number => v !== null);
    const losses = this.#samples.map((s) => s.lossFraction).filter((v): v is number => v !== null);
    const rtt = mean(rtts);
    return { rttMs: rtt === null ? null : Math.round(rtt), lossFraction: mean(losses) };
  }

  reset(): void {
    this.#samples.length = 0;
  }
}

/**
 * The send side's bandwidth estimate (selected candidate pair's availableOutgoingBitrate), kbit/s,
 * while it is what limits my video: an outbound video stream's qualityLimitationReason is
 * 'bandwidth' (the encoder turned a simulcast layer off or scaled down for it). Otherwise null —
 * an estimate that limits nothing is application-limited: it follows what is sent (a still
 * picture, a small camera), not the link. On loopback it sat at 440–700 kbit/s, under the fair
 * threshold, and sent every receiver of a perfect link to the low layer now and then.
 */
export function bandwidthFromStats(stats: Iterable<unknown>): number | null {
  const all = [...stats].filter((s): s is Stat => !!s && typeof s === 'object');
  const limited = all.some((s) => s.type === 'outbound-rtp' && s.kind === 'video' && s.qualityLimitationReason === 'bandwidth');
  if (!limited) return null;
  const pair = selectedPair(all);
  const bps = pair ? num(pair.availableOutgoingBitrate) : null;
  return bps === null ? null : Math.round(bps / 1000);
}

/**
 * Loss on what I receive, between two samples: packets lost over packets expected, all inbound RTP
 * streams together. Fresh every sample — the loss of what I send comes only with the media
 * server's receiver reports (every few seconds for audio), and shows in the send side's bandwidth
 * estimate anyway.
 */
export class InboundLossMeter {
  #last = new Map<unknown, { lost: number; received: number }>();

  /** null until two samples with at least `minPackets` expected between them. */
  sample(stats: Iterable<unknown>, minPackets = 10): number | null {
    let lost = 0;
    let expected = 0;
    const next = new Map<unknown, { lost: number; received: number }>();
    for (const s of stats) {
      if (!s || typeof s !== 'object' || (s as Stat).type !== 'inbound-rtp') continue;
      const st = s as Stat;
      const now = { lost: num(st.packetsLost) ?? 0, received: num(st.packetsReceived) ?? 0 };
      next.set(st.id, now);
      const before = this.#last.get(st.id);
      if (!before) continue;
      const dLost = Math.max(0, now.lost - before.lost);
      lost += dLost;
      expected += dLost + Math.max(0, now.received - before.received);
    }
    this.#last = next;
    return expected >= minPackets ? lost / expected : null;
  }

  reset(): void {
    this.#last.clear();
  }
}
