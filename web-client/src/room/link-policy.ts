// Audio-first on a weak link: what my client does about the network, as a pure function of the
// WebRTC statistics it samples once a second. Voice matters more than a picture in a mediation,
// so a poor link gives up video (仅语音) before audio suffers; a fair one keeps video at the low
// simulcast layer. Hysteresis keeps it from flapping: a worse level must be seen `downAfter`
// samples in a row, a better one `upAfter` samples in a row and with a margin over the threshold.
// The thresholds are product tuning, not law; they live here next to their tests.

export type LinkLevel = 'good' | 'fair' | 'poor';

export interface LinkSample {
  /** The send side's bandwidth estimate (candidate pair availableOutgoingBitrate), kbit/s; null unless it limits my video (quality.ts). */
  bandwidthKbps: number | null;
  /** Worst fraction of packets lost, as the far end reports it (0..1). */
  lossFraction: number | null;
  /** Round-trip time of the selected candidate pair, ms. */
  rttMs: number | null;
  /** Video was being sent when the sample was taken (with audio alone the estimate stays near what audio needs). */
  sendingVideo: boolean;
}

export interface LinkPolicyState {
  level: LinkLevel;
  /** The level the last samples point to, and for how many samples in a row. */
  candidate: LinkLevel;
  streak: number;
  /** Samples since the level last went up from poor (null: not since it was last poor). */
  sinceLeftPoor: number | null;
  /**
   * Video came back from poor and the link fell to poor again soon after, this many times in a
   * row: each makes the next try wait longer (with video off the estimate cannot tell).
   */
  failedTries: number;
  /**
   * Samples since the media started, counted up to rampSamples. A sender's estimate starts from a
   * guess (≈ 300 kbit/s in Chromium) and ramps up over seconds, faster or slower with the load on
   * the device: judged at once it sent every new session to the low layer, sometimes to 仅语音.
   */
  sinceStart: number;
}

export interface LinkDecision {
  level: LinkLevel;
  /** Send my camera (false: 仅语音 because of the link). */
  sendVideo: boolean;
  /** Receive others' video (false: 仅语音 because of the link). */
  receiveVideo: boolean;
  /** The highest simulcast layer worth asking the server for (0 = low). */
  preferredLayer: 0 | 1;
}

export const LINK_POLICY = {
  /** At or beyond any of these the link is poor (video off). */
  poor: { bandwidthKbps: 200, loss: 0.1, rttMs: 800 },
  /** At or beyond any of these (and not poor) it is fair (low layer). */
  fair: { bandwidthKbps: 500, loss: 0.03, rttMs: 400 },
  /** Coming back up, each threshold must be beaten by this factor (loss and RTT: divided by it). */
  recoverMargin: 1.25,
  downAfter: 2,
  upAfter: 3,
  /** After the media start or video comes back from poor, the bandwidth estimate is not judged for this many samples. */
  rampSamples: 4,
  /** Leaving poor waits upAfter × 2^failedTries samples, at most this many (the 10 s promise). */
  maxUpAfterPoor: 8,
  /** Falling back to poor within this many samples of leaving it counts as a failed try. */
  failedTryWithin: 15,
  /** This many samples above poor forget the failed tries. */
  forgetAfter: 30,
} as const;

const ORDER: Record<LinkLevel, number> = { good: 0, fair: 1, poor: 2 };

export const INITIAL_LINK_STATE: LinkPolicyState = { level: 'good', candidate: 'good', streak: 0, sinceLeftPoor: null, failedTries: 0, sinceStart: 0 };

type Limits = { bandwidthKbps: number; loss: number; rttMs: number };

/** Beyond the limits on any measure (`margin` > 1 makes the limits stricter, for coming back). */
function beyond(s: LinkSample, t: Limits, margin: number): boolean {
  const bw = s.sendingVideo ? s.bandwidthKbps : null;
  return (
    (bw !== null && bw < t.bandwidthKbps * margin) ||
    (s.lossFraction !== null && s.lossFraction >= t.loss / margin) ||
    (s.rttMs !== null && s.rttMs >= t.rttMs / margin)
  );
}

/**
 * The level one sample points to, from the current level (better levels need the margin). From
 * poor without video on the wire the bandwidth cannot be known: only a link that is good by loss
 * and RTT is worth trying video on again (first at the low layer).
 */
export function classifyLink(s: LinkSample, from: LinkLevel = 'good'): LinkLevel {
  const margin = (target: LinkLevel) => (ORDER[target] < ORDER[from] ? LINK_POLICY.recoverMargin : 1);
  if (from === 'poor' && !s.sendingVideo) return beyond(s, LINK_POLICY.fair, LINK_POLICY.recoverMargin) ? 'poor' : 'fair';
  if (beyond(s, LINK_POLICY.poor, margin('fair'))) return 'poor';
  if (beyond(s, LINK_POLICY.fair, margin('good'))) return 'fair';
  return 'good';
}

/** The next state after one sample. */
export function stepLink(state: LinkPolicyState, s: LinkSample): LinkPolicyState {
  const sinceLeftPoor = state.sinceLeftPoor === null ? null : state.sinceLeftPoor + 1;
  const failedTries = sinceLeftPoor !== null && sinceLeftPoor >= LINK_POLICY.forgetAfter ? 0 : state.failedTries;
  const sinceStart = Math.min(state.sinceStart + 1, LINK_POLICY.rampSamples);
  // The media just started: loss and RTT are judged, the estimate is still ramping up from its guess.
  const starting = state.sinceStart < LINK_POLICY.rampSamples;
  // Video just came back: the sender's estimate needs a few seconds to ramp up from audio alone.
  const ramping = sinceLeftPoor !== null && sinceLeftPoor <= LINK_POLICY.rampSamples;
  const measured = classifyLink(ramping || starting ? { ...s, bandwidthKbps: null } : s, state.level);
  // …and until it has, the link is not called good (the high layer waits).
  const seen = ramping && measured === 'good' ? 'fair' : measured;
  if (seen === state.level) return { ...state, candidate: seen, streak: 0, sinceLeftPoor, failedTries, sinceStart };
  const streak = seen === state.candidate ? state.streak + 1 : 1;
  const needed =
    ORDER[seen] > ORDER[state.level]
      ? LINK_POLICY.downAfter
      : state.level === 'poor'
        ? Math.min(LINK_POLICY.upAfter * 2 ** failedTries, LINK_POLICY.maxUpAfterPoor)
        : LINK_POLICY.upAfter;
  if (streak < needed) return { ...state, candidate: seen, streak, sinceLeftPoor, failedTries, sinceStart };
  if (seen === 'poor') {
    const failedTry = sinceLeftPoor !== null && sinceLeftPoor <= LINK_POLICY.failedTryWithin;
    return { level: 'poor', candidate: 'poor', streak: 0, sinceLeftPoor: null, failedTries: failedTry ? failedTries + 1 : failedTries, sinceStart };
  }
  return { level: seen, candidate: seen, streak: 0, sinceLeftPoor: state.level === 'poor' ? 0 : sinceLeftPoor, failedTries, sinceStart };
}

/** What to do at a level. */
export function decideLink(level: LinkLevel): LinkDecision {
  return {
    level,
    sendVideo: level !== 'poor',
    receiveVideo: level !== 'poor',
    preferredLayer: level === 'good' ? 1 : 0,
  };
}

/** The network-quality indicator's words: how the link is and what we are doing about it. */
export const LINK_EXPLANATION: Record<LinkLevel, { label: string; doing: string }> = {
  good: { label: '好', doing: '音视频正常' },
  fair: { label: '一般', doing: '网络一般，已降低视频清晰度以保证声音流畅' },
  poor: { label: '差', doing: '网络较差，已暂停视频（仅语音），优先保证通话声音；网络好转后自动恢复视频' },
};
