// 分流 through the API: a dispatcher routes a registered matter (the rules' suggestion shown), the
// unit's head returns it with a reason or accepts it, assigns a mediator (a case opened in the unit
// with the matter's parties), transfers, reassigns and withdraws; wrong roles and other units are
// refused with their specific codes and change nothing; 首接负责 holds after every step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownershipViolations } from '../../signaling/intake/ownership.ts';
import { startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { addUnitStaff, loginAs, registerTestMatter, type UnitStaff } from './routing-support.ts';

describe('分流 through the API', () => {
  let server: TestServer;
  let staff: Record<'dispatcher' | 'propertyHead' | 'propertyHead2' | 'financialHead' | 'mediator1' | 'mediator2' | 'outsider', UnitStaff>;
  let as: Record<keyof typeof staff, StaffClient>;
  let matterId: string;
  /** The property head who accepted it (two race for it). */
  let head: UnitStaff;
  let headClient: StaffClient;

  beforeAll(async () => {
    server = await startTestServer();
    const db = server.ctx.db;
    staff = {
      dispatcher: await addUnitStaff(db, 'centre-office', 'DISPATCHER', 'zhaoshouli', '赵受理'),
      propertyHead: await addUnitStaff(db, 'property', 'UNIT_HEAD', 'qianfuze', '钱负责'),
      propertyHead2: await addUnitStaff(db, 'property', 'UNIT_HEAD', 'sunfuze', '孙负责'),
      financialHead: await addUnitStaff(db, 'financial', 'UNIT_HEAD', 'lijinrong', '李金融'),
      mediator1: await addUnitStaff(db, 'property', 'MEDIATOR', 'zhoutiaojie', '周调解'),
      mediator2: await addUnitStaff(db, 'property', 'MEDIATOR', 'wutiaojie', '吴调解'),
      outsider: await addUnitStaff(db, 'committee', 'MEDIATOR', 'zhengtiaojie', '郑调解'),
    };
    as = Object.fromEntries(await Promise.all(Object.entries(staff).map(async ([k, u]) => [k, await loginAs(server.url, u)]))) as typeof as;
    matterId = (await registerTestMatter(db, staff.dispatcher)).id;
  });
  afterAll(() => server?.close());

  /** Status, owner, pending unit and how many steps and ownerships the matter has: what a refusal must leave as it was. */
  async function snapshot() {
    const db = server.ctx.db;
    const m = await db.matter.findUniqueOrThrow({ where: { id: matterId } });
    return {
      status: m.status,
      owner: m.ownerUserId,
      pending: m.pendingUnitId,
      caseId: m.caseId,
      events: await db.matterEvent.count({ where: { matterId } }),
      ownerships: await db.matterOwnership.count({ where: { matterId } }),
    };
  }

  async function refused(client: StaffClient, path: string, body: unknown, status: number, code: string) {
    const before = await snapshot();
    const res = await client.request('POST', `/api/routing/matters/${matterId}/${path}`, body);
    expect(res.status, `${path} → ${code}`).toBe(status);
    expect(((await res.json()) as { code: string }).code).toBe(code);
    expect(await snapshot()).toEqual(before);
  }

  async function moved(client: StaffClient, path: string, body?: unknown) {
    const res = await client.request('POST', `/api/routing/matters/${matterId}/${path}`, body);
    expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
    expect(await ownershipViolations(server.ctx.db, matterId)).toEqual([]);
    return res;
  }

  it('shows the dispatcher the registered matter with the suggested unit and why', async () => {
    const queue = await as.dispatcher.json('GET', '/api/routing/queue');
    const item = queue.registered.find((m: { id: string }) => m.id === matterId);
    expect(item.suggestion).toMatchObject({ unitName: '青山区物业纠纷人民调解委员会', rule: '物业纠纷点对点' });
    expect(item.suggestion.why).toContain('点对点');
    expect(item.stageDueAt).toEqual(expect.any(String));
    // The units offered are those that can receive (an active head): here property and financial.
    expect(queue.units.map((u: { name: string }) => u.name).sort()).toEqual(['青山区物业纠纷人民调解委员会', '青山区金融纠纷调解中心'].sort());
  });

  it('refuses routing by anyone but a dispatcher, and hides the matter from staff of other units', async () => {
    const property = staff.propertyHead.orgId;
    await refused(as.mediator1, 'route', { unitId: property }, 403, 'FORBIDDEN');
    await refused(as.propertyHead, 'route', { unitId: property }, 403, 'FORBIDDEN');
    await refused(as.dispatcher, 'route', { unitId: staff.dispatcher.orgId }, 404, 'UNIT_NOT_FOUND');
    const committee = staff.outsider.orgId;
    await refused(as.dispatcher, 'route', { unitId: committee }, 409, 'UNIT_NO_HEAD');
    await refused(as.propertyHead, 'accept', undefined, 404, 'MATTER_NOT_FOUND');
    for (const who of [as.financialHead, as.outsider, as.mediator1]) {
      const res = await who.request('GET', `/api/routing/matters/${matterId}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('MATTER_NOT_FOUND');
    }
  });

  it('routes to the property committee; the dispatcher stays responsible; its head returns it with a reason', async () => {
    await moved(as.dispatcher, 'route', { unitId: staff.propertyHead.orgId });
    expect(await snapshot()).toMatchObject({ status: 'ROUTED', owner: staff.dispatcher.id, pending: staff.propertyHead.orgId });
    await refused(as.financialHead, 'accept', undefined, 404, 'MATTER_NOT_FOUND');
    await refused(as.dispatcher, 'accept', undefined, 403, 'FORBIDDEN');
    await refused(as.propertyHead, 'return', { reason: '  ' }, 400, 'VALIDATION');
    await refused(as.propertyHead, 'assign', { mediatorId: staff.mediator1.id }, 409, 'MATTER_WRONG_STAGE');
    await moved(as.propertyHead, 'return', { reason: '不属于物业服务范围' });
    expect(await snapshot()).toMatchObject({ status: 'REGISTERED', owner: staff.dispatcher.id, pending: null });
    // Returned, it is no longer the property committee's to see.
    expect((await as.propertyHead.request('GET', `/api/routing/matters/${matterId}`)).status).toBe(404);
  });

  it('routes again; of two heads accepting at once exactly one wins and becomes responsible', async () => {
    await moved(as.dispatcher, 'route', { unitId: staff.propertyHead.orgId });
    const [a, b] = await Promise.all([
      as.propertyHead.request('POST', `/api/routing/matters/${matterId}/accept`),
      as.propertyHead2.request('POST', `/api/routing/matters/${matterId}/accept`),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses, `${await a.clone().text()} ${await b.clone().text()}`).toEqual([204, 409]);
    const loser = a.status === 409 ? a : b;
    expect(['MATTER_CHANGED', 'MATTER_WRONG_STAGE']).toContain(((await loser.json()) as { code: string }).code);
    const winner = a.status === 204 ? staff.propertyHead : staff.propertyHead2;
    expect(await snapshot()).toMatchObject({ status: 'ACCEPTED', owner: winner.id, pending: null });
    expect(await ownershipViolations(server.ctx.db, matterId)).toEqual([]);
    head = winner;
    headClient = a.status === 204 ? as.propertyHead : as.propertyHead2;
  });

  it('transfers to another unit with a reason (the head stays responsible), which returns it', async () => {
    await refused(headClient, 'transfer', { unitId: staff.propertyHead.orgId, reason: '测试' }, 409, 'MATTER_SAME_UNIT');
    await refused(as.mediator1, 'transfer', { unitId: staff.financialHead.orgId, reason: '测试' }, 403, 'FORBIDDEN');
    await moved(headClient, 'transfer', { unitId: staff.financialHead.orgId, reason: '涉及贷款担保，宜由金融调解中心办理' });
    expect(await snapshot()).toMatchObject({ status: 'ROUTED', owner: head.id, pending: staff.financialHead.orgId });
    const seen = await as.financialHead.json('GET', `/api/routing/matters/${matterId}`);
    expect(seen.can).toEqual(['accept', 'return']);
    await moved(as.financialHead, 'return', { reason: '不涉及金融借款' });
    expect(await snapshot()).toMatchObject({ status: 'ACCEPTED', owner: head.id, pending: null });
  });

  it('the head assigns a mediator of the unit: the case is opened there with the parties, and only the head may', async () => {
    await refused(as.mediator1, 'assign', { mediatorId: staff.mediator1.id }, 403, 'FORBIDDEN');
    await refused(as.dispatcher, 'assign', { mediatorId: staff.mediator1.id }, 403, 'FORBIDDEN');
    await refused(headClient, 'assign', { mediatorId: staff.outsider.id }, 409, 'OWNER_NOT_IN_UNIT');
    const res = await moved(headClient, 'assign', { mediatorId: staff.mediator1.id });
    const { caseId, caseNumber } = (await res.json()) as { caseId: string; caseNumber: string };
    expect(caseNumber).toMatch(/^青山物业调〔\d{4}〕第1号$/);
    const kase = await server.ctx.db.case.findUniqueOrThrow({ where: { id: caseId }, include: { participants: { orderBy: { createdAt: 'asc' } } } });
    expect(kase).toMatchObject({ orgId: staff.propertyHead.orgId, mediatorId: staff.mediator1.id, status: 'ACCEPTED' });
    expect(kase.participants.map((p) => [p.name, p.role, p.side, p.personType])).toEqual([
      ['王某', 'APPLICANT', 'A', 'natural'],
      ['青山物业服务有限公司', 'RESPONDENT', 'B', 'legal'],
    ]);
    expect(await snapshot()).toMatchObject({ status: 'ASSIGNED', owner: staff.mediator1.id, caseId });
    // The mediator sees the matter and its case; the case list shows it to them.
    const seen = await as.mediator1.json('GET', `/api/routing/matters/${matterId}`);
    expect(seen.case.number).toBe(caseNumber);
    expect((await as.mediator1.json('GET', `/api/cases/${caseId}`)).case.number).toBe(caseNumber);
    expect((await as.mediator2.request('GET', `/api/routing/matters/${matterId}`)).status).toBe(404);
    await refused(headClient, 'transfer', { unitId: staff.financialHead.orgId, reason: '转交' }, 409, 'MATTER_HAS_CASE');
  });

  it('reassigns the mediator: the case and the matter name the same new one; then the dispatcher withdraws it', async () => {
    await refused(as.mediator1, 'reassign', { mediatorId: staff.mediator2.id }, 403, 'FORBIDDEN');
    await moved(headClient, 'reassign', { mediatorId: staff.mediator2.id });
    const m = await server.ctx.db.matter.findUniqueOrThrow({ where: { id: matterId }, include: { case: true } });
    expect(m.ownerUserId).toBe(staff.mediator2.id);
    expect(m.case?.mediatorId).toBe(staff.mediator2.id);
    expect((await as.mediator1.request('GET', `/api/routing/matters/${matterId}`)).status).toBe(404);
    await refused(as.mediator2, 'withdraw', { reason: '申请人撤回' }, 403, 'FORBIDDEN');
    await refused(as.financialHead, 'withdraw', { reason: '申请人撤回' }, 404, 'MATTER_NOT_FOUND');
    await moved(as.dispatcher, 'withdraw', { reason: '申请人撤回调解申请' });
    const after = await server.ctx.db.matter.findUniqueOrThrow({ where: { id: matterId }, include: { case: true } });
    expect(after.status).toBe('WITHDRAWN');
    expect(after.case?.status).toBe('WITHDRAWN');
    await refused(as.dispatcher, 'withdraw', { reason: '再次撤回' }, 409, 'MATTER_WRONG_STAGE');
  });

  it('keeps the whole history, readable by the dispatcher', async () => {
    const detail = await as.dispatcher.json('GET', `/api/routing/matters/${matterId}`);
    const steps = detail.history.map((h: { type: string }) => h.type).filter((t: string) => t !== 'DEADLINE_SET');
    expect(steps).toEqual([
      'REGISTERED',
      'ROUTED',
      'RETURNED',
      'ROUTED',
      'ACCEPTED',
      'TRANSFERRED',
      'RETURNED',
      'ASSIGNED',
      'CASE_OPENED',
      'ASSIGNED',
      'WITHDRAWN',
    ]);
    expect(detail.history.find((h: { type: string }) => h.type === 'RETURNED').text).toContain('不属于物业服务范围');
    expect(detail.ownerships.at(-1)).toMatchObject({ userName: '吴调解', toAt: null });
    expect(detail.ownerships.filter((o: { toAt: string | null }) => o.toAt === null)).toHaveLength(1);
  });
});
