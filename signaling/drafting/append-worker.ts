// The draft writer thread (draft-writer.ts): commits batches of DraftUpdate rows through its own
// Prisma client, so the fsync of synchronous=FULL never blocks the server's event loop.
// Batches are handled strictly one after another, in the order they arrive.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../db.ts';
import { dataDiskFull, isStorageFull } from '../storage-fault.ts';
import type { DataKeys } from '../privacy/field-crypto.ts';
import type { DraftRowData } from './draft-writer.ts';

const port = parentPort!;
const data = workerData as { databaseFile: string; dataKeys: DataKeys };
const db = openDb(data.databaseFile, data.dataKeys);

async function init() {
  // Per connection: every commit is on disk before it is reported done.
  await db.$executeRawUnsafe('PRAGMA synchronous = FULL');
  const [sync] = await db.$queryRawUnsafe<Array<{ synchronous: bigint | number }>>('PRAGMA synchronous');
  const [journal] = await db.$queryRawUnsafe<Array<{ journal_mode: string }>>('PRAGMA journal_mode');
  port.postMessage({ type: 'ready', synchronous: Number(sync!.synchronous), journalMode: journal!.journal_mode });
}

let queue: Promise<void> = init().catch((err: unknown) => {
  // Without a connection this thread is useless: end it, the writer reports every write failed.
  console.error('draft writer thread could not open the database', err);
  process.exit(1);
});

port.on('message', (msg: { id: number; rows: DraftRowData[] }) => {
  queue = queue.then(async () => {
    try {
      await db.draftUpdate.createMany({ data: msg.rows });
      port.postMessage({ type: 'done', id: msg.id });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Prisma reports a COMMIT that failed for want of space as "Transaction already closed…":
      // name the full disk, which is what the editors must be told.
      const full = !isStorageFull(err) && dataDiskFull(data.databaseFile) ? ' (SQLITE_FULL: the data disk is full)' : '';
      port.postMessage({ type: 'failed', id: msg.id, message: message + full });
    }
  });
});
