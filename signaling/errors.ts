// Domain errors with stable codes. Mapped to HTTP status (and later to socket acks)
// only at the boundary; messages are Chinese because they are shown to users as-is.

export const ERROR_STATUS = {
  VALIDATION: 400,
  INVALID_ID_NUMBER: 400,
  INVALID_PHONE: 400,
  INVALID_IMAGE: 400,
  IDENTITY_MISMATCH: 400,
  BAD_CREDENTIALS: 401,
  NOT_AUTHENTICATED: 401,
  TOKEN_MALFORMED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  TOKEN_WRONG_CASE: 403,
  CSRF: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CASE_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  PARTICIPANT_NOT_FOUND: 404,
  INVITATION_NOT_FOUND: 404,
  ILLEGAL_TRANSITION: 409,
  USERNAME_TAKEN: 409,
  IDENTITY_NOT_CONFIRMED: 409,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
