// The drafting sync server: Yjs over WebSocket (Hocuspocus 3) on fastify's HTTP server at
// /drafting, one document per case (`agreement:<caseId>`), persisted in SQLite via DraftStore.
//
// Timeline of one connection (Hocuspocus hooks, see STYLE.md):
//   upgrade        Origin check (cookies ride along on WebSocket upgrades), then ws handshake.
//   onAuthenticate link token (party) or staff session cookie → DraftAccess; read-only unless
//                  the grants allow editing (Hocuspocus then drops the connection's updates and
//                  answers SyncStatus(false); they reach neither other clients nor storage).
//   onLoadDocument single-flight per document (Hocuspocus `loadingDocuments`): first open writes
//                  the initial content (from the template) as the first row; then the stored log
//                  is verified and replayed. Any failure refuses the connection; nothing is stored.
//   afterLoadDocument  persistence listener (every applied update → DraftStore.append; every
//                  acknowledgement on the document waits until the appends started before it are
//                  committed — ack-gate.ts) and awareness identities (awareness-identity.ts).
//   beforeHandleMessage  installs the ack gate before the first message is applied; refuses
//                  message types clients have no business sending; audits a party's edit attempt.
//   onStoreDocument (debounced 2 s, at most 10 s) and afterUnloadDocument: compaction.
//   Several nodes (REDIS_URL): a document follows the other nodes' committed updates from
//                  before its load (cluster/doc-relay.ts); its own go out once committed.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  Connection,
  Hocuspocus,
  type Document,
  type Extension,
  type afterLoadDocumentPayload,
  type beforeHandleMessagePayload,
  type onAuthenticatePayload,
  type onLoadDocumentPayload,
  type onStoreDocumentPayload,
  type afterUnloadDocumentPayload,
} from '@hocuspocus/server';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import * as decoding from 'lib0/decoding';
import { WebSocketServer } from 'ws';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { appendAudit, recordAudit } from '../audit/log.ts';
import { partyActor } from '../audit/actors.ts';
import { invitationIdOf } from '../auth/link-tokens.ts';
import { revokes, type AccessRevoked } from '../access-events.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { roleInCase } from '../access/case-access.ts';
import { originAllowed, resolvePrincipal } from '../access/principal.ts';
import { AckGate, PersistenceBarrier } from './ack-gate.ts';
import { enforceAwarenessIdentity } from './awareness-identity.ts';
import { agreementDocName, caseIdOfDocName } from './doc-name.ts';
import { dbBytes, DraftLoadError, DraftStore, sha256Hex } from './draft-store.ts';
import { WorkerWriter } from './draft-writer.ts';
import { RELAY_ORIGIN, type DocRelay } from '../cluster/doc-relay.ts';
import { partyAccess, staffAccess, type DraftAccess, type DraftIdentity } from './grants.ts';

export const DRAFTING_PATH = '/drafting';

/** Transaction origins of changes that must not be appended again. */
const LOAD_ORIGIN = Symbol('drafting:load');
const STORED_ORIGIN = Symbol('drafting:stored');

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
/** y-protocols sync sub-messages. */
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

/** Context Hocuspocus keeps per connection (from onAuthenticate). */
interface ConnectionContext {
  access: DraftAccess;
  ip: string;
  /** The invitation a party connected with (its revocation, or its participant's deletion, ends the connection). */
  invitationId: string | null;
}

/** The first content of a case's draft: built by the agreement model from its template. */
export interface InitialDraft {
  doc: Y.Doc;
  /** Shown in the audit log ("根据模板「…」生成"). */
  template: string;
}

export interface DraftingOptions {
  initialDraft(caseId: string): Promise<InitialDraft>;
  /** Hocuspocus store debounce (ms): how soon after edits a compaction may run. */
  debounceMs?: number;
  maxDebounceMs?: number;
  /** Rows a document may accumulate before a debounced store compacts them. */
  compactAfterRows?: number;
  /** Several-node mode: shares committed updates with the other nodes serving the document. */
  relay?: DocRelay;
}

/**
 * A refusal Hocuspocus passes to the client as the permission-denied reason (the code). Its
 * empty `message` keeps Hocuspocus from printing it on stderr; we log it ourselves.
 */
class Refusal extends Error {
  constructor(
    readonly reason: ErrorCode,
    readonly detail: string,
  ) {
    super('');
    this.name = 'DraftingRefusal';
  }
}

export class DraftingServer {
  readonly hocuspocus: Hocuspocus;
  readonly store: DraftStore;
  readonly #ctx: AppContext;
  readonly #app: FastifyInstance;
  readonly #log: FastifyBaseLogger;
  readonly #options: DraftingOptions;
  readonly #wss: WebSocketServer;
  /** Per document: a server-side change in progress (suggestions, accepts…), one at a time. */
  readonly #mutations = new Map<string, Promise<unknown>>();
  /** Documents holding a change that could not be stored, until they are unloaded. */
  readonly #tainted = new Map<string, { unloaded: Promise<void>; resolve: () => void }>();
  /** Per live document: the appends its acknowledgements wait for. */
  readonly #barriers = new WeakMap<Document, PersistenceBarrier>();
  /** Connections whose refused edit has been audited already. */
  readonly #auditedRefusals = new WeakSet<Connection>();
  #closed = false;

  static attach(app: FastifyInstance, ctx: AppContext, options: DraftingOptions): DraftingServer {
    const server = new DraftingServer(app, ctx, options);
    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => server.#upgrade(request, socket, head);
    app.server.on('upgrade', onUpgrade);
    const onRevoked = (e: AccessRevoked) => server.#accessRevoked(e);
    ctx.events.on('accessRevoked', onRevoked);
    app.addHook('onClose', async () => {
      ctx.events.off('accessRevoked', onRevoked);
      app.server.off('upgrade', onUpgrade);
      await server.close();
    });
    return server;
  }

  private constructor(app: FastifyInstance, ctx: AppContext, options: DraftingOptions) {
    this.#app = app;
    this.#ctx = ctx;
    this.#log = app.log.child({ module: 'drafting' });
    this.#options = options;
    this.store = new DraftStore(ctx.db, { writer: new WorkerWriter(ctx.config.databaseFile) });
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
    this.hocuspocus = new Hocuspocus({
      name: 'jiefen-drafting',
      quiet: true,
      debounce: options.debounceMs ?? 2000,
      maxDebounce: options.maxDebounceMs ?? 10_000,
      extensions: [this.#extension()],
    });
  }

  // ---- transport ----------------------------------------------------------------------------

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const pathname = (request.url ?? '').split('?')[0];
    if (pathname !== DRAFTING_PATH) return; // socket.io and others handle their own paths
    if (this.#closed || !originAllowed(this.#ctx.config.publicUrl, request.headers.origin, request.headers.host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.hocuspocus.handleConnection(ws, request));
  }

  // ---- hooks --------------------------------------------------------------------------------

  #extension(): Extension {
    return {
      extensionName: 'jiefen-drafting',
      priority: 1000,
      onAuthenticate: (data: onAuthenticatePayload) => this.#authenticate(data),
      onLoadDocument: (data: onLoadDocumentPayload) => this.#loadDocument(data),
      afterLoadDocument: async (data: afterLoadDocumentPayload) => this.#afterLoad(data.document),
      beforeHandleMessage: async (data: beforeHandleMessagePayload) => this.#beforeMessage(data),
      onStoreDocument: async (data: onStoreDocumentPayload) => {
        await this.#compact(data.documentName, this.#options.compactAfterRows ?? 64);
      },
      afterUnloadDocument: async (data: afterUnloadDocumentPayload) => {
        this.#tainted.get(data.documentName)?.resolve();
        this.#tainted.delete(data.documentName);
        await this.#compact(data.documentName, 2);
      },
    };
  }

  async #authenticate({ token, documentName, request, connectionConfig }: onAuthenticatePayload): Promise<ConnectionContext> {
    const ip = request.socket.remoteAddress ?? '';
    const caseId = caseIdOfDocName(documentName);
    if (!caseId) throw this.#refuse('NOT_FOUND', `unknown document ${documentName}`);
    // A document dropped after a storage failure: wait for it to go, then load it afresh.
    const tainted = this.#tainted.get(documentName);
    if (tainted) {
      await Promise.race([tainted.unloaded, new Promise((r) => setTimeout(r, 10_000))]);
      if (this.#tainted.has(documentName)) throw this.#refuse('DRAFT_UNAVAILABLE', `${documentName} is still being dropped after a storage failure`);
    }
    let access: DraftAccess;
    try {
      access = await this.accessFor(caseId, {
        token: token || null,
        cookieHeader: request.headers.cookie ?? '',
        ip,
        userAgent: request.headers['user-agent'] ?? '',
      });
    } catch (err) {
      if (err instanceof DomainError) throw this.#refuse(err.code, err.message);
      throw err;
    }
    connectionConfig.readOnly = !access.grants.canEdit;
    return { access, ip, invitationId: token ? invitationIdOf(token) : null };
  }

  /** Who is asking about this case's draft (link token or session cookie) and what they may do. */
  async accessFor(caseId: string, who: { token: string | null; cookieHeader: string; ip: string; userAgent: string }): Promise<DraftAccess> {
    const principal = await resolvePrincipal(this.#ctx, (raw) => this.#app.unsignCookie(raw), {
      token: who.token,
      cookieHeader: who.cookieHeader,
      ip: who.ip,
      userAgent: who.userAgent,
      expectCaseId: caseId,
    });
    if (principal.kind === 'staff' && principal.mustChangePassword) throw new DomainError('PASSWORD_CHANGE_REQUIRED');
    const role = await roleInCase(this.#ctx, principal, caseId);
    return principal.kind === 'party' ? partyAccess(principal.participant, role ?? 'observer') : staffAccess(principal.user, caseId, role);
  }

  #refuse(reason: ErrorCode, detail: string): Refusal {
    this.#log.info({ reason, detail }, 'drafting connection refused');
    return new Refusal(reason, detail);
  }

  async #loadDocument({ documentName, document }: onLoadDocumentPayload): Promise<void> {
    const caseId = caseIdOfDocName(documentName);
    if (!caseId) throw this.#refuse('NOT_FOUND', `unknown document ${documentName}`);
    await this.#options.relay?.follow(documentName, document, document.awareness);
    try {
      if ((await this.store.count(documentName)) === 0) await this.#initialise(documentName, caseId);
      const { rows } = await this.store.loadInto(documentName, document, LOAD_ORIGIN);
      this.#log.debug({ documentName, rows }, 'draft loaded');
    } catch (err) {
      const loadError = err instanceof DraftLoadError ? err : new DraftLoadError(documentName, null, err instanceof Error ? err.message : String(err));
      this.#log.error({ err: loadError, documentName }, 'draft load failed: refusing connections, storage untouched');
      await this.#options.relay?.unfollow(documentName, document);
      await recordAudit(this.#ctx.db, { type: 'system' }, caseId, {
        type: 'AGREEMENT_DRAFT_LOAD_FAILED',
        data: { reason: loadError.message.slice(0, 300), ...(loadError.rowId !== null ? { rowId: loadError.rowId } : {}) },
      }).catch((auditErr: unknown) => this.#log.error({ err: auditErr }, 'could not audit a failed draft load'));
      throw new Refusal('DRAFT_LOAD_FAILED', loadError.message);
    }
  }

  async #initialise(documentName: string, caseId: string): Promise<void> {
    const { doc, template } = await this.#options.initialDraft(caseId);
    try {
      const update = Y.encodeStateAsUpdate(doc);
      const created = await this.store.initialise({ docName: documentName, caseId, update, authorId: 'system' }, (tx) =>
        appendAudit(tx, { type: 'system' }, caseId, { type: 'AGREEMENT_DRAFT_CREATED', data: { template } }),
      );
      if (created) this.#log.info({ documentName, template }, 'agreement draft created from template');
    } finally {
      doc.destroy();
    }
  }

  #afterLoad(document: Document): void {
    const caseId = caseIdOfDocName(document.name)!;
    const barrier = this.#barrierOf(document);
    const relay = this.#options.relay;
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === LOAD_ORIGIN || origin === RELAY_ORIGIN) return;
      if (origin === STORED_ORIGIN) return relay?.publish(document.name, update);
      const connection = origin instanceof Connection ? origin : null;
      const authorId = connection ? contextOf(connection).access.identity.id : 'system';
      const append = this.store.append({ docName: document.name, caseId, kind: 'update', update, authorId });
      barrier.track(append);
      append.then(
        () => relay?.publish(document.name, update),
        (err: unknown) => this.#persistFailed(document, err),
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
      void relay?.unfollow(document.name, document);
      document.awareness.off('update', onAwareness);
      document.off('update', onUpdate);
      stopAwareness();
    });
  }

  /**
   * An append failed for good (DraftStore retries for a while first): the live document now
   * holds a change that is not on disk. Its sender got no acknowledgement (the gate withholds
   * it), but a resend into this document would change nothing and so never be stored. So the
   * document is dropped: its clients' sockets are dropped (providers reconnect by themselves),
   * new connections wait until it is unloaded, and the next load comes from storage — into
   * which the providers then resend whatever was not acknowledged.
   */
  #persistFailed(document: Document, err: unknown): void {
    if (this.#tainted.has(document.name)) return;
    let resolve!: () => void;
    const unloaded = new Promise<void>((r) => (resolve = r));
    this.#tainted.set(document.name, { unloaded, resolve });
    this.#log.error({ err, documentName: document.name }, 'draft update could not be stored: dropping the live document so clients resend');
    for (const { connection } of document.connections.values()) connection.webSocket.terminate();
  }

  /**
   * Connections whose access was just taken away end now — opened with a revoked link or a deleted
   * participant's link, by a deactivated or re-passworded account, or by a co-mediator taken off
   * the case (a reconnect is refused).
   */
  #accessRevoked(e: AccessRevoked): void {
    for (const document of this.hocuspocus.documents.values()) {
      for (const { connection } of document.connections.values()) {
        const { access, invitationId } = contextOf(connection);
        const holder =
          access.identity.kind === 'party'
            ? { kind: 'party' as const, invitationId }
            : { kind: 'staff' as const, userId: access.identity.id, caseId: access.caseId };
        if (revokes(e, holder)) connection.webSocket.terminate();
      }
    }
  }

  #barrierOf(document: Document): PersistenceBarrier {
    let barrier = this.#barriers.get(document);
    if (!barrier) {
      barrier = new PersistenceBarrier();
      this.#barriers.set(document, barrier);
    }
    return barrier;
  }

  async #beforeMessage({ connection, update: message }: beforeHandleMessagePayload): Promise<void> {
    AckGate.install(connection, this.#barrierOf(connection.document));
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

  async #compact(documentName: string, minRows: number): Promise<void> {
    try {
      const result = await this.store.compact(documentName, minRows);
      if (result.merged > 0) this.#log.debug(result, 'draft compacted');
    } catch (err) {
      // The rows stay as they are; a later compaction (or load) will report the problem again.
      this.#log.error({ err, documentName }, 'draft compaction failed: stored rows left untouched');
    }
  }

  // ---- server-side changes (suggestions, comments, accept/reject) ------------------------------

  /**
   * Applies a change to the live document of a case: computed on a copy, stored together with
   * what `record` writes (its audit entry) in one transaction, then applied to the live document
   * (all clients see it). Changes to one document run one at a time. `change` may throw to refuse.
   */
  async mutate<T, R>(
    caseId: string,
    authorId: string,
    change: (doc: Y.Doc) => T,
    record: (tx: Tx, result: T) => Promise<R>,
  ): Promise<{ result: T; record: R }> {
    const documentName = agreementDocName(caseId);
    return this.#exclusive(documentName, () =>
      this.withDocument(caseId, async (live) => {
        const scratch = new Y.Doc({ gc: live.gc });
        try {
          Y.applyUpdate(scratch, Y.encodeStateAsUpdate(live));
          const updates: Uint8Array[] = [];
          scratch.on('update', (u: Uint8Array) => updates.push(u));
          const result = change(scratch);
          const update = updates.length > 0 ? Y.mergeUpdates(updates) : null;
          const recorded = await this.#ctx.db.$transaction(async (tx) => {
            if (update) {
              await tx.draftUpdate.create({
                data: { docName: documentName, caseId, kind: 'update', update: dbBytes(update), sha256: sha256Hex(update), authorId },
              });
            }
            return record(tx, result);
          });
          if (update) Y.applyUpdate(live, update, STORED_ORIGIN);
          return { result, record: recorded };
        } finally {
          scratch.destroy();
        }
      }),
    );
  }

  /** Runs `fn` with the live document of a case (loaded if nobody has it open). */
  async withDocument<T>(caseId: string, fn: (doc: Document) => Promise<T>): Promise<T> {
    const connection = await this.#openDirect(agreementDocName(caseId));
    try {
      return await fn(connection.document!);
    } finally {
      await connection.disconnect();
    }
  }

  /** The current state of a case's draft, encoded as one Yjs update. */
  currentState(caseId: string): Promise<Uint8Array> {
    return this.withDocument(caseId, async (doc) => Y.encodeStateAsUpdate(doc));
  }

  async #openDirect(documentName: string) {
    if (this.#tainted.has(documentName)) throw new DomainError('INTERNAL', '协议草稿正在重新加载，请稍后重试');
    try {
      return await this.hocuspocus.openDirectConnection(documentName, { system: true });
    } catch (err) {
      if (err instanceof Refusal)
        throw new DomainError(
          err.reason === 'DRAFT_LOAD_FAILED' ? 'INTERNAL' : 'NOT_FOUND',
          err.reason === 'DRAFT_LOAD_FAILED' ? '协议草稿读取失败，请联系管理员' : err.detail,
        );
      throw err;
    }
  }

  #exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#mutations.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#mutations.set(key, settled);
    settled.then(() => {
      if (this.#mutations.get(key) === settled) this.#mutations.delete(key);
    });
    return run;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Closes every connection, waits for pending appends, compacts what was open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const open = [...this.hocuspocus.documents.keys()];
    this.hocuspocus.closeConnections();
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await Promise.allSettled([...this.#mutations.values()]);
    // Let the closed documents unload (their unload compaction runs meanwhile).
    const deadline = Date.now() + 2000;
    while ((this.hocuspocus.documents.size > 0 || this.hocuspocus.unloadingDocuments.size > 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    await this.store.flush();
    for (const name of open) await this.#compact(name, 2);
    await this.store.close();
  }

  /** Identity of a live connection (tests, diagnostics). */
  static identityOf(connection: Connection): DraftIdentity {
    return contextOf(connection).access.identity;
  }
}

function contextOf(connection: Connection): ConnectionContext {
  return connection.context as ConnectionContext;
}
