// The socket.io side of live rooms: authenticates each connection (party link token or
// staff session cookie — room-admission.ts), validates every request against its schema,
// dispatches it to a handler (request-dispatch.ts, room-handlers.ts) and answers with an ack.
// No room logic lives here.
//
// Several nodes (REDIS_URL): a room lives on the node that owns it (cluster/room-owners.ts).
// A connection that reaches another node is served there transparently: its requests are
// forwarded to the owner (room-forwarding.ts), which talks back to it through this node.
import type { FastifyInstance } from 'fastify';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { originAllowed } from '../access/principal.ts';
import { invitationIdOf } from '../auth/link-tokens.ts';
import { revokes, type AccessRevoked, type Holder } from '../access-events.ts';
import type { AppContext } from '../context.ts';
import { DomainError, ERRORS, refusalAck } from '../errors.ts';
import { ClientRequests, ROOM_NAMESPACE, type ClientRequestName } from '../protocol/room.ts';
import { BackgroundTasks } from './background-tasks.ts';
import { removalNotice } from './live-room.ts';
import { authenticate } from './room-admission.ts';
import { roomHandlers } from './room-handlers.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { Cluster } from '../cluster/index.ts';
import { attachForwarding, type ClientConn, type Principal, type Session } from './room-forwarding.ts';
import { dispatch } from './request-dispatch.ts';
import { clientAddress } from '../http/trust-proxy.ts';
import { RoomShutdown } from './room-shutdown.ts';

/** How long a stopping server waits for room requests being served (their writes, their answers). */
const SHUTDOWN_REQUEST_WAIT_MS = 10_000;

export interface RoomSocketOptions {
  pingIntervalMs: number;
  pingTimeoutMs: number;
}

export function attachRoomSockets(
  app: FastifyInstance,
  ctx: AppContext,
  registry: RoomRegistry,
  options: RoomSocketOptions,
  cluster: Cluster | null = null,
): Server {
  const io = new Server(app.server, {
    path: '/socket.io',
    serveClient: false,
    pingInterval: options.pingIntervalMs,
    pingTimeout: options.pingTimeoutMs,
    maxHttpBufferSize: 256 * 1024,
    // Several nodes: cross-node events (access taken away) travel over Redis.
    ...(cluster ? { adapter: createAdapter(cluster.redis.command, cluster.redis.subscriber) } : {}),
    // Browsers always send Origin on WebSocket/XHR: refuse other sites (cookies are SameSite=Strict too).
    allowRequest: (req, callback) => callback(null, originAllowed(ctx.config.publicUrl, req.headers.origin, req.headers.host)),
  });

  const nsp = io.of(ROOM_NAMESPACE);
  nsp.use(async (socket, next) => {
    try {
      socket.data.principal = await authenticate(app, ctx, socket);
      next();
    } catch (err) {
      const e = err instanceof DomainError ? err : new DomainError('NOT_AUTHENTICATED', '请先登录或通过邀请链接进入');
      next(Object.assign(new Error(e.message), { data: { code: e.code } }));
    }
  });

  const handlers = roomHandlers(ctx, registry);
  const serve = (session: Session, event: ClientRequestName, payload: unknown) => dispatch(app, session, event, payload, handlers);
  const sessions = new Set<Session>();
  const forwarding = cluster ? attachForwarding({ ctx, nsp, cluster, registry, sessions, serve, log: app.log }) : null;
  // Work the socket side starts and nobody waits for: answering a request, taking a revoked member out.
  const tasks = new BackgroundTasks(app.log, { component: 'room-socket' });
  // Access taken away ends the connections opened with it: a revoked link (the participant may
  // hold another, newer link), a deactivated or re-passworded account, a deleted participant.
  const onRevoked = (e: AccessRevoked) => {
    const notice = removalNotice(e);
    for (const session of sessions) {
      if (!revokes(e, holderOf(session))) continue;
      if (session.joined) {
        const { room, peerId } = session.joined;
        tasks.run('take a revoked member out of the room', () => room.revokeAccess(peerId, notice));
      }
      // Served by another node, which takes it out of the room: say why here, the socket closes now.
      else if (session.forwardedTo) session.client.emit('room:removed', notice);
      session.joined = null;
      session.client.disconnect();
    }
    // Someone away within the reconnect grace leaves the rooms held here too (a link's holder
    // may come back with another link, so that one only ends its own connections).
    const away = e.kind === 'participant' ? e.participantId : e.kind === 'user' || e.kind === 'co-mediator' ? e.userId : null;
    const rooms = e.kind === 'co-mediator' ? [registry.get(e.caseId)] : registry.rooms();
    if (away) for (const room of rooms) if (room) tasks.run('take a revoked absent member out of the room', () => room.revokeAccess(away, notice));
  };
  ctx.events.on('accessRevoked', onRevoked);
  nsp.on('connection', (socket) => {
    const session: Session = {
      client: localClient(socket, clientAddress(ctx.config.trustProxy, socket.request)),
      principal: socket.data.principal as Principal,
      joined: null,
      forwardedTo: null,
    };
    sessions.add(session);
    for (const event of Object.keys(ClientRequests) as ClientRequestName[]) {
      socket.on(event, (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return; // every request must carry an ack callback
        if (shutdown.stopping) return void (ack as (r: unknown) => void)(refusalAck(new DomainError('SERVER_RESTARTING')));
        const reply = shutdown.track(forwarding ? forwarding.route(session, event, payload) : serve(session, event, payload));
        // The reply is always an ack (failures are mapped to refusals); a failure to deliver it is logged.
        tasks.run(`answer ${event}`, async () => (ack as (r: unknown) => void)(await reply));
      });
    }
    socket.on('disconnect', () => {
      sessions.delete(session);
      forwarding?.clientGone(session);
      const joined = session.joined;
      if (joined) joined.room.socketClosed(joined.peerId, socket.id);
    });
  });

  // Stopping (SIGTERM, or any close): clients learn why their socket is about to close (they
  // reconnect by themselves), new requests are refused, and those being served finish their
  // writes and get their answers before the rooms close. In preClose: the HTTP server's own
  // close waits for every connection, these sockets included.
  const shutdown = new RoomShutdown();
  app.addHook('preClose', async () => {
    shutdown.begin();
    for (const session of sessions) session.client.emit('server:restarting', { message: ERRORS.SERVER_RESTARTING.message });
    await shutdown.inFlightDone(SHUTDOWN_REQUEST_WAIT_MS);
    ctx.events.off('accessRevoked', onRevoked);
    forwarding?.close();
    registry.closeAll();
    // Close the client connections now; io.close() also waits for the HTTP server's close, which
    // waits for the drafting connections still open at this point: it runs in onClose.
    io.engine.close();
  });
  app.addHook('onClose', async () => {
    await io.close();
  });
  return io;
}

/** Whose connection this is, and (staff) the case it acts on: the room it joined, here or on another node. */
function holderOf({ principal, joined, forwardedTo }: Session): Holder {
  if (principal.kind === 'party') return { kind: 'party', invitationId: invitationIdOf(principal.token) };
  return { kind: 'staff', userId: principal.user.id, caseId: joined?.room.caseId ?? forwardedTo?.caseId ?? null };
}

function localClient(socket: Socket, address: string): ClientConn {
  return {
    id: socket.id,
    address,
    userAgent: socket.handshake.headers['user-agent'] ?? '',
    emit: (event, payload) => void socket.emit(event, payload),
    request: (event, payload, timeoutMs) => socket.timeout(timeoutMs).emitWithAck(event, payload),
    disconnect: () => void socket.disconnect(true),
  };
}
