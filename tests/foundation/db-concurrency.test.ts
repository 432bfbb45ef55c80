// The server's two SQLite connections — the main one and the draft writer thread's — write the
// same WAL database at once. A read-then-write transaction on the main connection (every audit
// append reads the chain head first) must not fail because the other connection committed
// between its read and its write.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordAudit } from '../../signaling/audit/log.ts';
import { WorkerWriter } from '../../signaling/drafting/draft-writer.ts';
import { seedLeakCase, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let caseId: string;

beforeAll(async () => {
  server = await startTestServer();
  caseId = (await seedLeakCase(server)).caseId;
});
afterAll(() => server?.close());

it('audit appends on the main connection succeed while the draft writer thread commits continuously', async () => {
  const writer = new WorkerWriter(path.join(server.dataDir, 'jiefen.db'), server.ctx.crypto.dataKeys);
  await writer.settings;
  let writing = true;
  let appended = 0;
  const appends = (async () => {
    while (writing) {
      await writer.write([{ docName: `agreement:${caseId}`, caseId, kind: 'update', update: new Uint8Array([0, 0]), sha256: 'x'.repeat(64), authorId: null }]);
      appended++;
    }
  })();
  const failures: unknown[] = [];
  const ROUNDS = 200;
  try {
    for (let i = 0; i < ROUNDS; i++) {
      await recordAudit(server.ctx.db, { type: 'system' }, caseId, { type: 'AGREEMENT_EDIT_REJECTED', data: { participantId: 'p', name: `第${i}次` } }).catch(
        (err: unknown) => failures.push(err),
      );
      await new Promise((r) => setTimeout(r, 2)); // requests arrive with gaps, not back to back
    }
  } finally {
    writing = false;
    await appends;
    await writer.close();
  }
  expect(appended).toBeGreaterThan(10); // the writer really ran alongside
  expect(failures).toEqual([]);
  expect(await server.ctx.db.auditEntry.count({ where: { caseId, type: 'AGREEMENT_EDIT_REJECTED' } })).toBe(ROUNDS);
}, 120_000);
