// Errors raised while handling live-room requests; their code goes into the `{ok:false}` ack.
import type { AckErrorCode } from '../protocol/room.ts';

export class RoomError extends Error {
  constructor(
    readonly code: AckErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RoomError';
  }
}
