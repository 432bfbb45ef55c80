// Shares agreement (Yjs) updates between nodes that have the same document open. A node
// publishes an update only once it is committed to the shared database (so a relayed change is
// never one that could still be lost); receiving nodes apply it without storing it again.
import type { Redis } from 'ioredis';
import * as Y from 'yjs';

/** Transaction origin of updates that came from another node (already stored there). */
export const RELAY_ORIGIN = Symbol('drafting:relay');

const channelOf = (docName: string) => `jiefen:doc:${docName}`;

export class DocRelay {
  readonly #docs = new Map<string, Y.Doc>();
  readonly #onMessage = (channel: Buffer, message: Buffer) => {
    const name = channel.toString();
    if (!name.startsWith('jiefen:doc:')) return;
    const doc = this.#docs.get(name.slice('jiefen:doc:'.length));
    if (!doc) return;
    const from = message.subarray(0, 36).toString();
    if (from === this.nodeId) return;
    Y.applyUpdate(doc, message.subarray(36), RELAY_ORIGIN);
  };

  constructor(
    private readonly nodeId: string,
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
  ) {
    if (Buffer.byteLength(nodeId) !== 36) throw new Error('node id must be a UUID');
    subscriber.on('messageBuffer', this.#onMessage);
  }

  /** Starts applying other nodes' updates to `doc` — before it is loaded, so none is missed. */
  async follow(docName: string, doc: Y.Doc): Promise<void> {
    this.#docs.set(docName, doc);
    await this.subscriber.subscribe(channelOf(docName));
  }

  async unfollow(docName: string, doc: Y.Doc): Promise<void> {
    if (this.#docs.get(docName) !== doc) return;
    this.#docs.delete(docName);
    await this.subscriber.unsubscribe(channelOf(docName)).catch(() => undefined);
  }

  /** Sends a committed update to the other nodes following the document. */
  publish(docName: string, update: Uint8Array): void {
    void this.publisher.publish(channelOf(docName), Buffer.concat([Buffer.from(this.nodeId), update])).catch(() => undefined);
  }

  followed(): number {
    return this.#docs.size;
  }

  close(): void {
    this.subscriber.off('messageBuffer', this.#onMessage);
    this.#docs.clear();
  }
}
