// Opens the Prisma client on SQLite through the better-sqlite3 driver adapter, and
// applies migrations with the offline JS schema engine (prisma.config.ts).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from './generated/prisma/client.ts';
import { FieldCrypto, type DataKeys } from './privacy/field-crypto.ts';
import { sealingExtension } from './privacy/prisma-sealing.ts';
import { sqliteNativeBinding } from './sqlite-binding.ts';

export type Db = ReturnType<typeof openDb>;
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The database as the server uses it: personal data sealed at rest and opened on read
 * (signaling/privacy). Without data keys (tools that only read other tables) sealed values are
 * returned as stored and writing them fails.
 */
export function openDb(databaseFile: string, dataKeys?: DataKeys) {
  return openRawDb(databaseFile).$extends(sealingExtension(dataKeys ? new FieldCrypto(dataKeys) : null));
}

/** The bare client: what is stored, byte for byte (the start-up migration that seals old plaintext). */
export function openRawDb(databaseFile: string): PrismaClient {
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
 *
 * And a failed transaction must not wedge the database. The adapter serialises transactions with
 * a lock of its own, released only by its commit()/rollback(); when BEGIN or the COMMIT statement
 * fails (a full disk: SQLITE_FULL at COMMIT, measured on a full tmpfs), Prisma calls neither, the
 * lock is never released and every later transaction waits forever — even after space returns.
 * So BEGIN runs here, and a failed BEGIN/COMMIT/ROLLBACK rolls back and releases the lock.
 */
class ImmediateTransactions extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client?: SqliteClient }).client;
    if (typeof client?.prepare !== 'function') throw new Error('@prisma/adapter-better-sqlite3 changed: cannot make its transactions BEGIN IMMEDIATE');
    const prepare = client.prepare.bind(client);
    // The adapter's own BEGIN becomes a no-op: startTransaction below begins, where a failure can release the lock.
    client.prepare = (sql: string) => (sql === 'BEGIN' ? DEFERRED_TO_US : prepare(sql));
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const tx = await startTransaction(isolationLevel);
      const unlock = tx.rollback.bind(tx); // the adapter's rollback() only releases its lock
      const release = once(unlock);
      tx.commit = release;
      tx.rollback = release;
      try {
        prepare('BEGIN IMMEDIATE').run();
      } catch (err) {
        await release();
        throw err;
      }
      const executeRaw = tx.executeRaw.bind(tx);
      tx.executeRaw = async (query) => {
        try {
          return await executeRaw(query);
        } catch (err) {
          if (query.sql !== 'COMMIT' && query.sql !== 'ROLLBACK') throw err;
          // SQLite may or may not have rolled back by itself; make sure, then free the adapter's lock.
          try {
            if (client.inTransaction) prepare('ROLLBACK').run();
          } finally {
            await release();
          }
          if (query.sql === 'COMMIT') throw err;
          return 0; // the rollback Prisma asked for has happened
        }
      };
      return tx;
    };
    return adapter;
  }
}

interface SqliteClient {
  prepare(sql: string): { run(): unknown };
  readonly inTransaction: boolean;
}

const DEFERRED_TO_US = { run: () => ({ changes: 0, lastInsertRowid: 0 }) };

/** `fn` runs at most once; later calls resolve at once (the adapter's lock must not be released twice). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= fn());
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
