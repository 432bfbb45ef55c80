// `npm run bench -- yjs`: how fast an edit in the agreement editor reaches the other editors.
// 10 editor clients (Node, real WebSocket) on one agreement draft each type into the same clause
// at `--rate` edits per second; every edit is timed from the sender's transaction to its arrival
// at each of the other clients (same process, one clock). The same load runs against the stock
// y-websocket server (@y/websocket-server, bench/yjs/baseline-server.ts) in the same run,
// alternating round by round. Both servers run as their own process on loopback:
//   jiefen    signaling/main.ts (fastify + socket.io + mediasoup + Hocuspocus, SQLite with every
//             update committed before it is acknowledged), editors = the org admin's session;
//   baseline  setupWSConnection on a bare HTTP server, no auth, no persistence.
// For jiefen it also reports the acknowledgement time (edit → the server's SyncStatus, i.e.
// committed to disk), which the baseline has no equivalent of.
//
// `--kill9 N`: the durability loop instead (tests/drafting/persistence-kill9.ts): N rounds of
// edit → acknowledgement → SIGKILL → restart, checking that no acknowledged edit is ever lost.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createAgreementDoc } from '../signaling/agreement/document.ts';
import { loadBuiltinTemplates } from '../signaling/agreement/template-loader.ts';
import { changedPassword, createStaffUser, firstLogin, StaffClient } from '../tests/support/server.ts';
import { runKill9Loop } from '../tests/drafting/persistence-kill9.ts';
import { connectClient, wsUrl } from '../tests/drafting/sync-support.ts';
import { assertLoopback, checkMediasoupWorker, load1, ROOT, sleep, waitForQuietMachine, withTimeout } from './lib/env.ts';
import { round, summarize, table } from './lib/stats.ts';
import { intOption } from './lib/args.ts';
import { UsageError, type Benchmark, type BenchContext } from './lib/types.ts';

const USAGE = `options:
  --clients N     editor clients on the one agreement (default 10)
  --seconds S     measured seconds per half per round (default 8; 1 s warm-up before)
  --rate R        edits per second per client (default 10)
  --rounds N      alternating rounds jiefen → baseline (default 2)
  --kill9 N       run the kill -9 durability loop with N rounds instead (e.g. 100)`;

type Half = 'jiefen' | 'baseline';

interface Args {
  clients: number;
  seconds: number;
  rate: number;
  rounds: number;
  kill9: number | null;
}

function parse(argv: string[]): Args {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { clients: { type: 'string' }, seconds: { type: 'string' }, rate: { type: 'string' }, rounds: { type: 'string' }, kill9: { type: 'string' } },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  return {
    clients: intOption('clients', values.clients, 10, 2, 50),
    seconds: intOption('seconds', values.seconds, 8, 1, 120),
    rate: intOption('rate', values.rate, 10, 1, 100),
    rounds: intOption('rounds', values.rounds, 2, 1, 10),
    kill9: values.kill9 === undefined ? null : intOption('kill9', values.kill9, 100, 1, 1000),
  };
}

// ---- servers ----------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

interface ServerProcess {
  url: string;
  stop(): Promise<void>;
}

/** Spawns a server process, resolves once it printed `ready`; killed by the bench clean-up too. */
async function spawnServer(ctx: BenchContext, entry: string, env: NodeJS.ProcessEnv, ready: RegExp, url: string): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const unregister = ctx.onCleanup(() => child.kill('SIGKILL'));
  let output = '';
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (b: Buffer) => {
        output += b.toString();
        if (ready.test(output)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
    }),
    90_000,
    `${entry} to start`,
  );
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      child.kill('SIGKILL');
      await exited;
      unregister();
    },
  };
}

// ---- clients ------------------------------------------------------------------------------------

interface Editor {
  doc: Y.Doc;
  ready: Promise<void>;
  /** Edit → acknowledgement (jiefen only), ms. */
  acks: number[];
  /** Send times of this client's edits still waiting for their acknowledgement. */
  unacked: Array<number | null>;
  destroy(): void;
}

/** The Y.Text of the agreement's first clause (what everybody types into). */
function clauseText(doc: Y.Doc): Y.Text | null {
  const first = doc.getArray<string>('clauseOrder').get(0);
  const clause = first === undefined ? undefined : (doc.getMap('clauses').get(first) as Y.Map<unknown> | undefined);
  const text = clause?.get('text');
  return text instanceof Y.Text ? text : null;
}

function jiefenEditor(url: string, docName: string, cookie: string): Editor {
  const c = connectClient({ url: wsUrl(url), docName, cookie });
  const editor: Editor = { doc: c.doc, ready: c.ready, acks: [], unacked: [], destroy: () => c.destroy() };
  // The provider counts updates it sent and counts down on each SyncStatus(true): FIFO.
  let last = 0;
  c.provider.on('unsyncedChanges', ({ number }: { number: number }) => {
    if (number < last) {
      for (let i = number; i < last; i++) {
        const sentAt = editor.unacked.shift();
        if (sentAt !== undefined && sentAt !== null) editor.acks.push(performance.now() - sentAt);
      }
    }
    last = number;
  });
  return editor;
}

function baselineEditor(url: string, room: string): Editor {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(url.replace(/^http/, 'ws'), room, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
  const ready = new Promise<void>((resolve) => {
    const onSync = (synced: boolean) => {
      if (!synced) return;
      provider.off('sync', onSync);
      resolve();
    };
    provider.on('sync', onSync);
  });
  return { doc, ready, acks: [], unacked: [], destroy: () => provider.destroy() };
}

// ---- one measured half ----------------------------------------------------------------------------

interface HalfResult {
  samples: number[];
  acks: number[];
  edits: number;
  expected: number;
  missing: number;
}

const LOCAL = Symbol('bench-edit');
const CHARS = '甲乙双方同意于年月日前支付元整违约金本协议自签字之日起生效';

async function measureHalf(ctx: BenchContext, editors: Editor[], args: Args, trackAcks: boolean): Promise<HalfResult> {
  const sent = new Map<string, { at: number; measured: boolean }>();
  const samples: number[] = [];
  let received = 0;
  let recording = false;
  let editing = true;
  let edits = 0;
  editors.forEach((e) => {
    const bench = e.doc.getMap<number>('bench');
    bench.observe((event) => {
      if (event.transaction.local) return;
      const now = performance.now();
      for (const key of event.keysChanged) {
        const s = sent.get(`${key}:${bench.get(key)}`);
        if (s?.measured) {
          samples.push(now - s.at);
          received++;
        }
      }
    });
  });
  const timers: NodeJS.Timeout[] = [];
  editors.forEach((e, i) => {
    let seq = 0;
    const text = clauseText(e.doc)!;
    const bench = e.doc.getMap<number>('bench');
    const period = 1000 / args.rate;
    const tick = () => {
      if (!editing || ctx.signal.aborted) return;
      seq++;
      const at = performance.now();
      sent.set(`c${i}:${seq}`, { at, measured: recording });
      if (recording) edits++;
      if (trackAcks) e.unacked.push(recording ? at : null);
      e.doc.transact(() => {
        text.insert(Math.floor(Math.random() * (text.length + 1)), CHARS[Math.floor(Math.random() * CHARS.length)]!);
        bench.set(`c${i}`, seq);
      }, LOCAL);
      timers[i] = setTimeout(tick, period * (0.8 + Math.random() * 0.4));
    };
    timers[i] = setTimeout(tick, Math.random() * period);
  });
  await sleep(1000); // warm-up
  recording = true;
  await sleep(args.seconds * 1000);
  recording = false;
  editing = false;
  for (const t of timers) clearTimeout(t);
  // Stragglers.
  const expected = edits * (editors.length - 1);
  const deadline = Date.now() + 3000;
  while (received < expected && Date.now() < deadline) await sleep(20);
  if (trackAcks) {
    const ackDeadline = Date.now() + 3000;
    while (editors.some((e) => e.unacked.length > 0) && Date.now() < ackDeadline) await sleep(20);
  }
  return { samples, acks: editors.flatMap((e) => e.acks), edits, expected, missing: expected - received };
}

async function runJiefenHalf(ctx: BenchContext, args: Args): Promise<HalfResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-bench-yjs-'));
  ctx.onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  assertLoopback(url);
  const env = { ...process.env, HOST: '127.0.0.1', PORT: String(port), JIEFEN_DATA_DIR: dataDir, RTC_PORT: '0', MEDIASOUP_WORKERS: '1', LOG_LEVEL: 'warn' };
  const server = await spawnServer(ctx, 'signaling/main.ts', env, /已启动/, url);
  const editors: Editor[] = [];
  try {
    const credentials = readFileSync(path.join(dataDir, 'admin-initial-password.txt'), 'utf8');
    // First login: the initial password must be changed before anything else.
    const password = /password: (\S+)/.exec(credentials)![1]!;
    const admin = await firstLogin(new StaffClient(url), /username: (\S+)/.exec(credentials)![1]!, password, changedPassword(password));
    // Cases are opened (and drafted) by a mediator, never by the administrator.
    const { client: mediator } = await createStaffUser(admin, {
      username: 'bench-yjs-mediator',
      displayName: '基准调解员',
      role: 'MEDIATOR',
      password: 'bench-pass-12345',
    });
    const caseId = (await mediator.json('POST', '/api/cases', { title: '民间借贷纠纷', disputeType: 'PRIVATE_LOAN', summary: '基准测试' }, 201)).case
      .id as string;
    for (let i = 0; i < args.clients; i++) editors.push(jiefenEditor(url, `agreement:${caseId}`, mediator.cookie));
    await withTimeout(Promise.all(editors.map((e) => e.ready)), 30_000, 'jiefen editors to sync');
    if (editors.some((e) => !clauseText(e.doc))) throw new Error('the agreement draft has no clause');
    return await measureHalf(ctx, editors, args, true);
  } finally {
    for (const e of editors) e.destroy();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The same agreement content the jiefen server would create (private-loan template). */
function initialAgreementState(): Uint8Array {
  const doc = createAgreementDoc(loadBuiltinTemplates().agreementFor('PRIVATE_LOAN'), {
    caseNumber: '青山调〔2026〕第1号',
    disputeType: 'PRIVATE_LOAN',
    orgName: '青山区人民调解委员会',
    parties: [],
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

async function runBaselineHalf(ctx: BenchContext, args: Args, roundNo: number): Promise<HalfResult> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  assertLoopback(url);
  const server = await spawnServer(ctx, 'bench/yjs/baseline-server.ts', { ...process.env, PORT: String(port) }, /READY/, url);
  const editors: Editor[] = [];
  try {
    const room = `agreement-bench-${roundNo}`;
    // The first editor brings the agreement's initial content, like the jiefen server does.
    const first = baselineEditor(url, room);
    editors.push(first);
    await withTimeout(first.ready, 30_000, 'baseline editor to sync');
    Y.applyUpdate(first.doc, initialAgreementState());
    for (let i = 1; i < args.clients; i++) editors.push(baselineEditor(url, room));
    await withTimeout(Promise.all(editors.map((e) => e.ready)), 30_000, 'baseline editors to sync');
    const deadline = Date.now() + 10_000;
    while (editors.some((e) => !clauseText(e.doc))) {
      if (Date.now() > deadline) throw new Error('baseline editors did not get the agreement content');
      await sleep(20);
    }
    return await measureHalf(ctx, editors, args, false);
  } finally {
    for (const e of editors) e.destroy();
    await server.stop();
  }
}

// ---- the benchmark ----------------------------------------------------------------------------------

async function runLatency(args: Args, ctx: BenchContext) {
  checkMediasoupWorker();
  const quiet = await waitForQuietMachine(ctx, { browserWaitMs: 120_000, cpuWaitMs: 30_000 });
  const all: Record<Half, HalfResult[]> = { jiefen: [], baseline: [] };
  const rows: Array<Array<string | number | null>> = [['round', 'half', 'edits', 'samples', 'missing', 'p50 ms', 'p95 ms', 'ack p95 ms', 'load1']];
  for (let r = 1; r <= args.rounds && !ctx.signal.aborted; r++) {
    for (const half of ['jiefen', 'baseline'] as const) {
      const result = half === 'jiefen' ? await runJiefenHalf(ctx, args) : await runBaselineHalf(ctx, args, r);
      all[half].push(result);
      const s = summarize(result.samples);
      const a = summarize(result.acks);
      const ms = (v: number | null) => (v === null ? null : v.toFixed(2));
      rows.push([
        String(r),
        half,
        result.edits,
        result.samples.length,
        result.missing,
        ms(s.p50),
        ms(s.p95),
        half === 'jiefen' ? ms(a.p95) : null,
        load1().toFixed(2),
      ]);
      ctx.log(
        `round ${r} ${half}: ${result.edits} edits, p50 ${round(s.p50, 2)} ms, p95 ${round(s.p95, 2)} ms${half === 'jiefen' ? `, ack p95 ${round(a.p95, 2)} ms` : ''}${result.missing ? `, ${result.missing} MISSING` : ''}`,
      );
    }
  }
  const merged = (half: Half) => ({
    s: summarize(all[half].flatMap((h) => h.samples)),
    a: summarize(all[half].flatMap((h) => h.acks)),
    missing: all[half].reduce((n, h) => n + h.missing, 0),
    edits: all[half].reduce((n, h) => n + h.edits, 0),
  });
  const j = merged('jiefen');
  const b = merged('baseline');
  ctx.log('');
  ctx.log(table(rows));
  ctx.log('');
  ctx.log(
    `${args.clients} editors × ${args.rate} edits/s, ${args.seconds} s per half × ${args.rounds} rounds; latency = edit at one client → visible at each other client`,
  );
  ctx.log(
    `jiefen   p50 ${round(j.s.p50, 2)} ms  p95 ${round(j.s.p95, 2)} ms  (n=${j.s.n}; edit → committed + acknowledged p50 ${round(j.a.p50, 2)} ms, p95 ${round(j.a.p95, 2)} ms)`,
  );
  ctx.log(`baseline p50 ${round(b.s.p50, 2)} ms  p95 ${round(b.s.p95, 2)} ms  (n=${b.s.n}, stock y-websocket)`);
  return {
    result: {
      p50_ms: round(j.s.p50, 2),
      p95_ms: round(j.s.p95, 2),
      baseline_p50_ms: round(b.s.p50, 2),
      baseline_p95_ms: round(b.s.p95, 2),
      ack_p50_ms: round(j.a.p50, 2),
      ack_p95_ms: round(j.a.p95, 2),
      target_p95_ms: 5,
      clients: args.clients,
      edits_per_s: args.clients * args.rate,
      samples: j.s.n,
      baseline_samples: b.s.n,
      missing: j.missing,
      baseline_missing: b.missing,
      contended: quiet.busy,
    },
    failed: j.s.n === 0 || b.s.n === 0 || j.missing > 0,
  };
}

async function runKill9(rounds: number, ctx: BenchContext) {
  checkMediasoupWorker();
  const started = Date.now();
  const r = await runKill9Loop({
    rounds,
    mainEvery: 10,
    log: (line) => ctx.log(line),
    signal: ctx.signal,
    onChild: (child) => {
      const unregister = ctx.onCleanup(() => child.kill('SIGKILL'));
      child.once('exit', () => unregister());
    },
  });
  const restarts = summarize(r.restartMs);
  ctx.log(
    `kill9: ${r.rounds} rounds in ${Math.round((Date.now() - started) / 1000)} s: ${r.acknowledged} acknowledged edits, ${r.lost.length} lost, ${r.misordered.length} out of order; unacknowledged edits that survived anyway: ${r.unackedSurvived}; log rows ${r.rowsBeforeShutdown} → ${r.rowsAfterShutdown} after a clean shutdown`,
  );
  if (r.lost.length) ctx.log(`LOST: ${r.lost.slice(0, 20).join(' ')}`);
  return {
    result: {
      mode: 'kill9',
      rounds: r.rounds,
      acknowledged_edits: r.acknowledged,
      lost: r.lost.length,
      misordered: r.misordered.length,
      unacked_survived: r.unackedSurvived,
      restart_p50_ms: round(restarts.p50),
      restart_p95_ms: round(restarts.p95),
      rows_before_shutdown: r.rowsBeforeShutdown,
      rows_after_shutdown: r.rowsAfterShutdown,
    },
    failed: r.rounds < rounds || r.lost.length > 0 || r.misordered.length > 0 || r.rowsAfterShutdown !== 1,
  };
}

const bench: Benchmark = {
  description: '10 Yjs editors on one agreement: edit → other editors, p50/p95, jiefen (Hocuspocus + SQLite) vs stock y-websocket; --kill9 N durability loop',
  usage: USAGE,
  timeoutMs(argv) {
    const args = parse(argv);
    if (args.kill9 !== null) return (args.kill9 * 15 + 180) * 1000;
    return (args.rounds * 2 * (args.seconds + 60) + 180) * 1000;
  },
  run(argv, ctx) {
    const args = parse(argv);
    return args.kill9 !== null ? runKill9(args.kill9, ctx) : runLatency(args, ctx);
  },
};

export default bench;
