// What a loaded document does while it is live (Hocuspocus afterLoadDocument until destroy):
// every applied update is appended to DraftStore (tracked by the document's persistence barrier,
// so acknowledgements wait for it — ack-gate.ts) and, once committed, published to the other
// nodes; awareness states carry each connection's own identity (awareness-identity.ts), and this
// node's presence goes out to the other nodes.
import { Connection, type Document } from '@hocuspocus/server';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import { RELAY_ORIGIN, type DocRelay } from '../cluster/doc-relay.ts';
import type { PersistenceBarrier } from './ack-gate.ts';
import { enforceAwarenessIdentity } from './awareness-identity.ts';
import { contextOf } from './connection-context.ts';
import type { DraftStore } from './draft-store.ts';

/** Transaction origins of changes that must not be appended again. */
export const LOAD_ORIGIN = Symbol('drafting:load');
export const STORED_ORIGIN = Symbol('drafting:stored');

export interface LiveDocumentDeps {
  store: DraftStore;
  barrier: PersistenceBarrier;
  relay: DocRelay | undefined;
  /** An append failed for good: the live document holds a change that is not on disk. */
  onAppendFailed(err: unknown): void;
}

/** Wires persistence, awareness identities and the cluster relay to `document`; all of it comes off when the document is destroyed. */
export function keepLiveDocument(document: Document, caseId: string, { store, barrier, relay, onAppendFailed }: LiveDocumentDeps): void {
  const onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === LOAD_ORIGIN || origin === RELAY_ORIGIN) return;
    if (origin === STORED_ORIGIN) return relay?.publish(document.name, update);
    const connection = origin instanceof Connection ? origin : null;
    const authorId = connection ? contextOf(connection).access.identity.id : 'system';
    const append = store.append({ docName: document.name, caseId, kind: 'update', update, authorId });
    barrier.track(append);
    append.then(
      () => relay?.publish(document.name, update),
      (err: unknown) => onAppendFailed(err),
    );
  };
  document.on('update', onUpdate);
  const stopAwareness = enforceAwarenessIdentity(document, (socket) => {
    const entry = document.connections.get(socket);
    return entry ? contextOf(entry.connection).access.identity : null;
  });
  // Presence of this node's clients (already rewritten by the enforcer above) for the other nodes.
  const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    if (!relay || origin === RELAY_ORIGIN) return;
    const clients = [...added, ...updated, ...removed].filter((id) => id !== document.awareness.clientID);
    if (clients.length > 0) relay.publishAwareness(document.name, encodeAwarenessUpdate(document.awareness, clients));
  };
  document.awareness.on('update', onAwareness);
  document.once('destroy', () => {
    void relay?.unfollow(document.name, document); // never rejects: it logs its own failure
    document.awareness.off('update', onAwareness);
    document.off('update', onUpdate);
    stopAwareness();
  });
}
