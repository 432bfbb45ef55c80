// Parent side of the caucus benchmark's jiefen server process (jiefen-server.child.ts): forks it
// with tsx and turns its IPC into typed calls.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Location, Trio } from './plan.ts';
import type { CommandResult } from './switches.ts';

export type ServerRequest =
  | { op: 'setUp'; webRoot: string }
  | { op: 'admitParties' }
  | { op: 'instrument' }
  | { op: 'command'; to: Location }
  | { op: 'mediaEvents'; since: number }
  | { op: 'pings' }
  | { op: 'close' };

/**
 * What the worker reports about video key frames and layers (diagnosis of "resume"): a key
 * frame requested from a sender (PLI/FIR out), one received from it, one forwarded to a
 * receiver, and a consumer's forwarded simulcast layers changing.
 */
export interface MediaEvent {
  t: number;
  type: 'keyframe-request' | 'keyframe-in' | 'keyframe-out' | 'layers';
  sender: string;
  receiver?: string;
  spatialLayer?: number | null;
}

export interface ServerReady {
  url: string;
  trio: Trio;
  mediatorCookie: string;
  /** Room page URLs: mediator, party A, party B. */
  urls: [string, string, string];
}

const CHILD = fileURLToPath(new URL('./jiefen-server.child.ts', import.meta.url));

export class JiefenServerProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  readonly started: Promise<void>;

  constructor(log: (line: string) => void) {
    this.#child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    for (const stream of [this.#child.stdout, this.#child.stderr])
      stream?.on('data', (b: Buffer) =>
        b
          .toString()
          .split('\n')
          .filter(Boolean)
          .forEach((l) => log(`[server] ${l}`)),
      );
    let started!: () => void;
    this.started = new Promise<void>((resolve, reject) => {
      started = resolve;
      this.#child.once('exit', (code) => reject(new Error(`the benchmark server process exited (${code}) before it started`)));
    });
    this.#pending.set(0, { resolve: () => started(), reject: () => undefined });
    this.#child.on('message', (msg: { id: number; ok: boolean; result?: unknown; message?: string }) => {
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`benchmark server: ${msg.message}`));
    });
    this.#child.on('exit', (code, signal) => {
      for (const p of this.#pending.values()) p.reject(new Error(`the benchmark server process exited (${code ?? signal})`));
      this.#pending.clear();
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  #call<T>(req: ServerRequest): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ id, req });
    });
  }

  setUp(webRoot: string): Promise<ServerReady> {
    return this.#call({ op: 'setUp', webRoot });
  }
  admitParties(): Promise<void> {
    return this.#call({ op: 'admitParties' });
  }
  instrument(): Promise<void> {
    return this.#call({ op: 'instrument' });
  }
  command(to: Location): Promise<CommandResult & { resumeAckMs: number | null }> {
    return this.#call({ op: 'command', to });
  }
  /** Key frame and layer events of the video streams since `since` (wall clock ms). */
  mediaEvents(since: number): Promise<MediaEvent[]> {
    return this.#call({ op: 'mediaEvents', since });
  }

  pings(): Promise<number[]> {
    return this.#call({ op: 'pings' });
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    try {
      await Promise.race([this.#call({ op: 'close' }), new Promise((r) => setTimeout(r, 15_000))]);
    } catch {
      // already gone
    }
    this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
