// The jiefen server as a child process (the kill -9 durability loop, `bench yjs --kill9`, the
// several-node tests): exactly what signaling/main.ts starts — startServer(loadConfig()) from the
// environment — minus `prisma migrate deploy` (JIEFEN_SKIP_MIGRATIONS=1, ~2.5 s of each
// restart) once a first boot through main.ts has migrated the data folder. Prints READY <url>.
//
// With JIEFEN_START_ON_STDIN=1 the process loads all its modules and then waits for a line on
// stdin before it starts (opens the database, listens): the loop spawns the next server while
// the current one is still running and lets it start only after the kill, so restarts skip the
// ~2 s of module loading without two processes ever using the database at once.
import { createInterface } from 'node:readline';
import { loadConfig } from '../../signaling/config.ts';
import { installProcessGuards } from '../../signaling/process-guards.ts';
import { startServer } from '../../signaling/server.ts';

if (process.env.JIEFEN_START_ON_STDIN === '1') {
  process.stdout.write('LOADED\n');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();
}

const server = await startServer(loadConfig(), { skipMigrations: process.env.JIEFEN_SKIP_MIGRATIONS === '1' });
if (server.bootstrap.created) process.stdout.write(`ADMIN ${server.bootstrap.adminUsername} ${server.bootstrap.adminPassword}\n`);
process.stdout.write(`READY ${server.url}\n`);

// Like main.ts: a clean stop closes the server (which compacts open drafts), a fault is logged.
installProcessGuards(server, server.app.log, { stopTimeoutMs: server.ctx.config.stopTimeoutMs });
