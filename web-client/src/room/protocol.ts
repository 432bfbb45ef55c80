// The live-room protocol shared with the server (the one server file the client may import),
// plus the client's typed request/ack helpers and its typed server-event dispatch. Every reply
// and event is parsed by its schema here, at the edge; nothing past this file casts a payload.
import type { Socket } from 'socket.io-client';
import { z } from 'zod';
import {
  ClientRequests,
  ServerEvents,
  type Ack,
  type ClientRequestName,
  type RequestOf,
  type ResponseOf,
  type ServerEventName,
  type ServerEventPayload,
} from '../../../signaling/protocol/room.ts';

export * from '../../../signaling/protocol/room.ts';

/** A refused or failed request; `message` is display-ready Chinese text. */
export class RoomRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RoomRequestError';
  }
}

export const OFFLINE_MESSAGE = '网络已断开，请稍后重试';
export const TIMEOUT_MESSAGE = '服务器响应超时，请检查网络后重试';
export const BAD_RESPONSE_MESSAGE = '服务器返回了无法识别的数据';

// The shared tables seen through mapped types, so that indexing them with a generic event name
// gives that event's own schema (and its parse result that event's own type, without a cast).
const RESPONSES: { readonly [E in ClientRequestName]: { readonly response: z.ZodType<ResponseOf<E>> } } = ClientRequests;
const EVENTS: { readonly [E in ServerEventName]: z.ZodType<ServerEventPayload<E>> } = ServerEvents;

/** Turns an ack into the typed success data, or throws RoomRequestError with the server's message. */
export function parseAck<E extends ClientRequestName>(event: E, reply: unknown): ResponseOf<E> {
  if (!reply || typeof reply !== 'object') throw new RoomRequestError('BAD_RESPONSE', BAD_RESPONSE_MESSAGE);
  if (!('ok' in reply) || reply.ok !== true) {
    const code = 'code' in reply && typeof reply.code === 'string' && reply.code ? reply.code : 'UNKNOWN';
    const message = 'message' in reply && typeof reply.message === 'string' && reply.message ? reply.message : '操作失败，请稍后重试';
    throw new RoomRequestError(code, message);
  }
  const parsed = RESPONSES[event].response.safeParse(reply);
  if (!parsed.success) throw new RoomRequestError('BAD_RESPONSE', BAD_RESPONSE_MESSAGE);
  return parsed.data;
}

/**
 * Emits a request and waits for its ack. Refuses immediately while offline: socket.io
 * would otherwise buffer the emit and replay it after a reconnect, before `room:join`.
 */
export async function roomRequest<E extends ClientRequestName>(socket: Socket, event: E, payload: RequestOf<E>, timeoutMs = 15_000): Promise<ResponseOf<E>> {
  if (!socket.connected) throw new RoomRequestError('OFFLINE', OFFLINE_MESSAGE);
  let reply: unknown;
  try {
    reply = await socket.timeout(timeoutMs).emitWithAck(event, payload);
  } catch {
    throw new RoomRequestError('TIMEOUT', socket.connected ? TIMEOUT_MESSAGE : OFFLINE_MESSAGE);
  }
  return parseAck(event, reply);
}

/** `roomRequest` bound to one socket, as the parts of the room client receive it. */
export type RoomRequest = <E extends ClientRequestName>(event: E, payload: RequestOf<E>, timeoutMs?: number) => Promise<ResponseOf<E>>;

/** Validates a server event payload; null (and a console warning) when it does not match. */
export function parseServerEvent<E extends ServerEventName>(event: E, payload: unknown): ServerEventPayload<E> | null {
  const parsed = EVENTS[event].safeParse(payload);
  if (parsed.success) return parsed.data;
  console.warn(`[room] ignored malformed ${event}`, parsed.error.issues[0]);
  return null;
}

/** How the client answers a server event that asks for an ack (`media:newConsumer`). */
export type EventAck = (reply: Ack<object>) => void;

/** One handler per server event: a missing one is a compile error. */
export type ServerEventHandlers = { readonly [E in ServerEventName]: (payload: ServerEventPayload<E>, ack: EventAck | undefined) => void };

/** The event names, typed, from the schema table itself. */
const SERVER_EVENT_NAMES: readonly ServerEventName[] = z.object(ServerEvents).keyof().options;

/** What to do with an event whose payload does not match its schema, where dropping it is not enough. */
export type MalformedEventHandlers = { readonly [E in ServerEventName]?: () => void };

/**
 * Routes every server event through its schema to its handler. A malformed payload goes to
 * `malformed` or is dropped (and answered VALIDATION when the server waits for an ack);
 * `accept` false drops everything (a closed session), answering a waiting server PEER_CLOSED.
 */
export function onServerEvents(socket: Socket, handlers: ServerEventHandlers, malformed: MalformedEventHandlers, accept: () => boolean): void {
  const bind = <E extends ServerEventName>(event: E) => {
    const name: string = event; // socket.io's own typing of listeners only needs the plain name
    socket.on(name, (payload: unknown, ack?: unknown) => {
      const reply: EventAck | undefined = typeof ack === 'function' ? (r) => ack(r) : undefined;
      if (!accept()) return reply?.({ ok: false, code: 'PEER_CLOSED', message: '您已离开调解室' });
      const p = parseServerEvent(event, payload);
      if (!p) {
        malformed[event]?.();
        return reply?.({ ok: false, code: 'VALIDATION', message: `invalid ${event} payload` });
      }
      handlers[event](p, reply);
    });
  };
  for (const event of SERVER_EVENT_NAMES) bind(event);
}

export function errorMessage(err: unknown, fallback = '操作失败，请稍后重试'): string {
  if (err instanceof RoomRequestError) return err.message;
  return fallback;
}
