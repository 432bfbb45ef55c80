// `npm run bench -- load`: media forwarding cost of jiefen against bare mediasoup, same run.
// N rooms × 4 participants (mediator, applicant, respondent, the applicant's agent), each
// sending synthetic audio + video RTP (bench/load/rtp.ts) into a plain-transport producer and
// receiving the other three's streams through plain-transport consumers into a counting sink.
//   jiefen  the real server in its own process with LOAD_TEST_PLAIN_RTP=1; every participant
//           goes through the /room socket protocol (join, admitted from the lobby, media:ready,
//           produce; consumers created and resumed by the server once acknowledged);
//   bare    mediasoup alone in its own process: same workers, codecs, transports, producers,
//           consumers and packets, no signaling.
// Per round, both at the same time (so the machine's drift hits both alike): set-up, forwarding
// seen on every consumer, warm-up, then one steady window in which the CPU time of each server
// process and its workers is read from /proc. The generators and sinks run in this process and
// are not counted.
import os from 'node:os';
import { parseArgs } from 'node:util';
import type dgram from 'node:dgram';
import { intOption } from './lib/args.ts';
import { BUSY_CORES, checkMediasoupWorker, othersCpu, sleep, waitForQuietMachine, withTimeout } from './lib/env.ts';
import { table } from './lib/stats.ts';
import { UsageError, type Benchmark, type BenchContext } from './lib/types.ts';
import { cpuTicks, CLOCK_TICKS_PER_S, rssBytes } from './load/proc.ts';
import { connectedSocket, RtpGenerator, RtpSink, streamIds, type Counter } from './load/rtp.ts';
import type { LoadPlan, PlacedParticipant, ServerSide } from './load/side.ts';
import { startBare, startJiefen } from './load/sides.ts';
import type { LoopLag } from './load/loop-lag.ts';

const USAGE = `options:
  --rooms N     rooms of 4 participants, each sending audio + video and receiving the other 3 (default 10)
  --seconds S   measured steady-state seconds per half (default 30, after an 8 s warm-up)
  --rounds N    rounds, each measuring both sides at once; the ratio is the median round's (default 3)
  --workers N   mediasoup workers on both sides (default: number of cores)`;

const PEERS_PER_ROOM = 4;
const WARMUP_MS = 8_000;
/** Start-up work (module loading, first requests) settles before the "before rooms" memory is read. */
const START_SETTLE_MS = 5_000;
/**
 * After start-up V8 keeps collecting and shrinking the heap for about a minute (measured: an idle
 * jiefen server process uses 0.029 cores 8–28 s after start, 0.0055 cores 60–80 s after). A
 * server runs for days: the window starts once that is over for both processes.
 */
const STEADY_AFTER_START_MS = 60_000;
/** A consumer's payload bytes in the window may differ this much from its producer's (window edges). */
const FORWARD_TOLERANCE = 0.05;
/** Utilisation at which consumers_per_core is extrapolated. */
const TARGET_UTILISATION = 0.8;

interface Args {
  rooms: number;
  seconds: number;
  rounds: number;
  workers: number;
}

function parse(argv: string[]): Args {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { rooms: { type: 'string' }, seconds: { type: 'string' }, rounds: { type: 'string' }, workers: { type: 'string' } },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  return {
    rooms: intOption('rooms', values.rooms, 10, 1, 100),
    seconds: intOption('seconds', values.seconds, 30, 2, 600),
    rounds: intOption('rounds', values.rounds, 3, 1, 10),
    workers: intOption('workers', values.workers, os.availableParallelism(), 1, 16),
  };
}

interface HalfResult {
  side: ServerSide['name'];
  consumers: number;
  windowS: number;
  /** CPU-seconds per second of the server process and its workers. */
  cores: number;
  /** Of which the Node process alone (signaling, observers' events, timers). */
  nodeCores: number;
  lag: LoopLag;
  /** Workers' RSS + the server's live JavaScript memory, before the rooms and with them. */
  memBeforeMb: number;
  memAfterMb: number;
  /** Sum over consumers of received payload bytes / their producer's sent payload bytes, worst one. */
  worstForwardRatio: number;
  forwardProblems: string[];
  receivedMbps: number;
  sentPacketsPerS: number;
  othersCores: number;
}

const MB = 1024 * 1024;
const delta = (after: Map<number, Counter>, before: Map<number, Counter>, ssrc: number): Counter => {
  const a = after.get(ssrc) ?? { packets: 0, payloadBytes: 0 };
  const b = before.get(ssrc) ?? { packets: 0, payloadBytes: 0 };
  return { packets: a.packets - b.packets, payloadBytes: a.payloadBytes - b.payloadBytes };
};

/** One server under test with its rooms placed, its sinks and its own generator (idle until started). */
interface PreparedSide {
  kind: ServerSide['name'];
  side: ServerSide;
  sinks: RtpSink[];
  placed: PlacedParticipant[];
  generator: RtpGenerator;
  memBefore: number;
}

async function prepareSide(ctx: BenchContext, kind: ServerSide['name'], args: Args, sockets: dgram.Socket[], sides: PreparedSide[]): Promise<void> {
  const sinks: RtpSink[] = [];
  for (let i = 0; i < args.rooms * PEERS_PER_ROOM; i++) {
    const sink = await RtpSink.open();
    sinks.push(sink);
    sockets.push(sink.socket);
  }
  const plan: LoadPlan = Array.from({ length: args.rooms }, (_, r) =>
    Array.from({ length: PEERS_PER_ROOM }, (_, p) => ({ ids: streamIds(r, p), sinkPort: sinks[r * PEERS_PER_ROOM + p]!.port })),
  );
  const side = await withTimeout(kind === 'jiefen' ? startJiefen(ctx, args.workers, args.rooms) : startBare(ctx, args.workers), 120_000, `${kind} to start`);
  const generator = new RtpGenerator();
  const prepared: PreparedSide = { kind, side, sinks, placed: [], generator, memBefore: 0 };
  sides.push(prepared); // closed by the caller even if the rest fails
  prepared.memBefore = await settledMemory(side, { notBefore: side.startedAt + START_SETTLE_MS, stableMs: 5_000 });
  prepared.placed = (await withTimeout(side.setUp(plan), 60_000 + 5_000 * args.rooms, `${kind}: participants entering ${args.rooms} rooms`)).flat();
  for (const [i, p] of prepared.placed.entries()) {
    const socket = await connectedSocket(p.sendPort);
    sockets.push(socket);
    generator.add(socket, plan.flat()[i]!.ids, i % PEERS_PER_ROOM);
  }
}

/**
 * One round: jiefen and bare mediasoup run at the same time, each fed the same streams by its
 * own generator on the same timer phase, and are measured over the same window — so whatever
 * the machine does meanwhile (frequency, other tenants, caches) it does to both.
 */
async function measureRound(ctx: BenchContext, args: Args): Promise<HalfResult[]> {
  const sockets: dgram.Socket[] = [];
  const sides: PreparedSide[] = [];
  const release = () => {
    for (const s of sides) s.generator.stop();
    for (const s of sockets.splice(0)) s.close();
  };
  const unregister = ctx.onCleanup(release);
  try {
    for (const kind of ['jiefen', 'bare'] as const) await prepareSide(ctx, kind, args, sockets, sides);
    for (const s of sides) s.generator.start();
    for (const s of sides) await withTimeout(everyConsumerFlowing(s.sinks, s.placed), 30_000, `${s.kind}: RTP on every consumer`);
    await sleep(Math.max(WARMUP_MS, ...sides.map((s) => s.side.startedAt + STEADY_AFTER_START_MS - Date.now())));

    const others = othersCpu();
    for (const s of sides) await s.side.windowStart();
    const t0 = performance.now();
    const before = sides.map((s) => ({
      ticks: cpuTicks(s.side.pids),
      nodeTicks: cpuTicks(s.side.pids.slice(0, 1)),
      sent: s.generator.snapshot(),
      got: s.sinks.map((k) => k.snapshot()),
    }));
    await sleep(args.seconds * 1000);
    const after = sides.map((s) => ({
      ticks: cpuTicks(s.side.pids),
      nodeTicks: cpuTicks(s.side.pids.slice(0, 1)),
      sent: s.generator.snapshot(),
      got: s.sinks.map((k) => k.snapshot()),
    }));
    const windowS = (performance.now() - t0) / 1000;
    const lags = [];
    for (const s of sides) lags.push(await s.side.windowEnd());
    const othersCores = others.cores();
    for (const s of sides) s.generator.stop();
    const results: HalfResult[] = [];
    for (const [k, s] of sides.entries()) {
      const b = before[k]!;
      const a = after[k]!;
      // Forwarding check: every consumer got (nearly) what its producer sent in the window.
      const problems: string[] = [];
      let worst = 1;
      let receivedBytes = 0;
      let sentPackets = 0;
      for (const ssrc of a.sent.keys()) sentPackets += delta(a.sent, b.sent, ssrc).packets;
      for (const [i, p] of s.placed.entries()) {
        for (const c of p.consumers) {
          const sent = delta(a.sent, b.sent, c.fromSsrc).payloadBytes;
          const got = delta(a.got[i]!, b.got[i]!, c.ssrc).payloadBytes;
          receivedBytes += got;
          const ratio = sent > 0 ? got / sent : 0;
          if (Math.abs(1 - ratio) > Math.abs(1 - worst)) worst = ratio;
          if (Math.abs(1 - ratio) > FORWARD_TOLERANCE)
            problems.push(`participant ${i} consumer of ${c.fromSsrc.toString(16)}: ${got} of ${sent} payload bytes`);
        }
      }
      results.push({
        side: s.kind,
        consumers: s.placed.reduce((n, p) => n + p.consumers.length, 0),
        windowS,
        cores: (a.ticks - b.ticks) / CLOCK_TICKS_PER_S / windowS,
        nodeCores: (a.nodeTicks - b.nodeTicks) / CLOCK_TICKS_PER_S / windowS,
        lag: lags[k]!,
        memBeforeMb: s.memBefore / MB,
        memAfterMb: (await settledMemory(s.side, { notBefore: 0, stableMs: 0 })) / MB,
        worstForwardRatio: worst,
        forwardProblems: problems,
        receivedMbps: (receivedBytes * 8) / windowS / 1e6,
        sentPacketsPerS: sentPackets / windowS,
        othersCores,
      });
    }
    return results;
  } finally {
    release();
    unregister();
    for (const s of sides) await s.side.close();
  }
}

/**
 * Memory the rooms can be charged with: the workers' resident memory plus the server process's
 * live JavaScript after a full collection (the Node process's own RSS moves by tens of MB as V8
 * grows and returns heap pages, which would swamp a few MB per room). Read not before
 * `notBefore` and once it has stayed within 1 MB for `stableMs` (at most 45 s).
 */
async function settledMemory(side: ServerSide, { notBefore, stableMs }: { notBefore: number; stableMs: number }): Promise<number> {
  await sleep(Math.max(0, notBefore - Date.now()));
  const read = async () => {
    const js = await side.collectGarbage();
    return rssBytes(side.pids.slice(1)) + js.heapUsed + js.external;
  };
  const deadline = Date.now() + 45_000;
  let since = Date.now();
  let base = await read();
  let bytes = base;
  while (Date.now() - since < stableMs && Date.now() < deadline) {
    await sleep(1_000);
    bytes = await read();
    if (Math.abs(bytes - base) > 1 * MB) {
      since = Date.now();
      base = bytes;
    }
  }
  return bytes;
}

/** Resolves once every consumer's sink has seen its RTP (video waits for a key frame). */
async function everyConsumerFlowing(sinks: RtpSink[], placed: PlacedParticipant[]): Promise<void> {
  while (!placed.every((p, i) => p.consumers.every((c) => (sinks[i]!.counts.get(c.ssrc)?.packets ?? 0) > 0))) await sleep(100);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const r = (v: number, digits: number) => Number(v.toFixed(digits));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarise(halves: HalfResult[]) {
  const consumerSeconds = sum(halves.map((h) => h.consumers * h.windowS));
  const cpuSeconds = sum(halves.map((h) => h.cores * h.windowS));
  const perConsumer = consumerSeconds > 0 ? cpuSeconds / consumerSeconds : NaN;
  return {
    perConsumer,
    mbPerRoom: sum(halves.map((h) => h.memAfterMb - h.memBeforeMb)) / halves.length,
    lagP99: Math.max(...halves.map((h) => h.lag.p99Ms)),
    lagMax: Math.max(...halves.map((h) => h.lag.maxMs)),
  };
}

const bench: Benchmark = {
  description: 'media forwarding under N rooms × 4 participants of synthetic RTP: CPU per forwarded stream, jiefen vs bare mediasoup',
  usage: USAGE,
  timeoutMs(argv) {
    const a = parse(argv);
    return 180_000 + a.rounds * (2 * (230_000 + 5_000 * a.rooms) + STEADY_AFTER_START_MS + a.seconds * 1000);
  },
  async run(argv, ctx) {
    const args = parse(argv);
    checkMediasoupWorker();
    const quiet = await waitForQuietMachine(ctx, { browserWaitMs: 120_000, cpuWaitMs: 30_000 });
    ctx.log(`load: ${args.rooms} rooms × ${PEERS_PER_ROOM} participants, ${args.workers} workers, ${args.seconds} s window, ${args.rounds} round(s)`);
    const halves: HalfResult[] = [];
    for (let round = 0; round < args.rounds && !ctx.signal.aborted; round++) {
      for (const h of await measureRound(ctx, args)) {
        halves.push(h);
        ctx.log(
          `round ${round + 1} ${h.side}: ${h.consumers} consumers, ${r(h.cores, 3)} cores, ${r((h.cores / h.consumers) * 1e6, 0)} µs CPU/s per consumer, loop lag p99 ${r(h.lag.p99Ms, 1)} ms, forwarded ${r(h.receivedMbps, 1)} Mbit/s (worst consumer ${r(h.worstForwardRatio * 100, 1)} %), others ${h.othersCores} cores`,
        );
      }
    }
    const ours = halves.filter((h) => h.side === 'jiefen');
    const bare = halves.filter((h) => h.side === 'bare');
    const o = summarise(ours);
    const b = summarise(bare);
    // Worker CPU drifts by ±15 % between minutes on this kind of machine: compare within each
    // round (both sides measured over the same window) and take the median round.
    const roundRatios = ours.map((h, i) => h.cores / h.consumers / (bare[i]!.cores / bare[i]!.consumers));
    const ratio = median(roundRatios);
    const perCore = TARGET_UTILISATION / o.perConsumer;
    ctx.log('');
    ctx.log(
      table([
        ['side', 'consumers', 'CPU cores', 'µs CPU/s per consumer', 'loop lag p99 ms', 'MB per room', 'Mbit/s out'],
        ...halves.map((h) => [
          h.side,
          h.consumers,
          r(h.cores, 3).toFixed(3),
          (h.cores / h.consumers) * 1e6,
          h.lag.p99Ms,
          r((h.memAfterMb - h.memBeforeMb) / args.rooms, 2).toFixed(2),
          h.receivedMbps,
        ]),
      ]),
    );
    const problems = halves.flatMap((h) => h.forwardProblems.map((p) => `${h.side}: ${p}`));
    for (const p of problems.slice(0, 10)) ctx.log(`forwarding problem — ${p}`);
    const contended = quiet.busy || halves.some((h) => h.othersCores > BUSY_CORES);
    ctx.log(
      `ratio ${r(ratio, 3)} (target ≤ 1.10), ${Math.round(perCore)} consumers per core at ${TARGET_UTILISATION * 100} % (target ≥ 500)${contended ? '; machine was busy: noisy' : ''}`,
    );
    return {
      failed: problems.length > 0 || halves.length < 2 * args.rounds,
      result: {
        cpu_per_stream_ratio_vs_bare: r(ratio, 3),
        round_ratios: roundRatios.map((x) => r(x, 3)),
        consumers_per_core: Math.round(perCore),
        loop_lag_p99_ms: r(o.lagP99, 2),
        mb_per_room: r(o.mbPerRoom / args.rooms, 2),
        targets_met: { ratio_le_1_10: ratio <= 1.1, consumers_per_core_ge_500: perCore >= 500 },
        cpu_us_per_consumer: { jiefen: r(o.perConsumer * 1e6, 1), bare: r(b.perConsumer * 1e6, 1) },
        consumers_per_core_bare: Math.round(TARGET_UTILISATION / b.perConsumer),
        bare_mb_per_room: r(b.mbPerRoom / args.rooms, 2),
        bare_loop_lag_p99_ms: r(b.lagP99, 2),
        loop_lag_max_ms: r(o.lagMax, 1),
        halves: halves.map((h) => ({
          side: h.side,
          consumers: h.consumers,
          window_s: r(h.windowS, 1),
          cpu_cores: r(h.cores, 3),
          node_process_cores: r(h.nodeCores, 3),
          loop_lag_p99_ms: r(h.lag.p99Ms, 2),
          memory_before_mb: r(h.memBeforeMb, 1),
          memory_after_mb: r(h.memAfterMb, 1),
          forwarded_mbps: r(h.receivedMbps, 1),
          sent_packets_per_s: Math.round(h.sentPacketsPerS),
          worst_consumer_forward_ratio: r(h.worstForwardRatio, 3),
          others_cores: h.othersCores,
        })),
        forwarding_problems: problems.length,
        rooms: args.rooms,
        participants_per_room: PEERS_PER_ROOM,
        seconds: args.seconds,
        warmup_s: WARMUP_MS / 1000,
        steady_after_start_s: STEADY_AFTER_START_MS / 1000,
        rounds: args.rounds,
        workers: args.workers,
        contended,
      },
    };
  },
};

export default bench;
