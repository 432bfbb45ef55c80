// Shares agreement (Yjs) updates between nodes that have the same document open. A node
// publishes an update only once it is committed to the shared database (so a relayed change is
// never one that could still be lost); receiving nodes apply it without storing it again.
// Presence (awareness: who is editing, cursors) travels the same way, as its origin node
// enforced it (names come from that node's authenticated connections).
// Messages are signed (message-auth.ts); one that is unsigned, forged, replayed or does not
// apply is dropped and counted, never thrown inside the Redis handler.
import type { Redis } from 'ioredis';
import { applyAwarenessUpdate, type Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { MessageAuth } from './message-auth.ts';

/** Transaction origin of updates that came from another node (already stored there). */
export const RELAY_ORIGIN = Symbol('drafting:relay');

const channelOf = (docName: string) => `jiefen:doc:${docName}`;

/** Message: sender node id (36 bytes), kind (1 byte), payload. */
const KIND = { update: 0, awareness: 1 } as const;

interface Followed {
  doc: Y.Doc;
  awareness: Awareness | null;
}

export class DocRelay {
  readonly #docs = new Map<string, Followed>();
  readonly #onMessage = (channel: Buffer, message: Buffer) => {
    const name = channel.toString();
    if (!name.startsWith('jiefen:doc:')) return;
    const followed = this.#docs.get(name.slice('jiefen:doc:'.length));
    if (!followed) return;
    const opened = this.auth.open(name, message);
    if (!opened.ok) return;
    const body = opened.payload;
    const from = body.subarray(0, 36).toString();
    if (from === this.nodeId) return;
    const kind = body[36];
    const payload = body.subarray(37);
    try {
      if (body.length < 37 || (kind !== KIND.update && kind !== KIND.awareness)) throw new Error('unknown kind');
      if (kind === KIND.update) Y.applyUpdate(followed.doc, payload, RELAY_ORIGIN);
      else if (followed.awareness) applyAwarenessUpdate(followed.awareness, payload, RELAY_ORIGIN);
    } catch {
      this.auth.malformed(name);
    }
  };

  constructor(
    private readonly nodeId: string,
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly auth: MessageAuth,
  ) {
    if (Buffer.byteLength(nodeId) !== 36) throw new Error('node id must be a UUID');
    subscriber.on('messageBuffer', this.#onMessage);
  }

  /** Starts applying other nodes' updates to `doc` — before it is loaded, so none is missed. */
  async follow(docName: string, doc: Y.Doc, awareness: Awareness | null = null): Promise<void> {
    this.#docs.set(docName, { doc, awareness });
    await this.subscriber.subscribe(channelOf(docName));
  }

  async unfollow(docName: string, doc: Y.Doc): Promise<void> {
    if (this.#docs.get(docName)?.doc !== doc) return;
    this.#docs.delete(docName);
    await this.subscriber.unsubscribe(channelOf(docName)).catch(() => undefined);
  }

  /** Sends a committed update to the other nodes following the document. */
  publish(docName: string, update: Uint8Array): void {
    this.#send(docName, KIND.update, update);
  }

  /** Sends an awareness update of this node's clients to the other nodes. */
  publishAwareness(docName: string, update: Uint8Array): void {
    this.#send(docName, KIND.awareness, update);
  }

  #send(docName: string, kind: number, payload: Uint8Array): void {
    const channel = channelOf(docName);
    const message = this.auth.seal(channel, Buffer.concat([Buffer.from(this.nodeId), Buffer.of(kind), payload]));
    void this.publisher.publish(channel, message).catch(() => undefined);
  }

  close(): void {
    this.subscriber.off('messageBuffer', this.#onMessage);
    this.#docs.clear();
  }
}
