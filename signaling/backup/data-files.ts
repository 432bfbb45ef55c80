// What of the data folder a backup carries: every regular file — the secrets store as a whole
// (any key added to it is included), signing keys and certificates (the organisation's and each
// court's), uploads, the audit seals — except the live database files (the database goes in as
// an online-backup snapshot instead) and caches or half-written temporary files.
import { readdirSync } from 'node:fs';
import path from 'node:path';

/** The database and its WAL/shared-memory/journal companions: never copied while written. */
export const DATABASE_FILES = new Set(['jiefen.db', 'jiefen.db-wal', 'jiefen.db-shm', 'jiefen.db-journal']);
const SKIPPED_DIRECTORIES = new Set(['tmp', 'cache', '.cache']);
const SKIPPED_SUFFIXES = ['.tmp', '.partial', '.lock'];

/** Relative paths (with `/`) of the data folder's files to back up, sorted. */
export function listDataFiles(dataDir: string): string[] {
  const out: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(dataDir, relative), { withFileTypes: true })) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(rel);
      } else if (entry.isFile()) {
        if (relative === '' && DATABASE_FILES.has(entry.name)) continue;
        if (SKIPPED_SUFFIXES.some((suffix) => entry.name.endsWith(suffix))) continue;
        out.push(rel);
      }
    }
  };
  walk('');
  return out.sort();
}
