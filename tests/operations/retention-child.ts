// One retention run in its own process — a second node — for the "two nodes at once" test: loads,
// prints LOADED, waits for a line on stdin (so two of them start together), runs at the given
// time and prints the result as JSON.
import { createInterface } from 'node:readline';
import { openDb } from '../../signaling/db.ts';
import { DEFAULT_RETENTION } from '../../signaling/retention/policy.ts';
import { runRetention } from '../../signaling/retention/retention-job.ts';

const [databaseFile, materialsDir, nowMs] = process.argv.slice(2) as [string, string, string];
const db = openDb(databaseFile);
await db.$queryRawUnsafe('SELECT 1');
process.stdout.write('LOADED\n');
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();
const r = await runRetention(db, materialsDir, DEFAULT_RETENTION, new Date(Number(nowMs)));
process.stdout.write(`RESULT ${JSON.stringify({ totals: r.totals, cases: r.perCase.size })}\n`);
await db.$disconnect();
