// In-page probe for the join benchmark, injected into every document before any page script
// (Playwright init script, bundled by esbuild at run time). The same probe runs on jiefen's
// room pages and on the baseline page, so both are measured the same way:
//
// - clicks the pre-join button (`prejoin-join`) the moment it is enabled (MutationObserver,
//   no polling delay) — the baseline page has no such button;
// - every ~25 ms reads `window.__jiefenRoom` (status, mediaStatus, inboundStats()) and records
//   the first time each milestone is seen; stops at the first decoded remote video frame;
// - for the diagnosis only (not the figure): times getUserMedia, and, when the room handle
//   carries a socket.io socket, every request's ack round trip, every server event's arrival
//   and the WebSocket upgrade;
// - marks are wall-clock Date.now() values, comparable with the harness' clock (same machine).
export interface ProbeMarks {
  /** The probe ran (document created). */
  documentStart?: number;
  domContentLoaded?: number;
  gumStart?: number;
  gumDone?: number;
  joinClicked?: number;
  /** window.__jiefenRoom appeared (the room client started). */
  roomClient?: number;
  /** socket.io connected to the room namespace (before the room client when it was opened early). */
  socketConnected?: number;
  /** socket.io switched to WebSocket. */
  wsUpgrade?: number;
  lobby?: number;
  admitted?: number;
  mediaReady?: number;
  firstConsumer?: number;
  firstVideoPacket?: number;
  firstFrame?: number;
}

export interface ProbeResource {
  /** Path (and query) of the request. */
  name: string;
  type: string;
  /** Wall clock, like the marks. */
  start: number;
  end: number;
  /** Bytes over the network (headers + encoded body; 0 from the cache): PerformanceResourceTiming.transferSize. */
  bytes: number;
}

/** A socket.io request (client → server with ack), or a server event (end = start). */
export interface ProbeSocketEvent {
  event: string;
  direction: 'request' | 'event';
  start: number;
  end: number;
  /** The engine transport when it was sent/received. */
  transport: string;
}

export interface ProbeState {
  marks: ProbeMarks;
  /** Scripts, stylesheets and API/socket.io polling requests up to the first frame. */
  resources: ProbeResource[];
  socket: ProbeSocketEvent[];
  /** Main-thread tasks ≥ 50 ms (PerformanceObserver 'longtask'), wall clock start + duration. */
  longTasks: Array<{ start: number; duration: number }>;
  lastStatus: string | null;
  lastMediaStatus: string | null;
  firstFramePeerId: string | null;
  errors: string[];
}

interface InboundStat {
  peerId: string;
  kind: 'audio' | 'video';
  framesDecoded: number;
  packetsReceived: number;
}

/** The parts of a socket.io-client Socket the probe touches. */
interface LooseSocket {
  emit(event: string, ...args: unknown[]): unknown;
  onAny(listener: (event: string, ...args: unknown[]) => void): unknown;
  on(event: string, listener: () => void): unknown;
  io?: { engine?: { transport?: { name?: string }; on(event: string, listener: () => void): unknown }; on(event: string, listener: () => void): unknown };
}

interface RoomHandle {
  readonly status: string;
  readonly mediaStatus: string;
  readonly socket?: LooseSocket;
  inboundStats(): Promise<InboundStat[]>;
}

declare global {
  interface Window {
    __benchProbe?: ProbeState;
  }
}

const POLL_MS = 25;
const MAX_SOCKET_ENTRIES = 300;

/** The document itself, then every resource it loaded. */
function resources(): ProbeResource[] {
  const origin = performance.timeOrigin;
  return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((e) => {
    const r = e as PerformanceResourceTiming;
    const url = new URL(r.name);
    return {
      name: url.pathname + url.search,
      type: r.initiatorType,
      start: Math.round(origin + r.startTime),
      end: Math.round(origin + r.responseEnd),
      bytes: r.transferSize,
    };
  });
}

function install(): void {
  if (window.top !== window || window.__benchProbe) return;
  const state: ProbeState = {
    marks: {},
    resources: [],
    socket: [],
    longTasks: [],
    lastStatus: null,
    lastMediaStatus: null,
    firstFramePeerId: null,
    errors: [],
  };
  window.__benchProbe = state;
  const mark = (name: keyof ProbeMarks) => {
    state.marks[name] ??= Date.now();
  };
  mark('documentStart');
  document.addEventListener('DOMContentLoaded', () => mark('domContentLoaded'), { once: true });
  window.addEventListener('error', (e) => state.errors.push(String(e.message)));
  window.addEventListener('unhandledrejection', (e) => state.errors.push(String((e.reason as Error)?.message ?? e.reason)));

  try {
    new PerformanceObserver((list) => {
      if (state.marks.firstFrame) return;
      for (const e of list.getEntries()) state.longTasks.push({ start: Math.round(performance.timeOrigin + e.startTime), duration: Math.round(e.duration) });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No long-task timing in this browser: the report shows none.
  }

  const md = navigator.mediaDevices;
  if (md?.getUserMedia) {
    const original = md.getUserMedia.bind(md);
    md.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      mark('gumStart');
      const stream = await original(constraints);
      mark('gumDone');
      return stream;
    };
  }

  // The room client assigns window.__jiefenRoom before it connects its socket: catch that
  // moment to instrument the socket from its first packet. (A page may redefine the property,
  // as the baseline page does; then there is simply no socket to instrument.)
  let handle: RoomHandle | undefined;
  Object.defineProperty(window, '__jiefenRoom', {
    configurable: true,
    enumerable: true,
    get: () => handle,
    set: (h: RoomHandle | undefined) => {
      handle = h;
      if (h) {
        mark('roomClient');
        instrumentSocket(h.socket);
      }
    },
  });

  const instrumented = new WeakSet<object>();
  const instrumentSocket = (socket: LooseSocket | undefined) => {
    if (!socket || typeof socket.emit !== 'function' || instrumented.has(socket)) return;
    instrumented.add(socket);
    const transport = () => socket.io?.engine?.transport?.name ?? '?';
    const record = (e: ProbeSocketEvent) => {
      if (state.socket.length < MAX_SOCKET_ENTRIES && !state.marks.firstFrame) state.socket.push(e);
    };
    const emit = socket.emit.bind(socket);
    socket.emit = (event: string, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack === 'function') {
        const start = Date.now();
        const via = transport();
        const timed = (...reply: unknown[]) => {
          record({ event, direction: 'request', start, end: Date.now(), transport: via });
          return (ack as (...r: unknown[]) => unknown)(...reply);
        };
        // socket.io marks error-first callbacks with a `withError` property: keep it.
        args[args.length - 1] = Object.assign(timed, ack);
      }
      return emit(event, ...args);
    };
    socket.onAny((event: string) => {
      const now = Date.now();
      record({ event, direction: 'event', start: now, end: now, transport: transport() });
    });
    // An early socket (web-client/src/room/early-socket.ts) is connected before the handle appears.
    if ((socket as { connected?: boolean }).connected) mark('socketConnected');
    socket.on('connect', () => mark('socketConnected'));
    socket.io?.on('open', () => socket.io?.engine?.on('upgrade', () => mark('wsUpgrade')));
  };

  const tryClick = () => {
    if (state.marks.joinClicked) return;
    const button = document.querySelector<HTMLButtonElement>('[data-testid="prejoin-join"]');
    if (button && !button.disabled) {
      mark('joinClicked');
      button.click();
    }
  };
  const observer = new MutationObserver(tryClick);
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });

  const poll = async () => {
    const room = (window as unknown as { __jiefenRoom?: RoomHandle }).__jiefenRoom;
    if (room) {
      mark('roomClient');
      state.lastStatus = room.status;
      state.lastMediaStatus = room.mediaStatus;
      if (room.status === 'lobby') mark('lobby');
      if (room.status === 'admitted') mark('admitted');
      if (room.mediaStatus === 'ready') mark('mediaReady');
      try {
        const stats = await room.inboundStats();
        if (stats.length > 0) mark('firstConsumer');
        const video = stats.filter((s) => s.kind === 'video');
        if (video.some((s) => s.packetsReceived > 0)) mark('firstVideoPacket');
        const decoded = video.find((s) => s.framesDecoded > 0);
        if (decoded) {
          mark('firstFrame');
          state.firstFramePeerId = decoded.peerId;
          state.resources = resources();
          observer.disconnect();
          return; // done: stop polling so the page is left alone
        }
      } catch (err) {
        state.errors.push(`inboundStats: ${String(err)}`);
      }
    }
    setTimeout(() => void poll(), POLL_MS);
  };
  void poll();
}

install();
