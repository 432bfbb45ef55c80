// The join benchmark's human-readable output: one line per run, then tables of the figure,
// the milestones, the steps between them and (jiefen) the socket.io traffic.
import { round, summarize, table } from '../lib/stats.ts';
import type { AdmitTiming, ServerCall } from './jiefen.ts';
import type { LoopDelay, Milestone, PageSample } from './pages.ts';

export type Half = 'jiefen' | 'baseline';

export interface RunRecord {
  half: Half;
  index: number;
  warmup: boolean;
  pages: PageSample[];
  admits?: Record<string, AdmitTiming>;
  serverCalls?: ServerCall[];
  loopDelay?: LoopDelay;
  /** CPU (cores) used by other processes on the machine during the timed part. */
  otherCpuCores?: number;
  otherBrowser?: boolean;
  error?: string;
  /** Another browser job, or other busy processes, around this run. */
  contended: boolean;
}

// Milestones in time order (ms after page.goto started), as the probe records them.
const MILESTONES: Array<[Milestone, string]> = [
  ['documentStart', 'document created (probe runs)'],
  ['domContentLoaded', 'DOMContentLoaded'],
  ['gumStart', 'getUserMedia called'],
  ['gumDone', 'getUserMedia resolved'],
  ['joinClicked', 'pre-join "进入" clicked (auto)'],
  ['roomClient', 'room client started'],
  ['socketConnected', 'socket.io connected'],
  ['wsUpgrade', 'socket.io upgraded to WebSocket'],
  ['lobby', 'in the lobby (parties)'],
  ['admitted', 'joined / admitted'],
  ['mediaReady', 'transports + producers ready'],
  ['firstConsumer', 'first consumer created'],
  ['firstVideoPacket', 'first remote video packet'],
  ['firstFrame', 'first remote video frame decoded'],
];

// The same time line cut into consecutive steps.
const SEGMENTS: Array<[Milestone | null, Milestone, string]> = [
  [null, 'domContentLoaded', 'page load: HTML + main script'],
  ['domContentLoaded', 'gumStart', 'app start-up until getUserMedia'],
  ['gumStart', 'gumDone', 'getUserMedia'],
  ['gumDone', 'admitted', 'join: click, connect, join (+ lobby/admit)'],
  ['admitted', 'mediaReady', 'media set-up: device, transports, producers'],
  ['mediaReady', 'firstFrame', 'then until the first remote frame'],
  [null, 'firstFrame', 'total'],
];

const median = (xs: number[]) => summarize(xs).p50;
const fmt = (ms: number) => String(Math.round(ms)).padStart(5);
const socketLine = (e: PageSample['socket'][number]) =>
  e.direction === 'request'
    ? `${fmt(e.start)} → ${fmt(e.end)}  socket.io req  ${e.event} (${e.transport})`
    : `${fmt(e.start)}          socket.io evt  ${e.event} (${e.transport})`;

export function describeRun(r: RunRecord, total: number): string {
  const tag = r.warmup ? 'warm-up' : `run ${r.index}/${total}`;
  if (r.error && r.pages.length === 0) return `${tag.padEnd(11)} ${r.half.padEnd(8)}  FAILED: ${r.error}`;
  const pages = r.pages.map((p) => `${p.label} ${p.ms === null ? 'FAILED' : `${Math.round(p.ms)} ms`}`).join('  ');
  const admits = r.admits
    ? Object.entries(r.admits)
        .map(([label, a]) => `${label} admitted at ${a.acked}`)
        .join(', ')
    : '';
  const busy = r.contended ? `  [machine busy: ${r.otherBrowser ? 'another browser job, ' : ''}others used ${r.otherCpuCores ?? '?'} cores]` : '';
  return `${tag.padEnd(11)} ${r.half.padEnd(8)}  ${pages}${admits ? `  (${admits})` : ''}${busy}`;
}

/** Per page: its milestones; for failures its last console lines; with `timeline` every request in order. */
export function describePages(r: RunRecord, timeline: boolean): string[] {
  const out: string[] = [];
  for (const p of r.pages) {
    const marks = MILESTONES.filter(([k]) => p.marks[k] !== undefined).map(([k]) => `${k}=${Math.round(p.marks[k]!)}`);
    out.push(`    ${p.label}: ${marks.join(' ')}`);
    const admit = r.admits?.[p.label];
    if (p.ms === null) {
      out.push(`      ${p.error ?? 'no remote frame'} (last room status ${p.lastStatus ?? '—'})`);
      if (admit && p.lastStatus === 'lobby') out.push(`      the co-mediator's admit was acknowledged at ${admit.acked} ms, yet the page stayed in the lobby`);
      for (const line of p.log.slice(-15)) out.push(`      ${line}`);
      for (const e of p.socket.slice(0, 40)) out.push(`      ${socketLine(e)}`);
    } else if (timeline) {
      const lines = [
        ...p.longTasks.map((t) => ({ at: t.start, text: `${fmt(t.start)} +${String(t.duration).padStart(4)}  long task`.padEnd(26) })),
        ...p.resources.map((x) => ({ at: x.start, text: `${fmt(x.start)} → ${fmt(x.end)}  ${x.type.padEnd(14)} ${x.name.slice(0, 90)}` })),
        ...p.socket.map((e) => ({ at: e.start, text: socketLine(e) })),
      ].sort((a, b) => a.at - b.at);
      for (const line of lines) out.push(`      ${line.text}`);
    }
  }
  return out;
}

interface Column {
  key: string;
  title: string;
  pages: PageSample[];
}

export interface Report {
  lines: string[];
  result: Record<string, unknown>;
}

/** Tables over the measured runs' successful pages, and the figures for the JSON line. */
export function report(measured: RunRecord[], halves: Half[]): Report {
  const ok = (half: Half, label?: RegExp) =>
    measured.filter((r) => r.half === half).flatMap((r) => r.pages.filter((p) => p.ms !== null && (!label || label.test(p.label))));
  const columns: Column[] = [
    ...(halves.includes('jiefen')
      ? [
          { key: 'jiefen_mediator', title: 'jiefen mediator', pages: ok('jiefen', /^mediator$/) },
          { key: 'jiefen_parties', title: 'jiefen parties', pages: ok('jiefen', /^party/) },
        ]
      : []),
    ...(halves.includes('baseline') ? [{ key: 'baseline', title: 'baseline', pages: ok('baseline') }] : []),
  ];
  const j = summarize(ok('jiefen').map((p) => p.ms!));
  const b = summarize(ok('baseline').map((p) => p.ms!));
  const ratio = j.p50 !== null && b.p50 ? j.p50 / b.p50 : null;
  const lines: string[] = [];

  lines.push('', 'link opened (page.goto) → first remote video frame decoded, ms');
  lines.push(
    table([
      ['', 'samples', 'p50', 'p95', 'min', 'max', 'mean'],
      ...(halves.includes('jiefen') ? [['jiefen', j.n, j.p50, j.p95, j.min, j.max, j.mean]] : []),
      ...(halves.includes('baseline') ? [['baseline', b.n, b.p50, b.p95, b.min, b.max, b.mean]] : []),
    ]),
  );
  if (ratio !== null) lines.push(`ratio (p50 jiefen / p50 baseline): ${ratio.toFixed(2)}`);

  // First visit (fresh profile per page): HTTP bytes over the wire until the first frame.
  const kb = (pages: PageSample[]) => round(median(pages.flatMap((p) => (p.bytes === null ? [] : [p.bytes / 1024]))), 1);
  const bytesKb = Object.fromEntries(columns.map((c) => [c.key, kb(c.pages)]));
  lines.push(
    '',
    `HTTP KB transferred until the first frame (first visit, median per page): ${columns.map((c) => `${c.title} ${bytesKb[c.key] ?? '—'}`).join(', ')}`,
  );

  // Milestones: median time of each, over the pages that reached it.
  const milestone = (pages: PageSample[], k: Milestone) => median(pages.flatMap((p) => (p.marks[k] === undefined ? [] : [p.marks[k]!])));
  const admitsOf = (pick: (a: AdmitTiming) => number) => median(measured.flatMap((r) => Object.values(r.admits ?? {}).map(pick)));
  const milestoneRows: Array<Array<string | number | null>> = [['milestone', ...columns.map((c) => c.title)]];
  for (const [k, text] of MILESTONES) {
    milestoneRows.push([text, ...columns.map((c) => milestone(c.pages, k))]);
    if (k === 'lobby' && halves.includes('jiefen')) {
      const row = (title: string, v: number | null) => [title, ...columns.map((c) => (c.key === 'jiefen_parties' ? v : null))];
      milestoneRows.push(
        row(
          '  co-mediator saw the lobby entry',
          admitsOf((a) => a.seen),
        ),
      );
      milestoneRows.push(
        row(
          '  co-mediator admit acknowledged',
          admitsOf((a) => a.acked),
        ),
      );
    }
  }
  lines.push('', 'milestones, median ms after page.goto', table(milestoneRows));

  // Steps: median duration of each, over the pages that have both ends.
  const step = (pages: PageSample[], from: Milestone | null, to: Milestone) =>
    median(
      pages.flatMap((p) =>
        p.marks[to] !== undefined && (from === null || p.marks[from] !== undefined) ? [p.marks[to]! - (from === null ? 0 : p.marks[from]!)] : [],
      ),
    );
  const steps: Record<string, Record<string, number | null>> = {};
  const stepRows: Array<Array<string | number | null>> = [['step', ...columns.map((c) => c.title)]];
  for (const [from, to, text] of SEGMENTS) {
    const values = columns.map((c) => step(c.pages, from, to));
    steps[`${from ?? 'goto'}→${to}`] = Object.fromEntries(columns.map((c, i) => [c.key, round(values[i]!)]));
    stepRows.push([text, ...values]);
  }
  // Main-thread work in the page: long tasks (≥ 50 ms) before the first frame.
  const longTaskMs = (pages: PageSample[], from: Milestone | null, to: Milestone) =>
    median(
      pages.flatMap((p) => {
        const a = from === null ? 0 : p.marks[from];
        const b = p.marks[to];
        if (a === undefined || b === undefined) return [];
        return [p.longTasks.filter((t) => t.start >= a && t.start < b).reduce((sum, t) => sum + t.duration, 0)];
      }),
    );
  const busyRows: Array<Array<string | number | null>> = [['step', ...columns.map((c) => c.title)]];
  for (const [from, to, text] of SEGMENTS) busyRows.push([text, ...columns.map((c) => longTaskMs(c.pages, from, to))]);
  lines.push('', 'where the time goes: median ms of each step (medians do not add up exactly)', table(stepRows));
  lines.push('', 'main thread busy: long tasks (≥ 50 ms) started in each step, median total ms per page', table(busyRows));

  // The servers run in the harness' process: how responsive its event loop stayed while pages joined.
  const loopOf = (half: Half) => measured.filter((r) => r.half === half && r.loopDelay).map((r) => r.loopDelay!);
  const othersOf = (half: Half) => median(measured.filter((r) => r.half === half && r.otherCpuCores !== undefined).map((r) => r.otherCpuCores!));
  lines.push(
    '',
    'load while the pages joined, median over runs: event-loop lag of the Node process that hosts the servers',
    '(ms a 10 ms timer fired late), and CPU used by other processes on the machine (cores)',
    table([
      ['', 'lag mean', 'lag p99', 'lag max', "others' CPU"],
      ...halves.map((h) => [
        h,
        median(loopOf(h).map((d) => d.meanMs)),
        median(loopOf(h).map((d) => d.p99Ms)),
        median(loopOf(h).map((d) => d.maxMs)),
        othersOf(h)?.toFixed(2) ?? null,
      ]),
    ]),
  );

  if (halves.includes('jiefen')) {
    const serverCalls = measured.filter((r) => r.half === 'jiefen' && !r.error).flatMap((r) => r.serverCalls ?? []);
    lines.push(
      ...socketTables(
        columns.filter((c) => c.key.startsWith('jiefen')),
        serverCalls,
      ),
    );
  }

  return {
    lines,
    result: {
      p50_ms: round(j.p50),
      p95_ms: round(j.p95),
      baseline_p50_ms: round(b.p50),
      ratio: round(ratio, 2),
      baseline_p95_ms: round(b.p95),
      samples: j.n,
      baseline_samples: b.n,
      steps_p50_ms: steps,
      first_visit_kb_p50: bytesKb,
      other_cpu_cores_p50: Object.fromEntries(halves.map((h) => [h, othersOf(h)])),
      milestones_p50_ms: Object.fromEntries(
        columns.map((c) => [
          c.key,
          Object.fromEntries(MILESTONES.flatMap(([k]) => (milestone(c.pages, k) === null ? [] : [[k, round(milestone(c.pages, k))]]))),
        ]),
      ),
    },
  };
}

// socket.io request → the LiveRoom method that handles it.
const ROOM_METHOD: Record<string, string> = {
  'room:join': 'join',
  'mediator:admit': 'admit',
  'media:getRouterRtpCapabilities': 'rtpCapabilities',
  'media:createTransport': 'createTransport',
  'media:createTransports': 'createTransport',
  'media:connectTransport': 'connectTransport',
  'media:produce': 'produce',
  'media:ready': 'ready',
  'media:setPreferredLayers': 'setPreferredLayers',
  'chat:history': 'chatHistory',
};

/** Our socket.io requests (round trips) and the server events each page handled before its first frame. */
function socketTables(columns: Column[], serverCalls: ServerCall[]): string[] {
  const pages = columns.flatMap((c) => c.pages);
  const byRequest = new Map<string, { first: number; ms: number[]; polling: number }>();
  for (const e of pages.flatMap((p) => p.socket.filter((x) => x.direction === 'request'))) {
    const entry = byRequest.get(e.event) ?? { first: e.start, ms: [], polling: 0 };
    entry.first = Math.min(entry.first, e.start);
    entry.ms.push(e.end - e.start);
    if (e.transport === 'polling') entry.polling++;
    byRequest.set(e.event, entry);
  }
  if (byRequest.size === 0) return [];
  const requests = [...byRequest.entries()].sort((a, b) => a[1].first - b[1].first);
  const events = [...new Set(pages.flatMap((p) => p.socket.filter((e) => e.direction === 'event').map((e) => e.event)))].sort();
  const perPage = (ps: PageSample[], event: string) => median(ps.map((p) => p.socket.filter((e) => e.direction === 'event' && e.event === event).length));
  return [
    '',
    'jiefen socket.io requests until the first frame, ms: round trip emit → ack as the page saw it,',
    "and the time the server's LiveRoom method took for it (the rest is socket.io, validation, the network and the page)",
    table([
      ['request', 'count', 'round trip p50', 'max', 'LiveRoom p50', 'max', 'over long-polling'],
      ...requests.map(([event, v]) => {
        const server = serverCalls.filter((c) => c.method === ROOM_METHOD[event]).map((c) => c.ms);
        return [event, v.ms.length, median(v.ms), Math.max(...v.ms), median(server), server.length ? Math.max(...server) : null, `${v.polling}/${v.ms.length}`];
      }),
    ]),
    '',
    'jiefen server events handled per page until the first frame (median count)',
    table([['event', ...columns.map((c) => c.title)], ...events.map((event) => [event, ...columns.map((c) => perPage(c.pages, event))])]),
  ];
}
