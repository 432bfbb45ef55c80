// Pre-flight checks and guards shared by benchmarks: the built web client, Chromium, other
// browser jobs on this (2-core) machine, loopback-only targets, timeouts.
import { accessSync, constants as fsConstants, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as mediasoup from 'mediasoup';
import { CHROMIUM_PATH } from '../../tests/support/browser.ts';
import type { BenchContext } from './types.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIST = path.join(ROOT, 'web-client', 'dist');

export class PreflightError extends Error {}

/** The built web client must exist (setup.mjs builds it); returns a warning if it looks older than its sources. */
export function checkWebClient(options: { needRoom: boolean }): { warning: string | null } {
  const index = path.join(WEB_DIST, 'index.html');
  if (!existsSync(index)) {
    throw new PreflightError(
      `the web client is not built (${path.relative(ROOT, index)} is missing): run \`node scripts/setup.mjs\` (or \`npm start\` once), then try again`,
    );
  }
  if (options.needRoom) {
    const assets = path.join(WEB_DIST, 'assets');
    const hasRoom =
      existsSync(assets) && readdirSync(assets).some((f) => f.endsWith('.js') && readFileSync(path.join(assets, f), 'utf8').includes('__jiefenRoom'));
    if (!hasRoom) {
      throw new PreflightError(
        'the built web client has no live room (no `__jiefenRoom` handle in web-client/dist/assets): rebuild it with `node scripts/setup.mjs`',
      );
    }
  }
  const built = statSync(index).mtimeMs;
  const newest = newestMtime([path.join(ROOT, 'web-client', 'src'), path.join(ROOT, 'web-client', 'index.html'), path.join(ROOT, 'signaling', 'protocol')]);
  return {
    warning: newest > built ? 'web-client/dist is older than web-client/src: measuring the last build (run `node scripts/setup.mjs` to rebuild)' : null,
  };
}

function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
    else if (!/\.test\.tsx?$/.test(p)) newest = Math.max(newest, st.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

/**
 * Copies web-client/dist to a temporary folder, so a rebuild during the benchmark (setup.mjs,
 * another engineer's `npm test`) cannot swap the bundle between runs.
 */
export function snapshotWebClient(ctx: BenchContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-bench-web-'));
  cpSync(WEB_DIST, dir, { recursive: true });
  if (!existsSync(path.join(dir, 'index.html'))) {
    rmSync(dir, { recursive: true, force: true });
    throw new PreflightError('web-client/dist changed while it was being copied (a build is running?): try again in a minute');
  }
  ctx.onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function checkMediasoupWorker(): void {
  try {
    accessSync(mediasoup.workerBin, fsConstants.X_OK);
  } catch {
    throw new PreflightError(
      `the mediasoup worker is not built (${path.relative(ROOT, mediasoup.workerBin)}): run \`node scripts/setup.mjs\` (or set MEDIASOUP_WORKER_BIN)`,
    );
  }
}

export function checkChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new PreflightError(`Chromium not found at ${CHROMIUM_PATH}: run \`node scripts/setup.mjs --test\` (installs Debian's chromium) or set CHROMIUM_PATH`);
  }
}

interface ProcInfo {
  ppid: number;
  chromium: boolean;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
}

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux

function processTable(): Map<number, ProcInfo> {
  const table = new Map<number, ProcInfo>();
  for (const name of safeReaddir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // pid (comm) state ppid … utime stime …; comm may contain spaces and parentheses.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      table.set(pid, {
        ppid: Number(fields[1]),
        // Not chrome_crashpad: crash handlers detach to init at once and outlive their browser briefly.
        chromium: comm === 'chromium' || comm === 'chrome',
        cpuTicks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // The process ended while we looked.
    }
  }
  return table;
}

function descendsFromUs(table: Map<number, ProcInfo>, pid: number): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 64; p = table.get(p)?.ppid ?? 0, hops++) if (p === process.pid) return true;
  return false;
}

/**
 * Chromium processes we started. Recorded while our browsers run, because a closing browser's
 * helpers are re-parented to init for a moment and would then look like someone else's.
 */
const ownChromium = new Set<number>();

export function noteOwnChromium(): void {
  const table = processTable();
  for (const [pid, info] of table) if (info.chromium && descendsFromUs(table, pid)) ownChromium.add(pid);
}

const isOurs = (table: Map<number, ProcInfo>, pid: number) => pid === process.pid || ownChromium.has(pid) || descendsFromUs(table, pid);
// Kernel threads (children of kthreadd) do work for everyone, us included.
const isKernel = (pid: number, info: ProcInfo) => pid === 2 || info.ppid === 2;

/** Chromium processes on this machine that this process did not start (another test or benchmark). */
export function foreignChromium(): { foreign: number[]; lingering: number[] } {
  const table = processTable();
  const foreign: number[] = [];
  const lingering: number[] = [];
  for (const [pid, info] of table) {
    if (!info.chromium) continue;
    if (ownChromium.has(pid)) lingering.push(pid);
    else if (!descendsFromUs(table, pid)) foreign.push(pid);
  }
  for (const pid of ownChromium) if (!table.has(pid)) ownChromium.delete(pid);
  return { foreign, lingering };
}

/**
 * CPU used by everything else on the machine (other tests, builds, servers) from start() to
 * cores(), in cores. Processes that end in between are missed, so it can only under-count.
 */
export function othersCpu(): { cores(): number } {
  const ticks = () => {
    const table = processTable();
    const out = new Map<number, number>();
    for (const [pid, info] of table) if (!isKernel(pid, info) && !isOurs(table, pid)) out.set(pid, info.cpuTicks);
    return out;
  };
  const before = ticks();
  const started = performance.now();
  return {
    cores() {
      const elapsedS = (performance.now() - started) / 1000;
      let used = 0;
      for (const [pid, t] of ticks()) used += t - (before.get(pid) ?? 0);
      return elapsedS > 0 ? Math.round((used / CLOCK_TICKS_PER_S / elapsedS) * 100) / 100 : 0;
    },
  };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Above this, other processes' CPU use (in cores) makes a run "contended". */
export const BUSY_CORES = 0.25;

/**
 * Waits (bounded) until no other browser job runs and the rest of the machine is nearly idle:
 * on 2 cores, two jobs would measure each other. Another browser job (a test suite) is waited
 * for up to `browserWaitMs`, other busy processes up to `cpuWaitMs`; then it measures anyway
 * and says so. Returns whether the machine was still busy at the end.
 */
export async function waitForQuietMachine(
  ctx: BenchContext,
  limits: { browserWaitMs: number; cpuWaitMs: number },
): Promise<{ waitedMs: number; busy: boolean }> {
  const started = Date.now();
  let announced = '';
  for (;;) {
    const { foreign: browsers, lingering } = foreignChromium();
    // Our previous run's browsers still shutting down: give them a moment, silently.
    if (browsers.length === 0 && lingering.length > 0 && Date.now() - started < 10_000) {
      await sleep(100);
      continue;
    }
    const sample = othersCpu();
    await sleep(500);
    const cores = sample.cores();
    if (browsers.length === 0 && cores <= BUSY_CORES) return { waitedMs: Date.now() - started, busy: false };
    const kind = browsers.length ? 'browser' : 'cpu';
    const what = browsers.length ? `another browser job (${browsers.length} Chromium processes)` : `other processes using ${cores} cores`;
    const limit = kind === 'browser' ? limits.browserWaitMs : limits.cpuWaitMs;
    if (Date.now() - started >= limit || ctx.signal.aborted) {
      ctx.log(`warning: ${what} after waiting ${Math.round((Date.now() - started) / 1000)} s; measuring anyway (numbers will be noisy)`);
      return { waitedMs: Date.now() - started, busy: true };
    }
    if (announced !== kind) {
      ctx.log(`waiting for ${what} to finish (at most ${Math.round(limit / 1000)} s)…`);
      announced = kind;
    }
    await sleep(1_500);
  }
}

export const load1 = (): number => Number(loadavg()[0]!.toFixed(2));

/** Benchmarks only ever talk to this machine. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`benchmark target ${url} is not on loopback`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
