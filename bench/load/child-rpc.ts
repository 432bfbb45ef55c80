// Typed request/reply over a forked child's IPC channel, for the load benchmark's two server
// processes (jiefen, bare mediasoup). The parent calls `rpc.call(op, arg)`; the child serves an
// object of async handlers with the same shape. Children run with --expose-gc so that memory
// is read after a full collection on both sides (`collectGarbage`).
import { fork, type ChildProcess } from 'node:child_process';

// `any`: each handler takes its own argument type (parameters are contravariant).
type Api = Record<string, (arg: any) => Promise<unknown>>;

const GC_OP = '__gc';

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  message?: string;
}

export class ChildRpc<A extends Api> {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #exited: Promise<void>;
  #nextId = 1;

  constructor(entry: string, log: (line: string) => void) {
    this.#child = fork(entry, [], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    for (const stream of [this.#child.stdout, this.#child.stderr]) stream?.on('data', (b: Buffer) => b.toString().split('\n').filter(Boolean).forEach(log));
    this.#exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.on('message', (msg: Reply) => {
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`${entry}: ${msg.message}`));
    });
    this.#child.on('exit', (code, signal) => {
      for (const p of this.#pending.values()) p.reject(new Error(`${entry} exited (${code ?? signal})`));
      this.#pending.clear();
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  call<K extends keyof A & string>(op: K, arg: Parameters<A[K]>[0]): Promise<Awaited<ReturnType<A[K]>>> {
    return this.#send(op, arg) as Promise<Awaited<ReturnType<A[K]>>>;
  }

  /** A full garbage collection in the child; returns what its JavaScript still holds then. */
  async collectGarbage(): Promise<NodeMemory> {
    return (await this.#send(GC_OP, null)) as NodeMemory;
  }

  #send(op: string, arg: unknown): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ id, op, arg });
    });
  }

  /** Asks the child to exit (it closes its server on disconnect), then kills it if it lingers. */
  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    if (this.#child.connected) this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 15_000);
    await this.#exited;
    clearTimeout(timer);
  }

  kill(): void {
    this.#child.kill('SIGKILL');
  }
}

/** Live JavaScript memory after a full collection: heap objects plus buffers outside the heap. */
export interface NodeMemory {
  heapUsed: number;
  external: number;
}

async function collect(): Promise<NodeMemory> {
  globalThis.gc?.();
  const { heapUsed, external } = process.memoryUsage();
  return { heapUsed, external };
}

/** Child side: answers the parent's calls; exits after `onDisconnect` when the parent goes away. */
export function serveRpc<A extends Api>(handlers: A, onDisconnect: () => Promise<void>): void {
  process.on('message', (msg: { id: number; op: string; arg: unknown }) => {
    const handler = msg.op === GC_OP ? collect : handlers[msg.op];
    if (!handler) return void process.send!({ id: msg.id, ok: false, message: `unknown op ${msg.op}` });
    handler(msg.arg).then(
      (result) => process.send!({ id: msg.id, ok: true, result }),
      (err: unknown) => process.send!({ id: msg.id, ok: false, message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  process.on('disconnect', () => void onDisconnect().finally(() => process.exit(0)));
}
