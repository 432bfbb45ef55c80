// `npm run bench -- join`: how long until a participant sees someone — real Chromium pages
// (fake camera/mic) joining a live room, timed from page.goto(link) to the first decoded
// remote video frame, p50/p95 over every page of every run (3 participants per run).
//
// Measured in the same process, alternating run by run (jiefen, baseline, jiefen, …) so that
// drift hits both alike:
//   jiefen    the mediator and two parties open their room links (/cases/:id/room, /j/<t>/room);
//             an auto-admitting co-mediator lets the parties in (bench/join/jiefen.ts);
//   baseline  three minimal mediasoup-client pages against a bare MediaRoom with trivial
//             HTTP signaling (bench/join/baseline.ts).
// ratio = jiefen p50 / baseline p50: the cost of our app, signaling and lobby on top of WebRTC.
import { parseArgs } from 'node:util';
import { checkChromium, checkMediasoupWorker, checkWebClient, load1, snapshotWebClient, waitForQuietMachine, BUSY_CORES } from './lib/env.ts';
import { intOption } from './lib/args.ts';
import { UsageError, type Benchmark, type BenchContext } from './lib/types.ts';
import { runBaseline } from './join/baseline.ts';
import { runJiefen } from './join/jiefen.ts';
import { linkResult, openLinks, type Links } from './join/link.ts';
import { describePages, describeRun, report, type Half, type RunRecord } from './join/report.ts';
import type { RunOptions } from './join/shared.ts';

const USAGE = `options:
  --runs N            measured runs of each half (default 10; 3 pages per run)
  --warmup N          unmeasured warm-up runs of each half first (default 1)
  --baseline-only     only the baseline half (no web client needed)
  --jiefen-only       only the jiefen half
  --page-timeout S    seconds a page may take to see a remote frame (default 30)
  --settle-ms MS      idle time after the browsers start, before the pages open (default 1000)
  --verbose           per page of every run: milestones, requests and socket.io traffic in time order
  --link              every page on its own 1 Mbit/s, 100 ms RTT link (network namespaces; root only)
  --server-rt N       real-time (SCHED_RR) priority of the server (this process, both halves) and its
                      mediasoup workers over the three browsers on the same 2 cores, as if the server
                      had a machine of its own (default 10; 0 = off, only --server-nice)
  --server-nice N     nice value of the same threads (default -10; 0 = leave as is)`;

/** How long to wait for someone else's browser job (e.g. an e2e test file) before measuring anyway. */
const BROWSER_WAIT_MS = 300_000;

interface Args {
  runs: number;
  warmup: number;
  halves: Half[];
  options: RunOptions;
  verbose: boolean;
  link: boolean;
}

function parse(argv: string[]): Args {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        runs: { type: 'string' },
        warmup: { type: 'string' },
        'baseline-only': { type: 'boolean' },
        'jiefen-only': { type: 'boolean' },
        'page-timeout': { type: 'string' },
        'settle-ms': { type: 'string' },
        verbose: { type: 'boolean' },
        link: { type: 'boolean' },
        'server-rt': { type: 'string' },
        'server-nice': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values['baseline-only'] && values['jiefen-only']) throw new UsageError('--baseline-only and --jiefen-only exclude each other');
  return {
    runs: intOption('runs', values.runs, 10, 1, 100),
    warmup: intOption('warmup', values.warmup, 1, 0, 10),
    halves: values['baseline-only'] ? ['baseline'] : values['jiefen-only'] ? ['jiefen'] : ['jiefen', 'baseline'],
    options: {
      pageTimeoutMs: intOption('page-timeout', values['page-timeout'], 30, 5, 120) * 1000,
      settleMs: intOption('settle-ms', values['settle-ms'], 1000, 0, 10_000),
      serverRt: intOption('server-rt', values['server-rt'], 10, 0, 50),
      serverNice: intOption('server-nice', values['server-nice'], -10, -20, 0),
    },
    verbose: !!values.verbose,
    link: !!values.link,
  };
}

async function runOne(
  ctx: BenchContext,
  half: Half,
  args: Args,
  webRoot: string | null,
  links: Links | null,
): Promise<Pick<RunRecord, 'pages' | 'admits' | 'serverCalls' | 'loopDelay' | 'otherCpuCores' | 'otherBrowser' | 'error'>> {
  try {
    if (half === 'baseline') return await runBaseline(ctx, args.options, links ?? undefined);
    return await runJiefen(ctx, args.options, webRoot!, links ?? undefined);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      pages: [],
      error: message
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .slice(0, 3)
        .join(' / ')
        .slice(0, 400),
    };
  }
}

async function run(argv: string[], ctx: BenchContext) {
  const args = parse(argv);
  checkChromium();
  checkMediasoupWorker();
  let webRoot: string | null = null;
  if (args.halves.includes('jiefen')) {
    const { warning } = checkWebClient({ needRoom: true });
    if (warning) ctx.log(`warning: ${warning}`);
    webRoot = snapshotWebClient(ctx);
  }
  const links = args.link ? await openLinks(ctx, 3) : null;
  const load1Start = load1();
  ctx.log(`join: ${args.runs} run(s) of ${args.halves.join(' + ')} (+${args.warmup} warm-up), 3 pages per run, alternating; load average ${load1Start}`);
  await waitForQuietMachine(ctx, { browserWaitMs: BROWSER_WAIT_MS, cpuWaitMs: 120_000 });

  const records: RunRecord[] = [];
  const total = args.warmup + args.runs;
  for (let i = 0; i < total && !ctx.signal.aborted; i++) {
    for (const half of args.halves) {
      if (ctx.signal.aborted) break;
      const { busy } = await waitForQuietMachine(ctx, { browserWaitMs: BROWSER_WAIT_MS, cpuWaitMs: 30_000 });
      const r = await runOne(ctx, half, args, webRoot, links);
      const contended = busy || r.otherBrowser === true || (r.otherCpuCores ?? 0) > BUSY_CORES;
      const record: RunRecord = { half, index: i - args.warmup + 1, warmup: i < args.warmup, contended, ...r };
      const failedPages = record.pages.filter((p) => p.ms === null);
      if (!record.error && failedPages.length) record.error = `${failedPages.map((p) => p.label).join(', ')}: no remote frame`;
      records.push(record);
      ctx.log(describeRun(record, args.runs));
      if (record.error || args.verbose) for (const line of describePages(record, args.verbose)) ctx.log(line);
      // A run that failed before any page opened is a set-up problem, not a slow join: stop.
      if (record.error && record.pages.length === 0) throw new Error(`${half} run could not start: ${record.error}`);
    }
  }

  links?.close();
  const measured = records.filter((r) => !r.warmup);
  const failedRuns = measured.filter((r) => r.error).length;
  const { lines, result } = report(measured, args.halves);
  for (const line of lines) ctx.log(line);
  if (failedRuns) ctx.log(`\n${failedRuns} measured run(s) failed (see above): their pages are missing from the figures`);
  return {
    result: {
      ...result,
      ...(links ? linkResult(result) : {}),
      runs: args.runs,
      warmup_runs: args.warmup,
      pages_per_run: 3,
      failed_runs: failedRuns,
      contended_runs: measured.filter((r) => r.contended).length,
      load1_start: load1Start,
      load1_end: load1(),
      server_rt_priority: args.options.serverRt,
      server_nice: args.options.serverNice,
    },
    failed: failedRuns > 0,
  };
}

const join: Benchmark = {
  description: 'Chromium pages joining a live room: goto → first remote video frame, jiefen vs a bare mediasoup baseline',
  usage: USAGE,
  timeoutMs(argv) {
    const a = parse(argv);
    // A backstop only: every step has its own timeout. Per run: browsers + server + page timeout;
    // plus waiting for other browser jobs, at most a few times.
    return 240_000 + 3 * BROWSER_WAIT_MS + (a.warmup + a.runs) * a.halves.length * (a.options.pageTimeoutMs + 60_000);
  },
  run,
};

export default join;
