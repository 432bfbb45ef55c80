// `npm run bench -- fuzz`: the schema-driven fuzzing of tests/operations/fuzz.test.ts at ten times
// its size — 10 000 malformed payloads per /api route and per room event with credentials the
// route admits, 2 000 from strangers and 2 000 garbage handshakes, with bigger strings (past the
// 2 MB body limit) and deeper nesting. Prints the counts; any crash, state change or non-specific
// error fails the run (exit 1). No baseline: the targets are zeros.
import { parseArgs } from 'node:util';
import { intOption } from './lib/args.ts';
import { UsageError, type Benchmark, type BenchContext, type BenchOutcome } from './lib/types.ts';
import { runFuzz } from '../tests/operations/fuzz/run-fuzz.ts';

const USAGE = `options:
  --per-route N   malformed payloads per route and per room event, authenticated (default 10000)
  --anonymous N   payloads per route/event from strangers, and garbage handshakes (default 2000)
  --seed N        replay a run (default: random, printed)
  --only TEXT     only routes/events whose name contains TEXT`;

function parse(argv: string[]) {
  let values: { 'per-route'?: string | undefined; anonymous?: string | undefined; seed?: string | undefined; only?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { 'per-route': { type: 'string' }, anonymous: { type: 'string' }, seed: { type: 'string' }, only: { type: 'string' } },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  return {
    perRoute: intOption('per-route', values['per-route'], 10_000, 1, 1_000_000),
    anonymous: intOption('anonymous', values.anonymous, 2_000, 0, 1_000_000),
    seed: intOption('seed', values.seed, Math.floor(Math.random() * 1_000_000), 0, 2 ** 31),
    only: values.only,
  };
}

async function run(argv: string[], ctx: BenchContext): Promise<BenchOutcome> {
  const { perRoute, anonymous, seed, only } = parse(argv);
  ctx.log(`fuzz: ${perRoute} payloads per route and event, ${anonymous} from strangers, seed ${seed}`);
  const tally = await runFuzz({
    perRoute,
    perEvent: perRoute,
    anonymous,
    seed,
    httpLimits: { hugeString: 2_500_000, depth: 1_500 },
    signal: ctx.signal,
    log: (line) => ctx.log(line),
    ...(only ? { only } : {}),
  });
  for (const line of tally.examples) ctx.log(line);
  const codes = Object.fromEntries([...tally.codes].sort((a, b) => b[1] - a[1]));
  ctx.log(`codes: ${JSON.stringify(codes)}`);
  if (tally.untestable.length) ctx.log(`nothing to malform (strangers only): ${tally.untestable.join(', ')}`);
  const summary = tally.summary();
  const failed = summary.crashes + summary.state_changes + summary.non_specific_errors > 0 || ctx.signal.aborted;
  return { result: { ...summary, seed }, failed };
}

const bench: Benchmark = {
  description: 'schema-driven fuzzing: 10 000 malformed payloads per /api route and room event; crashes, state changes, non-specific errors (all must be 0)',
  usage: USAGE,
  // ≈ 1 ms a payload on a shared 2-core machine, plus the fixture; generous.
  timeoutMs: (args) => {
    const { perRoute, anonymous } = parse(args);
    return 120_000 + (perRoute + anonymous) * 110 * 3;
  },
  run,
};
export default bench;
