// 首接负责 as a property: over random sequences of route/accept/return/transfer/withdraw/assign/
// reassign (some by the wrong people, some two at once) through the real services on the real
// SQLite database, exactly one unit and one person are responsible after every step and the
// history is complete (tests/intake/ownership-harness.ts). `npm run bench -- ownership` runs ≥ 10 000.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreas } from '../../signaling/areas/areas.ts';
import { routingArea } from '../../signaling/routing/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { buildWorld, playSequence, sequenceArb, type World } from './ownership-harness.ts';

const RUNS = Number(process.env.OWNERSHIP_RUNS ?? 300);

describe('首接负责 over random sequences of moves', () => {
  let server: TestServer;
  let world: World;
  let dataDir: string;

  beforeAll(async () => {
    // A real SQLite file in memory-backed /dev/shm where there is one: the property is about the rules, not the disk.
    dataDir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'jiefen-ownership-'));
    server = await startTestServer({}, { dataDir });
    world = await buildWorld(server.ctx.db, routingArea(server.ctx, loadAreas(server.ctx.config.dataDir)).moves);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`holds after every step of ${RUNS} sequences`, async () => {
    let moved = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (steps) => {
        const r = await playSequence(world, steps, new Date('2026-03-02T01:00:00Z'));
        moved += r.moved;
        refused += r.refused;
        expect(r.violations).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    // The sequences really move matters (not only refusals), and reach every stage.
    expect(moved).toBeGreaterThan(RUNS);
    expect(refused).toBeGreaterThan(0);
    const reached = await server.ctx.db.matter.groupBy({ by: ['status'], _count: { _all: true } });
    expect(reached.map((r) => r.status).sort()).toEqual(['ACCEPTED', 'ASSIGNED', 'REGISTERED', 'ROUTED', 'WITHDRAWN']);
  }, 120_000);
});
