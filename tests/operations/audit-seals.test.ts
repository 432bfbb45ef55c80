// Audit seals: someone with write access to the SQLite file edits an audit row and re-hashes the
// whole chain after it (and the head), as an attacker would. The plain chain check passes; the
// seals, signed with the organisation's key outside the database, catch it and say where. The
// seal timer runs on a hand-driven clock (no sleeps); a clean shutdown seals the final head.
import { openSqlite } from '../../signaling/sqlite-binding.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { entryHash } from '../../signaling/audit/chain.ts';
import { verifyAuditChain } from '../../signaling/audit/log.ts';
import type { SealClock } from '../../signaling/audit/seal-schedule.ts';
import { AUDIT_SEALS_FILE } from '../../signaling/audit/seals.ts';
import { loadConfig } from '../../signaling/config.ts';
import { startServer } from '../../signaling/server.ts';
import { createStaffUser, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The timer the server schedules, fired by hand. */
class ManualClock implements SealClock {
  readonly timers = new Map<number, { fn: () => void; ms: number }>();
  #next = 1;
  setInterval(fn: () => void, ms: number): unknown {
    this.timers.set(this.#next, { fn, ms });
    return this.#next++;
  }
  clearInterval(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  tick(): void {
    for (const t of this.timers.values()) t.fn();
  }
}

async function someActivity(s: TestServer, n: number): Promise<StaffClient> {
  const admin = new StaffClient(s.url);
  await admin.login(s.admin.username, s.admin.password);
  const { client: mediator } = await createStaffUser(admin, {
    username: `seal-med-${n}`,
    displayName: `调解员${n}`,
    role: 'MEDIATOR',
    password: 'mediator-pass-1',
  });
  for (let i = 0; i < 3; i++) await mediator.json('POST', '/api/cases', { title: `案件${n}-${i}`, disputeType: 'GENERAL', summary: '封印测试' }, 201);
  return mediator;
}

/** As an attacker with the database file: change one entry's data, then re-hash it and every later entry and the head. */
async function rewriteChainFrom(s: TestServer, seq: number, newData: (old: string) => string): Promise<void> {
  const rows = await s.ctx.db.auditEntry.findMany({ where: { seq: { gte: seq - 1 } }, orderBy: { seq: 'asc' } });
  const db = openSqlite(path.join(s.dataDir, 'jiefen.db'));
  try {
    db.transaction(() => {
      let prevHash = rows[0]!.seq === seq ? rows[0]!.prevHash : rows[0]!.hash;
      for (const row of rows.filter((r) => r.seq >= seq)) {
        const data = row.seq === seq ? newData(row.data) : row.data;
        const hash = entryHash({ ...row, data, prevHash });
        db.prepare('UPDATE AuditEntry SET data = ?, prevHash = ?, hash = ? WHERE seq = ?').run(data, prevHash, hash, row.seq);
        prevHash = hash;
      }
      db.prepare('UPDATE AuditHead SET hash = ? WHERE id = 1').run(prevHash);
    })();
  } finally {
    db.close();
  }
}

function auditCli(dataDir: string, command: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'signaling/audit/audit-cli.ts'), command], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', JIEFEN_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('audit seals', () => {
  it('a rewritten and consistently re-hashed chain passes the plain check but not the seals, which say where it breaks', async () => {
    server = await startTestServer();
    await someActivity(server, 1);
    const first = (await server.auditSeals.seal()).seal!;
    const mediator = await someActivity(server, 2);
    const second = (await server.auditSeals.seal()).seal!;
    expect(second.seq).toBeGreaterThan(first.seq);
    expect(await server.auditSeals.verify()).toMatchObject({ ok: true, seals: 2, lastGood: { seq: second.seq }, unsealedAfter: null });
    const honestCase = ((await mediator.json('GET', '/api/cases')).cases as Array<{ id: string }>)[0]!.id;
    expect((await mediator.json('GET', `/api/cases/${honestCase}/audit`)).chain).toMatchObject({ ok: true });

    // Change a case title recorded between the two seals.
    const target = await server.ctx.db.auditEntry.findFirstOrThrow({ where: { type: 'CASE_CREATED', seq: { gt: first.seq } }, orderBy: { seq: 'asc' } });
    expect(target.data).toContain('案件2-');
    await rewriteChainFrom(server, target.seq, (data) => data.replace('案件2-', '伪造案件'));

    expect(await verifyAuditChain(server.ctx.db)).toMatchObject({ ok: true });
    const verdict = await server.auditSeals.verify();
    expect(verdict).toMatchObject({ ok: false, lastGood: { seq: first.seq }, brokenAt: { seq: second.seq, afterSeq: first.seq } });
    expect(verdict.reason).toContain(`第 ${first.seq + 1}–${second.seq} 条之间的记录被改写`);
    // The case page's audit view says so too, from the first entry the seals no longer vouch for.
    const caseId = ((await mediator.json('GET', '/api/cases')).cases as Array<{ id: string }>)[0]!.id;
    expect((await mediator.json('GET', `/api/cases/${caseId}/audit`)).chain).toMatchObject({ ok: false, brokenAt: first.seq + 1 });

    const cli = await auditCli(server.dataDir, 'verify');
    expect(cli.code).toBe(1);
    expect(cli.out).toContain('审计链完整');
    expect(cli.out).toContain('封印核验失败');
    expect(cli.out).toContain('被改写');
  });

  it('an honest chain verifies, with the entries after the newest seal reported as not sealed yet', async () => {
    server = await startTestServer();
    await someActivity(server, 1);
    const { seal } = await server.auditSeals.seal();
    expect(await server.auditSeals.seal()).toMatchObject({ sealed: false, seal }); // nothing new: no new seal
    await someActivity(server, 2);
    expect(await server.auditSeals.verify()).toMatchObject({ ok: true, seals: 1, unsealedAfter: seal!.seq });
    const cli = await auditCli(server.dataDir, 'verify');
    expect(cli.code, cli.out).toBe(0);
    expect(cli.out).toContain(`第 ${seal!.seq + 1} 条起尚未封印`);
  });

  it('catches a truncated log, and a seal line edited to match a rewrite', async () => {
    server = await startTestServer();
    await someActivity(server, 1);
    const { seal } = await server.auditSeals.seal();
    // Truncate: drop the last two entries and point the head at the one before — the plain chain still verifies.
    const keep = await server.ctx.db.auditEntry.findUniqueOrThrow({ where: { seq: seal!.seq - 2 } });
    const db = openSqlite(path.join(server.dataDir, 'jiefen.db'));
    db.prepare('DELETE FROM AuditEntry WHERE seq > ?').run(keep.seq);
    db.prepare('UPDATE AuditHead SET seq = ?, hash = ? WHERE id = 1').run(keep.seq, keep.hash);
    db.close();
    expect(await verifyAuditChain(server.ctx.db)).toMatchObject({ ok: true });
    expect((await server.auditSeals.verify()).reason).toContain('日志被截断或删除');

    // Someone also edits the seal to the new head: its signature no longer holds.
    const file = path.join(server.dataDir, AUDIT_SEALS_FILE);
    const line = JSON.parse(readFileSync(file, 'utf8').trim()) as { seq: number; hash: string; rows: number };
    writeFileSync(file, `${JSON.stringify({ ...line, seq: keep.seq, hash: keep.hash, rows: keep.seq })}\n`);
    expect((await server.auditSeals.verify()).reason).toContain('封印签名无效');
  });

  it('the timer seals every AUDIT_SEAL_INTERVAL_MIN when there is something new (hand-driven clock)', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ AUDIT_SEAL_INTERVAL_MIN: '5' }, { sealClock: clock });
    expect([...clock.timers.values()].map((t) => t.ms)).toEqual([5 * 60_000]);
    const file = path.join(server.dataDir, AUDIT_SEALS_FILE);
    const lines = () => readFileSync(file, 'utf8').trim().split('\n');

    clock.tick();
    await server.auditSealSchedule.sealNow(); // joins the tick's seal
    expect(lines()).toHaveLength(1);
    clock.tick();
    await server.auditSealSchedule.sealNow();
    expect(lines()).toHaveLength(1); // nothing happened since
    await someActivity(server, 1);
    clock.tick();
    await server.auditSealSchedule.sealNow();
    expect(lines()).toHaveLength(2);
    const head = await server.ctx.db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    expect(JSON.parse(lines()[1]!)).toMatchObject({ seq: head.seq, hash: head.hash });
  });

  it('a clean shutdown seals the final head and stops the timer', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-seal-shutdown-'));
    try {
      const clock = new ManualClock();
      const running = await startServer(
        loadConfig({ PORT: '0', HOST: '127.0.0.1', JIEFEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn', RTC_PORT: '0', MEDIASOUP_WORKERS: '1' }),
        { logger: false, sealClock: clock },
      );
      const head = await running.ctx.db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
      await running.close();
      expect(clock.timers.size).toBe(0);
      const seals = readFileSync(path.join(dataDir, AUDIT_SEALS_FILE), 'utf8').trim().split('\n');
      expect(JSON.parse(seals.at(-1)!)).toMatchObject({ seq: head.seq, hash: head.hash });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
