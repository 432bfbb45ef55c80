// Three real Chromium pages (one browser and profile each, as on three devices) with the
// in-page sampler (sampler.page.ts) installed before any page script, and the harness side of
// the sampler: draining every page's events into one store, stream by stream.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../../tests/support/browser.ts';
import { bundle } from '../lib/bundle.ts';
import { noteOwnChromium, sleep } from '../lib/env.ts';
import type { BenchContext } from '../lib/types.ts';
import type { SampleEvent, SamplerState } from './sampler.page.ts';

const SAMPLER_SOURCE = fileURLToPath(new URL('./sampler.page.ts', import.meta.url));
let samplerScript: Promise<string> | null = null;

function sampler(): Promise<string> {
  samplerScript ??= bundle(SAMPLER_SOURCE);
  return samplerScript;
}

/** Three participants: a desktop (the mediator) and two phones, as in the join benchmark. */
export const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
  { width: 390, height: 844 },
] as const;

export interface PageSpec {
  /** The participant's peer id (the receiver the page's events belong to). */
  peerId: string;
  label: string;
  viewport: { width: number; height: number };
  cookies?: Array<{ name: string; value: string; url: string; httpOnly?: boolean; sameSite?: 'Strict' | 'Lax' | 'None' }>;
}

export interface BenchPage {
  spec: PageSpec;
  page: Page;
  /** Console errors and warnings, page errors (first 200). */
  log: string[];
}

/** Harness clock: the same wall clock the pages' sampler uses (timeOrigin + monotonic). */
export const now = () => performance.timeOrigin + performance.now();

export class PageSet {
  readonly pages: BenchPage[] = [];
  readonly #browsers: TestBrowser[] = [];
  #unregister: () => void = () => undefined;
  /** Per receiver peer id: events in time order (trimmed as switches complete). */
  readonly events = new Map<string, SampleEvent[]>();
  /** ms between two consecutive stats reports of a flowing video stream (effective sampling). */
  readonly reportIntervals: number[] = [];

  private constructor(readonly ctx: BenchContext) {}

  /** Launches one browser per spec (in parallel) with the sampler as an init script; pages stay blank. */
  static async launch(ctx: BenchContext, specs: PageSpec[]): Promise<PageSet> {
    const set = new PageSet(ctx);
    set.#unregister = ctx.onCleanup(() => set.close());
    const script = await sampler();
    const launched = await Promise.all(specs.map((s) => launchBrowser({ viewport: s.viewport })));
    set.#browsers.push(...launched);
    noteOwnChromium();
    for (const [i, spec] of specs.entries()) {
      const { context } = launched[i]!;
      await context.addInitScript({ content: script });
      if (spec.cookies?.length) await context.addCookies(spec.cookies);
      const page = context.pages()[0] ?? (await context.newPage());
      const log: string[] = [];
      const keep = (line: string) => log.length < 200 && log.push(line);
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') keep(`[${m.type()}] ${m.text()}`);
      });
      page.on('pageerror', (e) => keep(`[pageerror] ${e.message}`));
      set.pages.push({ spec, page, log });
      set.events.set(spec.peerId, []);
    }
    return set;
  }

  startSampling(intervalMs: number): Promise<unknown> {
    return Promise.all(this.pages.map((p) => p.page.evaluate((ms) => window.__caucusSampler!.start(ms), intervalMs)));
  }

  /** Moves every page's new events into the store. */
  async drain(): Promise<void> {
    await Promise.all(
      this.pages.map(async (p) => {
        const got = (await p.page.evaluate(() => window.__caucusSampler?.drain() ?? [])) as SampleEvent[];
        const store = this.events.get(p.spec.peerId)!;
        for (const e of got) {
          store.push(e);
          if (e.prev !== null && e.key.endsWith('/video') && this.reportIntervals.length < 50_000) this.reportIntervals.push(e.t - e.prev);
        }
      }),
    );
  }

  /** Drops events older than `t` (keeps memory and scans small over long runs). */
  trim(t: number): void {
    for (const [id, list] of this.events) {
      let i = 0;
      while (i < list.length && list[i]!.t < t) i++;
      if (i) this.events.set(id, list.slice(i));
    }
  }

  /** The sampler's own counters per page (rounds, cost, effective resolution). */
  samplerStats(): Promise<Array<{ label: string; state: Omit<SamplerState, 'events'> }>> {
    return Promise.all(
      this.pages.map(async (p) => ({
        label: p.spec.label,
        state: (await p.page.evaluate(() => {
          const { events: _e, ...rest } = window.__caucusSampler!.state;
          return rest;
        })) as Omit<SamplerState, 'events'>,
      })),
    );
  }

  /** Max |page clock − harness clock| in ms, measured through a round trip (alignment check). */
  async clockSkew(): Promise<number> {
    let worst = 0;
    for (const p of this.pages) {
      const before = now();
      const { perf } = (await p.page.evaluate(() => window.__caucusSampler!.clock())) as { perf: number; date: number };
      const after = now();
      // The page read its clock somewhere between before and after.
      const skew = perf < before ? before - perf : perf > after ? perf - after : 0;
      worst = Math.max(worst, skew);
    }
    return worst;
  }

  /**
   * Waits until, at every page, media from every other participant is flowing: video frames
   * decoded and audio packets received within the last `windowMs`.
   */
  async untilFlowing(windowMs: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.drain();
      const missing = this.missingFlows(windowMs);
      if (missing.length === 0) return;
      if (Date.now() > deadline) throw new Error(`media not flowing after ${Math.round(timeoutMs / 1000)} s: ${missing.join(', ')}`);
      await sleep(200);
    }
  }

  missingFlows(windowMs: number): string[] {
    const since = now() - windowMs;
    const missing: string[] = [];
    for (const r of this.pages) {
      const list = this.events.get(r.spec.peerId)!;
      for (const s of this.pages) {
        if (s === r) continue;
        for (const kind of ['audio', 'video'] as const) {
          const key = `${s.spec.peerId}/${kind}`;
          const ok = list.some((e) => e.key === key && e.t >= since && (kind === 'video' ? e.frames > 0 : e.packets > 0));
          if (!ok) missing.push(`${r.spec.label} ← ${s.spec.label} ${kind}`);
        }
      }
    }
    return missing;
  }

  async close(): Promise<void> {
    this.#unregister();
    noteOwnChromium();
    await Promise.all(this.#browsers.map((b) => b.close()));
    this.#browsers.length = 0;
  }
}
