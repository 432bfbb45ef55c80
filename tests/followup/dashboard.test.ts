// The centre's dashboard (#16 item 4) on a fixed small data set (dashboard-fixture.ts): every figure,
// every table and every filter against values worked out by hand, who may see which units (enforced
// by the server), the projector keeping facts up to date as new steps are committed, and the .xlsx
// export holding exactly what the page shows.
import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREAS_FILE } from '../../signaling/areas/areas.ts';
import { FakeClock } from '../../signaling/deadlines/clock.ts';
import { FIGURE_KEYS, FIGURES, BREAKDOWN_KEYS, BREAKDOWN_COLUMNS } from '../../signaling/followup/dashboard/figures.ts';
import { SHEETS } from '../../signaling/followup/dashboard/export.ts';
import type { DashboardViewT } from '../../signaling/followup/dashboard/schemas.ts';
import { loginAs } from '../intake/routing-support.ts';
import { sharedStaffSession, startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { china, NOW, rate, seedDashboardFixture, touchCase, type Fixture } from './dashboard-fixture.ts';

const MAIN = 'from=2026-02-01&to=2026-06-30';
const CENTRE_AREAS = [
  { code: '150204001', name: '先锋道街道' },
  { code: '150204001001', name: '团结社区' },
  { code: '150204002', name: '万青路街道' },
];

let server: TestServer;
let fx: Fixture;
let dispatcher: StaffClient;

const view = (client: StaffClient, query = MAIN) => client.json<DashboardViewT>('GET', `/api/dashboard?${query}`);
const byKey = <T extends { key: string }>(rows: T[]): Record<string, T> => Object.fromEntries(rows.map((r) => [r.key, r]));

beforeAll(async () => {
  // The centre's own 街道社区 list (data/areas.json replaces the built-in one): 幸福路街道 (150204004),
  // which the fixture's matter F was registered under, is no longer in it.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-dashboard-'));
  writeFileSync(path.join(dataDir, AREAS_FILE), JSON.stringify({ about: '青山区民政局公布的区划代码（测试）', areas: CENTRE_AREAS }));
  server = await startTestServer({}, { clock: new FakeClock(NOW), dataDir });
  fx = await seedDashboardFixture(server.ctx.db);
  dispatcher = await loginAs(server.url, fx.staff.dispatcher);
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
});

describe('figures on the fixed data set (centre staff, every unit, 2026-02-01 … 2026-06-30)', () => {
  it('counts, rates, deadlines, judicial, performance, satisfaction and caucuses', async () => {
    const v = await view(dispatcher);
    expect(v.filter).toMatchObject({ from: '2026-02-01', to: '2026-06-30', unitId: null, scope: 'centre' });
    expect(v.asOf).toBe(NOW.toISOString());
    const f = v.figures;
    // A B C D E F received (G is before the period); A signed, B failed, C withdrawn.
    expect(f.received).toBe(6);
    expect(f.closed).toBe(3);
    expect(f.resolved).toBe(1);
    expect(f.resolutionRate).toBeCloseTo(1 / 3, 10);
    // Mediated then closed: A and B (C was withdrawn before mediation).
    expect(f.mediationSuccessRate).toBe(0.5);
    // Stages ended on time / ended: A 4/4, B 2/4 (first 分流 and 调解办理 late), C 1/1, D 3/3, F 1/1.
    expect(f.onTimeRate).toBeCloseTo(11 / 13, 10);
    // D (调解办理 due 05-30) and E (分流 due 06-26); F is due at 19:00 today.
    expect(f.overdueNow).toBe(2);
    expect(f.judicialApplied).toBe(1);
    expect(f.judicialRate).toBe(1);
    // A's obligations: performed, overdue, not yet due.
    expect(f.obligationsDue).toBe(2);
    expect(f.performanceRate).toBe(0.5);
    expect(f.obligationsOverdue).toBe(1);
    // Ratings 5, 4 (A), 2 (B), 3 (D).
    expect(f.ratings).toBe(4);
    expect(f.satisfaction).toBe(3.5);
    expect(f.satisfiedRate).toBe(0.5);
    expect(f.poorRatings).toBe(1);
    // Mediated: A, B, D; with a caucus: A (10 + 20 min), B (15 min).
    expect(f.caucusUseRate).toBeCloseTo(2 / 3, 10);
    expect(f.caucuses).toBe(3);
    expect(f.caucusAvgMinutes).toBe(15);
    expect(Object.keys(f).sort()).toEqual([...FIGURE_KEYS].sort());
  });

  it('breaks down by channel, dispute type, unit, area and month', async () => {
    const { breakdowns: b } = await view(dispatcher);
    expect(b.channel.map((r) => r.key)).toEqual(['WINDOW', 'DIRECT', 'GRID', 'ONLINE', 'PHONE']);
    expect(byKey(b.channel).WINDOW).toEqual({
      key: 'WINDOW',
      label: '窗口来访',
      received: 2,
      closed: 1,
      resolved: 1,
      resolutionRate: 1,
      mediationSuccessRate: 1,
      overdueNow: 0,
    });
    expect(byKey(b.channel).PHONE).toMatchObject({ received: 1, closed: 1, resolved: 0, resolutionRate: 0, mediationSuccessRate: 0 });
    expect(byKey(b.channel).DIRECT).toMatchObject({ label: '直接立案', received: 1, closed: 1, resolutionRate: 0, mediationSuccessRate: null });
    expect(byKey(b.channel).ONLINE).toMatchObject({ received: 1, closed: 0, resolutionRate: null, overdueNow: 1 });
    expect(byKey(b.channel).GRID).toMatchObject({ label: '网格员随手记', received: 1, overdueNow: 1 });

    expect(b.disputeType.map((r) => [r.key, r.received])).toEqual([
      ['PROPERTY_SERVICE', 3],
      ['FINANCIAL_LOAN', 1],
      ['GENERAL', 1],
      ['NEIGHBOUR', 1],
    ]);
    expect(byKey(b.disputeType).PROPERTY_SERVICE).toMatchObject({ label: '物业服务合同纠纷', closed: 2, resolved: 1, resolutionRate: 0.5 });

    expect(b.unit.map((r) => [r.key, r.received, r.closed, r.resolved, r.overdueNow])).toEqual([
      [fx.units.property, 4, 3, 1, 0],
      ...[
        [fx.units.office, 1, 0, 0, 1],
        [fx.units.financial, 1, 0, 0, 1],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    ]);
    expect(byKey(b.unit)[fx.units.property]!.label).toBe('青山区物业纠纷人民调解委员会');

    expect(b.area.map((r) => [r.label, r.received])).toEqual([
      ['先锋道街道 · 团结社区', 3],
      ['未登记', 2],
      ['150204004（已不在区划表中）', 1],
    ]);
    expect(b.period.map((r) => [r.key, r.label, r.received])).toEqual([
      ['202603', '2026年3月', 2],
      ['202604', '2026年4月', 1],
      ['202605', '2026年5月', 1],
      ['202606', '2026年6月', 2],
    ]);
  });

  it('cycle time per stage: average, p90 (nearest rank) and 限时办结', async () => {
    const s = Object.fromEntries((await view(dispatcher)).stages.map((r) => [r.stage, r]));
    // 分流: A 10 h, B 30 + 10 h, D 5 h, F 10 h.
    expect(s.REGISTERED).toEqual({ stage: 'REGISTERED', label: '分流', count: 4, avgHours: 16.25, p90Hours: 40, onTime: 3, onTimeRate: 0.75 });
    // 接收: A 10 h, B 10 + 10 h, D 5 h.
    expect(s.ROUTED).toEqual({ stage: 'ROUTED', label: '接收', count: 3, avgHours: 11.67, p90Hours: 20, onTime: 3, onTimeRate: 1 });
    // 指派: A 10 h, B 30 h (within the extended deadline), D 2 h.
    expect(s.ACCEPTED).toMatchObject({ count: 3, avgHours: 14, p90Hours: 30, onTime: 3, onTimeRate: 1 });
    // 调解办理: A 100 h, B 100 h (late), C 20 h; D still open.
    expect(s.MEDIATION).toMatchObject({ count: 3, avgHours: 73.33, p90Hours: 100, onTime: 2 });
    expect(s.MEDIATION!.onTimeRate).toBeCloseTo(2 / 3, 10);
    expect(s.JUDICIAL).toEqual({ stage: 'JUDICIAL', label: '司法确认', count: 1, avgHours: 48, p90Hours: 48, onTime: null, onTimeRate: null });
    // 全流程: A 130 h, B 190 h, C 20 h.
    expect(s.TOTAL).toMatchObject({ count: 3, avgHours: 113.33, p90Hours: 190 });
  });

  it('workload per mediator (以案定补)', async () => {
    const { workload } = await view(dispatcher);
    expect(workload).toEqual([
      {
        mediatorId: fx.staff.m1.id,
        name: '孙调解',
        unitName: '青山区物业纠纷人民调解委员会',
        handled: 3,
        closed: 3,
        resolved: 1,
        coMediated: 1,
        satisfaction: 11 / 3,
        caucuses: 3,
      },
      {
        mediatorId: fx.staff.m2.id,
        name: '李调解',
        unitName: '青山区金融纠纷调解中心',
        handled: 1,
        closed: 0,
        resolved: 0,
        coMediated: 0,
        satisfaction: 3,
        caucuses: 0,
      },
    ]);
  });
});

describe('filters', () => {
  it('one unit', async () => {
    const v = await view(dispatcher, `${MAIN}&unitId=${fx.units.property}`);
    expect(v.filter.unitId).toBe(fx.units.property);
    // A B C F.
    expect(v.figures).toMatchObject({ received: 4, closed: 3, resolved: 1, overdueNow: 0, ratings: 3, caucuses: 3, judicialApplied: 1 });
    expect(v.figures.onTimeRate).toBeCloseTo(8 / 10, 10);
    expect(v.breakdowns.unit.map((r) => r.key)).toEqual([fx.units.property]);
    // D is the financial unit's: 孙调解's co-mediation is not counted here.
    expect(v.workload).toEqual([expect.objectContaining({ mediatorId: fx.staff.m1.id, handled: 3, coMediated: 0 })]);
  });

  it('a date range (both days included)', async () => {
    const march = await view(dispatcher, 'from=2026-03-02&to=2026-03-10');
    expect(march.figures).toMatchObject({ received: 2, closed: 2, resolved: 1, resolutionRate: 0.5, caucuses: 3 });
    expect(march.breakdowns.channel.map((r) => r.key)).toEqual(['PHONE', 'WINDOW']);
    const one = await view(dispatcher, 'from=2026-03-03&to=2026-03-09');
    expect(one.figures.received).toBe(0);
    expect(one.figures.resolutionRate).toBeNull();
    expect(one.stages.every((s) => s.count === 0 && s.avgHours === null && s.p90Hours === null)).toBe(true);
  });

  it('days are China calendar days: 00:30 on 1 January in Beijing is in 2026, not in 2025', async () => {
    const newYear = await view(dispatcher, 'from=2026-01-01&to=2026-01-01');
    expect(newYear.figures).toMatchObject({ received: 1, closed: 1, resolved: 0 });
    expect(newYear.breakdowns.channel).toEqual([expect.objectContaining({ key: 'DIRECT', received: 1 })]);
    expect((await view(dispatcher, 'from=2025-12-31&to=2025-12-31')).figures.received).toBe(0);
  });

  it('the default period is the last twelve months up to today', async () => {
    const v = await view(dispatcher, '');
    expect(v.filter).toMatchObject({ from: '2025-07-01', to: '2026-06-30' });
    expect(v.figures.received).toBe(7);
  });

  it('bad filters are refused with their own code', async () => {
    const refused = async (query: string, status: number, code: string) => {
      const res = await dispatcher.request('GET', `/api/dashboard?${query}`);
      expect(res.status).toBe(status);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe(code);
      expect(body.message).toMatch(/[\u4e00-\u9fff]/);
    };
    await refused('from=2026-06-30&to=2026-02-01', 400, 'DASHBOARD_RANGE_INVALID');
    await refused('from=2026-02-30', 400, 'DASHBOARD_RANGE_INVALID');
    await refused('from=yesterday', 400, 'VALIDATION');
    await refused('unitId=nosuchunit', 404, 'UNIT_NOT_FOUND');
    await refused('colour=red', 400, 'VALIDATION');
  });
});

describe('who sees which units (server-enforced)', () => {
  it('a unit head sees its own unit only, whatever it asks', async () => {
    const head = await loginAs(server.url, fx.staff.head);
    const v = await view(head);
    expect(v.filter.scope).toBe('unit');
    expect(v.filter.units).toEqual([{ id: fx.units.property, name: '青山区物业纠纷人民调解委员会' }]);
    expect(v.figures.received).toBe(4);
    expect(v.breakdowns.unit.map((r) => r.key)).toEqual([fx.units.property]);
    for (const url of [`/api/dashboard?unitId=${fx.units.financial}`, `/api/dashboard/export.xlsx?unitId=${fx.units.financial}`]) {
      const res = await head.request('GET', url);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('DASHBOARD_UNIT_FORBIDDEN');
    }
  });

  it('a mediator sees its own unit', async () => {
    const m2 = await loginAs(server.url, fx.staff.m2);
    const v = await view(m2);
    expect(v.filter.units.map((u) => u.id)).toEqual([fx.units.financial]);
    expect(v.figures).toMatchObject({ received: 1, overdueNow: 1, ratings: 1 });
    // 孙调解 of the property unit co-mediates D (联合调解): listed with its 协办 only.
    expect(v.workload.map((w) => [w.name, w.handled, w.coMediated])).toEqual([
      ['李调解', 1, 0],
      ['孙调解', 0, 1],
    ]);
  });

  it('the administrator sees every unit; a grid worker none; nobody without a login', async () => {
    const admin = await sharedStaffSession(server.url, server.admin);
    const v = await view(admin);
    expect(v.filter.scope).toBe('centre');
    expect(v.filter.units.length).toBe(16);
    expect(v.figures.received).toBe(6);
    const grid = await loginAs(server.url, fx.staff.grid);
    const res = await grid.request('GET', '/api/dashboard');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('FORBIDDEN');
    const anonymous = await fetch(`${server.url}/api/dashboard`);
    expect(anonymous.status).toBe(401);
  });
});

describe('facts follow what is committed', () => {
  it('a new rating and a matter routed onwards show at the next request, the same as a rebuild from scratch', async () => {
    const db = server.ctx.db;
    await rate(db, fx.cases.D, 1, 'd2');
    await touchCase(db, fx.cases.D, NOW);
    // E is routed to the financial unit at 11:00 today: its 分流 took 98 h (late).
    const routedAt = china(2026, 6, 29, 11);
    await db.matter.update({ where: { id: fx.matters.E }, data: { status: 'ROUTED', pendingUnitId: fx.units.financial, stageDueAt: china(2026, 7, 1, 11) } });
    await db.matterEvent.create({
      data: { matterId: fx.matters.E, type: 'ROUTED', at: routedAt, actorLabel: '测试', data: JSON.stringify({ toUnitId: fx.units.financial }) },
    });
    await db.matterEvent.create({
      data: {
        matterId: fx.matters.E,
        type: 'DEADLINE_SET',
        at: routedAt,
        actorLabel: '测试',
        data: JSON.stringify({ stage: 'ROUTED', dueAt: china(2026, 7, 1, 11).toISOString() }),
      },
    });
    const v = await view(dispatcher);
    expect(v.figures).toMatchObject({ ratings: 5, poorRatings: 2, overdueNow: 1 });
    expect(v.figures.satisfaction).toBe(3);
    expect(v.figures.onTimeRate).toBeCloseTo(11 / 14, 10);
    expect(byKey(v.breakdowns.unit)[fx.units.financial]).toMatchObject({ received: 2, overdueNow: 1 });
    expect(byKey(v.breakdowns.unit)[fx.units.office]).toBeUndefined();

    const incremental = await db.dashboardFact.findMany({ orderBy: { id: 'asc' }, omit: { projectedAt: true } });
    await server.dashboard.projector.rebuildAll();
    expect(await db.dashboardFact.findMany({ orderBy: { id: 'asc' }, omit: { projectedAt: true } })).toEqual(incremental);
    expect(incremental).toHaveLength(7);
  });
});

describe('.xlsx export', () => {
  it('names the 街道/社区 rows as the page does', async () => {
    const res = await dispatcher.request('GET', `/api/dashboard/export.xlsx?${MAIN}`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet(SHEETS.area)!;
    expect(sheet.getRow(1).getCell(1).value).toBe('街道/社区');
    expect([2, 3, 4].map((r) => [sheet.getRow(r).getCell(1).value, sheet.getRow(r).getCell(2).value])).toEqual([
      ['先锋道街道 · 团结社区', 3],
      ['未登记', 2],
      ['150204004（已不在区划表中）', 1],
    ]);
  });

  it('opens and holds every table exactly as the page shows it, with each definition', async () => {
    const query = `${MAIN}&unitId=${fx.units.property}`;
    const v = await view(dispatcher, query);
    const res = await dispatcher.request('GET', `/api/dashboard/export.xlsx?${query}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(Object.values(SHEETS));

    // Every row as its cells, an empty cell as null.
    const cells = (name: string) => {
      const sheet = wb.getWorksheet(name)!;
      const rows: unknown[][] = [];
      sheet.eachRow((row) => rows.push(Array.from({ length: sheet.columnCount }, (_, i) => row.getCell(i + 1).value ?? null)));
      return rows;
    };
    const trim = (row: unknown[]) => row.slice(0, row.length - [...row].reverse().findIndex((c) => c !== null));

    const about = cells(SHEETS.about);
    expect(about[1]).toEqual(['统计期间', '2026-02-01 至 2026-06-30（受理日期）']);
    expect(about[2]).toEqual(['单位', '青山区物业纠纷人民调解委员会']);

    const figures = cells(SHEETS.figures);
    expect(figures[0]).toEqual(['指标', '数值', '口径']);
    expect(figures.slice(1)).toEqual(FIGURE_KEYS.map((k) => [FIGURES[k].label, v.figures[k], FIGURES[k].definition]));
    expect(wb.getWorksheet(SHEETS.figures)!.getRow(5).getCell(2).numFmt).toBe('0.0%');

    for (const key of BREAKDOWN_KEYS) {
      const rows = cells(SHEETS[key]);
      expect(rows[0]).toEqual([expect.any(String), ...BREAKDOWN_COLUMNS.map((c) => FIGURES[c].label)]);
      const data = rows.slice(1, 1 + v.breakdowns[key].length);
      expect(data).toEqual(v.breakdowns[key].map((r) => [r.label, ...BREAKDOWN_COLUMNS.map((c) => r[c])]));
      expect(trim(rows.at(-1)!)).toEqual([expect.stringMatching(/^口径：/)]);
    }

    const stages = cells(SHEETS.stages);
    expect(stages.slice(1, 7).map((r) => r.slice(0, 6))).toEqual(v.stages.map((s) => [s.label, s.count, s.avgHours, s.p90Hours, s.onTime, s.onTimeRate]));
    const workload = cells(SHEETS.workload);
    expect(workload.slice(1, 1 + v.workload.length)).toEqual(
      v.workload.map((w) => [w.name, w.unitName, w.handled, w.closed, w.resolved, w.coMediated, w.satisfaction, w.caucuses]),
    );
  });
});
