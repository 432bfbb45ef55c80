// Settings shared by both halves of the join benchmark.

/** Three participants: a desktop (the mediator, or baseline peer 1) and two phones. */
export const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
  { width: 390, height: 844 },
] as const satisfies ReadonlyArray<{ width: number; height: number }>;

export interface RunOptions {
  /** Per page: goto → first remote frame. */
  pageTimeoutMs: number;
  /** Idle time after the browsers start, before the pages open. */
  settleMs: number;
  /** Priority of the server (this process) and its mediasoup workers over the browsers (lib/priority.ts). */
  serverNice: number;
  serverRt: number;
}
