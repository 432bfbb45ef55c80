// Awareness states carry `user: {name, roleLabel, color}` taken from the authenticated identity
// of the connection that sent them; whatever a client put there is replaced. Cursors and any
// other fields are the client's own.
//
// y-protocols' applyAwarenessUpdate stores the received states, then emits `change` (only when
// a state's content changed) and then `update`. Hocuspocus's Document broadcasts on `update`,
// so rewriting the stored state in a `change` listener happens before anything is forwarded,
// and new connections get the rewritten states too. A state equal to the stored (already
// rewritten) one raises no `change` — and needs none. Several nodes: states relayed from
// another node were enforced there (cluster/doc-relay.ts).
import type { Document } from '@hocuspocus/server';
import type WebSocket from 'ws';
import type { DraftIdentity } from './grants.ts';
import { RELAY_ORIGIN } from '../cluster/doc-relay.ts';

export interface AwarenessUser {
  name: string;
  roleLabel: string;
  color: string;
}

export const awarenessUser = (identity: DraftIdentity): AwarenessUser => ({ name: identity.name, roleLabel: identity.roleLabel, color: identity.color });

/** Bytes of JSON a client may keep in its awareness state (cursors, selections). */
const MAX_STATE_CHARS = 4096;

export function enforceAwarenessIdentity(document: Document, identityOf: (socket: WebSocket) => DraftIdentity | null): () => void {
  const { awareness } = document;
  const onChange = ({ added, updated }: { added: number[]; updated: number[] }, origin: unknown) => {
    if (origin === RELAY_ORIGIN) return; // another node's clients, enforced by that node
    const socket = origin as WebSocket;
    const identity = document.connections.has(socket) ? identityOf(socket) : null;
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue; // the server's own (null) state
      const state = awareness.states.get(clientId);
      if (!state) continue;
      if (!identity || JSON.stringify(state).length > MAX_STATE_CHARS) {
        // Not from a known connection, or oversized: keep only who it is, nothing else.
        awareness.states.set(clientId, identity ? { user: awarenessUser(identity) } : {});
        continue;
      }
      const user = awarenessUser(identity);
      const current = state.user as Partial<AwarenessUser> | undefined;
      if (current?.name !== user.name || current.roleLabel !== user.roleLabel || current.color !== user.color || Object.keys(current).length !== 3) {
        awareness.states.set(clientId, { ...state, user });
      }
    }
  };
  awareness.on('change', onChange);
  return () => awareness.off('change', onChange);
}
