// Property-based fuzzing of every /api route and every room event, generated from their schemas
// (tests/operations/fuzz/): ≥ 1 000 malformed payloads each with credentials the route admits,
// more from strangers, and garbage handshakes. Nothing may crash (no 5xx, no INTERNAL, the server
// and its room clients still up), nothing may change in the database, and every refusal must be a
// specific code of the error table with a Chinese message. `npm run bench -- fuzz` runs 10 000 each.
// The seed is fixed so CI runs are repeatable (the bench draws a new one each run); FUZZ_SEED=<n>
// runs another or replays one the bench reported.
import { expect, it } from 'vitest';
import { runFuzz } from './fuzz/run-fuzz.ts';

const seed = Number(process.env.FUZZ_SEED ?? 20261227);

it('every route and room event refuses ≥ 1 000 malformed payloads each: no crash, no state change, a specific code', async () => {
  const started = Date.now();
  const tally = await runFuzz({ perRoute: 1000, perEvent: 1000, anonymous: 250, seed });
  const summary = tally.summary();
  console.log(`fuzz (seed ${seed}): ${JSON.stringify(summary)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  expect({ ...summary, examples: tally.examples }, `FUZZ_SEED=${seed}`).toMatchObject({ crashes: 0, state_changes: 0, non_specific_errors: 0, examples: [] });
  expect(summary.routes).toBeGreaterThan(55);
  expect(summary.events).toBeGreaterThan(25);
  // Each route with something to break, and each event, got its 1 000 (authenticated) payloads.
  expect(summary.payloads).toBeGreaterThanOrEqual((summary.routes - tally.untestable.length) * 1000 + summary.events * 1000);
}, 600_000);
