// `npm run bench -- intake`: the centre's front door under load, on one real server (SQLite, the
// development SMS provider) started here on loopback:
//   import  a realistic 500-row financial-dispute .xlsx imported through the API (each row a matter
//           registered, accepted and assigned, a case with both parties, their invitation links
//           sent) — p50 over runs and rows per second (bench/intake-import.ts); target ≤ 10 s;
//   apply   public applications through /apply's API (code, verify, submit with a photo), each from
//           its own address and phone — per second and submission p50/p95 (bench/intake-apply.ts);
//           target p95 ≤ 100 ms.
// No baseline exists to run beside it; the targets are absolute.
import { parseArgs } from 'node:util';
import { startTestServer } from '../tests/support/server.ts';
import { intOption } from './lib/args.ts';
import { measureApply } from './intake-apply.ts';
import { measureImport } from './intake-import.ts';
import { UsageError, type Benchmark, type BenchContext, type BenchOutcome } from './lib/types.ts';

const USAGE = `options:
  --rows N          rows of the import file (default 500)
  --runs N          import runs (default 3)
  --applications N  public applications (default 200)
  --concurrency N   applications in flight at once (default 4)`;

function parse(argv: string[]) {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { rows: { type: 'string' }, runs: { type: 'string' }, applications: { type: 'string' }, concurrency: { type: 'string' } },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  return {
    rows: intOption('rows', values.rows, 500, 1, 5000),
    runs: intOption('runs', values.runs, 3, 1, 20),
    applications: intOption('applications', values.applications, 200, 1, 5000),
    concurrency: intOption('concurrency', values.concurrency, 4, 1, 64),
  };
}

async function run(argv: string[], ctx: BenchContext): Promise<BenchOutcome> {
  const args = parse(argv);
  // Each application comes from its own forwarded address, as from many phones.
  const server = await startTestServer({ TRUST_PROXY: '127.0.0.1', SMS_PROVIDER: 'dev', LOG_LEVEL: 'error' });
  try {
    const imported = await measureImport({ server, rows: args.rows, runs: args.runs });
    ctx.log(
      `import: ${imported.rows} rows × ${imported.runs} runs: p50 ${imported.p50_ms} ms (${imported.rowsPerSecond} rows/s), all ${imported.all_ms.join(', ')} ms`,
    );
    const applied = await measureApply({ baseUrl: server.url, dataDir: server.dataDir, count: args.applications, concurrency: args.concurrency });
    ctx.log(`apply: ${applied.count} applications, ${applied.perSecond}/s, submission p50 ${applied.p50_ms} ms, p95 ${applied.p95_ms} ms`);
    const met = { import: imported.p50_ms <= 10_000, apply: applied.p95_ms <= 100 };
    ctx.log(`targets: import 500 rows ≤ 10 s ${met.import ? 'met' : 'NOT met'}, apply p95 ≤ 100 ms ${met.apply ? 'met' : 'NOT met'}`);
    return {
      result: {
        import_500_ms: imported.p50_ms,
        apply_p95_ms: applied.p95_ms,
        import_rows: imported.rows,
        import_runs: imported.runs,
        rows_per_s: imported.rowsPerSecond,
        apply_p50_ms: applied.p50_ms,
        apply_per_s: applied.perSecond,
        applications: applied.count,
        targets: { import_500_ms: 10_000, apply_p95_ms: 100 },
        targets_met: met,
        baseline: null,
      },
      failed: false,
    };
  } finally {
    await server.close();
  }
}

const intake: Benchmark = {
  description: 'the centre front door: a 500-row .xlsx import (p50, rows/s) and public applications (per second, p95)',
  usage: USAGE,
  timeoutMs(argv) {
    const a = parse(argv);
    return 120_000 + a.runs * a.rows * 200 + a.applications * 2_000;
  },
  run,
};

export default intake;
