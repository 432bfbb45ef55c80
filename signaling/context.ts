// What request handlers and services share: the database, configuration and secrets.
import type { AccessEvents } from './access-events.ts';
import type { Config } from './config.ts';
import type { UserRole } from './domain/vocabulary.ts';
import type { Db } from './db.ts';
import type { FieldCrypto } from './privacy/field-crypto.ts';
import type { Secrets } from './secrets.ts';

export interface AppContext {
  db: Db;
  config: Config;
  secrets: Secrets;
  /** Seals and opens personal data at rest (the database does it by itself; files use this). */
  crypto: FieldCrypto;
  /** Access changes live connections must follow (a revoked link). */
  events: AccessEvents;
}

/** The authenticated staff member making a request. */
export interface StaffPrincipal {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  orgId: string;
  /** Judges: their court. */
  courtId: string | null;
}
