// Opens the Prisma client on SQLite through the better-sqlite3 driver adapter, and
// applies migrations with the offline JS schema engine (prisma.config.ts).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient, type Prisma } from './generated/prisma/client.ts';

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function openDb(databaseFile: string): Db {
  mkdirSync(path.dirname(databaseFile), { recursive: true });
  const adapter = new PrismaBetterSQLite3({ url: `file:${databaseFile}` });
  return new PrismaClient({ adapter });
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
