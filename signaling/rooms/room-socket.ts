// The socket.io side of live rooms: authenticates each connection (party link token or
// staff session cookie), validates every request against its schema, dispatches it to a
// handler and answers with an ack. No room logic lives here.
//
// Several nodes (REDIS_URL): a room lives on the node that owns it (cluster/room-owners.ts).
// A connection that reaches another node is served there transparently: its requests are
// forwarded to the owner (room-forwarding.ts), which talks back to it through this node.
import type { FastifyInstance } from 'fastify';
import { isSfuError } from '../../sfu/index.ts';
import fastifyCookie from '@fastify/cookie';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { lookupSession, SESSION_COOKIE } from '../auth/sessions.ts';
import { resolveLink } from '../cases/invitation-service.ts';
import { invitationIdOf } from '../auth/link-tokens.ts';
import type { LinkRevoked } from '../access-events.ts';
import type { AppContext } from '../context.ts';
import { labelOf, PARTICIPANT_ROLES } from '../domain/vocabulary.ts';
import { DomainError, refusalAck } from '../errors.ts';
import { ClientRequests, describeZodError, ROOM_NAMESPACE, type Ack, type ClientRequestName, type RequestOf, type ResponseOf } from '../protocol/room.ts';
import type { LiveRoom } from './live-room.ts';
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

export function attachRoomSockets(app: FastifyInstance, ctx: AppContext, registry: RoomRegistry, options: RoomSocketOptions, cluster: Cluster | null = null): Server {
  const publicOrigin = new URL(ctx.config.publicUrl).origin;
  const io = new Server(app.server, {
    path: '/socket.io',
    serveClient: false,
    pingInterval: options.pingIntervalMs,
    pingTimeout: options.pingTimeoutMs,
    maxHttpBufferSize: 256 * 1024,
    // Several nodes: cross-node events (link revocations) travel over Redis.
    ...(cluster ? { adapter: createAdapter(cluster.redis.command, cluster.redis.subscriber) } : {}),
    // Browsers always send Origin on WebSocket/XHR: refuse other sites (cookies are SameSite=Strict too).
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      const host = req.headers.host;
      callback(null, !origin || origin === publicOrigin || origin === `http://${host}` || origin === `https://${host}`);
    },
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
  // A revoked link ends the connections opened with it (the participant may hold another, newer link).
  const onRevoked = ({ invitationId }: LinkRevoked) => {
    for (const session of sessions) {
      if (session.principal.kind !== 'party' || invitationIdOf(session.principal.token) !== invitationId) continue;
      session.joined?.room.revokeAccess(session.joined.peerId);
      session.joined = null;
      session.client.disconnect();
    }
  };
  ctx.events.on('linkRevoked', onRevoked);
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
    ctx.events.off('linkRevoked', onRevoked);
    forwarding?.close();
    registry.closeAll();
    await io.close();
  });
  return io;
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
  if (typeof token === 'string' && token.length > 0) {
    // Validated here for a clear connection error, and again at join against the case.
    await resolveLink(ctx, token, { ip: socket.handshake.address, userAgent: socket.handshake.headers['user-agent'] ?? '' });
    return { kind: 'party', token };
  }
  const raw = fastifyCookie.parse(socket.handshake.headers.cookie ?? '')[SESSION_COOKIE];
  const unsigned = raw ? app.unsignCookie(raw) : null;
  const session = unsigned?.valid && unsigned.value ? await lookupSession(ctx, unsigned.value) : null;
  if (!session) throw new DomainError('NOT_AUTHENTICATED', '请先登录或通过邀请链接进入');
  if (session.mustChangePassword) throw new DomainError('PASSWORD_CHANGE_REQUIRED');
  return { kind: 'staff', user: session.user };
}

async function dispatch(app: FastifyInstance, session: Session, event: ClientRequestName, payload: unknown, handlers: HandlerMap): Promise<Ack<Record<string, unknown>>> {
  const parsed = ClientRequests[event].request.safeParse(payload ?? {});
  if (!parsed.success) return refusalAck(new DomainError('VALIDATION', describeZodError(parsed.error)));
  try {
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
      const identity = await identityFor(ctx, session, c, caseId);
      const room = await registry.getOrCreate(c!);
      const { status } = await room.join(identity, memberSocket(session));
      session.joined = { room, peerId: identity.peerId };
      return {
        self: { peerId: identity.peerId, displayName: identity.displayName, roleLabel: identity.roleLabel, roomRole: identity.roomRole, side: identity.side, caseNumber: c!.number, caseTitle: c!.title },
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
      const { room, me } = mediatorOf(session);
      const { caucusId } = await room.startCaucus(me, peerIds, mediatorPeerIds);
      return { caucusId };
    },
    'caucus:end': async (session, { caucusId }) => {
      const { room, me } = mediatorOf(session);
      await room.endCaucus(me, caucusId);
      return {};
    },
    'caucus:endAll': async (session) => {
      const { room, me } = mediatorOf(session);
      await room.endAllCaucuses(me);
      return {};
    },
    'caucus:carry': async (session, { fromSide, toSide, text }) => {
      const { room, me } = mediatorOf(session);
      return room.carry(me, fromSide, toSide, text);
    },
    'mediator:admit': async (session, { peerId }) => {
      const { room, me } = mediatorOf(session);
      await room.admit(me, peerId);
      return {};
    },
    'mediator:deny': async (session, { peerId, reason }) => {
      const { room, me } = mediatorOf(session);
      await room.deny(me, peerId, reason);
      return {};
    },
    'mediator:mute': async (session, { peerId, kind, muted }) => {
      const { room, me } = mediatorOf(session);
      await room.mute(me, peerId, kind, muted);
      return {};
    },
    'mediator:remove': async (session, { peerId }) => {
      const { room, me } = mediatorOf(session);
      await room.remove(me, peerId);
      return {};
    },
    'mediator:end': async (session) => {
      const { room, me } = mediatorOf(session);
      session.joined = null;
      await room.end(me);
      return {};
    },
  };
}

/** Who this connection is in the given case, or why it may not enter. */
async function identityFor(ctx: AppContext, session: Session, c: { id: string; orgId: string; mediatorId: string | null } | null, caseId: string): Promise<MemberIdentity> {
  const { principal, client } = session;
  if (principal.kind === 'staff') {
    const user = principal.user;
    if (user.role === 'JUDGE') {
      // 询问: a judge of the court reviewing the case's application leads a video session in its room.
      const application = c ? await ctx.db.judicialApplication.findUnique({ where: { caseId: c.id } }) : null;
      if (!application || application.courtId !== user.courtId || !['ACCEPTED', 'REVIEWING'].includes(application.status)) throw new DomainError('FORBIDDEN', '只有受理该司法确认申请的法院的法官可以发起视频询问');
      return { peerId: user.id, roomRole: 'mediator', displayName: user.displayName, roleLabel: '法官', side: 'NEUTRAL', identityConfirmed: true, consentGiven: true };
    }
    if (!c || c.orgId !== user.orgId) throw new DomainError('CASE_NOT_FOUND', '案件不存在');
    const isCaseMediator = user.role === 'ADMIN' || (user.role === 'MEDIATOR' && c.mediatorId === user.id);
    if (!isCaseMediator) throw new DomainError('FORBIDDEN', '您不是本案的调解员');
    return { peerId: user.id, roomRole: 'mediator', displayName: user.displayName, roleLabel: '调解员', side: 'NEUTRAL', identityConfirmed: true, consentGiven: true };
  }
  const link = await resolveLink(ctx, principal.token, { ip: client.address, userAgent: client.userAgent, expectCaseId: caseId });
  const p = link.participant;
  return {
    peerId: p.id,
    roomRole: 'party',
    displayName: p.name,
    roleLabel: labelOf(PARTICIPANT_ROLES, p.role),
    side: p.side as MemberIdentity['side'],
    identityConfirmed: p.identityConfirmedAt !== null,
    consentGiven: p.consentAt !== null,
  };
}
