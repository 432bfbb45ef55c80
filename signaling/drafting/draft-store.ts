// Persistence of collaborative drafts in SQLite: an append-only log of Yjs updates per document
// (table DraftUpdate), loaded by replaying the log and compacted by merging a run of rows into
// one snapshot row. The rules that make it safe:
//
// - `append` resolves only after the row is committed (WAL + synchronous=FULL), so whoever waits
//   on it may acknowledge the update. Concurrent appends share one commit (group commit).
// - `load` verifies every row's SHA-256 and applies it; any problem throws DraftLoadError and
//   nothing is written. A document that failed to load is never stored, because nothing here
//   ever writes a live document's state: compaction merges *stored rows* only.
// - `compact` reads rows, merges them outside the write lock, then deletes exactly those row ids
//   and inserts the merged snapshot in one transaction. Rows appended meanwhile are untouched.
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import type { Db, Tx } from '../db.ts';
import { InThreadWriter, type DraftWriter } from './draft-writer.ts';
import { isStorageFull } from '../storage-fault.ts';

export type DraftRowKind = 'init' | 'update' | 'snapshot';

export interface DraftRowInput {
  docName: string;
  caseId: string;
  kind: DraftRowKind;
  update: Uint8Array;
  /** A user id, a participant id or "system". */
  authorId: string | null;
}

export class DraftLoadError extends Error {
  readonly code = 'DRAFT_LOAD_FAILED';
  constructor(
    readonly docName: string,
    readonly rowId: number | null,
    detail: string,
  ) {
    super(`草稿 ${docName} 读取失败${rowId === null ? '' : `（第 ${rowId} 条更新记录）`}：${detail}`);
    this.name = 'DraftLoadError';
  }
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Prisma's Bytes want an ArrayBuffer-backed array; Yjs hands out ArrayBufferLike views. */
export const dbBytes = (u: Uint8Array): Uint8Array<ArrayBuffer> =>
  u.buffer instanceof ArrayBuffer ? new Uint8Array(u.buffer, u.byteOffset, u.byteLength) : new Uint8Array(u);

/** The longest batch of rows one commit writes (SQLite's bound-parameter limit is far above). */
const MAX_BATCH = 200;

interface Pending {
  row: DraftRowInput;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface CompactionResult {
  docName: string;
  /** Rows merged into the snapshot (0: nothing to do). */
  merged: number;
  bytesBefore: number;
  bytesAfter: number;
}

/** How long appends retry on a full disk before they reject (and the editors are told STORAGE_FULL). */
const STORAGE_FULL_RETRY_MS = 3_000;

export class DraftStore {
  readonly #db: Db;
  #queue: Pending[] = [];
  #draining = false;
  /** Per document, the compaction in flight (one at a time per document). */
  readonly #compacting = new Map<string, Promise<CompactionResult>>();

  /** How long appends keep retrying a failing commit before they reject. */
  appendRetryMs: number;
  readonly writer: DraftWriter;

  constructor(db: Db, options: { appendRetryMs?: number; writer?: DraftWriter } = {}) {
    this.#db = db;
    this.appendRetryMs = options.appendRetryMs ?? 30_000;
    this.writer = options.writer ?? new InThreadWriter(db);
  }

  /**
   * Appends one row; resolves once it is committed to disk. A failing commit is retried (rows
   * stay in order) for `appendRetryMs`, then this and every queued append reject.
   */
  append(row: DraftRowInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ row, resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        // #drain settles every waiter itself, clears #draining and never rejects.
        this.#drain();
      }
    });
  }

  /** Resolves when every append queued so far has settled (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#draining) await new Promise((r) => setTimeout(r, 1));
  }

  async #drain(): Promise<void> {
    // Yield once so appends queued in the same tick share the first commit.
    await Promise.resolve();
    let failingSince: number | null = null;
    let delay = 10;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      try {
        await this.insertBatch(batch.map((p) => p.row));
        failingSince = null;
        delay = 10;
        for (const p of batch) p.resolve();
      } catch (err) {
        // A busy or briefly failing disk: retry in order (nothing after it commits first).
        failingSince ??= Date.now();
        // A full disk rarely frees itself within seconds: say so soon (clients keep their edits and resend).
        const retryMs = isStorageFull(err) ? Math.min(this.appendRetryMs, STORAGE_FULL_RETRY_MS) : this.appendRetryMs;
        if (Date.now() - failingSince >= retryMs) {
          this.#draining = false;
          for (const p of [...batch, ...this.#queue.splice(0)]) p.reject(err);
          return;
        }
        this.#queue.unshift(...batch);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 1000);
      }
    }
    // Same tick as the last emptiness check: an append arriving later starts a new drain.
    this.#draining = false;
  }

  /** One commit of appended rows. (A seam for fault-injection tests.) */
  async insertBatch(rows: DraftRowInput[]): Promise<void> {
    await this.writer.write(
      rows.map((row) => ({
        docName: row.docName,
        caseId: row.caseId,
        kind: row.kind,
        update: dbBytes(row.update),
        sha256: sha256Hex(row.update),
        authorId: row.authorId,
      })),
    );
  }

  /** Waits for queued appends, then stops the writer. */
  async close(): Promise<void> {
    await this.flush();
    await this.writer.close();
  }

  /** Number of stored rows of a document. */
  count(docName: string): Promise<number> {
    return this.#db.draftUpdate.count({ where: { docName } });
  }

  /**
   * Writes the first content of a document if (and only if) it has no rows yet, in one
   * transaction together with whatever the caller records (its audit entry). Returns false
   * when rows already existed (nothing written).
   */
  async initialise(row: Omit<DraftRowInput, 'kind'>, alsoInTx?: (tx: Tx) => Promise<unknown>): Promise<boolean> {
    return this.#db.$transaction(async (tx) => {
      const existing = await tx.draftUpdate.count({ where: { docName: row.docName } });
      if (existing > 0) return false;
      await tx.draftUpdate.create({
        data: { docName: row.docName, caseId: row.caseId, kind: 'init', update: dbBytes(row.update), sha256: sha256Hex(row.update), authorId: row.authorId },
      });
      if (alsoInTx) await alsoInTx(tx);
      return true;
    });
  }

  /**
   * Reads and verifies every stored row of a document, in append order. Throws DraftLoadError
   * on a read error, a checksum mismatch or an undecodable update.
   */
  async readVerified(docName: string): Promise<Array<{ id: number; update: Uint8Array }>> {
    let rows: Array<{ id: number; update: Uint8Array; sha256: string }>;
    try {
      rows = await this.#db.draftUpdate.findMany({ where: { docName }, orderBy: { id: 'asc' }, select: { id: true, update: true, sha256: true } });
    } catch (err) {
      throw new DraftLoadError(docName, null, `数据库读取错误（${err instanceof Error ? err.message : String(err)}）`);
    }
    for (const row of rows) {
      if (sha256Hex(row.update) !== row.sha256) throw new DraftLoadError(docName, row.id, '校验和不一致，数据可能已损坏');
      try {
        Y.decodeUpdate(row.update);
      } catch (err) {
        throw new DraftLoadError(docName, row.id, `无法解析（${err instanceof Error ? err.message : String(err)}）`);
      }
    }
    return rows.map(({ id, update }) => ({ id, update }));
  }

  /**
   * Replays the stored log into `doc` (one Yjs transaction with the given origin). Throws
   * DraftLoadError if anything fails; the caller must then discard `doc`.
   */
  async loadInto(docName: string, doc: Y.Doc, origin: unknown): Promise<{ rows: number }> {
    const rows = await this.readVerified(docName);
    let current: number | null = null;
    try {
      Y.transact(
        doc,
        () => {
          for (const row of rows) {
            current = row.id;
            Y.applyUpdate(doc, row.update, origin);
          }
        },
        origin,
      );
    } catch (err) {
      throw new DraftLoadError(docName, current, `无法合并（${err instanceof Error ? err.message : String(err)}）`);
    }
    return { rows: rows.length };
  }

  /** The merged state of a document's stored log (no live document involved). */
  async readState(docName: string): Promise<Uint8Array> {
    const doc = new Y.Doc();
    try {
      await this.loadInto(docName, doc, null);
      return Y.encodeStateAsUpdate(doc);
    } finally {
      doc.destroy();
    }
  }

  /** Merges a document's rows into one snapshot row. Concurrent calls for one document share one run. */
  compact(docName: string, minRows = 2): Promise<CompactionResult> {
    const running = this.#compacting.get(docName);
    if (running) return running;
    const run = this.#compact(docName, minRows).finally(() => this.#compacting.delete(docName));
    this.#compacting.set(docName, run);
    return run;
  }

  async #compact(docName: string, minRows: number): Promise<CompactionResult> {
    const rows = await this.#db.draftUpdate.findMany({
      where: { docName },
      orderBy: { id: 'asc' },
      select: { id: true, update: true, sha256: true, caseId: true },
    });
    const bytesBefore = rows.reduce((n, r) => n + r.update.length, 0);
    if (rows.length < minRows) return { docName, merged: 0, bytesBefore, bytesAfter: bytesBefore };
    // Same checks as a load: a corrupt log is left exactly as it is.
    const doc = new Y.Doc();
    let snapshot: Uint8Array;
    try {
      for (const row of rows) {
        if (sha256Hex(row.update) !== row.sha256) throw new DraftLoadError(docName, row.id, '校验和不一致，数据可能已损坏');
        try {
          Y.applyUpdate(doc, row.update);
        } catch (err) {
          throw new DraftLoadError(docName, row.id, `无法合并（${err instanceof Error ? err.message : String(err)}）`);
        }
      }
      // Includes structs still waiting for missing dependencies (Yjs keeps them pending).
      snapshot = Y.encodeStateAsUpdate(doc);
    } finally {
      doc.destroy();
    }
    // Ids only grow, so `id <= lastId` is exactly the rows read (appends meanwhile get larger ids).
    const lastId = rows[rows.length - 1]!.id;
    const caseId = rows[0]!.caseId;
    await this.#db.$transaction(async (tx) => {
      const deleted = await tx.draftUpdate.deleteMany({ where: { docName, id: { lte: lastId } } });
      // Someone else compacted these rows meanwhile: roll back, their snapshot stands.
      if (deleted.count !== rows.length) throw new Error(`compaction of ${docName} raced: ${deleted.count} of ${rows.length} rows left`);
      await tx.draftUpdate.create({ data: { docName, caseId, kind: 'snapshot', update: dbBytes(snapshot), sha256: sha256Hex(snapshot), authorId: 'system' } });
    });
    return { docName, merged: rows.length, bytesBefore, bytesAfter: snapshot.length };
  }
}
