// The kill -9 durability loop, shared by tests/drafting/persistence.test.ts (20 rounds) and
// `npm run bench -- yjs --kill9 N`: a real jiefen server as a child process on a fixed loopback
// port and a real data folder; each round connects a fresh editor (empty Y.Doc, so nothing can
// be re-sent from client memory), checks that every acknowledged edit of earlier rounds is in
// the document the server loaded, makes edits, waits for their acknowledgement, types one more
// edit and SIGKILLs the server at once.
//
// The first boot is signaling/main.ts itself (migrations, administrator); restarts use
// server-child.ts (the same startServer(loadConfig()), without re-running migrations),
// spawned one round ahead so its module loading overlaps the current round. It opens the
// database only after the previous server is dead. spawnServer/killNow/freePort are shared with
// the signing kill -9 test (tests/signing/issue-kill9.test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqlite } from '../../signaling/sqlite-binding.ts';
import { changedPassword, createStaffUser, firstLogin, StaffClient } from '../support/server.ts';
import { connectClient, wsUrl, type DraftClient } from './sync-support.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Kill9Options {
  rounds: number;
  /** Every n-th restart goes through signaling/main.ts (with `prisma migrate deploy`); the first boot always does. */
  mainEvery?: number;
  /** Acknowledged edits per round before the kill. */
  editsPerRound?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Called with every spawned server process (so callers can kill it on abort). */
  onChild?: (child: ChildProcess) => void;
}

export interface Kill9Result {
  rounds: number;
  acknowledged: number;
  /** Acknowledged edits missing after a restart (must be empty). */
  lost: string[];
  /** Acknowledged edits found out of order (must be empty). */
  misordered: string[];
  /** Unacknowledged last-moment edits that survived the kill anyway (informational). */
  unackedSurvived: number;
  /** From "previous server dead" to "next server listening", per restart. */
  restartMs: number[];
  /** Rows in DraftUpdate at the end (before the final clean shutdown compacts them). */
  rowsBeforeShutdown: number;
  rowsAfterShutdown: number;
}

export async function freePort(): Promise<number> {
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

export interface Running {
  child: ChildProcess;
  exited: Promise<void>;
}

/** A spawned server; `start()` lets a warm child open the database and listen, and waits for it. */
export interface Spawned extends Running {
  start(): Promise<Running>;
}

/** The environment of a spawned server on loopback: its own port and data folder, one media worker. */
export function serverEnv(dataDir: string, port: number, logLevel: 'error' | 'warn'): NodeJS.ProcessEnv {
  return { ...process.env, HOST: '127.0.0.1', PORT: String(port), JIEFEN_DATA_DIR: dataDir, RTC_PORT: '0', MEDIASOUP_WORKERS: '1', LOG_LEVEL: logLevel };
}

export function spawnServer(kind: 'main' | 'child', env: NodeJS.ProcessEnv, onChild?: (c: ChildProcess) => void): Spawned {
  const entry = kind === 'main' ? 'signaling/main.ts' : 'tests/support/server-child.ts';
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: kind === 'child' ? { ...env, JIEFEN_SKIP_MIGRATIONS: '1', JIEFEN_START_ON_STDIN: '1' } : env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  onChild?.(child);
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitForOutput = (pattern: RegExp, what: string) =>
    new Promise<void>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
      };
      const onData = () => {
        if (!pattern.test(output)) return;
        cleanup();
        resolve();
      };
      const onExit = (code: number | null, sig: string | null) => {
        cleanup();
        reject(new Error(`server exited (${code ?? sig}) before it was ${what}:\n${output}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        child.kill('SIGKILL');
        reject(new Error(`server not ${what} within 60 s:\n${output}`));
      }, 60_000);
      child.stdout!.on('data', onData);
      child.once('exit', onExit);
      onData();
    });
  return {
    child,
    exited,
    async start() {
      if (kind === 'child') {
        await waitForOutput(/LOADED/, 'loaded');
        child.stdin!.write('go\n');
      }
      await waitForOutput(/READY |已启动/, 'ready');
      return { child, exited };
    },
  };
}

export async function killNow(s: Running): Promise<void> {
  s.child.kill('SIGKILL');
  await s.exited;
}

/** Rows of a draft's update log, read straight from the SQLite file (WAL: readers never block). */
function countRows(dataDir: string, docName: string): number {
  const db = openSqlite(path.join(dataDir, 'jiefen.db'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM "DraftUpdate" WHERE "docName" = ?').get(docName) as { n: number }).n;
  } finally {
    db.close();
  }
}

export async function runKill9Loop(options: Kill9Options): Promise<Kill9Result> {
  const log = options.log ?? (() => undefined);
  const mainEvery = options.mainEvery ?? 0;
  const editsPerRound = options.editsPerRound ?? 3;
  const useMain = (round: number) => mainEvery > 0 && round % mainEvery === 0;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-kill9-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = serverEnv(dataDir, port, 'error');
  const spawned = new Set<Running>();
  const track = (s: Spawned) => {
    spawned.add(s);
    s.exited.then(() => spawned.delete(s));
    return s;
  };
  let editor: DraftClient | null = null;
  const result: Kill9Result = {
    rounds: 0,
    acknowledged: 0,
    lost: [],
    misordered: [],
    unackedSurvived: 0,
    restartMs: [],
    rowsBeforeShutdown: 0,
    rowsAfterShutdown: 0,
  };
  try {
    // First boot through the real entry point: migrations, administrator, a case to draft.
    let running: Running = await track(spawnServer('main', env, options.onChild)).start();
    const credentials = readFileSync(path.join(dataDir, 'admin-initial-password.txt'), 'utf8');
    const username = /username: (\S+)/.exec(credentials)?.[1];
    const password = /password: (\S+)/.exec(credentials)?.[1];
    if (!password || !username) throw new Error('no initial administrator credentials');
    // First login: the initial password must be changed before anything else.
    const admin = await firstLogin(new StaffClient(url), username, password, changedPassword(password));
    // Cases are opened (and drafted) by a mediator, never by the administrator.
    const { client: mediator } = await createStaffUser(admin, {
      username: 'kill9-mediator',
      displayName: '断电测试调解员',
      role: 'MEDIATOR',
      password: 'power-cut-pass-1',
    });
    const caseId = (await mediator.json('POST', '/api/cases', { title: '断电测试', disputeType: 'GENERAL', summary: 'kill -9' }, 201)).case.id as string;
    const docName = `agreement:${caseId}`;
    const acknowledged: string[] = [];
    let lastUnacked: string | null = null;

    const connectAndCheck = async (round: number): Promise<DraftClient> => {
      const c = connectClient({ url: wsUrl(url), docName, cookie: mediator.cookie });
      editor = c;
      await c.ready;
      const text = c.doc.getText('kill9').toString();
      let from = -1;
      for (const marker of acknowledged) {
        const at = text.indexOf(marker);
        if (at < 0) result.lost.push(`${marker} (checked in round ${round})`);
        else if (at < from) result.misordered.push(marker);
        else from = at;
      }
      if (lastUnacked && text.includes(lastUnacked)) result.unackedSurvived++;
      return c;
    };
    const closeEditor = () => {
      editor?.destroy();
      editor = null;
    };

    // Warm child for the next round (main.ts boots are spawned when needed: they migrate at once).
    let next: Spawned | null = null;
    for (let round = 1; round <= options.rounds; round++) {
      if (options.signal?.aborted) break;
      if (round > 1) {
        const t = performance.now();
        const starting: Spawned = next ?? track(spawnServer(useMain(round) ? 'main' : 'child', env, options.onChild));
        next = null;
        running = await starting.start();
        result.restartMs.push(performance.now() - t);
      }
      if (round < options.rounds && !useMain(round + 1)) next = track(spawnServer('child', env, options.onChild));
      const c = await connectAndCheck(round);
      const text = c.doc.getText('kill9');
      const markers: string[] = [];
      for (let k = 0; k < editsPerRound; k++) {
        const marker = `[${round}.${k}]`;
        text.insert(text.length, marker);
        markers.push(marker);
      }
      await c.acked(10_000);
      acknowledged.push(...markers);
      result.acknowledged += markers.length;
      // One more edit, and the power goes out before anyone can wait for it.
      lastUnacked = `[${round}.unacked]`;
      text.insert(text.length, lastUnacked);
      running.child.kill('SIGKILL');
      closeEditor();
      await running.exited;
      result.rounds = round;
      if (round % 10 === 0 || round === options.rounds)
        log(`kill9: round ${round}/${options.rounds}, ${result.acknowledged} acknowledged edits, ${result.lost.length} lost`);
    }
    if (next) await killNow(next);

    // A last boot: everything still there; then a clean shutdown compacts the log.
    running = await track(spawnServer('child', env, options.onChild)).start();
    await connectAndCheck(result.rounds + 1);
    // Counted while the editor is still connected: once it leaves, the server unloads the document
    // and compacts it at once, and on a slow machine that could come before the count.
    result.rowsBeforeShutdown = countRows(dataDir, docName);
    closeEditor();
    running.child.kill('SIGTERM');
    await running.exited;
    running = await track(spawnServer('child', env, options.onChild)).start();
    await connectAndCheck(result.rounds + 2);
    closeEditor();
    result.rowsAfterShutdown = countRows(dataDir, docName);
    await killNow(running);
    return result;
  } finally {
    (editor as DraftClient | null)?.destroy();
    await Promise.all([...spawned].map(killNow));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
