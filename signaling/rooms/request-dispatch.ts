// One room request, from payload to ack: the grant its event needs (after the join), the
// schema check, the handler, and every failure mapped to a refusal ack — domain and media-plane
// codes as they are, mediasoup's TypeError as bad input, anything else logged as INTERNAL.
import type { FastifyInstance } from 'fastify';
import { isSfuError } from '../../sfu/index.ts';
import { requireGrant } from '../access/case-access.ts';
import { DomainError, refusalAck } from '../errors.ts';
import { storageRefusal } from '../storage-fault.ts';
import { ClientRequests, describeZodError, type Ack, type ClientRequestName, type RequestOf, type ResponseOf } from '../protocol/room.ts';
import { ROOM_EVENT_ACTIONS } from './room-actions.ts';
import type { Session } from './room-forwarding.ts';
import { SocketRateLimits } from './socket-rate-limits.ts';

type Handler<E extends ClientRequestName> = (session: Session, payload: RequestOf<E>) => Promise<ResponseOf<E>>;
/** One handler per request the protocol defines: a missing one is a compile error. */
export type HandlerMap = { [E in ClientRequestName]: Handler<E> };

/** Each connection's rate limits (a forwarded client's are kept by the node serving its room). */
const limits = new WeakMap<Session, SocketRateLimits>();
function limitsOf(session: Session): SocketRateLimits {
  let l = limits.get(session);
  if (!l) limits.set(session, (l = new SocketRateLimits()));
  return l;
}

export async function dispatch(
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
      limitsOf(session).take(event);
    }
    const parsed = ClientRequests[event].request.safeParse(payload ?? {});
    if (!parsed.success) return refusalAck(new DomainError('VALIDATION', describeZodError(parsed.error)));
    const handler = handlers[event] as (s: Session, p: unknown) => Promise<Record<string, unknown>>;
    const data = await handler(session, parsed.data);
    // What the request changed in the room (an admission, a caucus, a mute) is stored before it is acknowledged.
    await session.joined?.room.acknowledgeable();
    return { ok: true, ...data };
  } catch (err) {
    if (err instanceof DomainError) return refusalAck(err);
    // The media plane's own codes are in the same table (its messages are for logs, not users).
    if (isSfuError(err)) return refusalAck(new DomainError(err.code));
    // mediasoup rejects malformed RTP/DTLS parameters with TypeError: that is bad input, not our failure.
    if (err instanceof TypeError) return refusalAck(new DomainError('VALIDATION', `参数无效：${err.message}`));
    const storage = storageRefusal(err);
    app.log.error({ err, event, ...(storage ? { code: storage.code } : {}) }, 'room request failed');
    if (storage) return refusalAck(storage);
    return refusalAck(new DomainError('INTERNAL'));
  }
}
