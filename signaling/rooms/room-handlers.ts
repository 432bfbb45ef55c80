// What each room request does: one handler per request of the protocol (a missing one is a
// compile error), each finding the caller's room and membership and calling one LiveRoom method.
// Requests only leaders (mediators, the judge) or only mediators may make check that here.
import type { AppContext } from '../context.ts';
import { turnCredentials } from '../rtc/turn.ts';
import { DomainError } from '../errors.ts';
import { leadsRoom, type ResponseOf } from '../protocol/room.ts';
import type { LiveRoom } from './live-room.ts';
import type { MemberSocket } from './member.ts';
import { advanceOnWork } from '../cases/work-moves.ts';
import { identityFor } from './room-admission.ts';
import type { Session } from './room-forwarding.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { HandlerMap } from './request-dispatch.ts';

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

type TransportParams = ResponseOf<'media:createTransport'>;

/** Fresh short-lived TURN credentials with each transport (none configured: direct ICE only). */
function withIceServers(ctx: AppContext, peerId: string, params: unknown): TransportParams {
  const p = params as TransportParams;
  return ctx.config.turn ? { ...p, iceServers: [turnCredentials(ctx.config.turn, peerId)] } : p;
}

export function roomHandlers(ctx: AppContext, registry: RoomRegistry): HandlerMap {
  return {
    'room:join': async (session, { caseId, mode }) => {
      if (session.joined && session.joined.room.caseId !== caseId && !session.joined.room.closed) {
        throw new DomainError('ALREADY_IN_OTHER_ROOM');
      }
      const c = await ctx.db.case.findUnique({ where: { id: caseId } });
      const { identity, role } = await identityFor(ctx, session, c, caseId);
      // A mediator opening the room starts the mediation (受理/分流 → 调解中, audited).
      if (session.principal.kind === 'staff') await advanceOnWork(ctx, caseId, 'room-opened', session.principal.user, role);
      const room = await registry.getOrCreate(c!);
      const { status } = await room.join(identity, memberSocket(session), mode ?? null);
      session.joined = { room, peerId: identity.peerId, role };
      // Admitted straight away: the router's capabilities come with the answer (one round trip less).
      const rtpCapabilities = status === 'admitted' ? (room.rtpCapabilities(identity.peerId) as Record<string, unknown>) : undefined;
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
        ...(rtpCapabilities ? { rtpCapabilities } : {}),
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
      return withIceServers(ctx, peerId, await room.createTransport(peerId, direction));
    },
    'media:createTransports': async (session, { send }) => {
      const { room, peerId } = joinedOf(session);
      // Side by side: each replaces only its own direction's previous transport on the member.
      const [sendParams, recvParams] = await Promise.all([send ? room.createTransport(peerId, 'send') : undefined, room.createTransport(peerId, 'recv')]);
      const recv = withIceServers(ctx, peerId, recvParams);
      return sendParams ? { send: withIceServers(ctx, peerId, sendParams), recv } : { recv };
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
    'media:setAudioOnly': async (session, { audioOnly, automatic }) => {
      const { room, peerId } = joinedOf(session);
      await room.setAudioOnly(peerId, audioOnly ? (automatic ? 'auto' : 'manual') : null);
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
