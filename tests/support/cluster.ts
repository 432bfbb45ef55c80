// Several jiefen nodes on loopback for the scale-out tests: a real redis-server on a spare port
// and each node a real server process (tests/support/server-child.ts) sharing one data folder
// (SQLite file, secrets) — as several nodes behind one address would share their storage.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyMigrations } from '../../signaling/db.ts';
import { changedPassword, firstLogin, StaffClient } from './server.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function waitForLine(proc: ChildProcess, pattern: RegExp, what: string, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => done(new Error(`${what}: no ${pattern} within ${timeoutMs} ms; output:\n${out.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(pattern);
      if (m) done(null, m);
    };
    const onExit = (code: number | null) => done(new Error(`${what} exited (${code}) before ${pattern}; output:\n${out.slice(-2000)}`));
    function done(err: Error | null, m?: RegExpMatchArray) {
      clearTimeout(timer);
      proc.stdout?.off('data', onData);
      proc.stderr?.off('data', onData);
      proc.off('exit', onExit);
      if (err) reject(err);
      else resolve(m!);
    }
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', onExit);
  });
}

async function stopProcess(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill(signal);
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Like a crashed Redis: SIGKILL, no goodbye to its clients. */
  kill(): Promise<void>;
}

/** `port`: start it again where a stopped one was. */
export async function startRedis(port?: number): Promise<RedisServer> {
  port ??= await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForLine(proc, /Ready to accept connections/, 'redis-server', 20_000);
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopProcess(proc, 'SIGTERM'), kill: () => stopProcess(proc, 'SIGKILL') };
}

export class ClusterNode {
  constructor(
    readonly name: string,
    readonly url: string,
    readonly proc: ChildProcess,
  ) {}

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Like a crashed machine: no shutdown, no goodbye to Redis. */
  kill(): Promise<void> {
    return stopProcess(this.proc, 'SIGKILL');
  }

  stop(): Promise<void> {
    return stopProcess(this.proc, 'SIGTERM');
  }
}

export interface TestCluster {
  redis: RedisServer;
  dataDir: string;
  /** The generated administrator, its initial password already changed (the one in force). */
  admin: { username: string; password: string };
  nodes: ClusterNode[];
  close(): Promise<void>;
}

export async function startCluster(options: { nodes?: number; env?: Record<string, string> } = {}): Promise<TestCluster> {
  const redis = await startRedis();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-cluster-'));
  const nodes: ClusterNode[] = [];
  try {
    const template = mkdtempSync(path.join(tmpdir(), 'jiefen-cluster-template-'));
    await applyMigrations(template);
    copyFileSync(path.join(template, 'jiefen.db'), path.join(dataDir, 'jiefen.db'));
    rmSync(template, { recursive: true, force: true });
    let admin = { username: '', password: '' };
    // One after the other: the first node creates the secrets and the administrator.
    for (let i = 0; i < (options.nodes ?? 2); i++) {
      const port = await freePort();
      const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/support/server-child.ts'], {
        cwd: path.resolve(import.meta.dirname, '..', '..'),
        env: {
          ...process.env,
          HOST: '127.0.0.1',
          PORT: String(port),
          JIEFEN_DATA_DIR: dataDir,
          JIEFEN_SKIP_MIGRATIONS: '1',
          REDIS_URL: redis.url,
          RTC_PORT: '0',
          MEDIASOUP_WORKERS: '1',
          LOG_LEVEL: process.env.JIEFEN_TEST_LOG ?? 'warn',
          ROOM_OWNER_TTL_MS: '2000',
          ...options.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (process.env.JIEFEN_TEST_LOG) {
        proc.stdout!.on('data', (d: Buffer) => process.stdout.write(`[node${i + 1}] ${d}`));
        proc.stderr!.on('data', (d: Buffer) => process.stderr.write(`[node${i + 1}] ${d}`));
      }
      const adminLine = i === 0 ? waitForLine(proc, /ADMIN (\S+) (\S+)/, `node${i + 1}`) : null;
      const [, url] = await waitForLine(proc, /READY (\S+)/, `node${i + 1}`);
      if (adminLine) {
        // The generated administrator must change its password at first login: done once here.
        const [, username, initialPassword] = await adminLine;
        admin = { username: username!, password: changedPassword(initialPassword!) };
        await firstLogin(new StaffClient(url!), admin.username, initialPassword!, admin.password);
      }
      proc.stdout!.resume();
      proc.stderr!.resume();
      nodes.push(new ClusterNode(`node${i + 1}`, url!, proc));
    }
    return {
      redis,
      dataDir,
      admin,
      nodes,
      async close() {
        await Promise.all(nodes.map((n) => n.stop()));
        await redis.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await Promise.all(nodes.map((n) => n.kill()));
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
