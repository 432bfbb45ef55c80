// 反馈: the person follows the matter from their link, and every person-facing step written as a
// MatterEvent is notified exactly once — by SMS (the development outbox file) and by WeChat when a
// WeChat recipient is bound — through a durable consumer whose cursor lives in the database: steps
// written while the server is down are notified after it starts again, none twice. Other helpers'
// routing and deadlines only write events; here they are written with the core's own functions.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../signaling/config.ts';
import { openDb, type Db, type Tx } from '../../signaling/db.ts';
import { loadOrCreateSecrets } from '../../signaling/secrets.ts';
import { startServer, type RunningServer } from '../../signaling/server.ts';
import { recordMatterEvent } from '../../signaling/intake/matter-events.ts';
import { handOver } from '../../signaling/intake/ownership.ts';
import { registerMatter } from '../../signaling/intake/registration.ts';
import { startStage } from '../../signaling/intake/stage-deadline.ts';
import { issueMatterLink, matterLinkToken } from '../../signaling/intake/follow/matter-links.ts';
import { MatterNotifier } from '../../signaling/intake/follow/notifier.ts';
import { DevSmsProvider } from '../../signaling/signing/sms.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';
import { addStaff, applicationBody, noticeVersion, post, smsOutbox, verifiedTicket } from './public-support.ts';

const ENV = { NOTIFY_POLL_MS: '100', LOG_LEVEL: 'warn' };
const PHONE = '13700002001';

let dataDir: string;
let first: TestServer;
let server: RunningServer | TestServer;
let dispatcher: { id: string; unitId: string; client: StaffClient };
let matterId: string;
let followToken: string;

async function restart(): Promise<void> {
  await server.close();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JIEFEN_DATA_DIR: dataDir, RTC_PORT: '0', MEDIASOUP_WORKERS: '1', ...ENV });
  server = await startServer(config, { logger: false, skipMigrations: true });
  config.publicUrl = server.url;
}

const follow = async () => {
  const res = await fetch(`${server.url}/api/follow`, { headers: { authorization: `Bearer ${followToken}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    stage: string;
    status: string;
    responsible: { unit: string; person: string };
    dueAt: string | null;
    steps: Array<{ type: string; detail: string }>;
  };
};

/** What the development SMS provider wrote to the applicant's phone that is not a code. */
const noticesTo = (phone: string) => smsOutbox(dataDir).filter((l) => l.to === phone && !l.text.includes('验证码'));

async function write(db: Db, step: (tx: Tx) => Promise<void>) {
  await db.$transaction(step);
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-notify-'));
  first = await startTestServer(ENV, { dataDir });
  server = first;
  dispatcher = await addStaff(server, { username: 'duty-notify', displayName: '赵受理', role: 'DISPATCHER' });
  const ticket = await verifiedTicket(server.url, dataDir, PHONE);
  const res = await post(`${server.url}/api/apply`, applicationBody(await noticeVersion(server.url), ticket, PHONE));
  expect(res.status).toBe(201);
  followToken = (res.body.followPath as string).slice('/m/'.length);
  matterId = (await server.ctx.db.matter.findUniqueOrThrow({ where: { registrationNo: res.body.registrationNo } })).id;
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('following a matter and being told of each step', () => {
  it('sends the link once on registration, and the status page shows 受理, who is responsible and the deadline', async () => {
    await waitFor(() => noticesTo(PHONE).length === 1, 5000, 'the link SMS');
    const [linkSms] = noticesTo(PHONE);
    expect(linkSms!.text).toContain('已登记');
    expect(linkSms!.text).toContain(`${server.url}/m/${followToken}`);
    const view = await follow();
    expect(view).toMatchObject({ stage: 'INTAKE', status: 'REGISTERED', responsible: { person: '赵受理' } });
    expect(view.responsible.unit).toMatch(/\p{Script=Han}/u);
    expect(view.dueAt).not.toBeNull();
    expect(view.steps.map((s) => s.type)).toEqual(['REGISTERED']);
    // A wrong secret, a malformed or no token: the same refusal.
    for (const authorization of [`Bearer ${followToken.slice(0, -1)}A`, 'Bearer nonsense', undefined]) {
      const res = await fetch(`${server.url}/api/follow`, authorization ? { headers: { authorization } } : {});
      expect(((await res.json()) as { code: string }).code).toBe(authorization === undefined ? 'MATTER_LINK_INVALID' : 'MATTER_LINK_INVALID');
    }
  });

  it('notifies a routing step once and the page follows it', async () => {
    const unit = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'property' } });
    await write(server.ctx.db, async (tx) => {
      const at = new Date();
      await tx.matter.update({ where: { id: matterId }, data: { status: 'ROUTED', pendingUnitId: unit.id } });
      await recordMatterEvent(tx, matterId, 'ROUTED', { toUnitId: unit.id }, '赵受理（受理员）', at);
      await startStage(tx, matterId, 'ROUTED', at, '赵受理（受理员）');
    });
    await waitFor(() => noticesTo(PHONE).length === 2, 5000, 'the routing SMS');
    expect(noticesTo(PHONE)[1]!.text).toContain(`已分流：交由${unit.name}办理`);
    const view = await follow();
    expect(view.stage).toBe('ROUTING');
    expect(view.steps.at(-1)).toMatchObject({ type: 'ROUTED', detail: `交由${unit.name}办理` });
    // Staff-only steps (the deadline set with it) are neither shown nor sent.
    expect(view.steps.map((s) => s.type)).toEqual(['REGISTERED', 'ROUTED']);
  });

  it('notifies steps written while the server was down after it starts, each once, by SMS and WeChat', async () => {
    const link = await server.ctx.db.matterLink.findFirstOrThrow({ where: { matterId } });
    await server.ctx.db.matterLink.update({ where: { id: link.id }, data: { wechatOpenId: 'oWx-test-openid-0001' } });
    await server.close();
    const db = openDb(path.join(dataDir, 'jiefen.db'), loadOrCreateSecrets(dataDir).secrets.dataKeys);
    const head = await addStaffDirect(db);
    try {
      await write(db, async (tx) => {
        const at = new Date();
        await handOver(tx, matterId, { unitId: head.unitId, userId: head.id }, 'ACCEPTED', at);
        await tx.matter.update({ where: { id: matterId }, data: { status: 'ACCEPTED', pendingUnitId: null } });
        await recordMatterEvent(tx, matterId, 'ACCEPTED', { unitId: head.unitId }, '孙主任（单位负责人）', at);
        await startStage(tx, matterId, 'ACCEPTED', at, '孙主任（单位负责人）');
      });
    } finally {
      await db.$disconnect();
    }
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JIEFEN_DATA_DIR: dataDir, RTC_PORT: '0', MEDIASOUP_WORKERS: '1', ...ENV });
    server = await startServer(config, { logger: false, skipMigrations: true });
    config.publicUrl = server.url;
    await waitFor(() => noticesTo(PHONE).length === 3, 5000, 'the SMS of the step written while down');
    const wechatFile = path.join(dataDir, 'dev-wechat-outbox.log');
    await waitFor(() => existsSync(wechatFile), 5000, 'the WeChat message');
    const wechat = readFileSync(wechatFile, 'utf8').trim().split('\n');
    expect(wechat).toHaveLength(1);
    expect(JSON.parse(wechat[0]!)).toMatchObject({ to: 'oWx-test-openid-0001', message: { step: '承办单位已接收' } });
    const view = await follow();
    expect(view).toMatchObject({ stage: 'HANDLING', responsible: { person: '孙主任' } });

    // Another restart, and a second consumer racing the server's own on the same database: nothing more is sent.
    await restart();
    const quiet = { info: () => undefined, error: () => undefined, warn: () => undefined };
    const racer = new MatterNotifier(server.ctx, new DevSmsProvider(dataDir, quiet), null, quiet);
    await write(server.ctx.db, async (tx) => {
      const at = new Date();
      await tx.matter.update({ where: { id: matterId }, data: { status: 'CLOSED' } });
      await recordMatterEvent(tx, matterId, 'CLOSED', { result: '调解成功，双方已履行' }, '孙主任（单位负责人）', at);
    });
    await Promise.all([racer.tick(), racer.tick()]);
    await waitFor(() => noticesTo(PHONE).length >= 4, 5000, 'the closing SMS');
    await restart();
    await new Promise((r) => setTimeout(r, 500));
    const rows = await server.ctx.db.notification.findMany({ where: { matterId }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.kind, r.channel, r.status])).toEqual([
      ['LINK', 'SMS', 'SENT'],
      ['STEP', 'SMS', 'SENT'],
      ['STEP', 'SMS', 'SENT'],
      ['STEP', 'WECHAT', 'SENT'],
      ['STEP', 'SMS', 'SENT'],
    ]);
    const keys = rows.map((r) => `${r.eventId}/${r.linkId}/${r.channel}`);
    expect(new Set(keys).size).toBe(keys.length);
    const texts = noticesTo(PHONE).map((l) => l.text);
    expect(texts).toHaveLength(4);
    expect(new Set(texts).size).toBe(4);
    expect(texts[3]).toContain('已办结：调解成功，双方已履行');
    expect((await follow()).stage).toBe('RESULT');
  }, 60_000);

  it('gives a party registered by staff a link by SMS (issueMatterLink), and shows staff the outbox without links or full numbers', async () => {
    const centre = await server.ctx.db.centre.findFirstOrThrow();
    const staffPhone = '13700002002';
    let linkId = '';
    await write(server.ctx.db, async (tx) => {
      const matter = await registerMatter(tx, {
        centreId: centre.id,
        channel: 'WINDOW',
        disputeType: 'PROPERTY_SERVICE',
        title: '物业服务合同纠纷（窗口来访）',
        summary: '业主反映物业公司未按约定维修电梯',
        registeredById: dispatcher.id,
        owner: { unitId: dispatcher.unitId, userId: dispatcher.id },
        parties: [{ role: 'APPLICANT', name: '周某', phone: staffPhone }],
        at: new Date(),
        actorLabel: '赵受理（受理员）',
      });
      const party = await tx.matterParty.findFirstOrThrow({ where: { matterId: matter.id } });
      ({ linkId } = await issueMatterLink(tx, matter.id, party.id));
      // A second call gives the same link and sends nothing more.
      expect((await issueMatterLink(tx, matter.id, party.id)).linkId).toBe(linkId);
    });
    await waitFor(() => noticesTo(staffPhone).length === 1, 5000, 'the link SMS of a window registration');
    expect(noticesTo(staffPhone)[0]!.text).toContain(`/m/${matterLinkToken(server.ctx.secrets.tokenKey, linkId)}`);

    const staff = new StaffClient(server.url);
    expect((await staff.login('duty-notify', 'duty-notify-Pass-2026')).status).toBe(200);
    const { notifications } = await staff.json<{ notifications: Array<{ text: string; recipient: string; status: string; registrationNo: string }> }>(
      'GET',
      '/api/intake/public/outbox',
    );
    expect(notifications.length).toBeGreaterThanOrEqual(6);
    const all = JSON.stringify(notifications);
    expect(all).not.toContain(PHONE);
    expect(all).not.toContain(staffPhone);
    expect(all).not.toContain(followToken.split('.')[1]);
    expect(notifications.every((n) => /^1\d{2}\*{4}\d{4}$|\*{4}/.test(n.recipient))).toBe(true);
    expect(notifications.some((n) => n.text.includes('（链接已隐去）'))).toBe(true);
    // A mediator has no business in the outbox.
    const mediator = await addStaff(server, { username: 'med-notify', displayName: '钱调解', role: 'MEDIATOR', unitCode: 'committee' });
    expect((await mediator.client.request('GET', '/api/intake/public/outbox')).status).toBe(403);
  });
});

/** A unit head of the property committee, written while the server is down. */
async function addStaffDirect(db: Db) {
  const unit = await db.organisation.findFirstOrThrow({ where: { code: 'property' } });
  const user = await db.user.create({ data: { username: 'head-property', displayName: '孙主任', role: 'UNIT_HEAD', passwordHash: 'x', orgId: unit.id } });
  return { id: user.id, unitId: unit.id };
}
