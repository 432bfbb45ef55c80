// Two one-time costs of a page's first minutes in the room, paid while it waits for its code and
// the "进入" press instead of right after the join, where every millisecond delays the first picture:
// - the first RTCPeerConnection of a page starts WebRTC's threads (50–200 ms on a busy 2-core
//   machine) — here before the room's code has even arrived; once it has, device-prep.ts asks the
//   browser's codecs for the Device the same way, which then find the threads running;
// - the first Chinese collation loads ICU's pinyin tables (the tiles sort names with it).
// Small and without imports: it runs from the main bundle (early-start.ts), once the camera is open —
// not before: making that first connection holds the page's main thread (traced at 460 ms on a busy
// 2-core machine), and the camera's answer, the API replies and the code all wait behind it.

let collator: Intl.Collator | null = null;

/**
 * One collator for every sort by Chinese name, made on first use: making it is what loads the
 * tables (≈ 10 ms in Node), so not while the main bundle starts — the warm-up makes it when idle.
 */
export function zhCollator(): Intl.Collator {
  return (collator ??= new Intl.Collator('zh-CN'));
}

function warmUpWebRtc(): void {
  if (typeof RTCPeerConnection === 'undefined') return;
  try {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('audio', { direction: 'sendrecv' });
    pc.addTransceiver('video', { direction: 'sendrecv' });
    void pc
      .createOffer()
      .catch(() => undefined)
      .finally(() => pc.close());
  } catch {
    // No WebRTC here: the room says so itself when it loads its device.
  }
}

/** Runs `run` once the main thread is free (a task of its own, soon). */
export function whenIdle(run: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 300 });
  else setTimeout(run, 0);
}

/** Runs both once the main thread is free (a task of its own, not in the page's start-up). */
export function warmUpRoom(): void {
  whenIdle(() => {
    warmUpWebRtc();
    zhCollator();
  });
}
