#!/usr/bin/env node
// Checks the code (types, lint, format), then runs the whole vitest suite and ends with the plain
// "N passed, N failed" line CI reads. A failed check fails the run before any test starts.
// Extra arguments go to vitest (e.g. `npm test -- tests/room`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The static checks, each as `npm run <script>` would run it. */
const CHECKS = [
  ['types', 'node_modules/typescript/bin/tsc', ['-p', 'tsconfig.json', '--noEmit']],
  // The browser app alone, with DOM types and without Node's (web-client/tsconfig.json).
  ['types', 'node_modules/typescript/bin/tsc', ['-p', 'web-client/tsconfig.json', '--noEmit']],
  ['lint', 'node_modules/eslint/bin/eslint.js', ['--max-warnings', '0', 'sfu', 'signaling', 'web-client/src', 'tests', 'bench', 'scripts', '.']],
  ['format', 'node_modules/prettier/bin/prettier.cjs', ['--check', '--log-level', 'warn', '.']],
];
for (const [name, bin, args] of CHECKS) {
  const started = Date.now();
  const check = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' });
  if (check.status !== 0) {
    console.error(
      `[test] ${name} check failed (npm run ${name === 'types' ? 'typecheck' : name === 'format' ? 'format' : 'lint'} shows it); no tests were run`,
    );
    process.exit(check.status ?? 1);
  }
  console.log(`[test] ${name} check passed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-vitest-'));
const report = path.join(dir, 'report.json');
const res = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let summary = 'no test report was written';
let failures = [];
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  failures = failedTests(r);
  summary =
    `${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests + r.numTodoTests ? `, ${r.numPendingTests + r.numTodoTests} skipped` : '');
} catch {
  /* vitest crashed before writing its report; its exit code says so */
}
rmSync(dir, { recursive: true, force: true });

// The whole suite also proves the newest supported Node.js on the core areas (scripts/node-versions.mjs).
// JIEFEN_EXTRA_NODE="22 24" adds Node 22; "" skips it. Not when a run picks its own files.
// Their counts are printed just above the summary, which stays the last line and counts this Node's run.
const extra = process.argv.length > 2 ? { status: 0, failures: [] } : runOtherNodes((process.env.JIEFEN_EXTRA_NODE ?? '24').split(/[\s,]+/).filter(Boolean));
// The failed tests again, next to the summary: a CI log is often read from its end only.
for (const line of [...failures, ...extra.failures]) console.log(line);
console.log(summary);
process.exit(res.status || extra.status || 0);

/** One line per failed test of a vitest JSON report: file, test name and the first line of its error. */
function failedTests(r) {
  const lines = [];
  for (const file of r.testResults ?? []) {
    const rel = path.relative(process.cwd(), file.name);
    const failed = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    // A file that failed outside any test (an import or a hook) has no failed assertion to name.
    if (failed.length === 0 && file.status === 'failed') lines.push(`[test] FAILED ${rel}: ${firstLine(file.message)}`);
    for (const t of failed) lines.push(`[test] FAILED ${rel} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
  }
  return lines;
}

function firstLine(text) {
  return (
    (text ?? '')
      .split('\n')
      .find((l) => l.trim())
      ?.trim()
      .slice(0, 300) ?? ''
  );
}

/** Runs the foundation and room areas under each given Node major; the first failing exit status and the failed tests. */
function runOtherNodes(majors) {
  let status = 0;
  const failures = [];
  for (const major of majors) {
    const started = Date.now();
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'jiefen-vitest-')), 'report.json');
    const run = spawnSync(
      process.execPath,
      [
        'scripts/node-versions.mjs',
        major,
        '--',
        'node_modules/vitest/vitest.mjs',
        'run',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${out}`,
        'tests/foundation',
        'tests/room',
      ],
      { stdio: 'inherit' },
    );
    let counts = 'no test report was written';
    try {
      const r = JSON.parse(readFileSync(out, 'utf8'));
      counts = `${r.numPassedTests} passed, ${r.numFailedTests} failed`;
      failures.push(...failedTests(r).map((line) => line.replace('[test] FAILED', `[test] FAILED on Node ${major}:`)));
    } catch {
      /* the runtime or the addon could not be prepared: its exit code says so */
    }
    rmSync(path.dirname(out), { recursive: true, force: true });
    console.log(`[test] Node ${major}, tests/foundation + tests/room: ${counts} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    status ||= run.status ?? 1;
  }
  return { status, failures };
}
