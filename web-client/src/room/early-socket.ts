// The room socket opened before the pre-join check is done (early-start.ts loads this small chunk
// with the page, beside the room's big chunk): connected, not joined, so the join can go out the moment "进入" is pressed.
// The room client takes it if it is for the same link; else it is closed.
import type { Socket } from 'socket.io-client';
import { connectRoomSocket } from './room-socket.ts';

let early: { token: string | undefined; socket: Socket } | null = null;

/** Connects a room socket for this link (or the staff cookie); returns how to drop it. */
export function preconnectRoomSocket(token: string | undefined): () => void {
  dropEarlySocket();
  const socket = connectRoomSocket(token);
  socket.connect();
  const mine = { token, socket };
  early = mine;
  return () => {
    if (early === mine) dropEarlySocket();
  };
}

/** The early socket for this link, once; undefined when there is none for it. */
export function takeEarlySocket(token: string | undefined): Socket | undefined {
  if (!early || early.token !== token) return undefined;
  const { socket } = early;
  early = null;
  return socket;
}

export function dropEarlySocket(): void {
  early?.socket.disconnect();
  early = null;
}
