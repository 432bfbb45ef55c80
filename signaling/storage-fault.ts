// A write that failed because the data disk is full (SQLite's SQLITE_FULL, the system's ENOSPC —
// however deep a driver or Prisma wrapped it) becomes the STORAGE_FULL refusal: the user learns
// that nothing was saved and that waiting for space helps, instead of a generic INTERNAL.
import { statfsSync } from 'node:fs';
import path from 'node:path';
import { DomainError } from './errors.ts';

/** Below this, a failed write on the data disk is taken for a full disk (SQLite needs pages, WAL frames). */
const NEARLY_FULL_BYTES = 256 * 1024;

const FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC']);
const FULL_TEXT = /database or disk is full|no space left on device|SQLITE_FULL|ENOSPC/i;

export function isStorageFull(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && FULL_CODES.has(code)) return true;
    if (typeof message === 'string' && FULL_TEXT.test(message)) return true;
    e = cause;
  }
  return typeof err === 'string' && FULL_TEXT.test(err);
}

/** STORAGE_FULL for a full-disk failure (or any failure while `databaseFile`'s disk is full), otherwise null. */
export function storageRefusal(err: unknown, databaseFile?: string): DomainError | null {
  return isStorageFull(err) || (databaseFile !== undefined && dataDiskFull(databaseFile)) ? new DomainError('STORAGE_FULL') : null;
}

/**
 * Whether the disk holding `file` has (almost) no room left. For errors that lost their cause on
 * the way (Prisma turns a COMMIT that failed with SQLITE_FULL into "Transaction already closed").
 */
export function dataDiskFull(file: string): boolean {
  try {
    const { bavail, bsize } = statfsSync(path.dirname(file));
    return bavail * bsize < NEARLY_FULL_BYTES;
  } catch {
    return false; // cannot tell: not a full disk as far as we know
  }
}
