// The centre's 街道/乡镇 and 社区 (signaling/areas): the list as data — the built-in 示例 list, a
// centre's data/areas.json replacing it, a broken file stopping the start with the file and field
// named — and on the intake desk: staff read it from /api/areas, a matter keeps the chosen code and
// the matter page names it, and a code not in the list is refused (AREA_UNKNOWN) with nothing stored;
// the public application offers the 街镇 by name.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREAS_FILE, AreasFileError, loadAreas } from '../../signaling/areas/areas.ts';
import type { AreasViewT } from '../../signaling/areas/schemas.ts';
import { loadRoutingRules, routingRulesFile } from '../../signaling/routing/routing-rules.ts';
import { startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { unitStaff } from './desk-helpers.ts';
import { applicationBody, noticeVersion, post, verifiedTicket } from './public-support.ts';

describe('the 街道社区 file', () => {
  const dirs: string[] = [];
  const dirWith = (content: unknown) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-areas-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, AREAS_FILE), typeof content === 'string' ? content : JSON.stringify(content));
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('has the ten 街镇 of 青山区 built in, marked as 示例, each 社区 under its 街镇', () => {
    const areas = loadAreas(null);
    expect(areas.about).toContain('示例');
    expect(areas.towns.map((t) => t.name)).toEqual([
      '先锋道街道',
      '万青路街道',
      '青山路街道',
      '幸福路街道',
      '富强路街道',
      '自由路街道',
      '钢铁大街街道',
      '科学路街道',
      '兴胜镇',
      '青福镇',
    ]);
    for (const t of areas.towns) {
      expect(t.code).toMatch(/^150204[0-9]{3}$/);
      for (const c of t.communities) expect(c.code).toMatch(new RegExp(`^${t.code}[0-9]{3}$`));
    }
    expect(areas.labelOf('150204001')).toBe('先锋道街道');
    expect(areas.labelOf('150204001001')).toBe('先锋道街道 · 团结社区');
    expect(areas.labelOf('150204999')).toBe('150204999（已不在区划表中）');
    expect(areas.labelOf(null)).toBe('未登记');
    expect(areas.has('150204001001')).toBe(true);
    expect(areas.has('150204')).toBe(false);
  });

  it('takes the centre’s list from data/areas.json instead of the built-in one', () => {
    const areas = loadAreas(
      dirWith({
        about: '包头市青山区民政局 2026 年公布的统计用区划代码',
        areas: [
          { code: '150204011', name: '先锋道街道' },
          { code: '150204011021', name: '富强社区' },
          { code: '150204012', name: '兴胜镇' },
          { code: '150204012201', name: '富强社区' },
        ],
      }),
    );
    expect(areas.about).toBe('包头市青山区民政局 2026 年公布的统计用区划代码');
    expect(areas.towns.map((t) => [t.name, t.communities.map((c) => c.name)])).toEqual([
      ['先锋道街道', ['富强社区']],
      ['兴胜镇', ['富强社区']],
    ]);
    // Two 街镇 may each have a 社区 of the same name: they are told apart by their 街镇.
    expect(areas.labelOf('150204012201')).toBe('兴胜镇 · 富强社区');
    // A code of the built-in list the centre's file does not keep is no longer known.
    expect(areas.has('150204001')).toBe(false);
    expect(areas.labelOf('150204001')).toBe('150204001（已不在区划表中）');
  });

  it('the shipped routing rules name areas of the shipped list (the 友谊社区 rule is that 社区)', () => {
    const areas = loadAreas(null);
    const prefixes = loadRoutingRules(routingRulesFile(mkdtempSync(path.join(tmpdir(), 'jiefen-no-rules-')))).flatMap((r) => r.areaCodePrefixes ?? []);
    expect(prefixes.length).toBeGreaterThan(0);
    for (const code of prefixes) expect(areas.has(code), code).toBe(true);
    expect(areas.labelOf('150204004001')).toBe('幸福路街道 · 友谊社区');
  });

  it('refuses a broken file, naming the file and the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ areas: [{ code: '150204001', name: '先锋道街道' }] }, /的 about 有误/],
      [{ about: 'x', areas: [{ code: '15020401', name: '先锋道街道' }] }, /areas\.0\.code 有误：应为 9 位/],
      [{ about: 'x', areas: [{ code: '150204001', name: '' }] }, /areas\.0\.name 有误：不能为空/],
      [
        {
          about: 'x',
          areas: [
            { code: '150204001', name: '先锋道街道' },
            { code: '150204001', name: '万青路街道' },
          ],
        },
        /areas\.1\.code 有误：与第 1 项的代码重复/,
      ],
      [
        {
          about: 'x',
          areas: [
            { code: '150204001', name: '先锋道街道' },
            { code: '150204002', name: '先锋道街道' },
          ],
        },
        /areas\.1\.name 有误：与第 1 项的名称重复/,
      ],
      [
        { about: 'x', areas: [{ code: '150204003001', name: '团结社区' }] },
        /areas\.0\.code 有误：社区代码应以所属街道\/乡镇的 9 位代码开头，表中没有 150204003/,
      ],
      [{ about: 'x', areas: [{ code: '150204001', name: '先锋道街道', kind: 'TOWN' }] }, /areas\.0 有误/],
      ['{ "areas": [', /不是有效的 JSON/],
    ];
    for (const [content, message] of cases) {
      const dir = dirWith(content);
      let error: unknown;
      try {
        loadAreas(dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AreasFileError);
      expect((error as Error).message).toContain(path.join(dir, AREAS_FILE));
      expect((error as Error).message).toMatch(message);
    }
  });

  it('stops the server from starting with a broken file', async () => {
    const dataDir = dirWith({ about: 'x', areas: [{ code: '150204001001', name: '团结社区' }] });
    await expect(startTestServer({}, { dataDir })).rejects.toThrow(/areas\.json 的 areas\.0\.code 有误/);
  });
});

describe('街道/社区 on the intake desk', () => {
  let server: TestServer;
  let dispatcher: { client: StaffClient };
  let worker: { client: StaffClient };

  beforeAll(async () => {
    server = await startTestServer();
    dispatcher = await unitStaff(server, 'centre-office', 'DISPATCHER', 'areadesk', '钱受理');
    worker = await unitStaff(server, 'centre-office', 'GRID_WORKER', 'areagrid', '孙网格');
  }, 120_000);
  afterAll(() => server?.close());

  const visit = (over: Record<string, unknown> = {}) => ({
    channel: 'WINDOW',
    disputeType: 'NEIGHBOUR',
    title: '楼道堆物',
    summary: '邻居在楼道长期堆放杂物',
    parties: [{ role: 'APPLICANT', name: '周明' }],
    ...over,
  });

  it('lists the centre’s 街镇 with their 社区 for staff', async () => {
    for (const who of [dispatcher, worker]) {
      const areas = await who.client.json<AreasViewT>('GET', '/api/areas');
      expect(areas.towns).toHaveLength(10);
      expect(areas.towns[0]).toMatchObject({ code: '150204001', name: '先锋道街道' });
      expect(areas.towns[0]!.communities).toContainEqual({ code: '150204001001', name: '团结社区' });
    }
    const anonymous = await fetch(`${server.url}/api/areas`);
    expect(anonymous.status).toBe(401);
  });

  it('keeps the chosen 社区 on the matter, and the matter page names it', async () => {
    const { matter } = await dispatcher.client.json<{ matter: { id: string } }>('POST', '/api/intake/registrations', visit({ areaCode: '150204001001' }), 201);
    expect((await server.ctx.db.matter.findUniqueOrThrow({ where: { id: matter.id } })).areaCode).toBe('150204001001');
    const detail = await dispatcher.client.json<{ matter: { areaCode: string; areaName: string } }>('GET', `/api/routing/matters/${matter.id}`);
    expect(detail.matter).toMatchObject({ areaCode: '150204001001', areaName: '先锋道街道 · 团结社区' });
  });

  it('refuses a code not in the list, at the desk and from the grid, and stores nothing', async () => {
    const before = await server.ctx.db.matter.count();
    for (const [path, body] of [
      ['/api/intake/registrations', visit({ areaCode: '150204999' })],
      ['/api/intake/grid-reports', { disputeType: 'NEIGHBOUR', place: '青山路 8 号', summary: '噪音扰民', areaCode: '150204001999' }],
    ] as const) {
      const res = await (path.includes('grid') ? worker : dispatcher).client.request('POST', path, body);
      const answer = await res.json();
      expect([res.status, answer.code]).toEqual([400, 'AREA_UNKNOWN']);
      expect(answer.message).toContain('不在本中心的区划表中');
    }
    // Not a 街镇 or 社区 code at all (a district's 6 digits): refused by the schema.
    const district = await dispatcher.client.request('POST', '/api/intake/registrations', visit({ areaCode: '150204' }));
    expect([district.status, (await district.json()).code]).toEqual([400, 'VALIDATION']);
    expect(await server.ctx.db.matter.count()).toBe(before);
    // The grid report with a listed 街镇 goes through.
    const ok = await worker.client.request('POST', '/api/intake/grid-reports', {
      disputeType: 'NEIGHBOUR',
      place: '青山路 8 号',
      summary: '噪音扰民',
      areaCode: '150204003',
    });
    expect(ok.status).toBe(201);
  });

  it('lets a person applying online pick their 街道 by name, and refuses one not offered', async () => {
    const form = (await (await fetch(`${server.url}/api/apply/form`)).json()) as { towns: Array<{ code: string; name: string }> };
    expect(form.towns.map((t) => t.name)).toContain('钢铁大街街道');
    const steel = form.towns.find((t) => t.name === '钢铁大街街道')!;
    const version = await noticeVersion(server.url);

    const before = await server.ctx.db.matter.count();
    const phone = '13700000016';
    const ticket = await verifiedTicket(server.url, server.dataDir, phone);
    const refused = await post(`${server.url}/api/apply`, applicationBody(version, ticket, phone, { areaCode: '150204999' }));
    expect([refused.status, refused.body.code]).toEqual([400, 'AREA_UNKNOWN']);
    expect(await server.ctx.db.matter.count()).toBe(before);

    // The refusal used nothing up: the same verified ticket goes through with an offered 街镇.
    const applied = await post(`${server.url}/api/apply`, applicationBody(version, ticket, phone, { areaCode: steel.code }));
    expect(applied.status).toBe(201);
    const matter = await server.ctx.db.matter.findFirstOrThrow({ where: { registrationNo: applied.body.registrationNo } });
    expect(matter.areaCode).toBe(steel.code);
  });
});
