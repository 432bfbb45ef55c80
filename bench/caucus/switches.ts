// The switch loop shared by both halves, and what one switch did to every stream, from the
// pages' sampler events:
//
//   cut-off   (stream forbidden by the switch)  its last RTP packet after the command − command;
//             the packet's own lastPacketReceivedTimestamp when the browser gives a plausible
//             one, else the stats time that saw the growth (an upper bound); 0 if none came
//   resume    (stream allowed by the switch)    first delivery after the command − command:
//             video, a decoded frame handed to the track; audio, samples played out — the
//             delivery's own timestamp from getSynchronizationSources(), polled every ~10 ms
//             (cross-check: the first stats report whose framesDecoded grew, an upper bound)
//   gap       (stream that must keep flowing)   longest time between deliveries around the switch
//
// Per switch, the figures are the worst stream's: "every forbidden stream stopped" and "every
// allowed video stream shows a new frame".
import { BUSY_CORES, othersCpu, sleep } from '../lib/env.ts';
import type { BenchContext } from '../lib/types.ts';
import { now, type PageSet } from './pages.ts';
import { CYCLE, plan, transitionName, type Location, type Pair, type SwitchPlan, type Trio } from './plan.ts';
import type { SampleEvent } from './sampler.page.ts';

export type HalfName = 'jiefen' | 'baseline';
export type Kind = 'audio' | 'video';

export interface CommandResult {
  /** Server: command received → every forbidden consumer stopped (worker acknowledged); null if not known. */
  breakMs: number | null;
  /** The whole server call. */
  callMs: number;
  /** Diagnosis (jiefen): event-loop lateness during the call, the worker's pause acknowledgements. */
  diag?: {
    loopMaxMs: number;
    pauses: number;
    firstPauseSentMs: number | null;
    firstPauseAckMs: number | null;
    lastPauseAckMs: number | null;
    workerPingMaxMs: number | null;
  };
}

export interface Half {
  name: HalfName;
  trio: Trio;
  pages: PageSet;
  /** Carries out the move; the runner takes the command time just before calling it. */
  command(to: Location): Promise<CommandResult>;
  /** Extra per-switch diagnosis, after the switch settled. */
  afterSwitch?(rec: SwitchRecord): Promise<void>;
  /** The baseline re-creates consumers: a continuing stream only counts as back on a new SSRC. */
  reconnects: boolean;
}

export interface StreamResult {
  receiver: string;
  sender: string;
  kind: Kind;
  /** ms after the command; null = never (within the switch's time limit). */
  ms: number | null;
}

export interface SwitchRecord {
  half: HalfName;
  index: number;
  warmup: boolean;
  plan: SwitchPlan;
  /** Command time (wall clock ms, harness). */
  cmd: number;
  /** When the switch was judged settled, ms after the command. */
  settledMs: number;
  server: CommandResult & { makeMs?: number | null };
  cutoffs: StreamResult[];
  resumes: StreamResult[];
  /** Newly allowed video: first stats report with more frames decoded (upper bound; cross-check of resumes). */
  resumesStats: StreamResult[];
  /** Newly allowed video: first RTP packet (diagnosis: resume − this = waiting for a decodable frame). */
  firstRtp: StreamResult[];
  /** Continuing streams whose receiver or sender reconnects (baseline): first frame/packet on the new consumer. */
  reestablished: StreamResult[];
  /** Continuing streams that must not be interrupted: longest gap without growth, ms. */
  gaps: StreamResult[];
  /** Worst stream of the switch. */
  cutoffMs: number | null;
  resumeMs: number | null;
  reestablishMs: number | null;
  errors: string[];
  /** jiefen: newly allowed video, from the worker's trace events (ms after the command; null = none seen). */
  keyFrames?: Array<{ receiver: string; sender: string; requestedMs: number | null; receivedMs: number | null; forwardedMs: number | null }>;
  /** jiefen: forwarded simulcast layer changes of continuing video consumers during the switch. */
  continuingLayerChanges?: number;
  /** Baseline: steps of each moving page, ms after the command. */
  steps?: Array<{ label: string; marks: Record<string, number> }>;
  otherCpuCores: number;
  /** --dump: the sampler events from 1 s before the command to the end, per receiver. */
  raw?: Record<string, SampleEvent[]>;
}

export interface LoopOptions {
  switches: number;
  warmup: number;
  /** Minimum time a switch is watched (sanity of continuing streams), ms. */
  minDwellMs: number;
  /** A forbidden stream counts as stopped after this long without RTP, ms. */
  quietMs: number;
  /** Give up on a switch after this long, ms. */
  maxWaitMs: number;
  /** Pause between switches, ms. */
  gapMs: number;
  /** Keep every switch's raw sampler events (for --dump). */
  keepRaw?: boolean;
}

/** Continuing video (audio) without growth for longer than this is an interruption. */
export const GAP_LIMIT_MS: Record<Kind, number> = { video: 500, audio: 1500 };

const KINDS: Kind[] = ['audio', 'video'];
const key = (sender: string, kind: Kind) => `${sender}/${kind}`;
const isRtp = (e: SampleEvent) => e.src === 'stats' && (e.packets > 0 || e.bytes > 0);
const isDelivery = (e: SampleEvent) => e.src === 'frame';
const isDecoded = (e: SampleEvent) => e.src === 'stats' && e.frames > 0;

/** The RTP arrival time an event stands for: the browser's own last-packet time if plausible. */
export function rtpTime(e: SampleEvent): number {
  const lp = e.lastPacket;
  if (lp !== null && lp <= e.t + 1 && lp >= (e.prev ?? e.t - 1000) - 1) return lp;
  return e.t;
}

function streams(pairs: Pair[]): Array<Pair & { kind: Kind }> {
  return pairs.flatMap((p) => KINDS.map((kind) => ({ ...p, kind })));
}

/** Runs warm-up + measured switches through the cycle joint → A → B → joint …; the room starts joint. */
export async function runSwitches(ctx: BenchContext, half: Half, opts: LoopOptions, onSwitch: (r: SwitchRecord) => void): Promise<SwitchRecord[]> {
  const records: SwitchRecord[] = [];
  const total = opts.warmup + opts.switches;
  let loc: Location = 'joint';
  for (let i = 0; i < total && !ctx.signal.aborted; i++) {
    const to: Location = CYCLE[(CYCLE.indexOf(loc) + 1) % CYCLE.length]!;
    const p = plan(loc, to, half.trio);
    await sleep(opts.gapMs);
    await half.pages.drain();
    const others = othersCpu();
    const cmd = now();
    const server = await half.command(to);
    loc = to;
    const settledAt = await untilSettled(half, p, cmd, opts);
    const rec = analyse(half, p, cmd, settledAt, opts.quietMs);
    rec.index = i - opts.warmup + 1;
    rec.warmup = i < opts.warmup;
    rec.server = server;
    rec.otherCpuCores = others.cores();
    await half.afterSwitch?.(rec);
    if (opts.keepRaw) {
      rec.raw = Object.fromEntries([...half.pages.events].map(([id, list]) => [id, list.filter((e) => e.t >= cmd - 1_000 && e.t <= settledAt)]));
    }
    records.push(rec);
    onSwitch(rec);
    half.pages.trim(cmd - 5_000);
  }
  return records;
}

/** Polls the pages until the switch has visibly happened (or the time limit); returns that time. */
async function untilSettled(half: Half, p: SwitchPlan, cmd: number, opts: LoopOptions): Promise<number> {
  for (;;) {
    await sleep(100);
    await half.pages.drain();
    const t = now();
    if (t - cmd >= opts.maxWaitMs) return t;
    if (t - cmd < opts.minDwellMs) continue;
    const r = analyse(half, p, cmd, t, opts.quietMs);
    const pending = [...r.resumes, ...r.reestablished].some((s) => s.ms === null);
    const flowing = streams(p.forbidden).some(({ receiver, sender, kind }) =>
      half.pages.events.get(receiver)!.some((e) => e.key === key(sender, kind) && isRtp(e) && e.t > t - opts.quietMs),
    );
    if (!pending && !flowing) return t;
  }
}

function analyse(half: Half, p: SwitchPlan, cmd: number, end: number, quietMs: number): SwitchRecord {
  const errors: string[] = [];
  const label = (id: string) => half.pages.pages.find((x) => x.spec.peerId === id)?.spec.label ?? id;
  const of = (receiver: string, sender: string, kind: Kind) => half.pages.events.get(receiver)!.filter((e) => e.key === key(sender, kind) && e.t <= end);

  const cutoffs: StreamResult[] = streams(p.forbidden).map(({ receiver, sender, kind }) => {
    const after = of(receiver, sender, kind).filter((e) => e.t > cmd && isRtp(e));
    const last = after.length ? Math.max(...after.map(rtpTime)) : null;
    return { receiver, sender, kind, ms: last === null ? 0 : Math.max(0, last - cmd) };
  });

  // First event after the command; for a reconnecting baseline only on an SSRC that is new.
  type What = 'delivery' | 'decoded' | 'rtp';
  const test: Record<What, (e: SampleEvent) => boolean> = { delivery: isDelivery, decoded: isDecoded, rtp: isRtp };
  const first = (receiver: string, sender: string, kind: Kind, what: What, newSsrc: boolean): number | null => {
    const list = of(receiver, sender, kind);
    const old = new Set(list.filter((e) => e.t <= cmd).map((e) => e.ssrc));
    const hits = list.filter((e) => e.t > cmd && test[what](e) && (!newSsrc || !old.has(e.ssrc)));
    return hits.length ? Math.min(...hits.map((e) => e.t)) - cmd : null;
  };
  const resumes: StreamResult[] = streams(p.newlyAllowed).map(({ receiver, sender, kind }) => ({
    receiver,
    sender,
    kind,
    ms: first(receiver, sender, kind, 'delivery', half.reconnects),
  }));
  const resumesStats: StreamResult[] = p.newlyAllowed.map(({ receiver, sender }) => ({
    receiver,
    sender,
    kind: 'video' as const,
    ms: first(receiver, sender, 'video', 'decoded', half.reconnects),
  }));
  const firstRtp: StreamResult[] = p.newlyAllowed.map(({ receiver, sender }) => ({
    receiver,
    sender,
    kind: 'video' as const,
    ms: first(receiver, sender, 'video', 'rtp', half.reconnects),
  }));

  const reconnected = (x: Pair) => half.reconnects && (p.moving.includes(x.receiver) || p.moving.includes(x.sender));
  const reestablished: StreamResult[] = streams(p.continuing.filter(reconnected)).map(({ receiver, sender, kind }) => ({
    receiver,
    sender,
    kind,
    ms: first(receiver, sender, kind, 'delivery', true),
  }));
  const gaps: StreamResult[] = streams(p.continuing.filter((x) => !reconnected(x))).map(({ receiver, sender, kind }) => {
    const times = of(receiver, sender, kind)
      .filter(isDelivery)
      .map((e) => e.t)
      .sort((a, b) => a - b);
    const before = times.filter((t) => t <= cmd);
    const inside = times.filter((t) => t > cmd);
    let prev = before.length ? before[before.length - 1]! : cmd;
    let worst = 0;
    for (const t of [...inside, end]) {
      worst = Math.max(worst, t - prev);
      prev = t;
    }
    return { receiver, sender, kind, ms: worst };
  });

  const name = (s: StreamResult) => `${label(s.receiver)} ← ${label(s.sender)} ${s.kind}`;
  const stillFlowing = cutoffs.filter((s) => {
    const last = of(s.receiver, s.sender, s.kind).filter((e) => isRtp(e));
    return last.length > 0 && last[last.length - 1]!.t > cmd && end - last[last.length - 1]!.t < quietMs;
  });
  for (const s of stillFlowing) errors.push(`forbidden stream still flowing: ${name(s)}`);
  for (const s of [...resumes, ...reestablished]) if (s.ms === null) errors.push(`no ${s.kind === 'video' ? 'frame' : 'packet'} after the switch: ${name(s)}`);
  for (const s of gaps) if (s.ms! > GAP_LIMIT_MS[s.kind]) errors.push(`interrupted for ${Math.round(s.ms!)} ms: ${name(s)} (must keep flowing)`);

  const worst = (xs: StreamResult[]) => (xs.length === 0 ? null : xs.some((x) => x.ms === null) ? null : Math.max(...xs.map((x) => x.ms!)));
  return {
    half: half.name,
    index: 0,
    warmup: false,
    plan: p,
    cmd,
    settledMs: end - cmd,
    server: { breakMs: null, callMs: 0 },
    cutoffs,
    resumes,
    resumesStats,
    firstRtp,
    reestablished,
    gaps,
    cutoffMs: worst(cutoffs),
    resumeMs: worst(resumes.filter((s) => s.kind === 'video')),
    reestablishMs: worst(reestablished.filter((s) => s.kind === 'video')),
    errors,
    otherCpuCores: 0,
  };
}

export function describeSwitch(r: SwitchRecord, total: number): string {
  const tag = r.warmup ? 'warm-up' : `${r.index}/${total}`;
  const f = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(Math.round(v)));
  const parts = [`${r.half.padEnd(8)} ${tag.padStart(7)}  ${transitionName(r.plan).padEnd(10)}`];
  if (r.server.breakMs !== null) parts.push(`server ${r.server.breakMs.toFixed(1)}/${r.server.callMs.toFixed(1)} ms`);
  else parts.push(`server call ${r.server.callMs.toFixed(1)} ms`);
  if (r.cutoffs.length) parts.push(`cut-off ${f(r.cutoffMs)}`);
  if (r.resumes.length) parts.push(`resume ${f(r.resumeMs)}`);
  if (r.reestablished.length) parts.push(`re-established ${f(r.reestablishMs)}`);
  const gap = r.gaps.filter((g) => g.kind === 'video');
  if (gap.length) parts.push(`continuing max gap ${f(Math.max(...gap.map((g) => g.ms!)))}`);
  parts.push(`(settled ${f(r.settledMs)})`);
  if (r.otherCpuCores > BUSY_CORES) parts.push(`[others ${r.otherCpuCores} cores]`);
  const lines = [parts.join('  ')];
  for (const e of r.errors) lines.push(`    ! ${e}`);
  return lines.join('\n');
}
