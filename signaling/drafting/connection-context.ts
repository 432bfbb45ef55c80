// What the drafting server keeps per connection (set by onAuthenticate), and the refusal it
// answers a connection or message with.
import type { Connection } from '@hocuspocus/server';
import type { ErrorCode } from '../errors.ts';
import type { DraftAccess } from './grants.ts';

/** Context Hocuspocus keeps per connection (from onAuthenticate). */
export interface ConnectionContext {
  access: DraftAccess;
  ip: string;
  /** The invitation a party connected with (its revocation, or its participant's deletion, ends the connection). */
  invitationId: string | null;
}

export function contextOf(connection: Connection): ConnectionContext {
  return connection.context as ConnectionContext;
}

/**
 * A refusal Hocuspocus passes to the client as the permission-denied reason (the code). Its
 * empty `message` keeps Hocuspocus from printing it on stderr; we log it ourselves.
 */
export class Refusal extends Error {
  constructor(
    readonly reason: ErrorCode,
    readonly detail: string,
  ) {
    super('');
    this.name = 'DraftingRefusal';
  }
}
