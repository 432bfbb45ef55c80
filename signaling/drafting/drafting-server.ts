// The drafting sync server: Yjs over WebSocket (Hocuspocus 3) on fastify's HTTP server at
// /drafting, one document per case (`agreement:<caseId>`), persisted in SQLite via DraftStore.
//
// Timeline of one connection (Hocuspocus hooks, see STYLE.md):
//   upgrade        Origin check (cookies ride along on WebSocket upgrades), then ws handshake.
//   onAuthenticate link token (party) or staff session cookie → DraftAccess; read-only unless
//                  the grants allow editing (Hocuspocus then drops the connection's updates and
//                  answers SyncStatus(false); they reach neither other clients nor storage).
//                  A mediator's open moves the case to 调解中 (cases/work-moves.ts).
//   onLoadDocument single-flight per document (Hocuspocus `loadingDocuments`): first open writes
//                  the initial content (from the template) as the first row; then the stored log
//                  is verified and replayed. Any failure refuses the connection; nothing is stored.
//   afterLoadDocument  persistence listener (every applied update → DraftStore.append; every
//                  acknowledgement on the document waits until the appends started before it are
//                  committed — ack-gate.ts) and awareness identities (awareness-identity.ts);
//                  live-document.ts. A failed append drops the document (tainted-documents.ts).
//   beforeHandleMessage  installs the ack gate before the first message is applied; refuses
//                  message types clients have no business sending; audits a party's edit attempt
//                  (client-messages.ts).
//   onStoreDocument (debounced 2 s, at most 10 s) and afterUnloadDocument: compaction.
//   Several nodes (REDIS_URL): a document follows the other nodes' committed updates from
//                  before its load (cluster/doc-relay.ts); its own go out once committed.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  Hocuspocus,
  type Connection,
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
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { appendAudit, recordAudit } from '../audit/log.ts';
import { invitationIdOf } from '../auth/link-tokens.ts';
import { revokes, type AccessRevoked } from '../access-events.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { roleInCase } from '../access/case-access.ts';
import type { CaseRole } from '../access/grants.ts';
import { advanceOnWork } from '../cases/work-moves.ts';
import { originAllowed, resolvePrincipal } from '../access/principal.ts';
import { AckGate, PersistenceBarrier } from './ack-gate.ts';
import { ClientMessageGuard } from './client-messages.ts';
import { contextOf, Refusal, type ConnectionContext } from './connection-context.ts';
import { agreementDocName, caseIdOfDocName } from './doc-name.ts';
import { dbBytes, DraftLoadError, DraftStore, sha256Hex } from './draft-store.ts';
import { WorkerWriter } from './draft-writer.ts';
import { RELAY_ORIGIN, type DocRelay } from '../cluster/doc-relay.ts';
import { partyAccess, staffAccess, type DraftAccess, type DraftIdentity } from './grants.ts';
import { keepLiveDocument, LOAD_ORIGIN, STORED_ORIGIN } from './live-document.ts';
import { SerialQueue } from './serial-queue.ts';
import { TaintedDocuments } from './tainted-documents.ts';
import { clientAddress } from '../http/trust-proxy.ts';

export const DRAFTING_PATH = '/drafting';

/** Who asks about a case's draft: a party's link token or a staff session cookie. */
interface DraftRequester {
  token: string | null;
  cookieHeader: string;
  ip: string;
  userAgent: string;
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

export class DraftingServer {
  readonly hocuspocus: Hocuspocus;
  readonly store: DraftStore;
  readonly #ctx: AppContext;
  readonly #app: FastifyInstance;
  readonly #log: FastifyBaseLogger;
  readonly #options: DraftingOptions;
  readonly #wss: WebSocketServer;
  /** Per document: server-side changes (suggestions, accepts…), one at a time. */
  readonly #mutations = new SerialQueue();
  /** Documents holding a change that could not be stored, until they are unloaded. */
  readonly #tainted: TaintedDocuments;
  /** Per live document: the appends its acknowledgements wait for. */
  readonly #barriers = new WeakMap<Document, PersistenceBarrier>();
  readonly #messages: ClientMessageGuard;
  #closed = false;

  static attach(app: FastifyInstance, ctx: AppContext, options: DraftingOptions): DraftingServer {
    const server = new DraftingServer(app, ctx, options);
    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => server.#upgrade(request, socket, head);
    app.server.on('upgrade', onUpgrade);
    const onRevoked = (e: AccessRevoked) => server.#accessRevoked(e);
    ctx.events.on('accessRevoked', onRevoked);
    // preClose: the HTTP server's own close waits for every connection, these included.
    app.addHook('preClose', async () => {
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
    this.#tainted = new TaintedDocuments(this.#log);
    this.#messages = new ClientMessageGuard(ctx, this.#log);
    this.store = new DraftStore(ctx.db, { writer: new WorkerWriter(ctx.config.databaseFile, ctx.crypto.dataKeys) });
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
      afterLoadDocument: async ({ document }: afterLoadDocumentPayload) =>
        keepLiveDocument(document, caseIdOfDocName(document.name)!, {
          store: this.store,
          barrier: this.#barrierOf(document),
          relay: this.#options.relay,
          onAppendFailed: (err) => this.#tainted.drop(document, err),
        }),
      beforeHandleMessage: async ({ connection, update }: beforeHandleMessagePayload) => {
        // Installed before the first message is applied, so its acknowledgement already waits.
        AckGate.install(connection, this.#barrierOf(connection.document));
        await this.#messages.check(connection, update);
      },
      onStoreDocument: async (data: onStoreDocumentPayload) => {
        await this.#compact(data.documentName, this.#options.compactAfterRows ?? 64);
      },
      afterUnloadDocument: async (data: afterUnloadDocumentPayload) => {
        this.#tainted.unloaded(data.documentName);
        await this.#compact(data.documentName, 2);
      },
    };
  }

  async #authenticate({ token, documentName, request, connectionConfig }: onAuthenticatePayload): Promise<ConnectionContext> {
    const ip = clientAddress(this.#ctx.config.trustProxy, request);
    const caseId = caseIdOfDocName(documentName);
    if (!caseId) throw this.#refuse('NOT_FOUND', `unknown document ${documentName}`);
    // A document dropped after a storage failure: wait for it to go, then load it afresh.
    if (!(await this.#tainted.settled(documentName, 10_000)))
      throw this.#refuse('DRAFT_UNAVAILABLE', `${documentName} is still being dropped after a storage failure`);
    let access: DraftAccess;
    try {
      const who = { token: token || null, cookieHeader: request.headers.cookie ?? '', ip, userAgent: request.headers['user-agent'] ?? '' };
      const principal = await this.#principalOf(caseId, who);
      access = this.#accessOf(caseId, principal, await roleInCase(this.#ctx, principal, caseId));
      // A mediator opening the draft starts the mediation (受理/分流 → 调解中, audited).
      if (principal.kind === 'staff') await advanceOnWork(this.#ctx, caseId, 'draft-opened', principal.user, access.role);
    } catch (err) {
      if (err instanceof DomainError) throw this.#refuse(err.code, err.message);
      throw err;
    }
    connectionConfig.readOnly = !access.grants.canEdit;
    return { access, ip, invitationId: token ? invitationIdOf(token) : null };
  }

  /** Who is asking about this case's draft (link token or session cookie) and what they may do. */
  async accessFor(caseId: string, who: DraftRequester): Promise<DraftAccess> {
    const principal = await this.#principalOf(caseId, who);
    return this.#accessOf(caseId, principal, await roleInCase(this.#ctx, principal, caseId));
  }

  async #principalOf(caseId: string, who: DraftRequester) {
    const principal = await resolvePrincipal(this.#ctx, (raw) => this.#app.unsignCookie(raw), {
      token: who.token,
      cookieHeader: who.cookieHeader,
      ip: who.ip,
      userAgent: who.userAgent,
      expectCaseId: caseId,
    });
    if (principal.kind === 'staff' && principal.mustChangePassword) throw new DomainError('PASSWORD_CHANGE_REQUIRED');
    return principal;
  }

  #accessOf(caseId: string, principal: Awaited<ReturnType<typeof resolvePrincipal>>, role: CaseRole | null): DraftAccess {
    return principal.kind === 'party' ? partyAccess(principal.participant, role ?? 'observer') : staffAccess(principal.user, caseId, role);
  }

  #refuse(reason: ErrorCode, detail: string): Refusal {
    this.#log.info({ reason, detail }, 'drafting connection refused');
    return new Refusal(reason, detail);
  }

  async #loadDocument({ documentName, document }: onLoadDocumentPayload): Promise<void> {
    const caseId = caseIdOfDocName(documentName);
    if (!caseId) throw this.#refuse('NOT_FOUND', `unknown document ${documentName}`);
    const catchUp = async () => void (await this.store.loadInto(documentName, document, RELAY_ORIGIN));
    await this.#options.relay?.follow(documentName, document, document.awareness, catchUp);
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
    return this.#mutations.run(documentName, () =>
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

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Closes every connection, waits for pending appends, compacts what was open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const open = [...this.hocuspocus.documents.keys()];
    this.hocuspocus.closeConnections();
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await this.#mutations.drained();
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
