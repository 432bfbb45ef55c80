// The hash-chained audit log: the verifier passes on an honest log and detects an edited,
// deleted or truncated row when the SQLite file is changed behind the server's back.
import { openSqlite } from '../../signaling/sqlite-binding.ts';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../signaling/audit/log.ts';
import { createStaffUser, makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

describe('audit hash chain', () => {
  let server: TestServer;
  let caseId: string;
  let mediator: StaffClient;

  beforeEach(async () => {
    server = await startTestServer();
    const admin = new StaffClient(server.url);
    await admin.login(server.admin.username, server.admin.password);
    mediator = (await createStaffUser(admin, { username: 'med1', displayName: '调解员甲', role: 'MEDIATOR', password: 'mediator-pass-1' })).client;
    caseId = (await mediator.json('POST', '/api/cases', { title: '房屋买卖合同纠纷', disputeType: 'PROPERTY_SALE', summary: '剩余购房款及违约金' }, 201)).case
      .id;
    await mediator.json(
      'POST',
      `/api/cases/${caseId}/participants`,
      { role: 'APPLICANT', side: 'A', name: '某房地产公司', phone: '04725123456', idNumber: makeIdNumber('15020319700101001') },
      201,
    );
    await mediator.json('POST', `/api/cases/${caseId}/transition`, { to: 'TRIAGED' });
    await mediator.json('POST', `/api/cases/${caseId}/transition`, { to: 'MEDIATING' });
  });
  afterEach(() => server?.close());

  /** Changes the database file directly, as someone with disk access would. */
  function tamper(sql: string, ...params: unknown[]) {
    const db = openSqlite(path.join(server.dataDir, 'jiefen.db'));
    try {
      const info = db.prepare(sql).run(...params);
      expect(info.changes).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  }

  it('verifies an honest log and reports it on the case page API', async () => {
    const verdict = await verifyAuditChain(server.ctx.db);
    expect(verdict.ok).toBe(true);
    expect(verdict.checked).toBeGreaterThanOrEqual(7);
    const audit = await mediator.json('GET', `/api/cases/${caseId}/audit`);
    expect(audit.chain.ok).toBe(true);
    expect(audit.entries.map((e: { type: string }) => e.type)).toEqual(['CASE_CREATED', 'PARTICIPANT_ADDED', 'CASE_TRANSITION', 'CASE_TRANSITION']);
    expect(audit.entries[2].summary).toBe('案件状态：受理 → 分流');
  });

  it('detects an edited row', async () => {
    const target = await server.ctx.db.auditEntry.findFirstOrThrow({ where: { caseId, type: 'CASE_TRANSITION' } });
    tamper(`UPDATE AuditEntry SET data = ? WHERE seq = ?`, target.data.replace('TRIAGED', 'WITHDRAWN'), target.seq);
    const verdict = await verifyAuditChain(server.ctx.db);
    expect(verdict).toMatchObject({ ok: false, brokenAt: target.seq });
    expect(verdict.reason).toContain('被修改');
    const audit = await mediator.json('GET', `/api/cases/${caseId}/audit`);
    expect(audit.chain.ok).toBe(false);
  });

  it('detects an edited row whose hash was recomputed without re-chaining the rest', async () => {
    const target = await server.ctx.db.auditEntry.findFirstOrThrow({ where: { caseId, type: 'CASE_CREATED' } });
    tamper(`UPDATE AuditEntry SET actorLabel = '他人', hash = ? WHERE seq = ?`, 'f'.repeat(64), target.seq);
    const verdict = await verifyAuditChain(server.ctx.db);
    expect(verdict.ok).toBe(false);
    expect(verdict.brokenAt).toBe(target.seq);
  });

  it('detects a deleted row in the middle', async () => {
    const target = await server.ctx.db.auditEntry.findFirstOrThrow({ where: { caseId, type: 'PARTICIPANT_ADDED' } });
    tamper(`DELETE FROM AuditEntry WHERE seq = ?`, target.seq);
    const verdict = await verifyAuditChain(server.ctx.db);
    expect(verdict).toMatchObject({ ok: false, brokenAt: target.seq + 1 });
    expect(verdict.reason).toContain('缺失');
  });

  it('detects deletion of the newest row (the chain head no longer matches)', async () => {
    const last = await server.ctx.db.auditEntry.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    tamper(`DELETE FROM AuditEntry WHERE seq = ?`, last.seq);
    const verdict = await verifyAuditChain(server.ctx.db);
    expect(verdict.ok).toBe(false);
    expect(verdict.reason).toContain('链头');
  });

  it('keeps appending correctly after many concurrent writes', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => mediator.json('PATCH', `/api/cases/${caseId}`, { summary: `并发修改 ${i}` })));
    expect(await verifyAuditChain(server.ctx.db)).toMatchObject({ ok: true });
  });
});
