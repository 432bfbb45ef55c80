// Documents dropped after a change could not be stored, until Hocuspocus has unloaded them.
//
// An append failed for good (DraftStore retries for a while first): the live document now holds
// a change that is not on disk. Its sender got no acknowledgement (the gate withholds it), but a
// resend into this document would change nothing and so never be stored. So the document is
// dropped: its clients' sockets are dropped (providers reconnect by themselves), new connections
// wait until it is unloaded, and the next load comes from storage — into which the providers then
// resend whatever was not acknowledged.
import type { Document } from '@hocuspocus/server';
import type { FastifyBaseLogger } from 'fastify';
import { isStorageFull } from '../storage-fault.ts';

/** WebSocket close code (application range) of a connection dropped because the disk is full; the reason is `STORAGE_FULL`. */
export const STORAGE_FULL_CLOSE_CODE = 4507;

export class TaintedDocuments {
  readonly #log: FastifyBaseLogger;
  readonly #documents = new Map<string, { unloaded: Promise<void>; resolve: () => void }>();

  constructor(log: FastifyBaseLogger) {
    this.#log = log;
  }

  has(documentName: string): boolean {
    return this.#documents.has(documentName);
  }

  /** Drops `document` after a failed append (once; later failures of the same document add nothing). */
  drop(document: Document, err: unknown): void {
    if (this.#documents.has(document.name)) return;
    let resolve!: () => void;
    const unloaded = new Promise<void>((r) => (resolve = r));
    this.#documents.set(document.name, { unloaded, resolve });
    this.#log.error({ err, documentName: document.name }, 'draft update could not be stored: dropping the live document so clients resend');
    // A full disk is named in the close (code and reason), so editors can say why nothing is saved.
    const storageFull = isStorageFull(err);
    for (const { connection } of document.connections.values()) {
      if (storageFull) connection.webSocket.close(STORAGE_FULL_CLOSE_CODE, 'STORAGE_FULL');
      else connection.webSocket.terminate();
    }
  }

  /** The document is gone from memory: the next load comes from storage. */
  unloaded(documentName: string): void {
    this.#documents.get(documentName)?.resolve();
    this.#documents.delete(documentName);
  }

  /** Waits (at most `timeoutMs`) for a dropped document to be unloaded; true when it is no longer tainted. */
  async settled(documentName: string, timeoutMs: number): Promise<boolean> {
    const tainted = this.#documents.get(documentName);
    if (!tainted) return true;
    await Promise.race([tainted.unloaded, new Promise((r) => setTimeout(r, timeoutMs))]);
    return !this.#documents.has(documentName);
  }
}
