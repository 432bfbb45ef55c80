// Event-loop lag of a server process over the measured window (both children run it alike).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const RESOLUTION_MS = 10;

export interface LoopLag {
  p99Ms: number;
  maxMs: number;
}

export function loopLagWindow(): { start(): Promise<void>; end(): Promise<LoopLag> } {
  let h: IntervalHistogram | null = null;
  // The histogram records the time between timer wake-ups: the lag is what exceeds the period.
  const lag = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return {
    async start() {
      h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      h.enable();
    },
    async end() {
      if (!h) throw new Error('window not started');
      h.disable();
      return { p99Ms: lag(h.percentile(99)), maxMs: lag(h.max) };
    },
  };
}
