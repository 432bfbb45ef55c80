// The room socket's connection settings, alone in a module so that a room link can connect it
// from a small chunk (socket.io-client only) while the room's big chunk is still downloading.
import { io, type Socket } from 'socket.io-client';
import type { ROOM_NAMESPACE } from '../../../signaling/protocol/room.ts';

/** The protocol's namespace, written out: importing it would pull zod into this small chunk. */
const NAMESPACE: typeof ROOM_NAMESPACE = '/room';

export function connectRoomSocket(token?: string): Socket {
  return io(NAMESPACE, {
    path: '/socket.io',
    // WebSocket straight away (no long-polling round trips first); where a proxy or network
    // refuses WebSocket, long-polling is tried next.
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    autoConnect: false,
    auth: token ? { token } : {},
    withCredentials: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 3_000,
  });
}
