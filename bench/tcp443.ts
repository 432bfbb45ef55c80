// `npm run bench -- tcp443`: issue #18 item 2(a) as a count — N joins (default 20) of a party whose
// network lets only TCP 443 out (tests/network/tcp443-network.ts: a client network namespace, a
// relay on 443 to the web server and to coturn's TLS listener, nothing else). Each join is a fresh
// Chromium in the client namespace that opens the party's link, passes the pre-join check and the
// lobby, and must then receive the other party's audio and video (that party, also behind the
// firewall, stays in the room) while the other party receives its — through TURN over TLS, the
// only path. Reports how many joins succeeded and link → first remote frame p50/p95. Target: every
// join. No baseline: the same joins on an open network are what `join` measures. Needs root
// (network namespaces) and Debian's coturn.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { expectReceivingFrom, inboundStats, totals } from '../tests/support/room-pages.ts';
import { eventually, waitFor } from '../tests/support/wait.ts';
import { joinFromClientNetwork, remotePeers, setUp, tearDown, type Setup } from '../tests/network/tcp443-network.ts';
import { intOption } from './lib/args.ts';
import { checkChromium, checkMediasoupWorker, checkWebClient, PreflightError } from './lib/env.ts';
import { percentile } from './lib/stats.ts';
import { UsageError, type Benchmark, type BenchContext, type BenchOutcome } from './lib/types.ts';

const USAGE = `options:
  --joins N          joins to make (default 20)
  --join-timeout S   seconds a join may take to see, hear and be seen (default 60)`;
const rounded = (ms: number | null) => (ms === null ? null : Math.round(ms));
/** The first join waits for coturn and the namespaces to warm up; not counted. */
const WARMUP_JOINS = 1;

function parse(argv: string[]) {
  let values: { joins?: string | undefined; 'join-timeout'?: string | undefined };
  try {
    ({ values } = parseArgs({ args: argv, options: { joins: { type: 'string' }, 'join-timeout': { type: 'string' } } }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  return { joins: intOption('joins', values.joins, 20, 1, 200), joinTimeoutMs: intOption('join-timeout', values['join-timeout'], 60, 10, 300) * 1000 };
}

function preflight(): void {
  if (process.getuid?.() !== 0) throw new PreflightError('tcp443 builds network namespaces: run it as root');
  for (const [tool, pkg] of [
    ['ip', 'iproute2'],
    ['turnserver', 'coturn'],
    ['openssl', 'openssl'],
  ] as const) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      throw new PreflightError(`${tool} is missing: apt-get install ${pkg} (npm test installs it)`);
    }
  }
  checkChromium();
  checkMediasoupWorker();
}

/** Frames decoded so far at `page`, from every remote peer. */
async function framesAt(page: Page): Promise<number> {
  return [...totals(await inboundStats(page), 'framesDecoded').values()].reduce((a, b) => a + b, 0);
}

/** One party's join from behind the firewall: ms from opening the link to the first remote frame, once media flows both ways. */
async function joinOnce(s: Setup, stayer: Page, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const before = s.browsers.length;
  const page = await joinFromClientNetwork(s, s.parties[0]!.token);
  try {
    await waitFor(async () => (await framesAt(page)) > 0, timeoutMs, 'a remote frame');
    const firstFrameMs = Date.now() - started;
    await eventually(async () => expectReceivingFrom(page, await remotePeers(page)), timeoutMs);
    await eventually(async () => expectReceivingFrom(stayer, await remotePeers(stayer)), timeoutMs);
    return firstFrameMs;
  } finally {
    for (const b of s.browsers.splice(before)) await b.close();
  }
}

async function run(argv: string[], ctx: BenchContext): Promise<BenchOutcome> {
  const args = parse(argv);
  preflight();
  const { warning } = checkWebClient({ needRoom: true });
  if (warning) ctx.log(`warning: ${warning}`);
  const s = await setUp(7, true);
  ctx.onCleanup(() => tearDown(s));
  ctx.log(`tcp443: ${args.joins} join(s) (+${WARMUP_JOINS} warm-up) of a party whose network lets only TCP 443 out; TURN over TLS`);
  // The other party joins once and stays: each join must see and hear it, and be seen and heard by it.
  const stayer = await joinFromClientNetwork(s, s.parties[1]!.token);
  const times: number[] = [];
  const failures: string[] = [];
  for (let i = 0; i < WARMUP_JOINS + args.joins && !ctx.signal.aborted; i++) {
    const label = i < WARMUP_JOINS ? 'warm-up' : `join ${i - WARMUP_JOINS + 1}/${args.joins}`;
    try {
      const ms = await joinOnce(s, stayer, args.joinTimeoutMs);
      if (i >= WARMUP_JOINS) times.push(ms);
      ctx.log(`${label.padEnd(12)} first remote frame after ${ms} ms; media both ways`);
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200);
      if (i >= WARMUP_JOINS) failures.push(message);
      ctx.log(`${label.padEnd(12)} FAILED: ${message}`);
    }
  }
  const attempted = times.length + failures.length;
  const result = {
    joins: attempted,
    succeeded: times.length,
    p50_ms: rounded(percentile(times, 50)),
    p95_ms: rounded(percentile(times, 95)),
    path: 'TURN over TLS via a TCP 443 relay (no UDP, no other port)',
    ...(failures.length ? { failures: failures.slice(0, 5) } : {}),
    target_met: attempted === args.joins && times.length === args.joins,
  };
  return { result, failed: attempted < args.joins };
}

const bench: Benchmark = {
  description: 'joins from behind a firewall that lets only TCP 443 out (TURN over TLS): how many succeed, link → first remote frame',
  usage: USAGE,
  timeoutMs: (argv) => {
    const a = parse(argv);
    return (a.joins + WARMUP_JOINS + 1) * (3 * a.joinTimeoutMs + 30_000) + 120_000;
  },
  run,
};
export default bench;
