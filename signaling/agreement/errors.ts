// Errors of the agreement domain, with stable codes. The boundary (HTTP/socket/Hocuspocus hooks)
// maps them to statuses; messages are Chinese because editors show them as-is.

export const AGREEMENT_ERROR_CODES = [
  'DOC_NOT_INITIALISED',
  'DOC_ALREADY_INITIALISED',
  'DOC_INVALID',
  'CLAUSE_NOT_FOUND',
  'PARTY_NOT_FOUND',
  'FIELD_NOT_FOUND',
  'SUGGESTION_NOT_FOUND',
  'SUGGESTION_NOT_OPEN',
  'SUGGESTION_STALE',
  'COMMENT_NOT_FOUND',
  'INVALID_RANGE',
  'TEMPLATE_NOT_FOUND',
  'TEMPLATE_MISMATCH',
  'VARIANT_UNKNOWN',
] as const;
export type AgreementErrorCode = (typeof AGREEMENT_ERROR_CODES)[number];

export class AgreementError extends Error {
  constructor(
    readonly code: AgreementErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AgreementError';
  }
}
