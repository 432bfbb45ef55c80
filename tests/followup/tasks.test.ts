// 回访 (#16 item 3) against a real server on a fake clock: a poor rating's task is reminded to the one
// responsible a day before its deadline and goes to the unit's head (督办) at it — each step once,
// also when runners race; records in the standard 回访记录 form, refused with their own codes when
// bad; closing with an outcome; the sealed 回访记录 PDF read back with pdftotext and pdfsig;
// reopening a case (and its matter) when the outcome needs it, refused for a signed agreement;
// the closing sample, decided by the case id and the policy in force.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFollowUpPolicy } from '../../signaling/followup/policy.ts';
import { installFollowUpPolicy, sampledForFollowUp } from '../../signaling/followup/sampling.ts';
import { runStep } from '../../signaling/followup/tasks/task-jobs.ts';
import { FakeClock } from '../../signaling/deadlines/clock.ts';
import { registerMatter } from '../../signaling/intake/registration.ts';
import { pdfsig, pdftotext, strokePng, writePdf } from '../signing/pdf-tools.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { asParty, asStaff, caseWithParties, castOf, failCase, type Cast, type RatedCase } from './followup-support.ts';

const T0 = Date.parse('2026-12-07T01:00:00Z');
const HOUR = 3600_000;

let server: TestServer;
let clock: FakeClock;
let cast: Cast;
let k: RatedCase;
let taskA: string;
let taskB: string;
const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-followup-'));

const auditOf = async (caseId: string, types: string[]) =>
  (await server.ctx.db.auditEntry.findMany({ where: { caseId, type: { in: types } }, orderBy: { seq: 'asc' } })).map((e) => ({
    type: e.type,
    data: JSON.parse(e.data),
  }));
const rateClosing = (token: string, score: number, comment?: string) =>
  asParty(server.url, token, 'POST', '/api/followup/party/ratings', { occasion: 'CLOSING', occasionKey: 'closing', score, ...(comment ? { comment } : {}) });
const taskOf = async (caseId: string, participantId: string) => {
  const rating = await server.ctx.db.serviceRating.findFirstOrThrow({ where: { caseId, participantId, occasion: 'CLOSING' } });
  return (await server.ctx.db.followUpTask.findFirstOrThrow({ where: { reason: 'POOR_RATING', sourceId: rating.id } })).id;
};
const record = (overrides: Record<string, unknown> = {}) => ({
  at: clock.now().toISOString(),
  method: 'PHONE',
  contact: '李某',
  content: '电话询问对调解服务的意见，说明可以重新申请调解',
  result: 'dissatisfied',
  partyOpinion: '认为物业仍未维修漏水点',
  performance: '物业承诺一周内维修，尚未履行',
  ...overrides,
});

beforeAll(async () => {
  // The centre's own policy file: no closing sample here (the sample has its own test below).
  writeFileSync(path.join(dataDir, 'followup-policy.json'), JSON.stringify({ sampleClosedPercent: 0 }));
  clock = new FakeClock(T0);
  server = await startTestServer({ DEADLINE_SCAN_SEC: '3600' }, { clock, dataDir });
  cast = await castOf(server);
  await server.ctx.db.organisation.update({ where: { id: cast.mediator.unitId }, data: { sealPng: Buffer.from(strokePng(200, 200)) } });
  k = await caseWithParties(cast.mediator);
  await failCase(cast.mediator, k.caseId);
  expect((await rateClosing(k.a.token, 2, '调解员没有听我说完')).status).toBe(201);
  taskA = await taskOf(k.caseId, k.a.id);
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('限时办结 of a 回访', () => {
  it('reminds the one responsible a day before, tells the unit head at the deadline — each once', async () => {
    const task = await server.ctx.db.followUpTask.findUniqueOrThrow({ where: { id: taskA } });
    expect(task.dueAt.getTime()).toBe(T0 + 72 * HOUR);
    const steps = () => auditOf(k.caseId, ['FOLLOW_UP_REMINDED', 'FOLLOW_UP_ESCALATED']);

    clock.advanceHours(47);
    await server.deadlines.scheduler.runDue();
    expect(await steps()).toEqual([]);

    clock.advanceHours(1);
    await server.deadlines.scheduler.runDue();
    await server.deadlines.scheduler.runDue();
    expect(await steps()).toEqual([{ type: 'FOLLOW_UP_REMINDED', data: { taskId: taskA, dueAt: task.dueAt.toISOString(), userId: cast.mediator.id } }]);
    const mine = (await asStaff(cast.mediator, 'GET', '/api/followup/tasks?filter=mine')).body;
    expect(mine.tasks.map((t: any) => [t.id, t.reminded, t.escalated, t.overdue])).toEqual([[taskA, true, false, false]]);
    expect((await asStaff(cast.head, 'GET', '/api/followup/tasks?filter=overdue')).body.tasks).toEqual([]);

    clock.advanceHours(24);
    await server.deadlines.scheduler.runDue();
    await server.deadlines.scheduler.runDue();
    expect((await steps()).map((s) => s.type)).toEqual(['FOLLOW_UP_REMINDED', 'FOLLOW_UP_ESCALATED']);
    expect((await steps())[1]!.data).toEqual({ taskId: taskA, dueAt: task.dueAt.toISOString(), unitId: cast.head.unitId, headIds: [cast.head.id] });
    for (const who of [cast.head, cast.dispatcher]) {
      const overdue = (await asStaff(who, 'GET', '/api/followup/tasks?filter=overdue')).body;
      expect(
        overdue.tasks.map((t: any) => [t.id, t.overdue, t.escalated, t.reasonLabel]),
        who.username,
      ).toEqual([[taskA, true, true, '当事人差评']]);
    }
    expect((await asStaff(cast.otherUnit, 'GET', '/api/followup/tasks?filter=overdue')).body.tasks).toEqual([]);
  });

  it('a step claimed by several runners at once is written by one', async () => {
    expect((await rateClosing(k.b.token, 1)).status).toBe(201);
    taskB = await taskOf(k.caseId, k.b.id);
    const now = clock.now();
    const runs = await Promise.all([1, 2, 3].map(() => runStep(server.ctx.db, taskB, 'REMIND', now)));
    expect(runs.filter(Boolean)).toHaveLength(1);
    const reminded = (await auditOf(k.caseId, ['FOLLOW_UP_REMINDED'])).filter((e) => e.data.taskId === taskB);
    expect(reminded).toHaveLength(1);
  });
});

describe('回访 records, outcome and the 回访记录', () => {
  it('refuses a bad record with its code and writes nothing', async () => {
    const url = `/api/followup/tasks/${taskA}/records`;
    for (const [who, body, status, code] of [
      [cast.head, record({ at: new Date(clock.now().getTime() + 2 * HOUR).toISOString() }), 400, 'FOLLOW_UP_TIME_INVALID'],
      [cast.head, record({ at: new Date(T0 - 48 * HOUR).toISOString() }), 400, 'FOLLOW_UP_TIME_INVALID'],
      [cast.head, record({ at: 'yesterday' }), 400, 'VALIDATION'],
      [cast.head, record({ content: '   ' }), 400, 'VALIDATION'],
      [cast.head, record({ method: 'EMAIL' }), 400, 'VALIDATION'],
      [cast.head, record({ result: 'happy' }), 400, 'VALIDATION'],
      [cast.head, record({ contact: '' }), 400, 'VALIDATION'],
      [cast.head, { ...record(), taskId: taskB }, 400, 'VALIDATION'],
      [cast.otherUnit, record(), 404, 'FOLLOW_UP_NOT_FOUND'],
    ] as const) {
      const res = await asStaff(who, 'POST', url, body);
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect(await server.ctx.db.followUpRecord.count()).toBe(0);
    // Closing needs a record first.
    const early = await asStaff(cast.head, 'POST', `/api/followup/tasks/${taskA}/close`, { outcome: 'RESOLVED', note: '' });
    expect([early.status, early.body.code]).toEqual([409, 'FOLLOW_UP_NO_RECORD']);
  });

  it('records a call in the standard form, closes with its outcome, and issues the sealed 回访记录 once', async () => {
    expect((await asStaff(cast.head, 'POST', `/api/followup/tasks/${taskA}/records`, record())).status).toBe(201);
    expect(
      (
        await asStaff(
          cast.dispatcher,
          'POST',
          `/api/followup/tasks/${taskA}/records`,
          record({ method: 'VISIT', result: 'satisfied', content: '上门回访，物业已派人维修', partyOpinion: '对处理结果表示满意', performance: '已维修完毕' }),
        )
      ).status,
    ).toBe(201);
    const detail = (await asStaff(cast.mediator, 'GET', `/api/followup/tasks/${taskA}`)).body;
    expect(detail.records.map((r: any) => [r.methodLabel, r.contact, r.resultLabel, r.userName])).toEqual([
      ['电话回访', '李某', '不满意', '吴负责'],
      ['上门回访', '李某', '满意', '王受理'],
    ]);
    expect(detail.rating).toMatchObject({ participantName: '李某', scoreLabel: '不满意', comment: '调解员没有听我说完' });
    expect(detail.case).toMatchObject({ status: 'FAILED', statusLabel: '调解不成', disputeTypeLabel: '物业服务合同纠纷' });
    expect(detail.canWork).toBe(true);
    // What was said is sealed at rest.
    const raw = await server.ctx.db.$queryRawUnsafe<{ content: string; partyOpinion: string; performance: string }[]>(
      `SELECT content, partyOpinion, performance FROM FollowUpRecord WHERE taskId = ?`,
      taskA,
    );
    for (const r of raw) for (const v of Object.values(r)) expect(v).toMatch(/^enc:v1:/);

    const other = await asStaff(cast.head, 'POST', `/api/followup/tasks/${taskA}/close`, { outcome: 'OTHER', note: ' ' });
    expect([other.status, other.body.code]).toEqual([400, 'REASON_REQUIRED']);
    const closed = await asStaff(cast.head, 'POST', `/api/followup/tasks/${taskA}/close`, { outcome: 'RESOLVED', note: '漏水已修复，当事人无异议' });
    expect(closed.status).toBe(200);
    expect(closed.body.task).toMatchObject({ status: 'DONE', outcome: 'RESOLVED', reopened: false });
    expect(closed.body.canWork).toBe(false);
    for (const [url, body] of [
      [`/api/followup/tasks/${taskA}/close`, { outcome: 'RESOLVED', note: '' }],
      [`/api/followup/tasks/${taskA}/records`, record()],
    ] as const) {
      const res = await asStaff(cast.head, 'POST', url, body);
      expect([res.status, res.body.code]).toEqual([409, 'FOLLOW_UP_CLOSED']);
    }

    const download = async (who: typeof cast.head) => {
      const res = await who.client.request('GET', `/api/followup/tasks/${taskA}/record.pdf`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      return Buffer.from(await res.arrayBuffer());
    };
    const pdf = await download(cast.dispatcher);
    const file = writePdf(pdf);
    const text = pdftotext(file).replace(/\s+/g, '');
    const kase = await server.ctx.db.case.findUniqueOrThrow({ where: { id: k.caseId }, include: { org: true } });
    for (const must of [
      '人民调解回访记录',
      kase.number,
      '纠纷名称：物业费与漏水维修纠纷',
      '当事人：申请人李某、被申请人王某',
      '回访原因：当事人差评',
      '第1次回访',
      '回访方式：电话回访',
      '回访对象：李某',
      '回访内容：电话询问对调解服务的意见，说明可以重新申请调解',
      '当事人意见：不满意。认为物业仍未维修漏水点',
      '履行情况：物业承诺一周内维修，尚未履行',
      '回访人：吴负责',
      '第2次回访',
      '回访方式：上门回访',
      '当事人意见：满意。对处理结果表示满意',
      '回访人：王受理',
      '回访结果',
      '问题已解决，当事人无异议。漏水已修复，当事人无异议',
      `${kase.org.name}（印章）`,
    ])
      expect(text, must).toContain(must.replace(/\s+/g, ''));
    expect(text).toMatch(/回访时间：\d{4}年\d{1,2}月\d{1,2}日\d{2}:\d{2}/);
    expect(text).toContain('办结期限：2026年12月10日09:00');
    const report = pdfsig(file);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Total document signed');
    // Made once the task is closed: the unit gets the same bytes; one audit row; another unit nothing.
    expect((await download(cast.mediator)).equals(pdf)).toBe(true);
    expect((await auditOf(k.caseId, ['FOLLOW_UP_RECORD_ISSUED'])).map((e) => e.data.taskId)).toEqual([taskA]);
    expect((await cast.otherUnit.client.request('GET', `/api/followup/tasks/${taskA}/record.pdf`)).status).toBe(404);
  });
});

describe('reopening when the 回访 needs it', () => {
  it('调解不成 → 调解中 in the close’s transaction, with the reason; a missing reason changes nothing', async () => {
    expect((await asStaff(cast.mediator, 'POST', `/api/followup/tasks/${taskB}/records`, record({ contact: '王某' }))).status).toBe(201);
    const bare = await asStaff(cast.mediator, 'POST', `/api/followup/tasks/${taskB}/close`, { outcome: 'NEEDS_REOPEN', note: '' });
    expect([bare.status, bare.body.code]).toEqual([400, 'REASON_REQUIRED']);
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id: k.caseId } })).status).toBe('FAILED');
    const res = await asStaff(cast.mediator, 'POST', `/api/followup/tasks/${taskB}/close`, { outcome: 'NEEDS_REOPEN', note: '被申请人愿意重新协商维修方案' });
    expect(res.status).toBe(200);
    expect(res.body.task).toMatchObject({ status: 'DONE', outcome: 'NEEDS_REOPEN', reopened: true });
    expect(res.body.case.status).toBe('MEDIATING');
    const trail = await auditOf(k.caseId, ['CASE_TRANSITION', 'FOLLOW_UP_CLOSED']);
    expect(trail.slice(-2)).toEqual([
      { type: 'CASE_TRANSITION', data: { from: 'FAILED', to: 'MEDIATING', reason: '回访后重新调解：被申请人愿意重新协商维修方案' } },
      { type: 'FOLLOW_UP_CLOSED', data: { taskId: taskB, outcome: 'NEEDS_REOPEN', reopened: true } },
    ]);
    // The mediation can end again (a second 调解终结告知书 replaces the first).
    await failCase(cast.mediator, k.caseId);
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id: k.caseId } })).status).toBe('FAILED');
  });

  it('a withdrawn case goes back to 调解中 and its matter back to 办理中 with a new deadline', async () => {
    const m = await caseWithParties(cast.mediator, '楼道堆物纠纷');
    const centre = await server.ctx.db.centre.findFirstOrThrow();
    const matter = await server.ctx.db.$transaction((tx) =>
      registerMatter(tx, {
        centreId: centre.id,
        channel: 'WINDOW',
        disputeType: 'PROPERTY_SERVICE',
        title: '楼道堆物纠纷',
        summary: '楼道堆物影响通行',
        registeredById: cast.dispatcher.id,
        owner: { unitId: cast.dispatcher.unitId, userId: cast.dispatcher.id },
        parties: [{ role: 'APPLICANT', name: '李某', phone: '13800000001' }],
        at: clock.now(),
        actorLabel: '王受理（中心受理员）',
      }),
    );
    // Handled by the unit and withdrawn (how it got there is the routing's, tested there).
    await server.ctx.db.matter.update({
      where: { id: matter.id },
      data: { status: 'WITHDRAWN', caseId: m.caseId, ownerUnitId: cast.mediator.unitId, ownerUserId: cast.mediator.id, stageDueAt: null },
    });
    await cast.mediator.client.json('POST', `/api/cases/${m.caseId}/transition`, { to: 'WITHDRAWN', reason: '申请人撤回' });
    expect((await rateClosing(m.a.token, 1)).status).toBe(201);
    const task = await taskOf(m.caseId, m.a.id);
    expect((await asStaff(cast.head, 'GET', `/api/followup/tasks/${task}`)).body.reopenProblem).toBeNull();
    await asStaff(cast.head, 'POST', `/api/followup/tasks/${task}/records`, record());
    const res = await asStaff(cast.head, 'POST', `/api/followup/tasks/${task}/close`, { outcome: 'NEEDS_REOPEN', note: '堆物仍未清理，申请人要求继续调解' });
    expect(res.status).toBe(200);
    const after = await server.ctx.db.matter.findUniqueOrThrow({ where: { id: matter.id } });
    expect(after.status).toBe('ASSIGNED');
    expect(after.stageDueAt!.getTime()).toBeGreaterThan(clock.now().getTime());
    const events = await server.ctx.db.matterEvent.findMany({ where: { matterId: matter.id }, orderBy: { id: 'asc' } });
    expect(events.slice(-2).map((e) => [e.type, JSON.parse(e.data)])).toEqual([
      ['REOPENED', { caseId: m.caseId, reason: '堆物仍未清理，申请人要求继续调解' }],
      ['DEADLINE_SET', { stage: 'ASSIGNED', dueAt: after.stageDueAt!.toISOString() }],
    ]);
    expect(await server.ctx.db.scheduledJob.count({ where: { matterId: matter.id, status: 'PENDING' } })).toBeGreaterThan(0);
  });

  it('a signed agreement is not reopened: the close is refused and nothing changes', async () => {
    const s = await caseWithParties(cast.mediator, '维修费用纠纷');
    // Signed (how is the signing's, tested there).
    await server.ctx.db.case.update({ where: { id: s.caseId }, data: { status: 'SIGNED' } });
    expect((await rateClosing(s.b.token, 1, '对方不履行')).status).toBe(201);
    const task = await taskOf(s.caseId, s.b.id);
    expect((await asStaff(cast.head, 'GET', `/api/followup/tasks/${task}`)).body.reopenProblem).toContain('调解协议已签署生效');
    await asStaff(cast.head, 'POST', `/api/followup/tasks/${task}/records`, record({ contact: '王某' }));
    const auditBefore = await server.ctx.db.auditEntry.count({ where: { caseId: s.caseId } });
    const res = await asStaff(cast.head, 'POST', `/api/followup/tasks/${task}/close`, { outcome: 'NEEDS_REOPEN', note: '要求重新调解' });
    expect([res.status, res.body.code]).toEqual([409, 'REOPEN_NOT_POSSIBLE']);
    expect(res.body.message).toContain('向人民法院起诉');
    expect((await server.ctx.db.followUpTask.findUniqueOrThrow({ where: { id: task } })).status).toBe('OPEN');
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id: s.caseId } })).status).toBe('SIGNED');
    expect(await server.ctx.db.auditEntry.count({ where: { caseId: s.caseId } })).toBe(auditBefore);
  });
});

describe('the closing sample', () => {
  it('is decided by the case id alone, in the proportion the policy gives', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `c${i.toString(36)}sample`);
    const picked = ids.filter((id) => sampledForFollowUp(id, 10));
    expect(picked.length / ids.length).toBeGreaterThan(0.08);
    expect(picked.length / ids.length).toBeLessThan(0.12);
    expect(ids.filter((id) => sampledForFollowUp(id, 10))).toEqual(picked);
    // A larger sample contains the smaller one (raising the percentage only adds cases).
    expect(picked.every((id) => sampledForFollowUp(id, 25))).toBe(true);
    expect(ids.some((id) => sampledForFollowUp(id, 0))).toBe(false);
    expect(ids.every((id) => sampledForFollowUp(id, 100))).toBe(true);
  });

  it('opens one SAMPLED 回访 when a sampled case concludes, none for the others', async () => {
    await installFollowUpPolicy(server.ctx.db, { ...loadFollowUpPolicy(null), sampleClosedPercent: 50 }, 'test');
    const cases: string[] = [];
    // Until both kinds occurred (ids are random; half are sampled), at most 40 cases.
    const both = () => cases.some((id) => sampledForFollowUp(id, 50)) && cases.some((id) => !sampledForFollowUp(id, 50));
    for (let i = 0; i < 40 && (i < 4 || !both()); i++) {
      const { case: c } = await cast.mediator.client.json('POST', '/api/cases', { title: `抽样 ${i}`, disputeType: 'GENERAL', summary: '测试' }, 201);
      await failCase(cast.mediator, c.id);
      cases.push(c.id);
    }
    expect(both()).toBe(true);
    const sampled = await server.ctx.db.followUpTask.findMany({ where: { reason: 'SAMPLED', caseId: { in: cases } } });
    expect(sampled.map((t) => t.caseId).sort()).toEqual(cases.filter((id) => sampledForFollowUp(id, 50)).sort());
    for (const t of sampled) expect(t).toMatchObject({ sourceId: t.caseId, unitId: cast.mediator.unitId, status: 'OPEN' });
    expect(sampled[0]!.dueAt.getTime() - sampled[0]!.createdAt.getTime()).toBe(15 * 86_400_000);
    await installFollowUpPolicy(server.ctx.db, loadFollowUpPolicy(dataDir), path.join(dataDir, 'followup-policy.json'));
  });
});
