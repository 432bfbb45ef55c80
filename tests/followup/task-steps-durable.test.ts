// The reminder and 督办 of a 回访 are state on the task, not timers: steps that fell due while the
// server was down run when it starts again — once (a second start at the same time writes
// nothing) — and the scheduler wakes by itself when the next one is due. The server is stopped
// and started on the same data folder; a fake clock stands for the hours it was down.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../signaling/config.ts';
import { applyMigrations } from '../../signaling/db.ts';
import { FakeClock } from '../../signaling/deadlines/clock.ts';
import { openFollowUpTask } from '../../signaling/followup/follow-up-tasks.ts';
import { loadFollowUpPolicy } from '../../signaling/followup/policy.ts';
import { startServer, type RunningServer } from '../../signaling/server.ts';
import { eventually } from '../support/wait.ts';

const T0 = Date.parse('2026-12-07T01:00:00Z');
const HOUR = 3600_000;

describe('回访 steps across restarts', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-followup-restart-'));
  let server: RunningServer | null = null;
  const start = async (clock: FakeClock) => {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      JIEFEN_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      RTC_PORT: '0',
      MEDIASOUP_WORKERS: '1',
      DEADLINE_SCAN_SEC: '3600',
    });
    server = await startServer(config, { logger: false, skipMigrations: true, clock });
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
  const steps = async (s: RunningServer, taskId: string) =>
    (await s.ctx.db.auditEntry.findMany({ where: { type: { in: ['FOLLOW_UP_REMINDED', 'FOLLOW_UP_ESCALATED'] } }, orderBy: { seq: 'asc' } }))
      .filter((e) => (JSON.parse(e.data) as { taskId: string }).taskId === taskId)
      .map((e) => e.type);

  it('run at the next start once, and on the clock after that', async () => {
    await applyMigrations(dataDir);
    let s = await start(new FakeClock(T0));
    const unit = await s.ctx.db.organisation.findFirstOrThrow({ where: { code: 'property' } });
    const kase = await s.ctx.db.case.create({
      data: {
        number: '青山物业调〔2026〕第90号',
        orgId: unit.id,
        title: '回访测试',
        disputeType: 'GENERAL',
        summary: '测试',
        status: 'FAILED',
        dueDate: new Date(T0),
      },
    });
    const policy = loadFollowUpPolicy(null);
    const open = (sourceId: string, at: number) =>
      s.ctx.db.$transaction((tx) => openFollowUpTask(tx, { caseId: kase.id, reason: 'POOR_RATING', sourceId }, new Date(at), policy, { type: 'system' }));
    const first = await open('rating-1', T0);
    await stop();

    // Down for 80 hours: past the reminder (48 h) and the 督办 (72 h). The reminder is no longer
    // useful after the deadline, so only the 督办 runs.
    s = await start(new FakeClock(T0 + 80 * HOUR));
    await s.deadlines.scheduler.runDue();
    expect(await steps(s, first.id)).toEqual(['FOLLOW_UP_ESCALATED']);
    await stop();
    s = await start(new FakeClock(T0 + 80 * HOUR));
    await s.deadlines.scheduler.runDue();
    expect(await steps(s, first.id)).toEqual(['FOLLOW_UP_ESCALATED']);

    // A task opened now is reminded 48 h later by the scheduler's own timer, nothing run by hand.
    const clock = new FakeClock(T0 + 100 * HOUR);
    await stop();
    s = await start(clock);
    const second = await open('rating-2', T0 + 100 * HOUR);
    clock.advanceHours(1); // the hourly scan finds the new task and sets the timer for its reminder
    await eventually(async () => expect(clock.pending).toBe(1));
    clock.advanceHours(46);
    await eventually(async () => expect(clock.pending).toBe(1));
    expect(await steps(s, second.id)).toEqual([]);
    clock.advanceHours(1);
    await eventually(async () => expect(await steps(s, second.id)).toEqual(['FOLLOW_UP_REMINDED']));
    clock.advanceHours(24);
    await eventually(async () => expect(await steps(s, second.id)).toEqual(['FOLLOW_UP_REMINDED', 'FOLLOW_UP_ESCALATED']));
  });
});
