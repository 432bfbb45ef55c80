// One jiefen server (no Redis) as a child process on a fixed port and data folder, so a test can
// kill -9 it and start it again exactly where it was — as a supervisor (systemd, Docker) would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyMigrations } from '../../signaling/db.ts';
import { freePort, waitForLine } from '../support/cluster.ts';
import { changedPassword, firstLogin, StaffClient } from '../support/server.ts';

export class SingleNode {
  #proc: ChildProcess | null = null;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly env: Record<string, string>,
    /** The generated administrator, its initial password already changed. */
    public admin: { username: string; password: string },
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A migrated data folder and the first start (which creates the administrator). */
  static async create(env: Record<string, string> = {}): Promise<SingleNode> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-single-'));
    await applyMigrations(dataDir);
    const node = new SingleNode(dataDir, await freePort(), env, { username: '', password: '' });
    const adminLine = await node.start(/ADMIN (\S+) (\S+)/);
    const [, username, initial] = adminLine;
    node.admin = { username: username!, password: changedPassword(initial!) };
    await firstLogin(new StaffClient(node.url), username!, initial!, node.admin.password);
    return node;
  }

  /** Starts the server on the same port and data folder; resolves when it listens. */
  async start(alsoWaitFor?: RegExp): Promise<RegExpMatchArray> {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/support/server-child.ts'], {
      cwd: path.resolve(import.meta.dirname, '..', '..'),
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(this.port),
        JIEFEN_DATA_DIR: this.dataDir,
        JIEFEN_SKIP_MIGRATIONS: '1',
        RTC_PORT: '0',
        MEDIASOUP_WORKERS: '1',
        LOG_LEVEL: process.env.JIEFEN_TEST_LOG ?? 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (process.env.JIEFEN_TEST_LOG) {
      proc.stdout!.on('data', (d: Buffer) => process.stdout.write(`[server] ${d}`));
      proc.stderr!.on('data', (d: Buffer) => process.stderr.write(`[server] ${d}`));
    }
    this.#proc = proc;
    const extra = alsoWaitFor ? waitForLine(proc, alsoWaitFor, 'server') : null;
    const ready = await waitForLine(proc, /READY (\S+)/, 'server');
    const line = extra ? await extra : ready;
    proc.stdout!.resume();
    proc.stderr!.resume();
    return line;
  }

  /** Like a crash: SIGKILL, no shutdown at all. */
  async kill(): Promise<void> {
    const proc = this.#proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
