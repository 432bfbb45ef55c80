// `npm run bench -- caucus --property N`: the caucus property test (tests/caucus/
// caucus-property.test.ts — random joins/admits/leaves/drops/reconnects/caucus moves/chat
// against the real LiveRoom and mediasoup; after every step live consumers, chat and rosters
// must equal the routing policy) with N random sequences, in a vitest child process
// (JIEFEN_PROPERTY_RUNS=N). Reports sequences, steps and pass/fail.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../lib/env.ts';
import type { BenchContext, BenchOutcome } from '../lib/types.ts';

export const PROPERTY_TEST = 'tests/caucus/caucus-property.test.ts';

/** Generous: ~0.1 s per sequence on an idle 2-core machine, more when it is busy. */
export const propertyTimeoutMs = (sequences: number) => 120_000 + sequences * 400;

export async function runProperty(ctx: BenchContext, sequences: number): Promise<BenchOutcome> {
  const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-bench-property-'));
  ctx.onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const report = path.join(dir, 'report.json');
  const testTimeout = propertyTimeoutMs(sequences) - 60_000;
  ctx.log(`caucus property test: ${sequences} random sequences (${PROPERTY_TEST}, JIEFEN_PROPERTY_RUNS=${sequences})…`);
  const started = Date.now();

  const child = spawn(
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      PROPERTY_TEST,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      `--testTimeout=${testTimeout}`,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, JIEFEN_PROPERTY_RUNS: String(sequences), FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  // On a stop, end the vitest process group we started (vitest and its forked worker).
  const unregister = ctx.onCleanup(() => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  unregister();
  const durationS = Math.round((Date.now() - started) / 1000);

  const summary = /caucus property: (\d+) sequences, (\d+) steps\s*(\{[^}]*\})?/.exec(output);
  const seen: Record<string, number> = {};
  for (const [, k, v] of (summary?.[3] ?? '').matchAll(/(\w+): (\d+)/g)) seen[k!] = Number(v);
  let passed = 0;
  let failed = 0;
  try {
    const r = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number };
    passed = r.numPassedTests;
    failed = r.numFailedTests;
  } catch {
    failed = 1; // no report: vitest itself failed
  }
  const ok = code === 0 && passed > 0 && failed === 0 && summary !== null;
  const lines = output.split('\n').map((l) => l.trimEnd());
  if (ok) {
    ctx.log(`  ${summary![0].replace(/\s+/g, ' ')}`);
  } else {
    // The counterexample and the assertion that failed, as vitest printed them.
    const interesting = lines.filter((l) => /Counterexample|Property failed|Shrunk|AssertionError|Error:|expected|FAIL|✗|×/.test(l)).slice(0, 40);
    for (const l of interesting.length ? interesting : lines.slice(-40)) ctx.log(`  ${l}`);
  }
  const steps = summary ? Number(summary[2]) : null;
  ctx.log('');
  ctx.log(
    `property test ${ok ? 'passed' : 'FAILED'}: ${summary ? `${summary[1]} sequences, ${steps} steps` : 'no summary'} in ${durationS} s (vitest exit code ${code})`,
  );
  return {
    result: {
      mode: 'property',
      property_sequences: summary ? Number(summary[1]) : 0,
      property_sequences_requested: sequences,
      property_steps: steps,
      property_passed: ok,
      property_seen: seen,
      property_duration_s: durationS,
      ...(ok ? {} : { error: `caucus property test failed (vitest exit code ${code}, ${failed} failed test(s))` }),
    },
    failed: !ok,
  };
}
