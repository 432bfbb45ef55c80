// The demo (#15 item 7) seeding a fresh data folder on a real server: every printed party link
// opens its page through the API, the printed accounts log in with the printed password and see
// their stage (the leak case with its 司法所 and 派出所 co-mediators, the property sale locked for
// signatures, the financial batch, an overdue matter); a second start seeds nothing again and
// reissues the links; a folder with other data is left alone.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MARKER, demoBanner, demoRequested, seedDemo, type DemoReport } from '../../signaling/demo/demo-seed.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let report: DemoReport;

beforeAll(async () => {
  server = await startTestServer();
  report = await seedDemo(server);
}, 120_000);
afterAll(() => server?.close());

const tokenOf = (url: string) => url.split('/j/')[1]!;
const partyMe = (token: string) => fetch(`${server.url}/api/party/me`, { headers: { authorization: `Bearer ${token}` } });

describe('the demo', () => {
  it('is asked for by --demo or JIEFEN_DEMO=1', () => {
    expect(demoRequested(['node', 'main.ts', '--demo'], {})).toBe(true);
    expect(demoRequested(['node', 'main.ts'], { JIEFEN_DEMO: '1' })).toBe(true);
    expect(demoRequested(['node', 'main.ts'], {})).toBe(false);
  });

  it('seeds a fresh folder and prints accounts for each role and working party links', async () => {
    expect(report.outcome).toBe('seeded');
    const printed = demoBanner(report, server.url).join('\n');
    for (const role of ['DISPATCHER', 'UNIT_HEAD', 'MEDIATOR', 'GRID_WORKER', 'JUDGE']) expect(report.accounts.map((a) => a.role)).toContain(role);
    expect(printed).toContain(report.password);
    expect(report.links).toHaveLength(6);
    for (const link of report.links) {
      expect(printed).toContain(link.url);
      expect(link.url.startsWith(`${server.url}/j/`)).toBe(true);
      const res = await partyMe(tokenOf(link.url));
      expect(res.status, `${link.caseTitle} ${link.party}`).toBe(200);
      // The link page itself is served.
      expect((await fetch(link.url)).status).toBe(200);
    }
  });

  it('the leak case is ready for a joint 背对背 session; the property sale waits for signatures; the batch and the overdue matter are there', async () => {
    const justice = new StaffClient(server.url);
    expect((await justice.login('sifasuo', report.password)).status).toBe(200);
    const [leak] = (await justice.json('GET', '/api/cases')).cases;
    expect(leak.title).toBe('王某家直饮水管道漏水纠纷');
    const detail = (await justice.json('GET', `/api/cases/${leak.id}`)).case;
    expect(detail.viewerRole).toBe('co-mediator');
    expect(detail.coMediators.map((m: { displayName: string }) => m.displayName).sort()).toEqual(['孙海涛', '赵建国'].sort());
    expect(detail.participants).toHaveLength(2);

    const sale = report.links.find((l) => l.caseTitle.includes('房屋买卖'))!;
    const signing = await fetch(`${server.url}/api/signing/${(await (await partyMe(tokenOf(sale.url))).json()).case.id}`, {
      headers: { authorization: `Bearer ${tokenOf(sale.url)}` },
    });
    expect(signing.status).toBe(200);
    expect((await signing.json()).round).toMatchObject({ status: 'OPEN' });

    const financial = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'financial' } });
    expect(await server.ctx.db.case.count({ where: { orgId: financial.id } })).toBe(5);
    const matters = await server.ctx.db.matter.findMany({ include: { events: true } });
    expect(matters).toHaveLength(8);
    const overdue = matters.filter((m) => m.stageDueAt && m.stageDueAt.getTime() < Date.now() && m.status === 'REGISTERED');
    expect(overdue.map((m) => m.title)).toEqual(['刘某反映楼上装修噪音扰民']);
    const leakMatter = matters.find((m) => m.caseId === leak.id)!;
    expect(leakMatter.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['REGISTERED', 'ROUTED', 'ACCEPTED', 'ASSIGNED', 'CASE_OPENED', 'CO_MEDIATOR_INVITED']),
    );
    // Taken there by the routing moves the staff pages call, not written into place: the routing step
    // records whether the rules' suggestion was followed, and the case was opened by the head's assignment.
    const routed = leakMatter.events.find((e) => e.type === 'ROUTED')!;
    expect(JSON.parse(routed.data)).toHaveProperty('suggested');
    const opened = leakMatter.events.find((e) => e.type === 'CASE_OPENED')!;
    expect(opened.actorLabel).toContain('高志强');
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id: leak.id }, include: { mediator: true } })).mediator?.displayName).toBe('李瑞芳');

    const dispatcher = new StaffClient(server.url);
    expect((await dispatcher.login('shouli', report.password)).status).toBe(200);
    expect((await dispatcher.json('GET', '/api/auth/me')).user.role).toBe('DISPATCHER');
  });

  it('a second start seeds nothing again and reissues the links; a folder with other data is left alone', async () => {
    const casesBefore = await server.ctx.db.case.count();
    const again = await seedDemo(server);
    expect(again.outcome).toBe('links-reissued');
    expect(await server.ctx.db.case.count()).toBe(casesBefore);
    expect(again.links).toHaveLength(6);
    for (const link of again.links) expect((await partyMe(tokenOf(link.url))).status).toBe(200);
    expect((await partyMe(tokenOf(report.links[0]!.url))).status).toBe(401);

    rmSync(path.join(server.dataDir, DEMO_MARKER));
    const refused = await seedDemo(server);
    expect(refused.outcome).toBe('refused');
    expect(refused.links).toEqual([]);
    expect(await server.ctx.db.case.count()).toBe(casesBefore);
  });
});
