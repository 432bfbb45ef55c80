// Failed link attempts against the real server: guessed /j/ tokens from one address are refused
// with RATE_LIMITED after the limit (a real link from another address still works), and the
// audit log gets one summary row per address, reason and window with the count — not a row per try.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedLinks } from '../../signaling/cases/failed-links.ts';
import { startTestServer, seedLeakCase, type SeededParty, type TestServer } from '../support/server.ts';
import { eventually } from '../support/wait.ts';

let server: TestServer;
let parties: SeededParty[];
beforeAll(async () => {
  // Five guesses per 3-second window.
  server = await startTestServer({ LINK_FAILURES_PER_WINDOW: '5', LINK_FAILURE_WINDOW_SEC: '3' });
  ({ parties } = await seedLeakCase(server));
}, 60_000);
afterAll(() => server?.close());

const partyMe = (token: string) => fetch(`${server.url}/api/party/me`, { headers: { authorization: `Bearer ${token}` } });
const rejections = async () =>
  (await server.ctx.db.auditEntry.findMany({ where: { type: 'INVITATION_REJECTED' }, orderBy: { seq: 'asc' } })).map(
    (e) => JSON.parse(e.data) as { reason: string; ip: string; count: number; from: string; to: string },
  );

describe('failed link attempts', () => {
  it('are limited per address and summarised in the audit, one row per reason and window', async () => {
    const real = parties[0]!.token;
    const tampered = real.slice(0, -2) + (real.endsWith('AA') ? 'BB' : 'AA');
    await failedLinks(server.ctx).flush(); // a fresh window for the attempts below
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) codes.push(((await (await partyMe(i % 2 ? tampered : 'not-a-token')).json()) as { code: string }).code);
    expect(codes.slice(0, 5).every((c) => c === 'TOKEN_INVALID' || c === 'TOKEN_MALFORMED')).toBe(true);
    expect(codes.slice(5)).toEqual(Array(7).fill('RATE_LIMITED'));
    // One row per reason for the window, with the counts — 12 attempts, 3 rows.
    await eventually(async () => {
      const rows = await rejections();
      const byReason = Object.fromEntries(rows.map((r) => [r.reason, r.count]));
      expect(rows).toHaveLength(3);
      expect(byReason).toEqual({ TOKEN_MALFORMED: 3, TOKEN_INVALID: 2, RATE_LIMITED: 7 });
      for (const r of rows) expect(Date.parse(r.to)).toBeGreaterThan(Date.parse(r.from));
    }, 10_000);
    // The limit is per address and per window: the window has ended, the real link works again.
    expect((await partyMe(real)).status).toBe(200);
  });
});
