// The jobs of 限时办结 are rows, not timers: a reminder and a 督办 that fall due while the server is
// down run when it starts again — once: a second restart at the same time runs nothing more, and the
// later 督办 (to the centre) still runs when its time comes. The server is stopped and started on
// the same data folder; a fake clock stands for the hours it was down.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../signaling/config.ts';
import { applyMigrations } from '../../signaling/db.ts';
import { FakeClock } from '../../signaling/deadlines/clock.ts';
import { startServer, type RunningServer } from '../../signaling/server.ts';
import { eventually } from '../support/wait.ts';
import { registerAt, staffInUnit, steps } from './deadline-support.ts';

const T0 = Date.parse('2026-12-07T01:00:00Z');
const HOUR = 3600_000;

describe('durable deadline jobs across restarts', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-deadline-restart-'));
  let server: RunningServer | null = null;
  const config = () =>
    loadConfig({ PORT: '0', HOST: '127.0.0.1', JIEFEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn', RTC_PORT: '0', MEDIASOUP_WORKERS: '1', DEADLINE_SCAN_SEC: '3600' });
  const start = async (clock: FakeClock) => {
    server = await startServer(config(), { logger: false, skipMigrations: true, clock });
    return server;
  };
  const stop = async () => {
    await server?.close();
    server = null;
  };

  afterAll(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a job due while the server was down runs at the next start, once', async () => {
    await applyMigrations(dataDir);
    let s = await start(new FakeClock(T0));
    const owner = await staffInUnit(s.ctx.db, s.url, { username: 'dispatcher-r', displayName: '孙受理', role: 'DISPATCHER', unitCode: 'centre-office' });
    const matter = await registerAt(s.ctx.db, owner, new Date(T0));
    await s.deadlines.scheduler.runDue();
    expect(await steps(s.ctx.db, matter.id, ['REMINDED', 'ESCALATED'])).toEqual([]);
    await stop();

    // Down for 30 hours: past the reminder (20 h) and the unit head's 督办 (24 h), not the centre's (48 h).
    s = await start(new FakeClock(T0 + 30 * HOUR));
    await s.deadlines.scheduler.runDue();
    const ran = await steps(s.ctx.db, matter.id, ['REMINDED', 'ESCALATED']);
    expect(ran.map((e) => [e.type, e.data.level ?? null])).toEqual([
      ['REMINDED', null],
      ['ESCALATED', 'UNIT_HEAD'],
    ]);
    await stop();

    // Started again at the same time: nothing runs twice.
    s = await start(new FakeClock(T0 + 30 * HOUR));
    await s.deadlines.scheduler.runDue();
    expect(await steps(s.ctx.db, matter.id, ['REMINDED', 'ESCALATED'])).toHaveLength(2);
    await stop();

    // Later, the centre's 督办 — once.
    const clock = new FakeClock(T0 + 49 * HOUR);
    s = await start(clock);
    await s.deadlines.scheduler.runDue();
    clock.advanceHours(1);
    await s.deadlines.scheduler.runDue();
    expect((await steps(s.ctx.db, matter.id, ['REMINDED', 'ESCALATED'])).map((e) => e.data.level ?? e.type)).toEqual(['REMINDED', 'UNIT_HEAD', 'CENTRE']);
    const jobs = await s.ctx.db.scheduledJob.findMany({ where: { matterId: matter.id } });
    expect(jobs.map((j) => [j.status, j.attempts, j.ranBy])).toEqual([
      ['DONE', 1, 'local'],
      ['DONE', 1, 'local'],
      ['DONE', 1, 'local'],
    ]);
  });

  it('the scheduler wakes by itself at the next scan and when the next job is due', async () => {
    await stop();
    const clock = new FakeClock(T0 + 60 * HOUR);
    const s = await start(clock);
    const owner = await s.ctx.db.user.findFirstOrThrow({ where: { username: 'dispatcher-r' } });
    const matter = await registerAt(s.ctx.db, { id: owner.id, unitId: owner.orgId }, clock.now());
    const remindedOnce = async () => expect(await steps(s.ctx.db, matter.id, ['REMINDED'])).toHaveLength(1);
    // Registered behind the scheduler's back: it wakes at least every DEADLINE_SCAN_SEC (an hour here)
    // and at the next job's time, so the reminder (20 h after registration) runs with nothing run by hand.
    clock.advanceHours(1);
    await eventually(async () => expect(clock.pending).toBe(1));
    clock.advanceHours(18);
    await eventually(async () => expect(clock.pending).toBe(1));
    expect(await steps(s.ctx.db, matter.id, ['REMINDED'])).toEqual([]);
    clock.advanceHours(1);
    await eventually(remindedOnce);
  });
});
