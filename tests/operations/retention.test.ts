// Retention: each kind of personal data is deleted when its period (signaling/retention/policy.ts,
// overridable by <data>/retention.json) is over — chat, notepads and materials counted from the
// case's closing, signing codes and link uses from their creation. A fake clock moves the job
// months ahead; deletions are audited as counts only; two runs at once delete everything once.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../signaling/audit/log.ts';
import { materialsDir, storeMaterial } from '../../signaling/judicial/materials.ts';
import { DEFAULT_RETENTION, loadRetentionPolicy, RetentionPolicyError } from '../../signaling/retention/policy.ts';
import { runRetention, type RetentionCounts } from '../../signaling/retention/retention-job.ts';
import { waitForLine } from '../support/cluster.ts';
import { addConfirmedParty, seedLeakCase, startTestServer, type SeededParty, type TestServer } from '../support/server.ts';

const DAY = 24 * 3600_000;
const CHAT_TEXT = '甲方底线：八千元';
const NOTE_TEXT = '乙方可接受分期';

describe('retention job', () => {
  let server: TestServer;
  let closedCase: string;
  let openCase: string;
  let parties: SeededParty[];
  let materialIds: string[];
  let t0: number;

  async function fill(caseId: string, party: SeededParty, mediatorId: string) {
    const db = server.ctx.db;
    await db.chatMessage.create({ data: { caseId, senderId: party.id, senderName: party.name, text: CHAT_TEXT } });
    await db.caucusNotepad.create({ data: { caseId, side: 'A', content: NOTE_TEXT } });
    const round = await db.signingRound.create({
      data: { caseId, versionSeq: 1, contentSha256: 'c'.repeat(64), snapshot: '{}', clauseHashes: '[]', lockedById: mediatorId },
    });
    await db.signingCode.create({
      data: { subjectId: round.id, roundId: round.id, participantId: party.id, codeHash: 'h', expiresAt: new Date(Date.now() + 600_000) },
    });
    const court = await db.court.findFirstOrThrow({ where: { isLocal: true } });
    await db.judicialApplication.create({ data: { caseId, courtId: court.id, effectiveAt: new Date(), windowEndsAt: new Date(Date.now() + 30 * DAY) } });
    const material = await storeMaterial(
      server.ctx,
      { id: party.id, caseId, name: party.name },
      { kind: 'EVIDENCE', declaredMime: 'application/pdf', fileName: '证据.pdf', bytes: Buffer.from('%PDF-1.4 retention test') },
    );
    return material.id;
  }

  const run = (afterDays: number, db = server.ctx.db) => runRetention(db, materialsDir(server.ctx), DEFAULT_RETENTION, new Date(t0 + afterDays * DAY));
  /** Two processes (two nodes) each run the job at `nowMs`, released together. */
  async function twoNodesAt(nowMs: number): Promise<Array<{ totals: RetentionCounts; cases: number }>> {
    const procs = [0, 1].map(() =>
      spawn(
        process.execPath,
        ['--import', 'tsx', 'tests/operations/retention-child.ts', server.ctx.config.databaseFile, materialsDir(server.ctx), String(nowMs)],
        {
          cwd: path.resolve(import.meta.dirname, '..', '..'),
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      ),
    );
    await Promise.all(procs.map((p) => waitForLine(p, /LOADED/, 'retention child')));
    const results = procs.map((p) => waitForLine(p, /RESULT (.+)/, 'retention child'));
    for (const p of procs) p.stdin!.write('go\n');
    return (await Promise.all(results)).map((m) => JSON.parse(m[1]!));
  }
  const purgeAudit = () => server.ctx.db.auditEntry.findMany({ where: { type: 'RETENTION_PURGED' }, orderBy: { seq: 'asc' } });
  const counts = (c: Partial<RetentionCounts>): RetentionCounts => ({ chat: 0, notepads: 0, signingCodes: 0, linkUses: 0, materials: 0, ...c });

  beforeAll(async () => {
    server = await startTestServer();
    const seeded = await seedLeakCase(server);
    closedCase = seeded.caseId;
    parties = seeded.parties;
    openCase = (await seeded.mediator.json('POST', '/api/cases', { title: '张某租赁纠纷', disputeType: 'NEIGHBOUR', summary: '押金' }, 201)).case.id;
    const openParty = await addConfirmedParty(seeded.mediator, openCase, { name: '张某', side: 'A', role: 'APPLICANT', id17: '15020419850101101' });
    materialIds = [await fill(closedCase, parties[0]!, seeded.mediatorId), await fill(openCase, openParty, seeded.mediatorId)];
    // Each party opens its link once: a link use (IP address, browser) each.
    for (const p of [...parties, openParty])
      expect((await fetch(`${server.url}/j/${p.token}`, { headers: { 'user-agent': 'RetentionTest/1.0' } })).status).toBe(200);
    await seeded.mediator.json('POST', `/api/cases/${closedCase}/transition`, { to: 'WITHDRAWN', reason: '申请人撤回调解申请' }, 200);
    t0 = Date.now();
  }, 60_000);
  afterAll(() => server?.close());

  it('keeps everything while its period runs', async () => {
    const r = await run(29);
    expect(r.totals).toEqual(counts({}));
    expect(await purgeAudit()).toEqual([]);
  });

  it('deletes each kind when its period is over, audited per case as counts, once even with two runs at once', async () => {
    const linkUses = await server.ctx.db.invitationUse.count();
    expect(linkUses).toBe(3);

    // 31 days: the one-time code records of both cases (counted from when they were sent).
    expect((await run(31)).totals).toEqual(counts({ signingCodes: 2 }));

    // 91 days: the closed case's chat and notepads, every link use — run by two nodes at the same moment.
    const results = await twoNodesAt(t0 + 91 * DAY);
    const both = counts({});
    for (const r of results) for (const k of Object.keys(both) as Array<keyof RetentionCounts>) both[k] += r.totals[k];
    expect(both).toEqual(counts({ chat: 1, notepads: 1, linkUses }));
    expect(results.map((r) => r.cases).sort()).toEqual([0, 2]); // one did it all, the other found nothing
    expect(await server.ctx.db.chatMessage.count({ where: { caseId: openCase } })).toBe(1);
    expect(await server.ctx.db.caucusNotepad.count({ where: { caseId: openCase } })).toBe(1);

    // 181 days: the closed case's uploaded materials, rows and files; the open case keeps its own.
    const files = materialIds.map((id) => path.join(materialsDir(server.ctx), id));
    expect(files.map((f) => existsSync(f))).toEqual([true, true]);
    expect((await run(181)).totals).toEqual(counts({ materials: 1 }));
    expect(files.map((f) => existsSync(f))).toEqual([false, true]);
    expect(await server.ctx.db.judicialMaterial.count()).toBe(1);

    // Idempotent: nothing left, no new audit row.
    const auditBefore = (await purgeAudit()).length;
    expect((await run(181)).totals).toEqual(counts({}));
    expect((await purgeAudit()).length).toBe(auditBefore);

    // The audit: per case and a summary, counts only — no text, names, numbers or addresses.
    const audit = await purgeAudit();
    const perCase = audit.filter((e) => e.caseId === closedCase).map((e) => JSON.parse(e.data).counts);
    expect(perCase).toEqual([counts({ signingCodes: 1 }), counts({ chat: 1, notepads: 1, linkUses: 2 }), counts({ materials: 1 })]);
    expect(audit.filter((e) => e.caseId === null).map((e) => JSON.parse(e.data).cases)).toEqual([2, 2, 1]);
    const raw = audit.map((e) => e.data).join('\n');
    for (const secret of [CHAT_TEXT, NOTE_TEXT, parties[0]!.name, '127.0.0.1', 'RetentionTest', '证据']) expect(raw).not.toContain(secret);
    expect((await verifyAuditChain(server.ctx.db)).ok).toBe(true);
  });
});

describe('retention policy file', () => {
  it('the centre’s file overrides the defaults per key; null keeps a kind for good; a bad file is refused', async () => {
    const { mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync(path.join((await import('node:os')).tmpdir(), 'jiefen-retention-'));
    expect(loadRetentionPolicy(dir)).toEqual(DEFAULT_RETENTION);
    writeFileSync(path.join(dir, 'retention.json'), JSON.stringify({ chatDaysAfterClosing: null, linkUseDays: 30 }));
    expect(loadRetentionPolicy(dir)).toEqual({ ...DEFAULT_RETENTION, chatDaysAfterClosing: null, linkUseDays: 30 });
    writeFileSync(path.join(dir, 'retention.json'), JSON.stringify({ linkUseDays: -1 }));
    expect(() => loadRetentionPolicy(dir)).toThrow(RetentionPolicyError);
    writeFileSync(path.join(dir, 'retention.json'), JSON.stringify({ chatDays: 5 }));
    expect(() => loadRetentionPolicy(dir)).toThrow(/chatDays/);
  });
});
