// Shares agreement (Yjs) updates between nodes that have the same document open. A node
// publishes an update only once it is committed to the shared database (so a relayed change is
// never one that could still be lost); receiving nodes apply it without storing it again.
// Presence (awareness: who is editing, cursors) travels the same way, as its origin node
// enforced it (names come from that node's authenticated connections).
// Messages are signed (message-auth.ts); one that is unsigned, forged, replayed or does not
// apply is dropped and counted, never thrown inside the Redis handler.
//
// Redis pub/sub delivers at most once: an update published while Redis (or this node's link to
// it) was down is gone. Since every relayed update is committed to the shared database first, a
// node whose Redis connection comes back catches up from there (Yjs skips what it already has),
// and asks the other nodes to do the same (a `resync` message) for what it failed to publish.
import type { Redis } from 'ioredis';
import { applyAwarenessUpdate, type Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { MessageAuth } from './message-auth.ts';
import { runDetached, stderrLog, type DetachedLog } from '../detached.ts';

/** Transaction origin of updates that came from another node (already stored there). */
export const RELAY_ORIGIN = Symbol('drafting:relay');

const channelOf = (docName: string) => `jiefen:doc:${docName}`;

/** Message: sender node id (36 bytes), kind (1 byte), payload. */
const KIND = { update: 0, awareness: 1, resync: 2 } as const;

/** Applies the document's committed updates from the shared database (with RELAY_ORIGIN). */
export type CatchUp = () => Promise<void>;

interface Followed {
  doc: Y.Doc;
  awareness: Awareness | null;
  catchUp: CatchUp | null;
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
      if (body.length < 37 || (kind !== KIND.update && kind !== KIND.awareness && kind !== KIND.resync)) throw new Error('unknown kind');
      if (kind === KIND.update) Y.applyUpdate(followed.doc, payload, RELAY_ORIGIN);
      else if (kind === KIND.awareness) {
        if (followed.awareness) applyAwarenessUpdate(followed.awareness, payload, RELAY_ORIGIN);
      } else this.#catchUp(name.slice('jiefen:doc:'.length), followed);
    } catch {
      this.auth.malformed(name);
    }
  };
  /** Documents whose update could not be published: the others are asked to resync once Redis is back. */
  readonly #unpublished = new Set<string>();
  #subscriberWasDown = false;
  #publisherWasDown = false;
  readonly #onSubscriberDown = () => {
    this.#subscriberWasDown = true;
  };
  readonly #onPublisherDown = () => {
    this.#publisherWasDown = true;
  };
  readonly #onSubscriberReady = () => {
    if (!this.#subscriberWasDown) return;
    this.#subscriberWasDown = false;
    runDetached(this.log, 'doc relay: catch up after a Redis reconnect', () => this.#resubscribeAndCatchUp());
  };
  readonly #onPublisherReady = () => {
    if (!this.#publisherWasDown) return;
    this.#publisherWasDown = false;
    // Everything this node published during the outage may be lost: every followed document.
    for (const docName of this.#docs.keys()) this.#unpublished.add(docName);
    this.#askForResync();
  };

  constructor(
    private readonly nodeId: string,
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly auth: MessageAuth,
    private readonly log: DetachedLog = stderrLog,
  ) {
    if (Buffer.byteLength(nodeId) !== 36) throw new Error('node id must be a UUID');
    subscriber.on('messageBuffer', this.#onMessage);
    subscriber.on('close', this.#onSubscriberDown);
    subscriber.on('ready', this.#onSubscriberReady);
    publisher.on('close', this.#onPublisherDown);
    publisher.on('ready', this.#onPublisherReady);
  }

  /**
   * Starts applying other nodes' updates to `doc` — before it is loaded, so none is missed.
   * `catchUp` re-reads the committed updates after a Redis outage.
   */
  async follow(docName: string, doc: Y.Doc, awareness: Awareness | null = null, catchUp: CatchUp | null = null): Promise<void> {
    this.#docs.set(docName, { doc, awareness, catchUp });
    await this.subscriber.subscribe(channelOf(docName));
  }

  async unfollow(docName: string, doc: Y.Doc): Promise<void> {
    if (this.#docs.get(docName)?.doc !== doc) return;
    this.#docs.delete(docName);
    this.#unpublished.delete(docName);
    // A failed unsubscribe only leaves messages for a document nobody follows here: they are dropped.
    await this.subscriber.unsubscribe(channelOf(docName)).catch((err: unknown) => this.log.error({ docName, err }, 'doc relay: unsubscribe failed'));
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
    this.publisher.publish(channel, message).then(undefined, (err: unknown) => {
      // The update is committed: the others catch up from the database once Redis is back.
      if (kind !== KIND.awareness) this.#unpublished.add(docName);
      this.log.error({ docName, err }, 'doc relay: publish failed; the other nodes will be asked to resync');
      if (kind === KIND.update && this.publisher.status === 'ready') this.#askForResync();
    });
  }

  #askForResync(): void {
    for (const docName of [...this.#unpublished]) {
      if (!this.#docs.has(docName)) continue;
      this.#unpublished.delete(docName);
      this.#send(docName, KIND.resync, new Uint8Array());
    }
  }

  async #resubscribeAndCatchUp(): Promise<void> {
    const names = [...this.#docs.keys()];
    if (names.length === 0) return;
    // ioredis re-subscribes by itself; waiting for our own SUBSCRIBE (same connection, after
    // its) makes sure nothing published from now on is missed before reading the database.
    await this.subscriber.subscribe(...names.map(channelOf));
    for (const docName of names) {
      const followed = this.#docs.get(docName);
      if (followed) this.#catchUp(docName, followed);
    }
  }

  #catchUp(docName: string, followed: Followed): void {
    if (followed.catchUp) runDetached(this.log, 'doc relay: catch up from the database', followed.catchUp, { docName });
  }

  close(): void {
    this.subscriber.off('messageBuffer', this.#onMessage);
    this.subscriber.off('close', this.#onSubscriberDown);
    this.subscriber.off('ready', this.#onSubscriberReady);
    this.publisher.off('close', this.#onPublisherDown);
    this.publisher.off('ready', this.#onPublisherReady);
    this.#docs.clear();
  }
}
