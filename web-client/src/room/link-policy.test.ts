import { describe, expect, it } from 'vitest';
import { classifyLink, decideLink, INITIAL_LINK_STATE, LINK_POLICY, stepLink, type LinkPolicyState, type LinkSample } from './link-policy.ts';

const GOOD: LinkSample = { bandwidthKbps: 1500, lossFraction: 0, rttMs: 40, sendingVideo: true };
/** The weak link of #18 item 2(c): 150 kbit/s, 5 % loss, 300 ms RTT. */
const WEAK: LinkSample = { bandwidthKbps: 140, lossFraction: 0.05, rttMs: 300, sendingVideo: true };
const FAIR: LinkSample = { bandwidthKbps: 400, lossFraction: 0.01, rttMs: 120, sendingVideo: true };

/** A session whose estimate has had its time to ramp up (most tests judge a running session). */
const STARTED: LinkPolicyState = { ...INITIAL_LINK_STATE, sinceStart: LINK_POLICY.rampSamples };

function run(samples: LinkSample[], from: LinkPolicyState = STARTED): LinkPolicyState[] {
  const out: LinkPolicyState[] = [];
  let s = from;
  for (const sample of samples) out.push((s = stepLink(s, sample)));
  return out;
}

const times = (n: number, s: LinkSample) => Array.from({ length: n }, () => s);

describe('classifyLink', () => {
  it('grades by bandwidth, loss and RTT; the worst measure wins', () => {
    expect(classifyLink(GOOD)).toBe('good');
    expect(classifyLink(FAIR)).toBe('fair');
    expect(classifyLink(WEAK)).toBe('poor');
    expect(classifyLink({ ...GOOD, lossFraction: 0.12 })).toBe('poor');
    expect(classifyLink({ ...GOOD, rttMs: 900 })).toBe('poor');
    expect(classifyLink({ ...GOOD, rttMs: 450 })).toBe('fair');
  });

  it('ignores the bandwidth estimate while no video is sent (audio alone keeps it low)', () => {
    expect(classifyLink({ ...GOOD, bandwidthKbps: 60, sendingVideo: false })).toBe('good');
    expect(classifyLink({ bandwidthKbps: null, lossFraction: null, rttMs: null, sendingVideo: true })).toBe('good');
  });

  it('needs a margin over the threshold to grade better than the current level', () => {
    const justFair = { ...GOOD, bandwidthKbps: LINK_POLICY.fair.bandwidthKbps + 10 };
    expect(classifyLink(justFair, 'good')).toBe('good');
    expect(classifyLink(justFair, 'fair')).toBe('fair');
    expect(classifyLink({ ...GOOD, bandwidthKbps: LINK_POLICY.fair.bandwidthKbps * LINK_POLICY.recoverMargin + 1 }, 'fair')).toBe('good');
  });
});

describe('stepLink (hysteresis)', () => {
  it('goes down only after downAfter weak samples in a row', () => {
    const states = run([WEAK, GOOD, WEAK, WEAK]);
    expect(states.map((s) => s.level)).toEqual(['good', 'good', 'good', 'poor']);
  });

  it('comes back only after upAfter better samples in a row', () => {
    const poor = run(times(2, WEAK)).at(-1)!;
    const states = run([GOOD, GOOD, FAIR, GOOD, GOOD, GOOD], poor);
    // FAIR breaks the streak towards good but is itself a step up from poor.
    expect(states.map((s) => s.level)).toEqual(['poor', 'poor', 'poor', 'poor', 'poor', 'good']);
  });

  it('does not flap on a link that sits between levels: a failed try makes the next one wait longer, at most maxUpAfterPoor', () => {
    // Video off: only loss and RTT are seen, and they look fine; video back on: the estimate is poor again.
    const silent = { ...WEAK, bandwidthKbps: 40, lossFraction: 0.01, rttMs: 200, sendingVideo: false };
    let state = run(times(2, WEAK)).at(-1)!;
    const waits: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      let n = 0;
      while (state.level === 'poor') {
        state = stepLink(state, silent);
        n++;
      }
      waits.push(n);
      expect(state.level).toBe('fair');
      // Video back on the same weak link: once the estimate had time to ramp up, it says poor again.
      state = run(times(LINK_POLICY.rampSamples + LINK_POLICY.downAfter, WEAK), state).at(-1)!;
      expect(state.level).toBe('poor');
    }
    expect(waits).toEqual([3, 6, 8, 8]);
  });

  it('forgets failed tries after a long enough good spell', () => {
    let state: LinkPolicyState = { ...STARTED, level: 'poor', failedTries: 2 };
    state = run(times(LINK_POLICY.maxUpAfterPoor, GOOD), state).at(-1)!;
    expect(state.level).toBe('good');
    state = run(times(LINK_POLICY.forgetAfter, GOOD), state).at(-1)!;
    expect(state.failedTries).toBe(0);
    state = run(times(2, WEAK), state).at(-1)!;
    expect(run(times(3, GOOD), state).at(-1)!.level).toBe('good');
  });

  it('stays poor on the weak link while video is off: its loss alone says so', () => {
    const states = run([...times(2, WEAK), ...times(30, { ...WEAK, bandwidthKbps: 40, sendingVideo: false })]);
    expect(states.slice(1).every((s) => s.level === 'poor')).toBe(true);
  });

  it('does not take the low estimate of video just resumed as a verdict (it ramps up from audio alone)', () => {
    const poor = run(times(2, WEAK)).at(-1)!;
    const clean = { bandwidthKbps: 40, lossFraction: 0, rttMs: 60, sendingVideo: false };
    let state = run(times(LINK_POLICY.upAfter, clean), poor).at(-1)!;
    expect(state.level).toBe('fair');
    state = run(times(LINK_POLICY.rampSamples, { ...clean, bandwidthKbps: 120, sendingVideo: true }), state).at(-1)!;
    expect(state.level).toBe('fair');
    state = run(times(LINK_POLICY.upAfter, GOOD), state).at(-1)!;
    expect(state.level).toBe('good');
  });

  it('judges loss and RTT from the first sample of a session, its estimate only once it had time to ramp up', () => {
    // Chromium starts a sender's estimate from a guess; on a busy device it may sit under the poor line for seconds.
    const rampingUp = { ...GOOD, bandwidthKbps: 150 };
    const start = run(times(LINK_POLICY.rampSamples, rampingUp), INITIAL_LINK_STATE);
    expect(start.map((s) => s.level)).toEqual(Array.from({ length: LINK_POLICY.rampSamples }, () => 'good'));
    // Still that low afterwards: that is the link.
    expect(run(times(LINK_POLICY.downAfter, rampingUp), start.at(-1)).at(-1)!.level).toBe('poor');
    // Loss says so at once.
    expect(run(times(LINK_POLICY.downAfter, { ...GOOD, lossFraction: 0.12 }), INITIAL_LINK_STATE).at(-1)!.level).toBe('poor');
  });

  it('recovers from the weak link within 10 one-second samples once it is good again', () => {
    let state = run([...times(2, WEAK), ...times(18, { ...WEAK, sendingVideo: false })]).at(-1)!;
    expect(state.level).toBe('poor');
    // Video off: the good link shows in loss and RTT; video comes back (fair, low layer) and then goes up.
    const after = run([...times(3, { ...GOOD, sendingVideo: false }), ...times(7, GOOD)], state);
    expect(after.findIndex((s) => s.level === 'fair')).toBeLessThan(4);
    expect(after.findIndex((s) => s.level === 'good')).toBeLessThan(10);
    state = after.at(-1)!;
    expect(state.level).toBe('good');
  });
});

describe('decideLink', () => {
  it('poor: no video either way; fair: low layer; good: high layer', () => {
    expect(decideLink('poor')).toEqual({ level: 'poor', sendVideo: false, receiveVideo: false, preferredLayer: 0 });
    expect(decideLink('fair')).toEqual({ level: 'fair', sendVideo: true, receiveVideo: true, preferredLayer: 0 });
    expect(decideLink('good')).toEqual({ level: 'good', sendVideo: true, receiveVideo: true, preferredLayer: 1 });
  });
});
