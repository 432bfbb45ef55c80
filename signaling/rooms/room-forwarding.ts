// Several nodes, one room: a room's media and state live on the node that owns it. A client
// connected to another node (its "home") is served by the owner through that node — the home
// forwards the client's requests to the owner, the owner sends events and requests back to the
// client through the home — so the client never notices which node holds its room.
//
// Failure handling: the home watches the owners it forwards to; when one is gone (no Redis
// subscriber) or the room changed hands, it closes the client's socket, the client reconnects
// and re-joins, and the join places the room again (taking it over from a dead owner, with the
// state that owner kept in Redis — see RoomStateStore).
import { DomainError, refusalAck } from '../errors.ts';
import { BackgroundTasks } from './background-tasks.ts';
import type { FastifyBaseLogger } from 'fastify';
import type { Namespace } from 'socket.io';
import type { AccessRevoked } from '../access-events.ts';
import type { Cluster } from '../cluster/index.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import type { CaseRole } from '../access/grants.ts';
import { ClientRequests, type Ack, type ClientRequestName } from '../protocol/room.ts';
import type { LiveRoom } from './live-room.ts';
import type { RoomRegistry } from './room-registry.ts';
import { AccessRevokedMessage, ClientEmit, ClientGone, ClientRequest, ForwardedRequest } from './forwarding-messages.ts';

export type Principal = { kind: 'staff'; user: StaffPrincipal } | { kind: 'party'; token: string };

/** The client end of a session: a local socket, or one on another node. */
export interface ClientConn {
  readonly id: string;
  readonly address: string;
  readonly userAgent: string;
  emit(event: string, payload: unknown): void;
  request(event: string, payload: unknown, timeoutMs: number): Promise<unknown>;
  disconnect(): void;
}

/** Per-connection state. */
export interface Session {
  client: ClientConn;
  principal: Principal;
  /** The room joined, as whom, and with which role in the case (what its requests are granted). */
  joined: { room: LiveRoom; peerId: string; role: CaseRole } | null;
  /** The room is on another node: requests go there. */
  forwardedTo: { nodeId: string; caseId: string } | null;
}

export interface ForwardingDeps {
  ctx: AppContext;
  nsp: Namespace;
  cluster: Cluster;
  registry: RoomRegistry;
  /** Every session this node serves: its own clients and other nodes' clients in its rooms. */
  sessions: Set<Session>;
  serve(session: Session, event: ClientRequestName, payload: unknown): Promise<Ack<Record<string, unknown>>>;
  log: FastifyBaseLogger;
}

const MOVED = refusalAck(new DomainError('ROOM_MOVED'));
const CLUSTER_DOWN = refusalAck(new DomainError('ROOM_UNAVAILABLE', '暂时无法连接调解服务集群，请稍后重试'));
const WATCH_EVERY_MS = 1_000;

export function attachForwarding({ ctx, nsp, cluster, registry, sessions, serve, log }: ForwardingDeps) {
  // Messages to another node that nobody waits for: a node that went away is found by the owner
  // watch, so a failed send is only worth a warning.
  const tasks = new BackgroundTasks({ warn: (o, m) => log.warn(o, m), error: (o, m) => log.warn(o, m) }, { nodeId: cluster.nodeId });
  const { rpc, owners, nodeId } = cluster;
  /** Other nodes' clients in rooms owned here, by `${homeNode}/${socketId}`. */
  const remote = new Map<string, Session>();
  /** This node's clients whose room is elsewhere, by socket id. */
  const forwarded = new Map<string, Session>();

  /** Where the room lives now: claimed here if free, taken over if its owner is gone. */
  async function placeRoom(caseId: string): Promise<string> {
    const owner = await owners.claim(caseId);
    if (owner === nodeId || (await rpc.isAlive(owner))) return owner;
    if (await owners.takeOver(caseId, owner)) {
      log.warn({ caseId, from: owner }, 'room owner is gone: taking the room over');
      return nodeId;
    }
    return (await owners.ownerOf(caseId)) ?? owners.claim(caseId);
  }

  /** A join served here; a refused one must not leave the room claimed by this node. */
  async function serveJoin(session: Session, payload: unknown, caseId: string) {
    const reply = await serve(session, 'room:join', payload);
    if (!reply.ok && !registry.get(caseId)) await owners.release(caseId);
    return reply;
  }

  function stopForwarding(session: Session): void {
    const target = session.forwardedTo;
    if (!target) return;
    session.forwardedTo = null;
    forwarded.delete(session.client.id);
    tasks.run('tell the owner a forwarded client left', () => rpc.send(target.nodeId, 'room.closed', { socketId: session.client.id }));
  }

  /** The owner went away: the client reconnects and its join finds the room's new home. */
  function moveAway(session: Session): void {
    session.forwardedTo = null;
    forwarded.delete(session.client.id);
    session.client.disconnect();
  }

  async function route(session: Session, event: ClientRequestName, payload: unknown): Promise<Ack<Record<string, unknown>>> {
    if (event === 'room:join') {
      const parsed = ClientRequests['room:join'].request.safeParse(payload ?? {});
      if (parsed.success) {
        const { caseId } = parsed.data;
        let owner: string;
        try {
          owner = await placeRoom(caseId);
        } catch (err) {
          log.error({ err, caseId }, 'could not place a room');
          return CLUSTER_DOWN;
        }
        if (owner === nodeId) {
          stopForwarding(session);
          return serveJoin(session, payload, caseId);
        }
        if (session.forwardedTo?.nodeId !== owner) stopForwarding(session);
        session.forwardedTo = { nodeId: owner, caseId };
        forwarded.set(session.client.id, session);
      }
    }
    const target = session.forwardedTo;
    if (!target) return serve(session, event, payload);
    const request: ForwardedRequest = {
      socketId: session.client.id,
      principal: session.principal,
      address: session.client.address,
      userAgent: session.client.userAgent,
      event,
      payload,
    };
    try {
      return (await rpc.call(target.nodeId, 'room.request', request)) as Ack<Record<string, unknown>>;
    } catch (err) {
      log.warn({ err: (err as Error).message, owner: target.nodeId, event }, 'room owner did not answer: moving the client');
      setImmediate(() => moveAway(session));
      return MOVED;
    }
  }

  // ── owner side: other nodes' clients ───────────────────────────────────────────

  function remoteClient(home: string, r: ForwardedRequest): ClientConn {
    const { socketId } = r;
    return {
      id: socketId,
      address: r.address,
      userAgent: r.userAgent,
      emit: (event, payload) =>
        tasks.run('relay an event to a client on another node', async () => {
          if (!(await rpc.send(home, 'client.emit', { socketId, event, payload }))) homeGone(home);
        }),
      request: (event, payload, timeoutMs) => rpc.call(home, 'client.request', { socketId, event, payload, timeoutMs }, timeoutMs + 2_000),
      disconnect: () => tasks.run('disconnect a client on another node', () => rpc.send(home, 'client.disconnect', { socketId })),
    };
  }

  function remoteClosed(key: string): void {
    const session = remote.get(key);
    if (!session) return;
    remote.delete(key);
    sessions.delete(session);
    if (session.joined) session.joined.room.socketClosed(session.joined.peerId, session.client.id);
  }

  /** A home node died: its clients count as disconnected (they keep their place for the grace period). */
  function homeGone(home: string): void {
    for (const key of [...remote.keys()]) if (key.startsWith(`${home}/`)) remoteClosed(key);
  }

  rpc.handle('room.request', ForwardedRequest, async (r, from) => {
    const key = `${from}/${r.socketId}`;
    let session = remote.get(key);
    if (!session) {
      session = { client: remoteClient(from, r), principal: r.principal, joined: null, forwardedTo: null };
      remote.set(key, session);
      sessions.add(session);
    }
    if (r.event === 'room:join') {
      const parsed = ClientRequests['room:join'].request.safeParse(r.payload ?? {});
      if (parsed.success) {
        // The home placed the room here a moment ago; make sure it is still ours.
        if ((await placeRoom(parsed.data.caseId)) !== nodeId) return MOVED;
        return serveJoin(session, r.payload, parsed.data.caseId);
      }
    }
    return serve(session, r.event, r.payload);
  });
  rpc.handle('room.closed', ClientGone, ({ socketId }, from) => remoteClosed(`${from}/${socketId}`));

  // ── home side: what owners send to this node's clients ────────────────────────

  /** Only the node this client's room is on may talk to it. */
  const clientOf = (socketId: string, from: string) => (forwarded.get(socketId)?.forwardedTo?.nodeId === from ? nsp.sockets.get(socketId) : undefined);
  rpc.handle('client.emit', ClientEmit, ({ socketId, event, payload }, from) => {
    clientOf(socketId, from)?.emit(event, payload);
  });
  rpc.handle('client.request', ClientRequest, async ({ socketId, event, payload, timeoutMs }, from) => {
    const socket = clientOf(socketId, from);
    if (!socket) throw new Error('client is not connected here');
    return socket.timeout(timeoutMs).emitWithAck(event, payload);
  });
  rpc.handle('client.disconnect', ClientGone, ({ socketId }, from) => {
    const session = forwarded.get(socketId);
    if (session?.forwardedTo?.nodeId === from) moveAway(session);
  });

  // Owners that died or rooms that changed hands: send their clients to the new place.
  const watch = setInterval(() => {
    void (async () => {
      const byOwner = new Map<string, Session[]>();
      for (const s of forwarded.values()) {
        const owner = s.forwardedTo!.nodeId;
        if (!byOwner.has(owner)) byOwner.set(owner, []);
        byOwner.get(owner)!.push(s);
      }
      for (const [owner, list] of byOwner) {
        if (await rpc.isAlive(owner)) {
          for (const s of list) if (s.forwardedTo && (await owners.ownerOf(s.forwardedTo.caseId)) !== owner) moveAway(s);
        } else {
          for (const s of list) moveAway(s);
        }
      }
    })().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'room owner watch failed'));
  }, WATCH_EVERY_MS);
  watch.unref();

  // This node lost a room (cut off from Redis longer than the owner TTL): its clients go to the new owner.
  owners.onLost = (caseId) => {
    const room = registry.get(caseId);
    if (!room) return;
    log.warn({ caseId }, 'lost ownership of a room: closing it here');
    for (const s of sessions) {
      if (s.joined?.room !== room) continue;
      s.joined = null;
      s.client.disconnect();
    }
    room.close('moved');
  };

  // Redis came back empty (or our lease lapsed unclaimed): the room's kept state is written again.
  owners.onReclaimed = (caseId) => {
    const room = registry.get(caseId);
    if (!room) return;
    log.warn({ caseId }, 'room lease had vanished: taken again, room state kept again');
    room.keepStateAgain();
  };

  // Access is taken away on one node (links, accounts, participants); the socket.io Redis adapter
  // carries it to the others, where it ends their room sockets and drafting connections too.
  // Signed like every message between nodes (a forged one could end anyone's connection).
  const REVOKED = 'jiefen:access-revoked';
  const relayed = new WeakSet<AccessRevoked>();
  const shareRevocation = (e: AccessRevoked) => {
    if (!relayed.has(e)) nsp.serverSideEmit('accessRevoked', cluster.auth.seal(REVOKED, JSON.stringify(e)).toString('base64'));
  };
  ctx.events.on('accessRevoked', shareRevocation);
  nsp.on('accessRevoked', (sealed: unknown) => {
    const opened = cluster.auth.open(REVOKED, Buffer.from(typeof sealed === 'string' ? sealed : '', 'base64'));
    if (!opened.ok) return;
    let json: unknown;
    try {
      json = JSON.parse(opened.payload.toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = AccessRevokedMessage.safeParse(json);
    if (!parsed.success) return cluster.auth.malformed(REVOKED);
    relayed.add(parsed.data);
    ctx.events.emit('accessRevoked', parsed.data);
  });

  return {
    route,
    /** This node's client disconnected. */
    clientGone: (session: Session) => stopForwarding(session),
    close() {
      clearInterval(watch);
      ctx.events.off('accessRevoked', shareRevocation);
      owners.onLost = () => undefined;
      owners.onReclaimed = () => undefined;
    },
  };
}
