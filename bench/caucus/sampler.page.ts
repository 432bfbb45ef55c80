// In-page RTP/frame sampler for the caucus benchmark, injected into every document before any
// page script (Playwright init script, bundled by esbuild at run time). The same sampler runs on
// jiefen's room pages and on the baseline breakout page, so both are measured alike:
//
// - wraps RTCPeerConnection to know every peer connection the page makes (mediasoup-client makes
//   one per transport; the baseline page makes new ones at every switch);
// - learns which inbound SSRC carries whose media: on jiefen pages from the `media:newConsumer`
//   socket.io events (consumer rtpParameters → SSRC, payload → peerId/kind), on the baseline page
//   from its own `register()` calls;
// - every `intervalMs` (a chained timer, never overlapping), per receiving peer connection:
//   getSynchronizationSources() of every receiver — a 'frame' event whenever an SSRC shows a newer
//   delivery, stamped with that delivery's own time (not cached: the precise "new frame" signal) —
//   and getStats() — for each inbound-rtp stream whose bytes/packets/framesDecoded grew, a 'stats'
//   event stamped with the report's timestamp (Chrome refreshes reports at most every ~50 ms) and
//   the stream's lastPacketReceivedTimestamp (the precise "last RTP packet" signal); all times
//   on this machine's wall clock in ms (performance.timeOrigin based, like the harness');
// - the harness drains the events every ~100 ms.
export interface SampleEvent {
  /**
   * 'stats': an inbound-rtp report whose counters grew; t = the report's collection time, the
   * growth happened in (prev, t]. Chrome refreshes reports at most every ~50 ms.
   * 'frame': RTCRtpReceiver.getSynchronizationSources() shows a newer delivery from this SSRC;
   * t = that delivery's own timestamp (video: a decoded frame handed to the track; audio: samples
   * played out), polled every interval, not cached.
   */
  src: 'stats' | 'frame';
  /** Wall clock ms (see src). */
  t: number;
  /** Previous report's time for this stream (wall clock ms); null on first sight. */
  prev: number | null;
  ssrc: number;
  /** `${peerId}/${kind}` of the sender, or `?/${kind}` if the SSRC is unknown. */
  key: string;
  /** Growth since the previous report. */
  bytes: number;
  packets: number;
  frames: number;
  /** lastPacketReceivedTimestamp (wall clock ms), when the browser gives one. */
  lastPacket: number | null;
}

export interface SamplerState {
  events: SampleEvent[];
  /** Samples taken (getStats rounds) and the sum of their durations, for the report. */
  rounds: number;
  roundMsTotal: number;
  roundMsMax: number;
  /** Distinct report timestamps seen per stream, for the effective resolution. */
  distinctReports: number;
  errors: string[];
}

interface Sampler {
  state: SamplerState;
  start(intervalMs: number): void;
  stop(): void;
  register(ssrc: number, peerId: string, kind: string): void;
  drain(): SampleEvent[];
  /** page clock (timeOrigin + now) minus Date.now(): alignment check. */
  clock(): { perf: number; date: number };
}

declare global {
  interface Window {
    __caucusSampler?: Sampler;
  }
}

const MAX_EVENTS = 200_000;

function install(): void {
  if (window.top !== window || window.__caucusSampler) return;
  const now = () => performance.timeOrigin + performance.now();
  const state: SamplerState = { events: [], rounds: 0, roundMsTotal: 0, roundMsMax: 0, distinctReports: 0, errors: [] };
  const pcs = new Set<RTCPeerConnection>();
  const owners = new Map<number, string>();
  const last = new Map<string, { t: number; bytes: number; packets: number; frames: number }>();
  const lastDelivery = new Map<number, number>();

  const Native = window.RTCPeerConnection;
  if (Native) {
    const Wrapped = function (this: unknown, ...args: ConstructorParameters<typeof RTCPeerConnection>) {
      const pc = new Native(...args);
      pcs.add(pc);
      return pc;
    } as unknown as typeof RTCPeerConnection;
    Wrapped.prototype = Native.prototype;
    Object.setPrototypeOf(Wrapped, Native);
    window.RTCPeerConnection = Wrapped;
  }

  const register = (ssrc: number, peerId: string, kind: string) => owners.set(ssrc, `${peerId}/${kind}`);

  // jiefen: the room client assigns window.__jiefenRoom (with its socket) before it connects.
  let handle: unknown;
  Object.defineProperty(window, '__jiefenRoom', {
    configurable: true,
    enumerable: true,
    get: () => handle,
    set: (h: { socket?: { onAny(l: (event: string, ...args: unknown[]) => void): unknown } } | undefined) => {
      handle = h;
      h?.socket?.onAny((event: string, payload: unknown) => {
        if (event !== 'media:newConsumer') return;
        const p = payload as { peerId?: string; kind?: string; rtpParameters?: { encodings?: Array<{ ssrc?: number }> } };
        const ssrc = p?.rtpParameters?.encodings?.[0]?.ssrc;
        if (typeof ssrc === 'number' && p.peerId && p.kind) register(ssrc, p.peerId, p.kind);
      });
    },
  });

  // Chrome reports stats timestamps in ms since the Unix epoch; the spec says timeOrigin-relative.
  const wall = (ts: number) => (ts > 1e12 ? ts : performance.timeOrigin + ts);

  const receiving = (pc: RTCPeerConnection) => {
    if (pc.signalingState === 'closed' || pc.connectionState === 'closed') return false;
    return pc.getTransceivers().some((t) => t.direction === 'recvonly' || t.direction === 'sendrecv');
  };

  const push = (e: SampleEvent) => {
    if (state.events.length < MAX_EVENTS) state.events.push(e);
  };

  const deliveries = (pc: RTCPeerConnection) => {
    for (const tr of pc.getTransceivers()) {
      if (tr.direction !== 'recvonly' && tr.direction !== 'sendrecv') continue;
      const kind = tr.receiver.track?.kind ?? '?';
      for (const s of tr.receiver.getSynchronizationSources()) {
        const t = wall(s.timestamp);
        const prev = lastDelivery.get(s.source);
        if (prev !== undefined && prev >= t) continue;
        lastDelivery.set(s.source, t);
        push({
          src: 'frame',
          t,
          prev: prev ?? null,
          ssrc: s.source,
          key: owners.get(s.source) ?? `?/${kind}`,
          bytes: 0,
          packets: 0,
          frames: 1,
          lastPacket: null,
        });
      }
    }
  };

  const sample = async () => {
    const started = performance.now();
    for (const pc of [...pcs]) {
      if (pc.signalingState === 'closed') {
        pcs.delete(pc);
        continue;
      }
      if (!receiving(pc)) continue;
      try {
        deliveries(pc);
      } catch (err) {
        if (state.errors.length < 20) state.errors.push(String(err));
      }
      let report: RTCStatsReport;
      try {
        report = await pc.getStats();
      } catch (err) {
        if (state.errors.length < 20) state.errors.push(String(err));
        continue;
      }
      report.forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp' || typeof s.ssrc !== 'number') return;
        const id = `${s.id as string}`;
        const t = wall(s.timestamp as number);
        const bytes = Number(s.bytesReceived ?? 0);
        const packets = Number(s.packetsReceived ?? 0);
        const frames = Number(s.framesDecoded ?? 0);
        const prev = last.get(id);
        if (prev && prev.t === t) return; // a cached report: nothing new
        state.distinctReports++;
        last.set(id, { t, bytes, packets, frames });
        const d = { bytes: bytes - (prev?.bytes ?? 0), packets: packets - (prev?.packets ?? 0), frames: frames - (prev?.frames ?? 0) };
        if (d.bytes <= 0 && d.packets <= 0 && d.frames <= 0) return;
        const lp = typeof s.lastPacketReceivedTimestamp === 'number' ? wall(s.lastPacketReceivedTimestamp) : null;
        push({ src: 'stats', t, prev: prev?.t ?? null, ssrc: s.ssrc, key: owners.get(s.ssrc) ?? `?/${String(s.kind)}`, ...d, lastPacket: lp });
      });
    }
    const ms = performance.now() - started;
    state.rounds++;
    state.roundMsTotal += ms;
    state.roundMsMax = Math.max(state.roundMsMax, ms);
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  const sampler: Sampler = {
    state,
    start(intervalMs: number) {
      if (running) return;
      running = true;
      const tick = async () => {
        const t0 = performance.now();
        try {
          await sample();
        } catch (err) {
          if (state.errors.length < 20) state.errors.push(String(err));
        }
        if (running) timer = setTimeout(() => void tick(), Math.max(0, intervalMs - (performance.now() - t0)));
      };
      void tick();
    },
    stop() {
      running = false;
      clearTimeout(timer);
    },
    register,
    drain() {
      // Events whose SSRC was registered after they were recorded get their owner now.
      const out = state.events.splice(0);
      for (const e of out) if (e.key.startsWith('?/')) e.key = owners.get(e.ssrc) ?? e.key;
      return out;
    },
    clock: () => ({ perf: now(), date: Date.now() }),
  };
  window.__caucusSampler = sampler;
}

install();
