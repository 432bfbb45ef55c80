// A carried message and its audit row are one write: if the audit row cannot be written, the
// other side's notepad is left as it was (no action the log does not show), and the mediator is
// told. The audit write is made to fail for real with an SQLite trigger.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setUpDraftCase, type DraftCase } from '../drafting/sync-support.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let kase: DraftCase;
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  kase = await setUpDraftCase(server.url, server.admin);
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

async function joined(auth: { token?: string; cookie?: string }): Promise<RoomTestClient> {
  const c = new RoomTestClient(server.url, auth);
  clients.push(c);
  await c.connected();
  return c;
}

it('a carry whose audit row fails leaves the notepad unchanged; once the audit works it is kept with its row', async () => {
  const mediator = await joined({ cookie: kase.mediator.cookie });
  await mediator.ok('room:join', { caseId: kase.caseId });
  const party = await joined({ token: kase.tokenA });
  const { self } = await party.ok('room:join', { caseId: kase.caseId });
  await mediator.ok('mediator:admit', { peerId: self.peerId });
  await party.waitFor('room:admitted');

  await server.ctx.db.$executeRawUnsafe(`CREATE TRIGGER refuse_audit BEFORE INSERT ON "AuditEntry" BEGIN SELECT RAISE(ABORT, 'audit refused'); END`);
  try {
    const refused = await mediator.request('caucus:carry', { fromSide: 'A', toSide: 'B', text: '甲方同意分期付款' });
    expect(refused.ok).toBe(false);
    expect((await mediator.ok('notepad:get', { side: 'B' })).content).not.toContain('甲方同意分期付款');
  } finally {
    await server.ctx.db.$executeRawUnsafe('DROP TRIGGER refuse_audit');
  }

  await mediator.ok('caucus:carry', { fromSide: 'A', toSide: 'B', text: '甲方同意分期付款' });
  expect((await mediator.ok('notepad:get', { side: 'B' })).content).toContain('甲方同意分期付款');
  expect(await server.ctx.db.auditEntry.count({ where: { caseId: kase.caseId, type: 'CAUCUS_CARRIED' } })).toBe(1);
});
