// The live-room protocol shared with the server (the one server file the client may import),
// plus the client's typed request/ack helpers.
import type { Socket } from 'socket.io-client';
import {
  ClientRequests,
  ServerEvents,
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
const BAD_RESPONSE_MESSAGE = '服务器返回了无法识别的数据';

/** Turns an ack into the typed success data, or throws RoomRequestError with the server's message. */
export function parseAck<E extends ClientRequestName>(event: E, reply: unknown): ResponseOf<E> {
  if (!reply || typeof reply !== 'object') throw new RoomRequestError('BAD_RESPONSE', BAD_RESPONSE_MESSAGE);
  const r = reply as { ok?: unknown; code?: unknown; message?: unknown };
  if (r.ok !== true) {
    const code = typeof r.code === 'string' && r.code ? r.code : 'UNKNOWN';
    const message = typeof r.message === 'string' && r.message ? r.message : '操作失败，请稍后重试';
    throw new RoomRequestError(code, message);
  }
  const parsed = ClientRequests[event].response.safeParse(reply);
  if (!parsed.success) throw new RoomRequestError('BAD_RESPONSE', BAD_RESPONSE_MESSAGE);
  return parsed.data as ResponseOf<E>;
}

/**
 * Emits a request and waits for its ack. Refuses immediately while offline: socket.io
 * would otherwise buffer the emit and replay it after a reconnect, before `room:join`.
 */
export async function roomRequest<E extends ClientRequestName>(
  socket: Socket,
  event: E,
  payload: RequestOf<E>,
  timeoutMs = 15_000,
): Promise<ResponseOf<E>> {
  if (!socket.connected) throw new RoomRequestError('OFFLINE', OFFLINE_MESSAGE);
  let reply: unknown;
  try {
    reply = await socket.timeout(timeoutMs).emitWithAck(event, payload);
  } catch {
    throw new RoomRequestError('TIMEOUT', socket.connected ? TIMEOUT_MESSAGE : OFFLINE_MESSAGE);
  }
  return parseAck(event, reply);
}

/** Validates a server event payload; null (and a console warning) when it does not match. */
export function parseServerEvent<E extends ServerEventName>(event: E, payload: unknown): ServerEventPayload<E> | null {
  const parsed = ServerEvents[event].safeParse(payload);
  if (parsed.success) return parsed.data as ServerEventPayload<E>;
  console.warn(`[room] ignored malformed ${event}`, parsed.error.issues[0]);
  return null;
}

export function errorMessage(err: unknown, fallback = '操作失败，请稍后重试'): string {
  if (err instanceof RoomRequestError) return err.message;
  return fallback;
}
