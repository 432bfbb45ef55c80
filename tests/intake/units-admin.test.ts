// The centre's units and their staff over the API (#15 item 1), against a real server: every staff
// member sees the centre by kind; only an administrator adds a unit (its short name unique, as case
// numbers must be), sets its phone and seal, and makes accounts with the new roles in any unit of
// its centre; each unit numbers its cases under its own short name, independently of the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strokePng } from '../signing/pdf-tools.ts';
import { sharedStaffSession, startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { createUnitStaff, unitIdOf } from './joint-support.ts';

let server: TestServer;
let admin: StaffClient;
let mediator: StaffClient;
let newUnitId: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await sharedStaffSession(server.url, server.admin);
  ({ client: mediator } = await createUnitStaff(server, await unitIdOf(server, 'committee'), {
    username: 'lirf',
    displayName: '李瑞芳',
    role: 'MEDIATOR',
    password: 'mediator-pass-1',
  }));
});
afterAll(() => server?.close());

const year = () => Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));

describe('the centre and its units', () => {
  it('any staff member sees the centre with its units grouped by kind', async () => {
    const view = await mediator.json('GET', '/api/centre');
    expect(view.centre.name).toBe('青山区综治中心');
    expect(view.ownUnitId).toBe(await unitIdOf(server, 'committee'));
    const kinds = view.kinds.map((k: { kind: string }) => k.kind);
    expect(kinds.slice(0, 3)).toEqual(['CENTRE_OFFICE', 'PEOPLES_MEDIATION', 'PROFESSIONAL_MEDIATION']);
    const justice = view.kinds.find((k: { kind: string }) => k.kind === 'JUSTICE_OFFICE');
    expect(justice.label).toBe('司法所');
    expect(justice.units).toEqual([
      expect.objectContaining({ code: 'justice-office', name: '青山区司法局自由路司法所', shortName: '自由路所', staffCount: 0 }),
    ]);
    expect(view.kinds.flatMap((k: { units: unknown[] }) => k.units)).toHaveLength(16);
    expect((await fetch(`${server.url}/api/centre`)).status).toBe(401);
  });

  it('an administrator adds a unit; its short name must be free; nobody else may', async () => {
    const body = { kind: 'PEOPLES_MEDIATION', name: '青山区富强路社区人民调解委员会', shortName: '富强路', phone: '0472-5123456' };
    const refused = await mediator.request('POST', '/api/centre/units', body);
    expect(refused.status).toBe(403);
    expect((await refused.json()).code).toBe('FORBIDDEN');
    const { unit } = await admin.json('POST', '/api/centre/units', body, 201);
    expect(unit).toMatchObject({
      code: null,
      kind: 'PEOPLES_MEDIATION',
      kindLabel: '人民调解委员会',
      shortName: '富强路',
      phone: '0472-5123456',
      hasSeal: false,
    });
    newUnitId = unit.id;
    const taken = await admin.request('POST', '/api/centre/units', { ...body, name: '另一个调委会' });
    expect(taken.status).toBe(409);
    expect((await taken.json()).code).toBe('UNIT_SHORT_NAME_TAKEN');
    const taken2 = await admin.request('POST', '/api/centre/units', { kind: 'OTHER', name: '某单位', shortName: '自由路所' });
    expect((await taken2.json()).code).toBe('UNIT_SHORT_NAME_TAKEN');
    const badKind = await admin.request('POST', '/api/centre/units', { ...body, kind: 'COURT', shortName: '某' });
    expect(badKind.status).toBe(400);
    const audit = await server.ctx.db.auditEntry.findMany({ where: { type: 'UNIT_ADDED' } });
    expect(audit.map((a) => JSON.parse(a.data).shortName)).toEqual(['富强路']);
  });

  it("an administrator sets another unit's phone and seal (the organisation's own code), renames and deactivates it", async () => {
    const police = await unitIdOf(server, 'police');
    expect((await mediator.request('PATCH', `/api/centre/units/${police}`, { phone: '0472-1100110' })).status).toBe(403);
    const { unit } = await admin.json('PATCH', `/api/centre/units/${police}`, { phone: '0472-1100110', name: '青山公安分局自由路派出所（调解室）' });
    expect(unit).toMatchObject({ phone: '0472-1100110', name: '青山公安分局自由路派出所（调解室）' });
    const png = Buffer.from(strokePng(200, 200)).toString('base64');
    expect((await admin.json('PUT', `/api/centre/units/${police}/seal`, { pngBase64: png })).unit.hasSeal).toBe(true);
    const notPng = await admin.request('PUT', `/api/centre/units/${police}/seal`, { pngBase64: Buffer.from('not a png').toString('base64') });
    expect(notPng.status).toBe(400);
    const stored = await server.ctx.db.organisation.findUniqueOrThrow({ where: { id: police } });
    expect(Buffer.from(stored.sealPng!).equals(Buffer.from(png, 'base64'))).toBe(true);
    // The administrator's own unit is untouched.
    expect((await admin.json('GET', '/api/org')).org.hasSeal).toBe(false);
    const unknown = await admin.request('PATCH', '/api/centre/units/nosuchunit', { phone: '0472-1100110' });
    expect((await unknown.json()).code).toBe('UNIT_NOT_FOUND');
    const own = await admin.request('PATCH', `/api/centre/units/${await unitIdOf(server, 'committee')}`, { active: false });
    expect((await own.json()).code).toBe('CANNOT_DEACTIVATE_SELF');
    expect((await admin.json('PATCH', `/api/centre/units/${newUnitId}`, { active: false })).unit.active).toBe(false);
    expect((await admin.json('PATCH', `/api/centre/units/${newUnitId}`, { active: true })).unit.active).toBe(true);
    const types = (await server.ctx.db.auditEntry.findMany({ where: { type: { in: ['ORG_PHONE_UPDATED', 'ORG_SEAL_UPDATED', 'UNIT_UPDATED'] } } })).map((a) => [
      a.type,
      JSON.parse(a.data).unit ?? JSON.parse(a.data).name,
    ]);
    expect(types).toEqual([
      ['ORG_PHONE_UPDATED', '青山公安分局自由路派出所'],
      ['UNIT_UPDATED', '青山公安分局自由路派出所（调解室）'],
      ['ORG_SEAL_UPDATED', '青山公安分局自由路派出所（调解室）'],
      ['UNIT_UPDATED', '青山区富强路社区人民调解委员会'],
      ['UNIT_UPDATED', '青山区富强路社区人民调解委员会'],
    ]);
  });

  it('staff with the new roles belong to one unit each; only an administrator makes them', async () => {
    const office = await unitIdOf(server, 'centre-office');
    const dispatcher = await createUnitStaff(server, office, { username: 'shouli1', displayName: '受理员甲', role: 'DISPATCHER', password: 'dispatch-pass-1' });
    const head = await createUnitStaff(server, newUnitId, { username: 'head-fql', displayName: '单位负责人', role: 'UNIT_HEAD', password: 'unithead-pass-1' });
    const grid = await createUnitStaff(server, newUnitId, { username: 'grid-fql', displayName: '网格员乙', role: 'GRID_WORKER', password: 'gridwork-pass-1' });
    expect((await dispatcher.client.json('GET', '/api/auth/me')).user.role).toBe('DISPATCHER');
    const staff = await admin.json('GET', `/api/centre/units/${newUnitId}/staff`);
    expect(staff.users.map((u: { username: string; role: string }) => [u.username, u.role])).toEqual([
      ['head-fql', 'UNIT_HEAD'],
      ['grid-fql', 'GRID_WORKER'],
    ]);
    expect((await server.ctx.db.user.findUniqueOrThrow({ where: { id: grid.id } })).orgId).toBe(newUnitId);
    // The new roles read the centre, but do not manage it.
    expect((await grid.client.json('GET', '/api/centre')).ownUnitId).toBe(newUnitId);
    for (const client of [mediator, head.client, grid.client, dispatcher.client]) {
      const res = await client.request('POST', '/api/users', {
        username: 'x-user',
        displayName: '某',
        role: 'MEDIATOR',
        password: 'abcdefgh-12',
        unitId: office,
      });
      expect(res.status).toBe(403);
      expect((await client.request('GET', `/api/centre/units/${office}/staff`)).status).toBe(403);
    }
    expect((await grid.client.request('GET', '/api/cases')).status).toBe(403);
    const noUnit = await admin.request('POST', '/api/users', {
      username: 'x-user',
      displayName: '某',
      role: 'MEDIATOR',
      password: 'abcdefgh-12',
      unitId: 'nosuchunit',
    });
    expect(noUnit.status).toBe(404);
    expect((await noUnit.json()).code).toBe('UNIT_NOT_FOUND');
    // The administrator manages accounts of other units too (here: deactivates the grid worker).
    expect((await admin.json('PATCH', `/api/users/${grid.id}`, { active: false })).user.active).toBe(false);
    const created = await server.ctx.db.auditEntry.findMany({ where: { type: 'USER_CREATED' }, orderBy: { seq: 'asc' } });
    expect(JSON.parse(created.at(-1)!.data)).toEqual({ username: 'grid-fql', role: 'GRID_WORKER', unit: '青山区富强路社区人民调解委员会' });
  });

  it("each unit numbers its cases under its own short name, independently of the others'", async () => {
    const { client: other } = await createUnitStaff(server, newUnitId, {
      username: 'med-fql',
      displayName: '王调解',
      role: 'MEDIATOR',
      password: 'mediator-pass-2',
    });
    const committee = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'committee' } });
    const open = async (client: StaffClient, title: string) =>
      (await client.json('POST', '/api/cases', { title, disputeType: 'NEIGHBOUR', summary: '邻里纠纷' }, 201)).case.number as string;
    const numbers = [await open(mediator, '甲1'), await open(other, '乙1'), await open(other, '乙2'), await open(mediator, '甲2'), await open(other, '乙3')];
    const y = year();
    expect(numbers).toEqual([
      `${committee.shortName}调〔${y}〕第1号`,
      `富强路调〔${y}〕第1号`,
      `富强路调〔${y}〕第2号`,
      `${committee.shortName}调〔${y}〕第2号`,
      `富强路调〔${y}〕第3号`,
    ]);
    // Each sees its own unit's cases only.
    const listed = (await other.json('GET', '/api/cases')).cases.map((c: { number: string }) => c.number);
    expect(listed.sort()).toEqual([numbers[1], numbers[2], numbers[4]].sort());
  });
});
