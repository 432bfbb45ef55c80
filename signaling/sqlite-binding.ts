// Which compiled better-sqlite3 addon this Node.js loads. node_modules holds the one built for the
// Node version that installed it; under another version (22, 24: scripts/node-versions.mjs) the
// addon built for this version's ABI is taken from the cache that script fills, or from
// JIEFEN_SQLITE_BINDING. Undefined: the default one in node_modules.
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export function sqliteNativeBinding(): string | undefined {
  const fromEnv = process.env.JIEFEN_SQLITE_BINDING;
  if (fromEnv) return fromEnv;
  const require = createRequire(import.meta.url);
  const { version } = JSON.parse(readFileSync(require.resolve('better-sqlite3/package.json'), 'utf8')) as { version: string };
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const cached = path.join(cache, 'jiefen', 'better-sqlite3', `${version}-abi${process.versions.modules}`, 'better_sqlite3.node');
  return existsSync(cached) ? cached : undefined;
}

/** A direct better-sqlite3 connection (tools, tests) that loads the addon for this Node version. */
export function openSqlite(file: string, options: Database.Options = {}): Database.Database {
  const nativeBinding = sqliteNativeBinding();
  return new Database(file, { ...options, ...(nativeBinding ? { nativeBinding } : {}) });
}
