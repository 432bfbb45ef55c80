// The caucus benchmark's tables and the figures for its JSON line.
import { BUSY_CORES } from '../lib/env.ts';
import { percentile, summarize } from '../lib/stats.ts';
import { transitionName } from './plan.ts';
import type { StreamResult, SwitchRecord } from './switches.ts';

export const TARGETS = { server_ms: 20, cutoff_ms: 250, resume_ms: 150, continuity_gaps_over_300ms: 0 } as const;

/** A continuing video stream without a new frame for longer than this counts as a visible freeze (issue #18 item 5). */
export const CONTINUITY_GAP_MS = 300;

const r1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
const r0 = (v: number | null) => (v === null ? null : Math.round(v));
const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '—' : v.toFixed(digits));

/** A plain-text table, first column left-aligned, the others right-aligned. */
function grid(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function row(title: string, samples: number[], digits: number, target?: string): string[] {
  const s = summarize(samples);
  return [title, String(s.n), fmt(s.p50, digits), fmt(s.p95, digits), fmt(s.max, digits), target ?? ''];
}

const values = (xs: Array<number | null | undefined>) => xs.filter((x): x is number => typeof x === 'number');
const streamMs = (records: SwitchRecord[], pick: (r: SwitchRecord) => StreamResult[], kind?: 'audio' | 'video') =>
  values(
    records.flatMap((r) =>
      pick(r)
        .filter((s) => !kind || s.kind === kind)
        .map((s) => s.ms),
    ),
  );

export interface ReportInput {
  jiefen: SwitchRecord[];
  baseline: SwitchRecord[];
  sampleMs: number;
  /** Effective sampling: median ms between two stats reports of one video stream, per half. */
  reportIntervalMs: Record<string, number | null>;
  clockSkewMs: number;
  /** jiefen: the worker's round trip for a trivial request, every 50 ms through the switching phase. */
  workerPingsMs: number[];
}

export function report(input: ReportInput): { lines: string[]; result: Record<string, unknown> } {
  const j = input.jiefen.filter((r) => !r.warmup);
  const b = input.baseline.filter((r) => !r.warmup);
  const withForbidden = j.filter((r) => r.cutoffs.length > 0);
  const withAllowed = j.filter((r) => r.resumes.length > 0);
  const bWithAllowed = b.filter((r) => r.resumes.length > 0);

  const server = values(withForbidden.map((r) => r.server.breakMs));
  const serverCall = values(j.map((r) => r.server.callMs));
  const serverMake = values(withAllowed.map((r) => r.server.makeMs));
  const cutoff = values(withForbidden.map((r) => r.cutoffMs));
  const resume = values(withAllowed.map((r) => r.resumeMs));
  const baseline = values(bWithAllowed.map((r) => r.resumeMs));

  const lines: string[] = [];
  lines.push('', `ms after the command; per switch = its slowest stream (every forbidden stream stopped / every newly allowed video shows a new frame)`);
  const rows: string[][] = [['', 'n', 'p50', 'p95', 'max', 'target']];
  if (j.length) {
    rows.push(row('(a) server: command → every forbidden consumer paused (breakMs)', server, 1, `≤ ${TARGETS.server_ms}`));
    rows.push(row('    server: whole LiveRoom call (startCaucus / endAllCaucuses)', serverCall, 1));
    rows.push(row('    server: command → allowed consumers resumed (worker ack)', serverMake, 1));
    rows.push(row('(b) cut-off: command → forbidden inbound RTP stops, per switch', cutoff, 0, `≤ ${TARGETS.cutoff_ms}`));
    rows.push(
      row(
        '      per stream, video',
        streamMs(withForbidden, (r) => r.cutoffs, 'video'),
        0,
      ),
    );
    rows.push(
      row(
        '      per stream, audio',
        streamMs(withForbidden, (r) => r.cutoffs, 'audio'),
        0,
      ),
    );
    rows.push(row('(c) resume: command → first new frame decoded, per switch', resume, 0, `≤ ${TARGETS.resume_ms}`));
    rows.push(
      row(
        '      per stream, video',
        streamMs(withAllowed, (r) => r.resumes, 'video'),
        0,
      ),
    );
    rows.push(
      row(
        '      per stream, video, stats framesDecoded (upper bound)',
        streamMs(withAllowed, (r) => r.resumesStats),
        0,
      ),
    );
    rows.push(
      row(
        '      per stream, first video RTP packet (stats, upper bound)',
        streamMs(withAllowed, (r) => r.firstRtp),
        0,
      ),
    );
    rows.push(
      row(
        '      per stream, audio played out',
        streamMs(withAllowed, (r) => r.resumes, 'audio'),
        0,
      ),
    );
    rows.push(
      row(
        '    continuing streams: longest gap, video (must keep flowing)',
        streamMs(j, (r) => r.gaps, 'video'),
        0,
      ),
    );
    rows.push(
      row(
        '    continuing streams: longest gap, audio',
        streamMs(j, (r) => r.gaps, 'audio'),
        0,
      ),
    );
  }
  if (b.length) {
    rows.push(row('baseline (reconnect): command → first new frame, per switch', baseline, 0));
    rows.push(
      row(
        '      per stream, video',
        streamMs(bWithAllowed, (r) => r.resumes, 'video'),
        0,
      ),
    );
    rows.push(
      row(
        '      per stream, video, stats framesDecoded (upper bound)',
        streamMs(bWithAllowed, (r) => r.resumesStats),
        0,
      ),
    );
    rows.push(
      row(
        '      per stream, first video RTP packet (stats, upper bound)',
        streamMs(bWithAllowed, (r) => r.firstRtp),
        0,
      ),
    );
    rows.push(
      row(
        '      per stream, audio played out',
        streamMs(bWithAllowed, (r) => r.resumes, 'audio'),
        0,
      ),
    );
    rows.push(row('    cut-off (transports closed), per switch', values(b.filter((r) => r.cutoffs.length).map((r) => r.cutoffMs)), 0));
    rows.push(
      row('    continuing streams re-established (new consumer), per switch', values(b.filter((r) => r.reestablished.length).map((r) => r.reestablishMs)), 0),
    );
    rows.push(row('    server: switch call (close old peers, push moves)', values(b.map((r) => r.server.callMs)), 1));
  }
  lines.push(grid(rows));

  const videoGaps = streamMs(j, (r) => r.gaps, 'video');
  const gapsOver = videoGaps.filter((g) => g > CONTINUITY_GAP_MS).length;
  const layerChanges = j.reduce((n, r) => n + (r.continuingLayerChanges ?? 0), 0);
  if (j.length) {
    lines.push(
      '',
      `continuity: ${gapsOver} continuing video stream(s) went > ${CONTINUITY_GAP_MS} ms without a new frame in ${j.length} switches; continuing consumers' forwarded layers changed ${layerChanges} time(s)`,
    );
  }

  const resumeP95 = percentile(resume, 95);
  const baselineP95 = percentile(baseline, 95);
  const ratio = resumeP95 && baselineP95 !== null ? baselineP95 / resumeP95 : null;
  if (ratio !== null) lines.push(`ratio: reconnect baseline p95 / jiefen resume p95 = ${ratio.toFixed(2)}`);

  // By kind of move.
  const kinds = [...new Set([...j, ...b].map((r) => transitionName(r.plan)))];
  const byKind: string[][] = [
    ['move', 'switches', 'server p95', 'cut-off p50', 'cut-off p95', 'resume p50', 'resume p95', 'baseline p50', 'baseline p95', 'streams stop/start/keep'],
  ];
  for (const k of kinds) {
    const jj = j.filter((r) => transitionName(r.plan) === k);
    const bb = b.filter((r) => transitionName(r.plan) === k);
    const p = (jj[0] ?? bb[0])!.plan;
    const cut = values(jj.map((r) => (r.cutoffs.length ? r.cutoffMs : null)));
    const res = values(jj.map((r) => (r.resumes.length ? r.resumeMs : null)));
    const bres = values(bb.map((r) => (r.resumes.length ? r.resumeMs : null)));
    byKind.push([
      k,
      String(Math.max(jj.length, bb.length)),
      p.forbidden.length ? fmt(percentile(values(jj.map((r) => r.server.breakMs)), 95), 1) : '—',
      fmt(percentile(cut, 50)),
      fmt(percentile(cut, 95)),
      fmt(percentile(res, 50)),
      fmt(percentile(res, 95)),
      fmt(percentile(bres, 50)),
      fmt(percentile(bres, 95)),
      `${p.forbidden.length * 2}/${p.newlyAllowed.length * 2}/${p.continuing.length * 2}`,
    ]);
  }
  lines.push('', 'by move (streams: audio + video, receiver ← sender)', grid(byKind));

  // Where the server time goes (jiefen).
  if (withForbidden.some((r) => r.server.diag)) {
    const d = (pick: (x: NonNullable<SwitchRecord['server']['diag']>) => number | null) =>
      values(withForbidden.map((r) => (r.server.diag ? pick(r.server.diag) : null)));
    const srv: string[][] = [['server, switches that stop streams (ms after the command)', 'n', 'p50', 'p95', 'max']];
    const add = (title: string, xs: number[], digits = 1) => {
      const s = summarize(xs);
      srv.push([title, String(s.n), fmt(s.p50, digits), fmt(s.p95, digits), fmt(s.max, digits)]);
    };
    add(
      'first pause request sent to the worker',
      d((x) => x.firstPauseSentMs),
    );
    add(
      'first pause acknowledged',
      d((x) => x.firstPauseAckMs),
    );
    add(
      'last pause acknowledged (= breakMs, 8 or 4 consumers)',
      d((x) => x.lastPauseAckMs),
    );
    add(
      'event loop: latest a 1 ms timer fired during the call',
      d((x) => x.loopMaxMs),
    );
    add(
      'worker round trip (router dump, every 50 ms) overlapping the call, max',
      d((x) => x.workerPingMaxMs),
    );
    if (input.workerPingsMs.length) add('worker round trip, all pings of the switching phase', input.workerPingsMs);
    lines.push('', 'where the server time goes', grid(srv));
  }

  // Where the resume time goes.
  if (withAllowed.length || bWithAllowed.length) {
    const med = (xs: number[]) => fmt(percentile(xs, 50));
    const p95 = (xs: number[]) => fmt(percentile(xs, 95));
    const steps: string[][] = [['step (ms after the command, per stream / page)', 'jiefen p50', 'jiefen p95', 'baseline p50', 'baseline p95']];
    const mark = (name: string) => values(b.flatMap((r) => (r.steps ?? []).map((s) => s.marks[name])));
    const both = (title: string, jx: number[] | null, bx: number[] | null) =>
      steps.push([title, jx ? med(jx) : '', jx ? p95(jx) : '', bx ? med(bx) : '', bx ? p95(bx) : '']);
    both('server: allowed consumers resumed (worker ack)', serverMake, null);
    both('page: move received (SSE)', null, mark('received'));
    both('page: old transports closed', null, mark('closed'));
    both('page: joined the new room (rpc)', null, mark('entered'));
    both('page: new send + recv transports', null, mark('transports'));
    both('page: re-produced camera + microphone', null, mark('produced'));
    both('page: ready (consumers requested)', null, mark('ready'));
    both('page: first new consumer created', null, mark('firstConsumer'));
    const keyFrames = (pick: (k: NonNullable<SwitchRecord['keyFrames']>[number]) => number | null) =>
      values(withAllowed.flatMap((r) => (r.keyFrames ?? []).map(pick)));
    both(
      'server: key frame requested from the sender (PLI/FIR)',
      keyFrames((k) => k.requestedMs),
      null,
    );
    both(
      'server: key frame received from the sender',
      keyFrames((k) => k.receivedMs),
      null,
    );
    both(
      'server: key frame forwarded to the receiver',
      keyFrames((k) => k.forwardedMs),
      null,
    );
    both(
      'first RTP packet of a newly allowed video',
      streamMs(withAllowed, (r) => r.firstRtp),
      streamMs(bWithAllowed, (r) => r.firstRtp),
    );
    both(
      'first new frame decoded',
      streamMs(withAllowed, (r) => r.resumes, 'video'),
      streamMs(bWithAllowed, (r) => r.resumes, 'video'),
    );
    lines.push('', 'where the resume time goes', grid(steps));
  }

  const failures = (rs: SwitchRecord[], re: RegExp) => rs.reduce((n, r) => n + r.errors.filter((e) => re.test(e)).length, 0);
  const contended = [...j, ...b].filter((r) => r.otherCpuCores > BUSY_CORES).length;
  lines.push(
    '',
    `sampling: every ${input.sampleMs} ms in each page; stats reports every ${Object.entries(input.reportIntervalMs)
      .map(([h, v]) => `${fmt(v, 1)} ms (${h})`)
      .join(', ')} per stream (median); page ↔ harness clock skew ≤ ${input.clockSkewMs.toFixed(1)} ms`,
  );
  // The same headline figures over the switches during which the rest of the machine was quiet.
  const quiet = (rs: SwitchRecord[]) => rs.filter((r) => r.otherCpuCores <= BUSY_CORES);
  const qj = quiet(j);
  const qb = quiet(b);
  const q = {
    switches: qj.length,
    baseline_switches: qb.length,
    server_p95_ms: r1(percentile(values(qj.filter((r) => r.cutoffs.length).map((r) => r.server.breakMs)), 95)),
    cutoff_p95_ms: r0(percentile(values(qj.filter((r) => r.cutoffs.length).map((r) => r.cutoffMs)), 95)),
    resume_p95_ms: r0(percentile(values(qj.filter((r) => r.resumes.length).map((r) => r.resumeMs)), 95)),
    reconnect_baseline_p95_ms: r0(percentile(values(qb.filter((r) => r.resumes.length).map((r) => r.resumeMs)), 95)),
  };
  if (contended) {
    lines.push(`${contended} switch(es) ran while other processes on the machine used > ${BUSY_CORES} cores (marked [others …] above)`);
    lines.push(
      `  the ${q.switches} + ${q.baseline_switches} quiet switches alone: server p95 ${fmt(q.server_p95_ms, 1)}, cut-off p95 ${fmt(q.cutoff_p95_ms)}, resume p95 ${fmt(q.resume_p95_ms)}, baseline p95 ${fmt(q.reconnect_baseline_p95_ms)} ms`,
    );
  }

  const targetsMet = {
    server: percentile(server, 95) !== null && percentile(server, 95)! <= TARGETS.server_ms,
    cutoff: percentile(cutoff, 95) !== null && percentile(cutoff, 95)! <= TARGETS.cutoff_ms,
    resume: resumeP95 !== null && resumeP95 <= TARGETS.resume_ms,
    continuity: j.length > 0 && gapsOver <= TARGETS.continuity_gaps_over_300ms,
  };
  if (j.length) {
    lines.push(
      `targets: server ≤ ${TARGETS.server_ms} ms p95 ${targetsMet.server ? 'met' : 'NOT met'}, cut-off ≤ ${TARGETS.cutoff_ms} ms p95 ${targetsMet.cutoff ? 'met' : 'NOT met'}, resume ≤ ${TARGETS.resume_ms} ms p95 ${targetsMet.resume ? 'met' : 'NOT met'}, continuity gaps > ${CONTINUITY_GAP_MS} ms ${gapsOver} ${targetsMet.continuity ? 'met' : 'NOT met'}`,
    );
  }

  return {
    lines,
    result: {
      server_p95_ms: r1(percentile(server, 95)),
      cutoff_p95_ms: r0(percentile(cutoff, 95)),
      resume_p95_ms: r0(resumeP95),
      reconnect_baseline_p95_ms: r0(baselineP95),
      ratio: ratio === null ? null : Math.round(ratio * 100) / 100,
      server_p50_ms: r1(percentile(server, 50)),
      cutoff_p50_ms: r0(percentile(cutoff, 50)),
      resume_p50_ms: r0(percentile(resume, 50)),
      reconnect_baseline_p50_ms: r0(percentile(baseline, 50)),
      server_call_p95_ms: r1(percentile(serverCall, 95)),
      server_resume_ack_p95_ms: r1(percentile(serverMake, 95)),
      worker_ping_p50_ms: r1(percentile(input.workerPingsMs, 50)),
      worker_ping_p95_ms: r1(percentile(input.workerPingsMs, 95)),
      continuity_gaps_over_300ms: gapsOver,
      continuing_video_gap_max_ms: r0(videoGaps.length ? Math.max(...videoGaps) : null),
      continuing_layer_changes: layerChanges,
      key_frame_requested_p95_ms: r0(percentile(values(withAllowed.flatMap((r) => (r.keyFrames ?? []).map((k) => k.requestedMs))), 95)),
      key_frame_received_p95_ms: r0(percentile(values(withAllowed.flatMap((r) => (r.keyFrames ?? []).map((k) => k.receivedMs))), 95)),
      first_rtp_p95_ms: r0(
        percentile(
          streamMs(withAllowed, (r) => r.firstRtp),
          95,
        ),
      ),
      targets: TARGETS,
      targets_met: j.length ? targetsMet : null,
      switches: j.length,
      baseline_switches: b.length,
      samples: { server: server.length, cutoff: cutoff.length, resume: resume.length, baseline: baseline.length },
      sanity: {
        isolation_failures: failures([...j, ...b], /still flowing/),
        missing_resumes: failures([...j, ...b], /^no (frame|packet)/),
        interruptions: failures(j, /interrupted/),
      },
      sample_ms: input.sampleMs,
      stats_report_interval_ms: Object.fromEntries(Object.entries(input.reportIntervalMs).map(([k, v]) => [k, r1(v)])),
      clock_skew_ms: r1(input.clockSkewMs),
      contended_switches: contended,
      quiet_switches_only: q,
    },
  };
}
