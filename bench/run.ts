// `npm run bench -- <name> [args]`: runs bench/<name>.ts.
//
// House rules for benchmarks (every module here follows them):
// - runs on its own: starts its own servers/browsers on loopback, needs only `node scripts/setup.mjs`;
// - stops by itself: bounded runs, per-step timeouts, and a hard cap enforced here;
// - targets loopback only (network benches: addresses inside the namespaces they build);
// - compares against a baseline measured in the same run where one exists;
// - prints its result as the LAST line, in JSON (`{"bench":"<name>",…}`), also on failure
//   (then with an "error" field). Exit code 0 = complete, 1 = failed/incomplete, 2 = bad usage.
import type { Benchmark, BenchContext } from './lib/types.ts';
import { UsageError } from './lib/types.ts';
import { PreflightError } from './lib/env.ts';

const BENCHMARKS: Record<string, { description: string; load: () => Promise<{ default: Benchmark }> }> = {
  join: {
    description: 'Chromium pages joining a live room: goto → first remote video frame, jiefen vs a bare mediasoup baseline',
    load: () => import('./join.ts'),
  },
  yjs: {
    description: '10 Yjs editors on one agreement: edit → other editors p50/p95, jiefen vs stock y-websocket; --kill9 N durability loop',
    load: () => import('./yjs.ts'),
  },
  caucus: {
    description: '背对背 switches in three Chromium pages: server break, RTP cut-off, resume; vs reconnect-based breakout',
    load: () => import('./caucus.ts'),
  },
  load: {
    description: 'N rooms × 4 participants of synthetic audio+video RTP: CPU per forwarded stream, loop lag, MB per room; jiefen vs bare mediasoup',
    load: () => import('./load.ts'),
  },
  fuzz: {
    description: 'schema-driven fuzzing: 10 000 malformed payloads per /api route and room event; crashes, state changes, non-specific errors',
    load: () => import('./fuzz.ts'),
  },
  pdf: {
    description: 'the signed agreement PDF (3 pages, 3 signatures, seal, audit certificate, PAdES): p50 time and size',
    load: () => import('./pdf.ts'),
  },
  intake: {
    description: 'the centre front door: a 500-row .xlsx import (p50, rows/s) and public applications (per second, p95)',
    load: () => import('./intake.ts'),
  },
  dossier: {
    description:
      'the 电子卷宗 of a full case (minutes, agreement + audit certificate, application, court documents, performance, 回访), sealed: p50 build time',
    load: () => import('./dossier.ts'),
  },
  dashboard: {
    description:
      'the centre dashboard on SQLite: 100,000 synthetic cases, 16 units, 3 years; p50/p95 of each dashboard query, and the 卷宗 build time of a full case',
    load: () => import('./dashboard.ts'),
  },
  tcp443: {
    description: 'joins from behind a firewall that lets only TCP 443 out (TURN over TLS): how many succeed, link → first remote frame',
    load: () => import('./tcp443.ts'),
  },
  ownership: {
    description: '首接负责: ≥ 10 000 random sequences of 分流 moves on real SQLite; exactly one owner after every step',
    load: () => import('./ownership.ts'),
  },
};

function listing(): string {
  const width = Math.max(...Object.keys(BENCHMARKS).map((n) => n.length));
  return Object.entries(BENCHMARKS)
    .map(([name, b]) => `  ${name.padEnd(width)}  ${b.description}`)
    .join('\n');
}

async function main(): Promise<number> {
  const [name, ...args] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h') {
    console.log(`usage: npm run bench -- <name> [args]\n\navailable benchmarks:\n${listing()}`);
    return name ? 0 : 2;
  }
  const entry = Object.hasOwn(BENCHMARKS, name) ? BENCHMARKS[name] : undefined;
  if (!entry) {
    console.error(`unknown benchmark "${name}"; available:\n${listing()}`);
    printResult({ bench: name, error: `unknown benchmark; available: ${Object.keys(BENCHMARKS).join(', ')}` });
    return 2;
  }
  const bench = (await entry.load()).default;
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`usage: npm run bench -- ${name} [options]\n${bench.description}\n\n${bench.usage}`);
    return 0;
  }

  let timeoutMs: number;
  try {
    timeoutMs = bench.timeoutMs(args);
  } catch (err) {
    return usageFailure(name, bench, err);
  }

  const cleanups: Array<() => unknown> = [];
  const controller = new AbortController();
  // Once stopped, a still-running benchmark may not print anything (the JSON line must stay last).
  let silenced = false;
  const ctx: BenchContext = {
    log: (line = '') => {
      if (!silenced) console.log(line);
    },
    onCleanup(fn) {
      cleanups.push(fn);
      return () => {
        const i = cleanups.lastIndexOf(fn);
        if (i >= 0) cleanups.splice(i, 1);
      };
    },
    signal: controller.signal,
  };
  const cleanUp = async () => {
    // Latest first; each step bounded so a hung browser cannot keep us alive.
    for (const fn of cleanups.splice(0).reverse()) {
      await Promise.race([
        Promise.resolve()
          .then(fn)
          .catch(() => undefined),
        new Promise((r) => setTimeout(r, 10_000)),
      ]);
    }
  };

  let stop: ((reason: string) => void) | undefined;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const timer = setTimeout(() => stop!(`hard timeout: did not finish within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
  const onSignal = () => stop!('interrupted');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const started = Date.now();
  const outcome = await Promise.race([
    bench.run(args, ctx).then(
      (o) => ({ kind: 'done' as const, o }),
      (err: unknown) => ({ kind: 'error' as const, err }),
    ),
    stopped.then((reason) => ({ kind: 'stopped' as const, reason })),
  ]);
  clearTimeout(timer);
  silenced = outcome.kind === 'stopped';
  controller.abort();
  await cleanUp();

  if (outcome.kind === 'done') {
    printResult({ bench: name, ...outcome.o.result, duration_s: Math.round((Date.now() - started) / 1000) });
    return outcome.o.failed ? 1 : 0;
  }
  if (outcome.kind === 'error') {
    if (outcome.err instanceof UsageError) return usageFailure(name, bench, outcome.err);
    const message = outcome.err instanceof Error ? outcome.err.message : String(outcome.err);
    if (!(outcome.err instanceof PreflightError)) console.error(outcome.err);
    else console.error(`bench ${name}: ${message}`);
    printResult({ bench: name, error: message });
    return 1;
  }
  console.error(`bench ${name}: ${outcome.reason}`);
  printResult({ bench: name, error: outcome.reason });
  return 1;
}

function usageFailure(name: string, bench: Benchmark, err: unknown): number {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`bench ${name}: ${message}\n\nusage: npm run bench -- ${name} [options]\n${bench.usage}`);
  printResult({ bench: name, error: message });
  return 2;
}

function printResult(result: Record<string, unknown>): void {
  console.log(JSON.stringify(result));
}

// Exit explicitly: nothing may print after the JSON line, and stray handles must not keep us alive.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    printResult({ bench: process.argv[2] ?? null, error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  },
);
