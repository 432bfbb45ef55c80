// Holds a connection's "synced" acknowledgements until its updates are on disk.
//
// How Hocuspocus 3.4 acknowledges (MessageReceiver.readSyncMessage): for a Sync Update or
// SyncStep2 message from a writable connection it calls `readUpdate`/`readSyncStep2` — Yjs
// applies the update and emits the document's `update` event synchronously, with the
// Connection as transaction origin — and then, in the same tick, `connection.send(SyncStatus
// true)`. The provider counts every update it sends (`unsyncedChanges++`) and counts down on
// each SyncStatus(true); `unsyncedChanges === 0` / `hasUnsyncedChanges === false` is what a
// client may treat as "saved". Nothing in Hocuspocus waits for storage before that reply
// (onStoreDocument is debounced), so on its own it would acknowledge updates that a crash
// loses.
//
// The gate sits on the one place every acknowledgement passes through: the connection's
// `send`. The persistence listener registers each append it starts for a connection's update
// (`track`), which happens synchronously before Hocuspocus sends the SyncStatus for that
// message; `send` then queues every SyncStatus behind all appends tracked so far. Everything
// else (SyncStep1/2 replies, broadcasts, awareness) passes straight through, so other clients
// see an edit as soon as it is applied — only the sender's "saved" waits for the disk.
// If an append fails, no later acknowledgement is ever sent on this connection.
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

export class AckGate {
  /** Settles when every append tracked so far is committed; rejects forever after a failure. */
  #persisted: Promise<void> = Promise.resolve();
  /** Acknowledgements, in order, each behind the appends tracked before it. */
  #acks: Promise<void> = Promise.resolve();
  #held = 0;
  #failed = false;

  private constructor(private readonly sendNow: (message: Uint8Array) => void) {}

  /** Installs the gate on a connection (once); returns the gate. */
  static install(connection: Connection): AckGate {
    const existing = gates.get(connection);
    if (existing) return existing;
    const original = connection.send.bind(connection);
    const gate = new AckGate(original);
    connection.send = (message: Uint8Array) => gate.send(message);
    gates.set(connection, gate);
    return gate;
  }

  static of(connection: Connection): AckGate | undefined {
    return gates.get(connection);
  }

  /** An append of this connection's update; later acknowledgements wait for it. */
  track(append: Promise<void>): void {
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

  /** Acknowledgements waiting for the disk (diagnostics, tests). */
  get held(): number {
    return this.#held;
  }

  get failed(): boolean {
    return this.#failed;
  }

  send(message: Uint8Array): void {
    if (!isSyncStatusMessage(message)) {
      this.sendNow(message);
      return;
    }
    if (this.#failed) return;
    const persisted = this.#persisted;
    this.#held++;
    this.#acks = this.#acks
      .then(() => persisted)
      .then(
        () => {
          this.#held--;
          if (!this.#failed) this.sendNow(message);
        },
        () => {
          this.#held--;
        },
      );
  }
}

const gates = new WeakMap<Connection, AckGate>();
