// Verifies uploaded PDFs off the event loop. verify-pdf.ts parses the signature's ASN.1 with
// node-forge: a crafted 10 MB upload (millions of tiny DER elements) takes about a second and
// 400 MB there. Each verification runs in its own worker thread with a memory cap
// (resourceLimits) and a time limit; a PDF that exceeds either is refused with PDF_TOO_COMPLEX
// and the thread is ended. At most a few run at once; the rest wait their turn.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DomainError } from '../errors.ts';
import type { PdfVerdict } from './verify-pdf.ts';

export interface PdfVerifierLimits {
  /** Wall-clock limit per verification, thread start included. */
  timeoutMs: number;
  /** V8 heap cap of the verifying thread. */
  maxMemoryMb: number;
  /** Verifications running at once (each may use maxMemoryMb). */
  concurrency: number;
}

export const DEFAULT_PDF_VERIFIER_LIMITS: PdfVerifierLimits = { timeoutMs: 10_000, maxMemoryMb: 128, concurrency: 2 };

const ENTRY = new URL('./verify-pdf-worker.ts', import.meta.url).href;
// The thread is TypeScript like the rest of the server: register tsx in it, then import the entry
// (as drafting/draft-writer.ts does; under vitest the parent's loader is not tsx).
const TSX_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then(({ register }) => { register(); return import(workerData.entry); });
`;

export class PdfVerifier {
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly limits: PdfVerifierLimits = DEFAULT_PDF_VERIFIER_LIMITS) {}

  async verify(bytes: Uint8Array, opts: { pinnedRoots?: string[] } = {}): Promise<PdfVerdict> {
    if (this.#running >= this.limits.concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    try {
      return await this.#run(bytes, opts.pinnedRoots);
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }

  #run(bytes: Uint8Array, pinnedRoots: string[] | undefined): Promise<PdfVerdict> {
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: { tsxApi: TSX_API, entry: ENTRY, bytes, pinnedRoots },
      resourceLimits: { maxOldGenerationSizeMb: this.limits.maxMemoryMb, maxYoungGenerationSizeMb: 16 },
    });
    return new Promise<PdfVerdict>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: { verdict: PdfVerdict } | { error: Error }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        if ('verdict' in outcome) resolve(outcome.verdict);
        else reject(outcome.error);
      };
      const tooComplex = (why: string) => ({ error: new DomainError('PDF_TOO_COMPLEX', `PDF 文件结构过于复杂，无法核验（${why}）`) });
      const timer = setTimeout(() => finish(tooComplex(`超过 ${Math.round(this.limits.timeoutMs / 1000)} 秒`)), this.limits.timeoutMs);
      worker.once('message', (verdict: PdfVerdict) => finish({ verdict }));
      worker.once('error', (err: Error & { code?: string }) =>
        finish(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? tooComplex(`超过 ${this.limits.maxMemoryMb} MB 内存`) : { error: err }),
      );
      worker.once('exit', (code) => finish({ error: new Error(`PDF verifier thread exited (${code}) without an answer`) }));
    });
  }
}
