// 来访/来电登记 by a dispatcher and the screening every registration gets: the matter is registered
// once with its channel, the dispatcher and their unit responsible (首接负责); possible duplicates
// (same party by ID number / phone / name, same place and type) are shown before and after
// registering and on the matter; 弱信号 flags (threats, repeated reports, elderly, minor,
// disability) come from the rules file; bad input is refused with its own code and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownershipViolations } from '../../signaling/intake/ownership.ts';
import { makeIdNumber, startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { unitStaff } from './desk-helpers.ts';

const ELDER_ID = makeIdNumber('15020419450301001'); // born 1945
const CHILD_ID = makeIdNumber('15020420150601002'); // born 2015
const ADULT_ID = makeIdNumber('15020419850101003');

const visit = (over: Record<string, unknown> = {}) => ({
  channel: 'WINDOW',
  disputeType: 'NEIGHBOUR',
  title: '楼上漏水',
  summary: '六楼直饮水管道漏水，楼下多户受损',
  place: '青山区富强路 12 号 3 栋',
  parties: [
    { role: 'APPLICANT', name: '王建国', phone: '138 0013 8000', idNumber: ADULT_ID },
    { role: 'RESPONDENT', name: '赵六' },
  ],
  ...over,
});

describe('来访/来电登记 and screening', () => {
  let server: TestServer;
  let dispatcher: { id: string; unitId: string; client: StaffClient };
  let mediator: { client: StaffClient };

  beforeAll(async () => {
    server = await startTestServer();
    dispatcher = await unitStaff(server, 'centre-office', 'DISPATCHER', 'zhangshouli', '张受理');
    mediator = await unitStaff(server, 'committee', 'MEDIATOR', 'lityj', '李调解');
  }, 120_000);
  afterAll(() => server?.close());

  const register = (body: unknown, client = dispatcher.client) => client.request('POST', '/api/intake/registrations', body);

  it('registers a window visit once, with its channel, the dispatcher responsible, and no flags for a plain matter', async () => {
    const res = await register(visit());
    expect(res.status).toBe(201);
    const { matter, flags, duplicates } = await res.json();
    expect(matter.registrationNo).toMatch(/^青山综受〔\d{4}〕第\d+号$/);
    expect(matter.channel).toBe('WINDOW');
    expect(flags).toEqual([]);
    expect(duplicates).toEqual([]);
    const row = await server.ctx.db.matter.findUniqueOrThrow({ where: { id: matter.id }, include: { parties: true, events: true } });
    expect(row).toMatchObject({
      ownerUserId: dispatcher.id,
      ownerUnitId: dispatcher.unitId,
      registeredById: dispatcher.id,
      status: 'REGISTERED',
      channel: 'WINDOW',
    });
    // One spelling: the phone is stored without spaces (the duplicate check compares exact values).
    expect(row.parties.find((p) => p.role === 'APPLICANT')?.phone).toBe('13800138000');
    expect(row.events.map((e) => e.type)).toEqual(['REGISTERED', 'DEADLINE_SET']);
    expect(await ownershipViolations(server.ctx.db, matter.id)).toEqual([]);
  });

  it('shows the same party and the same place as possible duplicates, before registering, in the answer and on the matter', async () => {
    const phoneCall = visit({ channel: 'PHONE', title: '还是漏水', parties: [{ role: 'APPLICANT', name: '王建国', phone: '13800138000' }] });
    const probe = await dispatcher.client.json('POST', '/api/intake/registrations/check', { ...phoneCall, channel: undefined });
    expect(probe.duplicates).toHaveLength(1);
    expect(probe.duplicates[0].reasons).toEqual(expect.arrayContaining(['同一当事人（联系电话相同）', '同名当事人', '同一地点的同类纠纷']));
    const res = await register(phoneCall);
    expect(res.status).toBe(201);
    const second = await res.json();
    expect(second.matter.channel).toBe('PHONE');
    expect(second.duplicates.map((d: { registrationNo: string }) => d.registrationNo)).toHaveLength(1);
    // The first matter now shows the later one too.
    const first = await server.ctx.db.matter.findFirstOrThrow({ where: { channel: 'WINDOW' } });
    const view = await dispatcher.client.json('GET', `/api/intake/matters/${first.id}/screening`);
    expect(view.duplicates.map((d: { matterId: string }) => d.matterId)).toEqual([second.matter.id]);
    // A place written with full-width digits and spaces is the same place; another type is not.
    const fullWidth = await dispatcher.client.json('POST', '/api/intake/registrations/check', {
      ...phoneCall,
      channel: undefined,
      parties: [{ role: 'APPLICANT', name: '钱七' }],
      place: '青山区富强路１２号 ３栋',
    });
    expect(fullWidth.duplicates).toHaveLength(2);
    const otherType = await dispatcher.client.json('POST', '/api/intake/registrations/check', {
      ...phoneCall,
      channel: undefined,
      disputeType: 'PROPERTY_SERVICE',
      parties: [{ role: 'APPLICANT', name: '钱七' }],
    });
    expect(otherType.duplicates).toEqual([]);
  });

  it('raises 弱信号: threats, vulnerable people by ID number and a disability mentioned, recorded with the matter', async () => {
    const res = await register(
      visit({
        place: '青山区幸福路 1 号',
        summary: '对方说再不赔钱就拿刀同归于尽；申请人的母亲坐轮椅',
        parties: [
          { role: 'APPLICANT', name: '孙老伯', idNumber: ELDER_ID },
          { role: 'OTHER', name: '孙小明', idNumber: CHILD_ID },
          { role: 'RESPONDENT', name: '周某' },
        ],
      }),
    );
    expect(res.status).toBe(201);
    const { matter, flags } = await res.json();
    expect(flags.map((f: { key: string }) => f.key)).toEqual(['VIOLENCE_THREAT', 'ELDERLY', 'MINOR', 'DISABILITY']);
    expect(flags[0].detail).toContain('同归于尽');
    expect(flags[1].detail).toMatch(/^申请人\d+岁$/);
    const row = await server.ctx.db.matter.findUniqueOrThrow({ where: { id: matter.id }, include: { events: true } });
    expect(JSON.parse(row.riskFlags)).toEqual(['VIOLENCE_THREAT', 'ELDERLY', 'MINOR', 'DISABILITY']);
    expect(row.events.find((e) => e.type === 'RISK_FLAGGED')).toBeTruthy();
    const { warnings } = await dispatcher.client.json('GET', '/api/intake/warnings');
    expect(warnings.map((w: { id: string }) => w.id)).toContain(matter.id);
    const view = await dispatcher.client.json('GET', `/api/intake/matters/${matter.id}/screening`);
    expect(view.flags.map((f: { label: string }) => f.label)).toEqual(['言语中有暴力倾向', '涉及老年人', '涉及未成年人', '涉及残疾人']);
  });

  it('flags the same person reporting again and again (the third report within 30 days)', async () => {
    const again = (n: number) =>
      visit({ title: `第${n}次反映`, place: `青山区某路 ${n} 号`, parties: [{ role: 'APPLICANT', name: '吴反映', phone: '13900139000' }] });
    for (const n of [1, 2]) expect((await (await register(again(n))).json()).flags).toEqual([]);
    const third = await (await register(again(3))).json();
    expect(third.flags).toEqual([expect.objectContaining({ key: 'REPEATED_REPORTS', detail: '近30天内已反映2次' })]);
  });

  it('refuses bad input with its own code and stores nothing', async () => {
    const before = await server.ctx.db.matter.count();
    const cases: [unknown, number, string][] = [
      [visit({ parties: [{ role: 'APPLICANT', name: '王', phone: '12345' }] }), 400, 'INVALID_PHONE'],
      [visit({ parties: [{ role: 'APPLICANT', name: '王', idNumber: '150204194503010010' }] }), 400, 'INVALID_ID_NUMBER'],
      [visit({ parties: [] }), 400, 'PARTY_REQUIRED'],
      [visit({ channel: 'ONLINE' }), 400, 'VALIDATION'],
      [visit({ disputeType: 'NOT_A_TYPE' }), 400, 'VALIDATION'],
      [visit({ title: '   ' }), 400, 'VALIDATION'],
    ];
    for (const [body, status, code] of cases) {
      const res = await register(body);
      expect([res.status, (await res.json()).code]).toEqual([status, code]);
    }
    // Only dispatchers register visits and calls.
    const byMediator = await register(visit(), mediator.client);
    expect([byMediator.status, (await byMediator.json()).code]).toEqual([403, 'FORBIDDEN']);
    expect(await server.ctx.db.matter.count()).toBe(before);
  });

  it('does not show a matter to staff who have nothing to do with it', async () => {
    const any = await server.ctx.db.matter.findFirstOrThrow();
    const res = await mediator.client.request('GET', `/api/intake/matters/${any.id}/screening`);
    expect([res.status, (await res.json()).code]).toEqual([404, 'MATTER_NOT_FOUND']);
  });
});
