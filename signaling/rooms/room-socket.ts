// The socket.io side of live rooms: authenticates each connection (party link token or
// staff session cookie), validates every request against its schema, dispatches it to a
// handler and answers with an ack. No room logic lives here.
//
// Several nodes (REDIS_URL): a room lives on the node that owns it (cluster/room-owners.ts).
// A connection that reaches another node is served there transparently: its requests are
// forwarded to the owner (room-forwarding.ts), which talks back to it through this node.
import type { FastifyInstance } from 'fastify';
import { isSfuError } from '../../sfu/index.ts';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { requireGrant, roleInCase } from '../access/case-access.ts';
import { linkRoleOf, type CaseRole } from '../access/grants.ts';
import { ROOM_EVENT_ACTIONS } from './room-actions.ts';
import { linkPrincipal, originAllowed, resolvePrincipal } from '../access/principal.ts';
import { invitationIdOf } from '../auth/link-tokens.ts';
import { revokes, type AccessRevoked, type Holder } from '../access-events.ts';
import type { AppContext } from '../context.ts';
import { labelOf, PARTICIPANT_ROLES } from '../domain/vocabulary.ts';
import { DomainError, refusalAck } from '../errors.ts';
import {
  ClientRequests,
  describeZodError,
  leadsRoom,
  ROOM_NAMESPACE,
  type Ack,
  type ClientRequestName,
  type RequestOf,
  type ResponseOf,
} from '../protocol/room.ts';
import { removalNotice, type LiveRoom } from './live-room.ts';
import type { MemberIdentity, MemberSocket } from './member.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { Cluster } from '../cluster/index.ts';
import { attachForwarding, type ClientConn, type Principal, type Session } from './room-forwarding.ts';

type Handler<E extends ClientRequestName> = (session: Session, payload: RequestOf<E>) => Promise<ResponseOf<E>>;
type HandlerMap = { [E in ClientRequestName]: Handler<E> };

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
  // Access taken away ends the connections opened with it: a revoked link (the participant may
  // hold another, newer link), a deactivated or re-passworded account, a deleted participant.
  const onRevoked = (e: AccessRevoked) => {
    const notice = removalNotice(e);
    for (const session of sessions) {
      if (!revokes(e, holderOf(session))) continue;
      if (session.joined)
        void session.joined.room
          .revokeAccess(session.joined.peerId, notice)
          .catch((err: unknown) => app.log.error({ err }, 'could not audit a revoked member'));
      // Served by another node, which takes it out of the room: say why here, the socket closes now.
      else if (session.forwardedTo) session.client.emit('room:removed', notice);
      session.joined = null;
      session.client.disconnect();
    }
    // Someone away within the reconnect grace leaves the rooms held here too (a link's holder
    // may come back with another link, so that one only ends its own connections).
    const away = e.kind === 'participant' ? e.participantId : e.kind === 'user' || e.kind === 'co-mediator' ? e.userId : null;
    const rooms = e.kind === 'co-mediator' ? [registry.get(e.caseId)] : registry.rooms();
    if (away)
      for (const room of rooms) void room?.revokeAccess(away, notice).catch((err: unknown) => app.log.error({ err }, 'could not audit a revoked member'));
  };
  ctx.events.on('accessRevoked', onRevoked);
  nsp.on('connection', (socket) => {
    const session: Session = { client: localClient(socket), principal: socket.data.principal as Principal, joined: null, forwardedTo: null };
    sessions.add(session);
    for (const event of Object.keys(ClientRequests) as ClientRequestName[]) {
      socket.on(event, (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return; // every request must carry an ack callback
        const reply = forwarding ? forwarding.route(session, event, payload) : serve(session, event, payload);
        void reply.then((r) => (ack as (r: unknown) => void)(r));
      });
    }
    socket.on('disconnect', () => {
      sessions.delete(session);
      forwarding?.clientGone(session);
      const joined = session.joined;
      if (joined) joined.room.socketClosed(joined.peerId, socket.id);
    });
  });

  app.addHook('onClose', async () => {
    ctx.events.off('accessRevoked', onRevoked);
    forwarding?.close();
    registry.closeAll();
    await io.close();
  });
  return io;
}

/** Whose connection this is, and (staff) the case it acts on: the room it joined, here or on another node. */
function holderOf({ principal, joined, forwardedTo }: Session): Holder {
  if (principal.kind === 'party') return { kind: 'party', invitationId: invitationIdOf(principal.token) };
  return { kind: 'staff', userId: principal.user.id, caseId: joined?.room.caseId ?? forwardedTo?.caseId ?? null };
}

function localClient(socket: Socket): ClientConn {
  return {
    id: socket.id,
    address: socket.handshake.address,
    userAgent: socket.handshake.headers['user-agent'] ?? '',
    emit: (event, payload) => void socket.emit(event, payload),
    request: (event, payload, timeoutMs) => socket.timeout(timeoutMs).emitWithAck(event, payload),
    disconnect: () => void socket.disconnect(true),
  };
}

async function authenticate(app: FastifyInstance, ctx: AppContext, socket: Socket): Promise<Principal> {
  const token = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
  // Validated here for a clear connection error, and again at join against the case.
  const principal = await resolvePrincipal(ctx, (raw) => app.unsignCookie(raw), {
    token: typeof token === 'string' && token.length > 0 ? token : null,
    cookieHeader: socket.handshake.headers.cookie,
    ip: socket.handshake.address,
    userAgent: socket.handshake.headers['user-agent'] ?? '',
  });
  if (principal.kind === 'staff' && principal.mustChangePassword) throw new DomainError('PASSWORD_CHANGE_REQUIRED');
  return principal.kind === 'party' ? { kind: 'party', token: principal.token } : { kind: 'staff', user: principal.user };
}

async function dispatch(
  app: FastifyInstance,
  session: Session,
  event: ClientRequestName,
  payload: unknown,
  handlers: HandlerMap,
): Promise<Ack<Record<string, unknown>>> {
  try {
    // Every request after the join needs the grant its event names, for the role held in the room
    // (checked before the payload: who may not act learns nothing about a valid request).
    if (event !== 'room:join') {
      if (!session.joined || session.joined.room.closed) throw new DomainError('NOT_JOINED');
      requireGrant(session.joined.role, ROOM_EVENT_ACTIONS[event], 'case');
    }
    const parsed = ClientRequests[event].request.safeParse(payload ?? {});
    if (!parsed.success) return refusalAck(new DomainError('VALIDATION', describeZodError(parsed.error)));
    const handler = handlers[event] as (s: Session, p: unknown) => Promise<Record<string, unknown>>;
    const data = await handler(session, parsed.data);
    return { ok: true, ...data };
  } catch (err) {
    if (err instanceof DomainError) return refusalAck(err);
    // The media plane's own codes are in the same table (its messages are for logs, not users).
    if (isSfuError(err)) return refusalAck(new DomainError(err.code));
    // mediasoup rejects malformed RTP/DTLS parameters with TypeError: that is bad input, not our failure.
    if (err instanceof TypeError) return refusalAck(new DomainError('VALIDATION', `参数无效：${err.message}`));
    app.log.error({ err, event }, 'room request failed');
    return refusalAck(new DomainError('INTERNAL'));
  }
}

function joinedOf(session: Session): { room: LiveRoom; peerId: string } {
  if (!session.joined || session.joined.room.closed) throw new DomainError('NOT_JOINED', '您尚未进入调解室');
  return session.joined;
}

/** Someone who leads the room: a mediator, or the judge questioning the parties. */
function leaderOf(session: Session) {
  const { room, peerId } = joinedOf(session);
  const me = room.member(peerId);
  if (!me || !leadsRoom(me.roomRole)) throw new DomainError('FORBIDDEN', '只有调解员或法官可以执行此操作');
  return { room, me };
}

/** A mediator: what only mediators do (carrying between the sides' notepads) — never the judge. */
function mediatorOf(session: Session) {
  const { room, peerId } = joinedOf(session);
  const me = room.member(peerId);
  if (!me || me.roomRole !== 'mediator') throw new DomainError('FORBIDDEN', '只有调解员可以执行此操作');
  return { room, me };
}

/** Plain RTP transports exist for the load benchmark only. */
function assertPlainRtpAllowed(ctx: AppContext): void {
  if (!ctx.config.loadTestPlainRtp) throw new DomainError('PLAIN_RTP_DISABLED');
}

function memberSocket(session: Session): MemberSocket {
  const { client } = session;
  return {
    id: client.id,
    emit: (event, payload) => client.emit(event, payload),
    request: (event, payload, timeoutMs) => client.request(event, payload, timeoutMs),
    detach: () => {
      session.joined = null;
    },
  };
}

function roomHandlers(ctx: AppContext, registry: RoomRegistry): HandlerMap {
  return {
    'room:join': async (session, { caseId }) => {
      if (session.joined && session.joined.room.caseId !== caseId && !session.joined.room.closed) {
        throw new DomainError('ALREADY_IN_OTHER_ROOM');
      }
      const c = await ctx.db.case.findUnique({ where: { id: caseId } });
      const { identity, role } = await identityFor(ctx, session, c, caseId);
      const room = await registry.getOrCreate(c!);
      const { status } = await room.join(identity, memberSocket(session));
      session.joined = { room, peerId: identity.peerId, role };
      return {
        self: {
          peerId: identity.peerId,
          displayName: identity.displayName,
          roleLabel: identity.roleLabel,
          roomRole: identity.roomRole,
          side: identity.side,
          caseNumber: c!.number,
          caseTitle: c!.title,
        },
        status,
      };
    },
    'room:leave': async (session) => {
      const { room, peerId } = joinedOf(session);
      session.joined = null;
      await room.leave(peerId, 'left');
      return {};
    },
    'media:getRouterRtpCapabilities': async (session) => {
      const { room, peerId } = joinedOf(session);
      return { rtpCapabilities: room.rtpCapabilities(peerId) as Record<string, unknown> };
    },
    'media:createTransport': async (session, { direction }) => {
      const { room, peerId } = joinedOf(session);
      return (await room.createTransport(peerId, direction)) as ResponseOf<'media:createTransport'>;
    },
    'media:connectTransport': async (session, { transportId, dtlsParameters }) => {
      const { room, peerId } = joinedOf(session);
      await room.connectTransport(peerId, transportId, dtlsParameters);
      return {};
    },
    'media:createPlainTransport': async (session, { direction }) => {
      assertPlainRtpAllowed(ctx);
      const { room, peerId } = joinedOf(session);
      return (await room.createTransport(peerId, direction, { plain: true })) as ResponseOf<'media:createPlainTransport'>;
    },
    'media:connectPlainTransport': async (session, { transportId, ip, port }) => {
      assertPlainRtpAllowed(ctx);
      const { room, peerId } = joinedOf(session);
      await room.connectPlainTransport(peerId, transportId, { ip, port });
      return {};
    },
    'media:restartIce': async (session, { transportId }) => {
      const { room, peerId } = joinedOf(session);
      return { iceParameters: (await room.restartIce(peerId, transportId)) as Record<string, unknown> };
    },
    'media:ready': async (session, { rtpCapabilities }) => {
      const { room, peerId } = joinedOf(session);
      await room.ready(peerId, rtpCapabilities);
      return {};
    },
    'media:produce': async (session, { transportId, kind, rtpParameters, source, paused }) => {
      const { room, peerId } = joinedOf(session);
      if ((kind === 'audio') !== (source === 'microphone')) throw new DomainError('VALIDATION', '参数无效：音频只能来自麦克风，视频只能来自摄像头或屏幕');
      return { producerId: await room.produce(peerId, transportId, kind, rtpParameters, source, paused) };
    },
    'media:closeProducer': async (session, { producerId }) => {
      const { room, peerId } = joinedOf(session);
      await room.closeProducer(peerId, producerId);
      return {};
    },
    'media:setProducerPaused': async (session, { producerId, paused }) => {
      const { room, peerId } = joinedOf(session);
      await room.setProducerPaused(peerId, producerId, paused);
      return {};
    },
    'media:setPreferredLayers': async (session, { consumerId, spatialLayer }) => {
      const { room, peerId } = joinedOf(session);
      await room.setPreferredLayers(peerId, consumerId, spatialLayer);
      return {};
    },
    'chat:send': async (session, { text }) => {
      const { room, peerId } = joinedOf(session);
      return { message: await room.chat(peerId, text) };
    },
    'chat:history': async (session) => {
      const { room, peerId } = joinedOf(session);
      return { messages: await room.chatHistory(peerId) };
    },
    'caucus:knock': async (session) => {
      const { room, peerId } = joinedOf(session);
      await room.knock(peerId);
      return {};
    },
    'notepad:get': async (session, { side }) => {
      const { room, peerId } = joinedOf(session);
      return room.getNotepad(peerId, side);
    },
    'notepad:update': async (session, { side, content, baseUpdatedAt }) => {
      const { room, peerId } = joinedOf(session);
      return room.updateNotepad(peerId, side, content, baseUpdatedAt);
    },
    'caucus:start': async (session, { peerIds, mediatorPeerIds }) => {
      const { room, me } = leaderOf(session);
      const { caucusId } = await room.startCaucus(me, peerIds, mediatorPeerIds);
      return { caucusId };
    },
    'caucus:end': async (session, { caucusId }) => {
      const { room, me } = leaderOf(session);
      await room.endCaucus(me, caucusId);
      return {};
    },
    'caucus:endAll': async (session) => {
      const { room, me } = leaderOf(session);
      await room.endAllCaucuses(me);
      return {};
    },
    'caucus:carry': async (session, { fromSide, toSide, text }) => {
      const { room, me } = mediatorOf(session);
      return room.carry(me, fromSide, toSide, text);
    },
    'mediator:admit': async (session, { peerId }) => {
      const { room, me } = leaderOf(session);
      await room.admit(me, peerId);
      return {};
    },
    'mediator:deny': async (session, { peerId, reason }) => {
      const { room, me } = leaderOf(session);
      await room.deny(me, peerId, reason);
      return {};
    },
    'mediator:mute': async (session, { peerId, kind, muted }) => {
      const { room, me } = leaderOf(session);
      await room.mute(me, peerId, kind, muted);
      return {};
    },
    'mediator:remove': async (session, { peerId }) => {
      const { room, me } = leaderOf(session);
      await room.remove(me, peerId);
      return {};
    },
    'mediator:end': async (session) => {
      const { room, me } = leaderOf(session);
      session.joined = null;
      await room.end(me);
      return {};
    },
  };
}

/** Who this connection is in the given case, or why it may not enter (grants: room.join). */
async function identityFor(ctx: AppContext, session: Session, c: { id: string } | null, caseId: string): Promise<{ identity: MemberIdentity; role: CaseRole }> {
  const { principal, client } = session;
  if (principal.kind === 'staff') {
    const user = principal.user;
    const role = c ? await roleInCase(ctx, { kind: 'staff', user }, caseId) : null;
    requireGrant(role, 'room.join', 'case');
    if (role === 'judge') {
      // 询问: the reviewing court's judge leads a video session while the application is under review.
      const application = await ctx.db.judicialApplication.findUnique({ where: { caseId } });
      if (!application || !['ACCEPTED', 'REVIEWING'].includes(application.status))
        throw new DomainError('APPLICATION_WRONG_STATE', '只有在法院受理后、作出裁定前可以发起视频询问');
      return {
        role,
        identity: {
          peerId: user.id,
          roomRole: 'judge',
          displayName: user.displayName,
          roleLabel: '法官',
          side: 'NEUTRAL',
          identityConfirmed: true,
          consentGiven: true,
        },
      };
    }
    return {
      role: role!,
      identity: {
        peerId: user.id,
        roomRole: 'mediator',
        displayName: user.displayName,
        roleLabel: role === 'co-mediator' ? '协办调解员' : '调解员',
        side: 'NEUTRAL',
        identityConfirmed: true,
        consentGiven: true,
      },
    };
  }
  const { participant: p } = await linkPrincipal(ctx, principal.token, { ip: client.address, userAgent: client.userAgent, expectCaseId: caseId });
  const role = linkRoleOf(p);
  requireGrant(role, 'room.join', 'case');
  const identity: MemberIdentity = {
    peerId: p.id,
    roomRole: 'party',
    displayName: p.name,
    roleLabel: labelOf(PARTICIPANT_ROLES, p.role),
    side: p.side as MemberIdentity['side'],
    identityConfirmed: p.identityConfirmedAt !== null,
    consentGiven: p.consentAt !== null,
  };
  return { identity, role };
}
