// 限时办结 with a fake clock: a matter's stage deadline comes from the policy (data), its owner is
// reminded before it, 督办 goes to the unit head when it passes and to the centre's dispatchers a day
// later, each exactly once — and a deadline is extended only by the unit head or a dispatcher, only
// with a reason, after which the reminder and 督办 follow the new deadline. Time moves by
// FakeClock.advance: no test here sleeps.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../signaling/deadlines/clock.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { registerAt, staffInUnit, steps, type UnitStaff } from './deadline-support.ts';

const HOUR = 3600_000;

describe('限时办结: reminders, 督办 and extensions on a fake clock', () => {
  let server: TestServer;
  const clock = new FakeClock(new Date('2026-12-07T01:00:00Z'));
  let dispatcher: UnitStaff;
  let head: UnitStaff;
  let mediator: UnitStaff;
  let matterId: string;

  const run = () => server.deadlines.scheduler.runDue();

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
    dispatcher = await staffInUnit(server.ctx.db, server.url, {
      username: 'dispatcher1',
      displayName: '王受理',
      role: 'DISPATCHER',
      unitCode: 'centre-office',
    });
    head = await staffInUnit(server.ctx.db, server.url, { username: 'head1', displayName: '赵主任', role: 'UNIT_HEAD', unitCode: 'centre-office' });
    mediator = await staffInUnit(server.ctx.db, server.url, { username: 'mediator1', displayName: '李调解', role: 'MEDIATOR', unitCode: 'committee' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sets the stage deadline from the policy and schedules its reminder and 督办', async () => {
    const m = await registerAt(server.ctx.db, dispatcher, clock.now());
    matterId = m.id;
    // REGISTERED (分流): 24 h in the built-in policy.
    expect(m.stageDueAt.toISOString()).toBe('2026-12-08T01:00:00.000Z');
    const jobs = await server.ctx.db.scheduledJob.findMany({ where: { matterId }, orderBy: { runAt: 'asc' } });
    expect(jobs.map((j) => [j.kind, j.runAt.toISOString(), j.status])).toEqual([
      ['REMIND', '2026-12-07T21:00:00.000Z', 'PENDING'],
      ['ESCALATE_UNIT_HEAD', '2026-12-08T01:00:00.000Z', 'PENDING'],
      ['ESCALATE_CENTRE', '2026-12-09T01:00:00.000Z', 'PENDING'],
    ]);
    const mine = await dispatcher.client.json('GET', '/api/deadlines/mine');
    expect(mine.now).toBe('2026-12-07T01:00:00.000Z');
    expect(mine.matters).toMatchObject([
      { id: matterId, dueAt: '2026-12-08T01:00:00.000Z', remainingMs: 24 * HOUR, overdue: false, reminded: false, escalation: null },
    ]);
  });

  it('reminds the owner before the deadline, once', async () => {
    clock.advanceHours(19);
    await run();
    expect(await steps(server.ctx.db, matterId, ['REMINDED', 'ESCALATED'])).toEqual([]);
    clock.advanceHours(1);
    await run();
    await run();
    const reminded = await steps(server.ctx.db, matterId, ['REMINDED', 'ESCALATED']);
    expect(reminded).toEqual([
      {
        type: 'REMINDED',
        at: new Date('2026-12-07T21:00:00Z'),
        actorLabel: '系统（限时办结）',
        data: { stage: 'REGISTERED', dueAt: '2026-12-08T01:00:00.000Z', userId: dispatcher.id, unitId: dispatcher.unitId },
      },
    ]);
    const mine = await dispatcher.client.json('GET', '/api/deadlines/mine');
    expect(mine.matters[0]).toMatchObject({ remainingMs: 4 * HOUR, overdue: false, reminded: true, escalation: null });
  });

  it('escalates (督办) to the unit head when overdue, then to the centre', async () => {
    clock.advance(4 * HOUR + 60_000);
    await run();
    let late = await steps(server.ctx.db, matterId, ['ESCALATED']);
    expect(late.map((s) => s.data)).toEqual([{ stage: 'REGISTERED', dueAt: '2026-12-08T01:00:00.000Z', level: 'UNIT_HEAD', unitId: head.unitId }]);
    const mine = await dispatcher.client.json('GET', '/api/deadlines/mine');
    expect(mine.matters[0]).toMatchObject({ remainingMs: -60_000, overdue: true, escalation: 'UNIT_HEAD' });
    const forHead = await head.client.json('GET', '/api/deadlines/escalations');
    expect(forHead.escalations).toMatchObject([{ level: 'UNIT_HEAD', matter: { id: matterId, overdue: true, canExtend: true } }]);
    // Not yet the centre's.
    expect((await dispatcher.client.json('GET', '/api/deadlines/escalations')).escalations).toEqual([]);

    clock.advanceHours(24);
    await run();
    late = await steps(server.ctx.db, matterId, ['ESCALATED']);
    expect(late.map((s) => s.data.level)).toEqual(['UNIT_HEAD', 'CENTRE']);
    const forCentre = await dispatcher.client.json('GET', '/api/deadlines/escalations');
    expect(forCentre.escalations).toMatchObject([{ level: 'CENTRE', matter: { id: matterId, escalation: 'CENTRE' } }]);
    // Nothing more is due for this deadline: running again adds nothing.
    clock.advanceHours(100);
    await run();
    expect(await steps(server.ctx.db, matterId, ['REMINDED', 'ESCALATED'])).toHaveLength(3);
  });

  it('extends a deadline only with a reason, only by the unit head or a dispatcher', async () => {
    const before = await server.ctx.db.matter.findUniqueOrThrow({ where: { id: matterId } });
    const dueAt = new Date(clock.now().getTime() + 48 * HOUR).toISOString();
    const url = `/api/deadlines/matters/${matterId}/extension`;

    const byMediator = await mediator.client.request('POST', url, { dueAt, reason: '当事人出差' });
    expect(byMediator.status).toBe(403);
    for (const reason of ['', '   ']) {
      const res = await head.client.request('POST', url, { dueAt, reason });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('REASON_REQUIRED');
    }
    const earlier = await head.client.request('POST', url, { dueAt: before.stageDueAt!.toISOString(), reason: '补充材料' });
    expect(((await earlier.json()) as { code: string }).code).toBe('DEADLINE_NOT_LATER');
    const missing = await head.client.request('POST', url, { dueAt });
    expect(missing.status).toBe(400);
    // Nothing of the refused attempts changed the matter or its history.
    expect((await server.ctx.db.matter.findUniqueOrThrow({ where: { id: matterId } })).stageDueAt).toEqual(before.stageDueAt);
    expect(await steps(server.ctx.db, matterId, ['DEADLINE_EXTENDED'])).toEqual([]);

    const ok = await head.client.json('POST', url, { dueAt, reason: ' 当事人需补充物业合同，延期两日 ' });
    expect(ok.matter).toMatchObject({ id: matterId, dueAt, overdue: false, remainingMs: 48 * HOUR, escalation: null, reminded: false });
    expect(await steps(server.ctx.db, matterId, ['DEADLINE_EXTENDED'])).toEqual([
      {
        type: 'DEADLINE_EXTENDED',
        at: clock.now(),
        actorLabel: '赵主任（单位负责人）',
        data: { stage: 'REGISTERED', dueAt, reason: '当事人需补充物业合同，延期两日', previousDueAt: before.stageDueAt!.toISOString() },
      },
    ]);
    // The standing 督办 is lifted (it was about the old deadline) …
    expect((await head.client.json('GET', '/api/deadlines/escalations')).escalations).toEqual([]);
    expect((await dispatcher.client.json('GET', '/api/deadlines/escalations')).escalations).toEqual([]);
    // … and the new deadline has its own reminder and 督办.
    clock.advanceHours(44);
    await run();
    clock.advanceHours(4);
    await run();
    const after = await steps(server.ctx.db, matterId, ['REMINDED', 'ESCALATED']);
    expect(after.slice(3).map((s) => [s.type, s.data.dueAt, s.data.level])).toEqual([
      ['REMINDED', dueAt, undefined],
      ['ESCALATED', dueAt, 'UNIT_HEAD'],
    ]);
    // A dispatcher may extend too.
    const again = await dispatcher.client.json('POST', url, { dueAt: new Date(clock.now().getTime() + 24 * HOUR).toISOString(), reason: '中心督办后同意延期' });
    expect(again.matter.overdue).toBe(false);
  });

  it('a job whose matter moved on is skipped, not run', async () => {
    const m = await registerAt(server.ctx.db, dispatcher, clock.now());
    // Withdrawn before anything was due: its pending reminder and 督办 find it closed.
    await server.ctx.db.matter.update({ where: { id: m.id }, data: { status: 'WITHDRAWN' } });
    clock.advanceHours(72);
    await run();
    expect(await steps(server.ctx.db, m.id, ['REMINDED', 'ESCALATED'])).toEqual([]);
    const jobs = await server.ctx.db.scheduledJob.findMany({ where: { matterId: m.id } });
    expect(jobs.map((j) => j.status).sort()).toEqual(['SKIPPED', 'SKIPPED', 'SKIPPED']);
  });
});

describe('the deadline policy is data', () => {
  it('a centre’s own file sets the limits per stage and dispute type', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-deadline-policy-'));
    const policy = {
      stages: {
        REGISTERED: { hours: 12, remindBeforeHours: 2, basis: '本中心规程' },
        ROUTED: { hours: 48, remindBeforeHours: 8, basis: '本中心规程' },
        ACCEPTED: { hours: 24, remindBeforeHours: 4, basis: '本中心规程' },
        ASSIGNED: { hours: 720, remindBeforeHours: 72, basis: '本中心规程' },
      },
      disputeTypes: { PRIVATE_LOAN: { REGISTERED: { hours: 6, basis: '本中心规程：借贷纠纷加快分流' } } },
      escalateToCentreAfterHours: 0,
    };
    writeFileSync(path.join(dataDir, 'deadline-policy.json'), JSON.stringify(policy));
    const clock = new FakeClock(new Date('2026-12-07T01:00:00Z'));
    const server = await startTestServer({}, { clock, dataDir });
    try {
      const owner = await staffInUnit(server.ctx.db, server.url, {
        username: 'dispatcher2',
        displayName: '钱受理',
        role: 'DISPATCHER',
        unitCode: 'centre-office',
      });
      const general = await registerAt(server.ctx.db, owner, clock.now(), { disputeType: 'GENERAL' });
      const loan = await registerAt(server.ctx.db, owner, clock.now(), { disputeType: 'PRIVATE_LOAN' });
      expect(general.stageDueAt.toISOString()).toBe('2026-12-07T13:00:00.000Z');
      expect(loan.stageDueAt.toISOString()).toBe('2026-12-07T07:00:00.000Z');
      // escalateToCentreAfterHours 0: both levels at the deadline.
      clock.advanceHours(6);
      await server.deadlines.scheduler.runDue();
      expect((await steps(server.ctx.db, loan.id, ['REMINDED', 'ESCALATED'])).map((s) => s.data.level ?? s.type)).toEqual(['REMINDED', 'UNIT_HEAD', 'CENTRE']);
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a wrong file stops the start, naming what is wrong', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-deadline-policy-bad-'));
    writeFileSync(path.join(dataDir, 'deadline-policy.json'), JSON.stringify({ stages: { REGISTERED: { hours: -1 } }, escalateToCentreAfterHours: 1 }));
    try {
      await expect(startTestServer({}, { dataDir })).rejects.toThrow(/deadline-policy\.json: stages\.REGISTERED\.hours/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
