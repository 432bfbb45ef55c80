// Opens the Prisma client on SQLite through the better-sqlite3 driver adapter, and
// applies migrations with the offline JS schema engine (prisma.config.ts).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient, type Prisma } from './generated/prisma/client.ts';
import { sqliteNativeBinding } from './sqlite-binding.ts';

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function openDb(databaseFile: string): Db {
  mkdirSync(path.dirname(databaseFile), { recursive: true });
  const nativeBinding = sqliteNativeBinding();
  return new PrismaClient({ adapter: new ImmediateTransactions({ url: `file:${databaseFile}`, ...(nativeBinding ? { nativeBinding } : {}) }) });
}

/**
 * Prisma's SQLite adapter opens interactive transactions with a deferred `BEGIN`. With WAL and a
 * second connection writing (the draft writer thread), a deferred transaction that reads and then
 * writes — every audit append reads the chain head first — fails at once with SQLITE_BUSY when the
 * other connection committed in between: its snapshot is stale and the busy timeout cannot help.
 * `BEGIN IMMEDIATE` takes the write lock up front, waiting for the other writer like any write.
 */
class ImmediateTransactions extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client?: { prepare(sql: string): unknown } }).client;
    if (typeof client?.prepare !== 'function') throw new Error('@prisma/adapter-better-sqlite3 changed: cannot make its transactions BEGIN IMMEDIATE');
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === 'BEGIN' ? 'BEGIN IMMEDIATE' : sql);
    return adapter;
  }
}

/** `prisma migrate deploy` against the data folder; resolves when the schema is current. */
export async function applyMigrations(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const cli = path.join(repoRoot, 'node_modules', 'prisma', 'build', 'index.js');
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], {
      cwd: repoRoot,
      env: { ...process.env, JIEFEN_DATA_DIR: dataDir, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (b: Buffer) => output.push(b.toString()));
    child.stderr.on('data', (b: Buffer) => output.push(b.toString()));
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`Database migration failed:\n${output.join('')}`);
}
