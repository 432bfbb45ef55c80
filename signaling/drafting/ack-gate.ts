// Holds "synced" acknowledgements until what they acknowledge is on disk.
//
// How Hocuspocus 3.4 acknowledges (MessageReceiver.readSyncMessage): for a Sync Update or
// SyncStep2 message from a writable connection it calls `readUpdate`/`readSyncStep2` — Yjs
// applies the update and emits the document's `update` event synchronously, with the
// Connection as transaction origin — and then, in the same tick, `connection.send(SyncStatus
// true)`. The provider counts every update it sends (`unsyncedChanges++`) and counts down on
// each SyncStatus(true); `unsyncedChanges === 0` / `hasUnsyncedChanges === false` is what a
// client may treat as "saved". Nothing in Hocuspocus waits for storage before that reply
// (onStoreDocument is debounced), so on its own it would acknowledge updates a crash loses.
//
// Two pieces close that gap:
// - a PersistenceBarrier per document: the persistence listener registers every append it
//   starts (`track`) — synchronously, inside the `update` event, so before Hocuspocus sends the
//   SyncStatus for that message. `current` settles when every append started so far is
//   committed.
// - an AckGate per connection, on the one place every acknowledgement passes through: the
//   connection's `send`. A SyncStatus waits for the barrier as it stands at that moment;
//   everything else (sync replies, broadcasts, awareness) goes straight out, so other clients
//   see an edit as soon as it is applied — only the sender's "saved" waits for the disk.
//
// The barrier is per document, not per connection, because a client can be acknowledged for
// content somebody else's pending append covers: after a reconnect its SyncStep2 re-sends an
// edit the document already holds (applied, append still in flight), which changes nothing and
// starts no append of its own. Waiting for every append of the document covers that case.
// After a failed append the barrier stays failed: no acknowledgement on that document, ever
// (the drafting server drops the document and clients resend into a fresh load).
import type { Connection } from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';

/** Hocuspocus's MessageType.SyncStatus (types.ts). */
const SYNC_STATUS = 8;

export function isSyncStatusMessage(message: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(message);
    decoding.readVarString(decoder);
    return decoding.readVarUint(decoder) === SYNC_STATUS;
  } catch {
    return false;
  }
}

export class PersistenceBarrier {
  #persisted: Promise<void> = Promise.resolve();
  #failed = false;
  #inFlight = 0;

  /** An append of content now in the document; acknowledgements from now on wait for it. */
  track(append: Promise<void>): void {
    this.#inFlight++;
    append.then(
      () => this.#inFlight--,
      () => this.#inFlight--,
    );
    this.#persisted = Promise.all([this.#persisted, append]).then(
      () => undefined,
      (err: unknown) => {
        this.#failed = true;
        throw err;
      },
    );
    // The failure is handled by whoever started the append; this chain only gates acks.
    this.#persisted.catch(() => undefined);
  }

  /** Settles when every append tracked so far is committed; rejects once any of them failed. */
  get current(): Promise<void> {
    return this.#persisted;
  }

  get failed(): boolean {
    return this.#failed;
  }

  /** Appends not yet committed (diagnostics, tests). */
  get inFlight(): number {
    return this.#inFlight;
  }
}

export class AckGate {
  /** Acknowledgements, in order, each behind the appends tracked before it was sent. */
  #acks: Promise<void> = Promise.resolve();
  #held = 0;

  private constructor(
    private readonly barrier: PersistenceBarrier,
    private readonly sendNow: (message: Uint8Array) => void,
  ) {}

  /** Installs the gate on a connection (once); returns the gate. */
  static install(connection: Connection, barrier: PersistenceBarrier): AckGate {
    const existing = gates.get(connection);
    if (existing) return existing;
    const gate = new AckGate(barrier, connection.send.bind(connection));
    connection.send = (message: Uint8Array) => gate.send(message);
    gates.set(connection, gate);
    return gate;
  }

  /** Acknowledgements waiting for the disk (diagnostics, tests). */
  get held(): number {
    return this.#held;
  }

  send(message: Uint8Array): void {
    if (!isSyncStatusMessage(message)) {
      this.sendNow(message);
      return;
    }
    if (this.barrier.failed) return;
    const persisted = this.barrier.current;
    this.#held++;
    this.#acks = this.#acks
      .then(() => persisted)
      .then(
        () => {
          this.#held--;
          if (!this.barrier.failed) this.sendNow(message);
        },
        () => {
          this.#held--;
        },
      );
  }
}

const gates = new WeakMap<Connection, AckGate>();
