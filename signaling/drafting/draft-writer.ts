// Where appended draft rows are committed. better-sqlite3 is synchronous: a commit with
// synchronous=FULL blocks the calling thread for the fsync (measured here: p50 ~1 ms, p95 up to
// tens of ms on a busy disk). On the main thread that would hold up every broadcast behind it,
// so the server commits appends on a worker thread with its own Prisma client (same data layer,
// same file, WAL: one writer at a time, readers never blocked). The in-thread writer is the
// fallback for tools and tests that use a DraftStore on its own.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db } from '../db.ts';
import type { DataKeys } from '../privacy/field-crypto.ts';

export interface DraftRowData {
  docName: string;
  caseId: string;
  kind: string;
  update: Uint8Array<ArrayBuffer>;
  sha256: string;
  authorId: string | null;
}

export interface DraftWriter {
  /** Commits the rows in one statement; resolves once they are durable. */
  write(rows: DraftRowData[]): Promise<void>;
  close(): Promise<void>;
}

export class InThreadWriter implements DraftWriter {
  constructor(private readonly db: Db) {}

  async write(rows: DraftRowData[]): Promise<void> {
    await this.db.draftUpdate.createMany({ data: rows });
  }

  async close(): Promise<void> {}
}

type Reply = { type: 'ready'; synchronous: number; journalMode: string } | { type: 'done'; id: number } | { type: 'failed'; id: number; message: string };

const WORKER_ENTRY = new URL('./append-worker.ts', import.meta.url).href;
// The worker is TypeScript like the rest of the server: a small script registers tsx (a
// dependency) in the new thread, then imports it. (`--import tsx` in a Worker's execArgv is not
// honoured, and under vitest the parent's loader is not tsx at all.)
const TSX_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi)
  .then(({ register }) => { register(); return import(workerData.entry); })
  .catch((err) => { console.error('draft writer thread failed to start', err); process.exit(1); });
`;

/** Commits on a worker thread. A worker that dies is replaced on the next write. */
export class WorkerWriter implements DraftWriter {
  #worker: Worker | null = null;
  #ready: Promise<{ synchronous: number; journalMode: string }> | null = null;
  readonly #pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  #nextId = 1;
  #closed = false;

  /** `dataKeys`: the thread's client seals the rows like the server's (signaling/privacy). */
  constructor(
    private readonly databaseFile: string,
    private readonly dataKeys: DataKeys,
  ) {
    this.#start();
  }

  /** The worker connection's settings, once it is up (synchronous 2 = FULL). */
  get settings(): Promise<{ synchronous: number; journalMode: string }> {
    return this.#start();
  }

  #start(): Promise<{ synchronous: number; journalMode: string }> {
    if (this.#ready) return this.#ready;
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: { databaseFile: this.databaseFile, dataKeys: this.dataKeys, tsxApi: TSX_API, entry: WORKER_ENTRY },
    });
    this.#worker = worker;
    this.#ready = new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        if (this.#worker === worker) {
          this.#worker = null;
          this.#ready = null;
        }
        for (const p of this.#pending.values()) p.reject(err);
        this.#pending.clear();
        reject(err);
      };
      worker.on('message', (reply: Reply) => {
        if (reply.type === 'ready') return resolve({ synchronous: reply.synchronous, journalMode: reply.journalMode });
        const p = this.#pending.get(reply.id);
        if (!p) return;
        this.#pending.delete(reply.id);
        if (reply.type === 'done') p.resolve();
        else p.reject(new Error(reply.message));
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (!this.#closed) fail(new Error(`draft writer thread exited (${code})`));
      });
    });
    // Failures reach the writes waiting on it; nobody else needs this one.
    this.#ready.catch(() => undefined);
    worker.unref();
    return this.#ready;
  }

  async write(rows: DraftRowData[]): Promise<void> {
    if (this.#closed) throw new Error('draft writer closed');
    await this.#start();
    const worker = this.#worker;
    if (!worker) throw new Error('draft writer thread not running');
    const id = this.#nextId++;
    await new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, rows });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#pending.values()) p.reject(new Error('draft writer closed'));
    this.#pending.clear();
    await this.#worker?.terminate();
    this.#worker = null;
  }
}
