// The messages a drafting client may send, checked before Hocuspocus applies them: message types
// clients have no business sending are refused, and a read-only connection's edit attempt (which
// Hocuspocus drops) is logged once per connection and audited for a party. A read-only connection
// cannot push large messages at all (READ_ONLY_MAX_MESSAGE_BYTES).
import type { Connection } from '@hocuspocus/server';
import type { FastifyBaseLogger } from 'fastify';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { recordAudit } from '../audit/log.ts';
import { partyActor } from '../audit/actors.ts';
import type { AppContext } from '../context.ts';
import { contextOf, Refusal } from './connection-context.ts';

/** Hocuspocus MessageType values (server/src/types.ts) a client may send. */
const MESSAGE = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3, SyncReply: 4, Stateless: 5, BroadcastStateless: 6, Close: 7 } as const;
const CLIENT_MESSAGES = new Set<number>([
  MESSAGE.Sync,
  MESSAGE.Awareness,
  MESSAGE.Auth,
  MESSAGE.QueryAwareness,
  MESSAGE.SyncReply,
  MESSAGE.Stateless,
  MESSAGE.Close,
]);
/**
 * The largest message a read-only connection may send. What it legitimately sends (its state
 * vector, presence, the auth token) is a few KB; a read-only client pushing megabytes is refused
 * and its connection closed before anything is decoded.
 */
export const READ_ONLY_MAX_MESSAGE_BYTES = 64 * 1024;
/** y-protocols sync sub-messages. */
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

export class ClientMessageGuard {
  readonly #ctx: AppContext;
  readonly #log: FastifyBaseLogger;
  /** Connections whose refused edit has been audited already. */
  readonly #auditedRefusals = new WeakSet<Connection>();

  constructor(ctx: AppContext, log: FastifyBaseLogger) {
    this.#ctx = ctx;
    this.#log = log;
  }

  /** Throws a Refusal for a message type clients may not send; records a read-only connection's first edit attempt. */
  async check(connection: Connection, message: Uint8Array): Promise<void> {
    if (connection.readOnly && message.length > READ_ONLY_MAX_MESSAGE_BYTES) {
      this.#log.warn({ documentName: connection.document.name, bytes: message.length }, 'read-only connection sent a message too large: closed');
      throw new Refusal('MESSAGE_TOO_LARGE', `read-only connections may send at most ${READ_ONLY_MAX_MESSAGE_BYTES} bytes per message`);
    }
    const decoder = decoding.createDecoder(message);
    decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (!CLIENT_MESSAGES.has(type)) throw new Refusal('FORBIDDEN', `message type ${type} not accepted from clients`);
    if (!connection.readOnly || (type !== MESSAGE.Sync && type !== MESSAGE.SyncReply)) return;
    const syncType = decoding.readVarUint(decoder);
    if (syncType !== SYNC_UPDATE && syncType !== SYNC_STEP2) return;
    const update = decoding.readVarUint8Array(decoder);
    // Hocuspocus drops it (read-only); a step-2 reply with nothing new is not an edit attempt.
    if (syncType === SYNC_STEP2 && Y.snapshotContainsUpdate(Y.snapshot(connection.document), update)) return;
    if (this.#auditedRefusals.has(connection)) return;
    this.#auditedRefusals.add(connection);
    const { access } = contextOf(connection);
    this.#log.info({ documentName: connection.document.name, who: access.identity.id }, 'read-only connection tried to edit: update dropped');
    if (access.identity.kind === 'party') {
      await recordAudit(this.#ctx.db, partyActor({ id: access.identity.id, name: access.identity.name }), access.caseId, {
        type: 'AGREEMENT_EDIT_REJECTED',
        data: { participantId: access.identity.id, name: access.identity.name },
      });
    }
  }
}
