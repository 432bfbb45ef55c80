// Opens N real Chromium pages at once (one browser and profile per participant, as on N
// devices) and measures each: harness clock just before page.goto(url) → the in-page probe's
// first decoded remote video frame. Used identically by the jiefen and the baseline half.
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../../tests/support/browser.ts';
import { bundle } from '../lib/bundle.ts';
import { foreignChromium, noteOwnChromium, othersCpu, sleep } from '../lib/env.ts';
import type { BenchContext } from '../lib/types.ts';
import type { ProbeMarks, ProbeSocketEvent, ProbeState } from './probe.page.ts';

export interface PageSpec {
  label: string;
  url: string;
  viewport: { width: number; height: number };
  /** Set in the browser before opening the link (a staff session). */
  cookies?: Array<{ name: string; value: string; url: string; httpOnly?: boolean; sameSite?: 'Strict' | 'Lax' | 'None' }>;
  /** Another Chromium (e.g. one inside a network namespace, `--link`) and extra flags. */
  browser?: { executablePath: string; extraArgs: string[] };
}

export type Milestone = keyof ProbeMarks;

export interface PageSample {
  label: string;
  /** goto → first remote video frame decoded; null if it never came. */
  ms: number | null;
  /** Every milestone the probe saw, in ms after the harness started page.goto. */
  marks: Partial<Record<Milestone, number>>;
  firstFramePeerId: string | null;
  /** Requests up to the first frame, ms after goto (start → end). */
  resources: Array<{ name: string; type: string; start: number; end: number; bytes: number }>;
  /** HTTP bytes transferred (document, scripts, styles, API; headers included) up to the first frame — a first visit: fresh profile. */
  bytes: number | null;
  /** socket.io requests (start → ack) and server events, ms after goto (jiefen pages). */
  socket: ProbeSocketEvent[];
  /** Main-thread long tasks (≥ 50 ms) before the first frame, ms after goto. */
  longTasks: Array<{ start: number; duration: number }>;
  error?: string;
  /** Last room status seen (for failures). */
  lastStatus?: string | null;
  log: string[];
}

const PROBE_SOURCE = fileURLToPath(new URL('./probe.page.ts', import.meta.url));
let probeScript: Promise<string> | null = null;

/** The probe as one IIFE, built once per process. */
export function probe(): Promise<string> {
  probeScript ??= bundle(PROBE_SOURCE);
  return probeScript;
}

/**
 * Polls the probe from outside (the probe itself samples every 25 ms; this only notices it).
 * A string expression: Playwright's waitForFunction would need eval, which our CSP forbids.
 */
async function untilFirstFrame(page: Page, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate('!!(window.__benchProbe && window.__benchProbe.marks.firstFrame)')) return;
    if (Date.now() > deadline) throw new Error(`no remote video frame within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(100);
  }
}

export interface MeasureOptions {
  /** Per page, from goto to the first remote frame. */
  timeoutMs: number;
  /** Idle time after the browsers started, so their start-up does not bleed into the timing. */
  settleMs: number;
  /** Called right before the pages open (e.g. to note the start for server-side timings). */
  onStart?: (t0: number) => void;
}

/**
 * Event-loop lag of this Node process while the pages joined (how late a 10 ms timer fired).
 * The servers (jiefen's or the baseline's) run in this process, so a late loop delays every
 * socket message and reply.
 */
export interface LoopDelay {
  meanMs: number;
  p99Ms: number;
  maxMs: number;
}

const LOOP_RESOLUTION_MS = 10;

export interface Measurement {
  pages: PageSample[];
  loopDelay: LoopDelay;
  /** CPU (cores) other processes on the machine used while the pages joined. */
  otherCpuCores: number;
  /** Someone else's browser was running when the pages had joined. */
  otherBrowser: boolean;
}

export async function measurePages(ctx: BenchContext, specs: PageSpec[], options: MeasureOptions): Promise<Measurement> {
  const script = await probe();
  const browsers: TestBrowser[] = [];
  const unregister = ctx.onCleanup(() => Promise.all(browsers.map((b) => b.close())));
  try {
    const launched = await Promise.all(specs.map((s) => launchBrowser({ viewport: s.viewport, ...s.browser })));
    browsers.push(...launched);
    const logs: string[][] = specs.map(() => []);
    const pages: Page[] = [];
    for (const [i, spec] of specs.entries()) {
      const { context } = launched[i]!;
      await context.addInitScript({ content: script });
      if (spec.cookies?.length) await context.addCookies(spec.cookies);
      // A persistent context opens with one blank page: use it.
      const page = context.pages()[0] ?? (await context.newPage());
      const log = logs[i]!;
      const keep = (line: string) => log.length < 200 && log.push(line);
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') keep(`[${m.type()}] ${m.text()}`);
      });
      page.on('pageerror', (e) => keep(`[pageerror] ${e.message}`));
      pages.push(page);
    }
    await sleep(options.settleMs);
    if (ctx.signal.aborted) throw new Error('aborted');

    const t0 = new Array<number>(specs.length);
    const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loop.enable();
    const others = othersCpu();
    options.onStart?.(Date.now());
    const navigations = specs.map((spec, i) => {
      t0[i] = Date.now();
      return pages[i]!.goto(spec.url, { waitUntil: 'commit', timeout: options.timeoutMs });
    });

    const pageSamples = await Promise.all(
      specs.map(async (spec, i): Promise<PageSample> => {
        const page = pages[i]!;
        let error: string | undefined;
        try {
          await navigations[i];
          const remaining = Math.max(1_000, t0[i]! + options.timeoutMs - Date.now());
          await untilFirstFrame(page, remaining);
        } catch (err) {
          error = (err instanceof Error ? err.message : String(err)).split('\n')[0];
        }
        const state = (await page.evaluate('window.__benchProbe || null').catch(() => null)) as ProbeState | null;
        const marks: Partial<Record<Milestone, number>> = {};
        for (const [k, v] of Object.entries(state?.marks ?? {})) if (typeof v === 'number') marks[k as Milestone] = v - t0[i]!;
        const log = [...logs[i]!, ...(state?.errors ?? []).map((e) => `[probe] ${e}`)];
        const resources = state?.resources ?? [];
        return {
          label: spec.label,
          ms: error ? null : (marks.firstFrame ?? null),
          bytes: resources.length ? resources.reduce((sum, r) => sum + (r.bytes || 0), 0) : null,
          marks,
          firstFramePeerId: state?.firstFramePeerId ?? null,
          resources: resources.map((r) => ({ ...r, start: r.start - t0[i]!, end: r.end - t0[i]! })),
          socket: (state?.socket ?? []).map((e) => ({ ...e, start: e.start - t0[i]!, end: e.end - t0[i]! })),
          longTasks: (state?.longTasks ?? []).map((t) => ({ ...t, start: t.start - t0[i]! })),
          ...(error ? { error } : {}),
          lastStatus: state?.lastStatus ?? null,
          log,
        };
      }),
    );
    loop.disable();
    const otherCpuCores = others.cores();
    const otherBrowser = foreignChromium().foreign.length > 0;
    // The histogram holds the time between ticks of a LOOP_RESOLUTION_MS timer: keep only the lateness.
    const ms = (ns: number) => Math.max(0, Math.round(ns / 1e4) / 100 - LOOP_RESOLUTION_MS);
    return { pages: pageSamples, loopDelay: { meanMs: ms(loop.mean), p99Ms: ms(loop.percentile(99)), maxMs: ms(loop.max) }, otherCpuCores, otherBrowser };
  } finally {
    noteOwnChromium();
    await Promise.all(browsers.map((b) => b.close()));
    unregister();
  }
}
