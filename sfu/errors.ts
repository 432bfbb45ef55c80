// Errors the media plane throws on purpose. `code` is stable: the signaling
// boundary maps it to a socket ack `{ ok: false, code }`; messages are for logs.
//
// Malformed client input (bad rtpParameters, a kind that does not match its
// source) is a TypeError instead, as mediasoup itself does.

export const SFU_ERROR_CODES = [
  'PEER_EXISTS',
  'PEER_NOT_FOUND',
  'PEER_CLOSED',
  'TRANSPORT_NOT_FOUND',
  'PRODUCER_NOT_FOUND',
  'CONSUMER_NOT_FOUND',
  'CANNOT_CONSUME',
  'ROOM_CLOSED',
  'INVALID_STATE',
] as const;

export type SfuErrorCode = (typeof SFU_ERROR_CODES)[number];

export class SfuError extends Error {
  readonly code: SfuErrorCode;

  constructor(code: SfuErrorCode, message: string) {
    super(message);
    this.name = 'SfuError';
    this.code = code;
  }
}

export function isSfuError(error: unknown, code?: SfuErrorCode): error is SfuError {
  return error instanceof SfuError && (code === undefined || error.code === code);
}
