// The public application page's API against abuse and bad input: every refusal has its own code and
// a Chinese message, and a refused application stores nothing (no Matter, MatterParty or
// MatterAttachment row). Each case comes from its own client address (X-Forwarded-For through a
// trusted proxy), so the per-address limits of one case do not touch the others.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRawDb } from '../../signaling/db.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { addStaff, applicationBody, lastCode, noticeVersion, PNG_1PX, post, verifiedTicket } from './public-support.ts';

let server: TestServer;
let version: string;
let addressSeq = 10;
const nextAddress = () => ({ 'x-forwarded-for': `203.0.113.${addressSeq++}` });
let phoneSeq = 0;
const nextPhone = () => `1370000${String(1000 + phoneSeq++).padStart(4, '0')}`;

beforeAll(async () => {
  server = await startTestServer({
    TRUST_PROXY: '127.0.0.1',
    APPLY_PER_ADDRESS_PER_HOUR: '2',
    APPLY_PER_PHONE_PER_DAY: '2',
    APPLY_CODES_PER_PHONE_PER_HOUR: '3',
    APPLY_CODES_PER_ADDRESS_PER_HOUR: '4',
    NOTIFY_POLL_MS: '200',
  });
  await addStaff(server, { username: 'duty1', displayName: '赵受理', role: 'DISPATCHER' });
  version = await noticeVersion(server.url);
}, 60_000);
afterAll(() => server?.close());

async function stored() {
  const db = server.ctx.db;
  return { matters: await db.matter.count(), parties: await db.matterParty.count(), attachments: await db.matterAttachment.count() };
}

/** A ticket obtained from its own address (codes count per address too). */
async function ticketFor(phone: string): Promise<string> {
  const headers = nextAddress();
  const sent = await post(`${server.url}/api/apply/code`, { phone }, headers);
  expect(sent.status).toBe(200);
  const verified = await post(`${server.url}/api/apply/verify`, { phone, code: lastCode(server.dataDir, phone) }, headers);
  expect(verified.status).toBe(200);
  return verified.body.ticket as string;
}

async function refused(body: unknown, code: string, status: number, headers: Record<string, string> = nextAddress()) {
  const before = await stored();
  const res = await post(`${server.url}/api/apply`, body, headers);
  expect(res.body?.code, JSON.stringify(res.body)).toBe(code);
  expect(res.status).toBe(status);
  expect(res.body.message).toMatch(/\p{Script=Han}/u);
  expect(await stored()).toEqual(before);
  return res.body.message as string;
}

describe('the public application API', () => {
  it('registers a valid application once: ONLINE, owned by the dispatcher on duty, photos sealed at rest, consent recorded', async () => {
    const phone = nextPhone();
    const ticket = await ticketFor(phone);
    const res = await post(
      `${server.url}/api/apply`,
      applicationBody(version, ticket, phone, { photos: [{ fileName: 'IMG_0001.png', dataBase64: PNG_1PX.toString('base64') }] }),
      nextAddress(),
    );
    expect(res.status).toBe(201);
    expect(res.body.registrationNo).toMatch(/^青山综受〔\d{4}〕第\d+号$/);
    expect(res.body.followPath).toMatch(/^\/m\/[a-z0-9]+\.[A-Za-z0-9_-]{32}$/);
    const matter = await server.ctx.db.matter.findUniqueOrThrow({
      where: { registrationNo: res.body.registrationNo },
      include: { parties: true, attachments: true },
    });
    const dispatcher = await server.ctx.db.user.findUniqueOrThrow({ where: { username: 'duty1' } });
    expect(matter).toMatchObject({ channel: 'ONLINE', registeredById: null, ownerUserId: dispatcher.id, status: 'REGISTERED' });
    expect(matter.title).not.toContain('李某');
    expect(matter.parties.map((p) => [p.role, p.name, p.phoneVerified])).toEqual([
      ['APPLICANT', '李某', true],
      ['RESPONDENT', '王某', false],
    ]);
    expect(matter.attachments).toHaveLength(1);
    expect(matter.attachments[0]).toMatchObject({ mime: 'image/png', fileName: '照片1.png', size: PNG_1PX.length });
    expect(Buffer.from(matter.attachments[0]!.bytes).equals(PNG_1PX)).toBe(true);
    const raw = openRawDb(path.join(server.dataDir, 'jiefen.db'));
    try {
      const row = await raw.matterAttachment.findUniqueOrThrow({ where: { id: matter.attachments[0]!.id } });
      expect(Buffer.from(row.bytes).includes(PNG_1PX.subarray(0, 8))).toBe(false);
    } finally {
      await raw.$disconnect();
    }
    expect(await server.ctx.db.applyConsent.findUnique({ where: { matterId: matter.id } })).toMatchObject({ noticeVersion: version });
    // The ticket is used up: the same application again is refused and adds nothing.
    await refused(applicationBody(version, ticket, phone), 'PHONE_NOT_VERIFIED', 400);
  });

  it('refuses without consent to the current notice, without a verified phone, or with another phone’s ticket', async () => {
    const phone = nextPhone();
    const ticket = await ticketFor(phone);
    await refused(applicationBody(version, ticket, phone, { consent: false }), 'APPLY_CONSENT_REQUIRED', 400);
    await refused(applicationBody('1999-01-01', ticket, phone), 'APPLY_CONSENT_REQUIRED', 400);
    await refused(applicationBody(version, 'x'.repeat(25) + '.' + 'y'.repeat(32), phone), 'PHONE_NOT_VERIFIED', 400);
    await refused(applicationBody(version, ticket, nextPhone()), 'PHONE_NOT_VERIFIED', 400);
    // None of these used the ticket up: the right application still goes through.
    expect((await post(`${server.url}/api/apply`, applicationBody(version, ticket, phone), nextAddress())).status).toBe(201);
  });

  it('refuses oversized, wrong-type and too many photos', async () => {
    const phone = nextPhone();
    const ticket = await ticketFor(phone);
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    expect(
      await refused(applicationBody(version, ticket, phone, { photos: [{ fileName: 'big.jpg', dataBase64: big.toString('base64') }] }), 'PHOTO_TOO_LARGE', 413),
    ).toContain('第 1 张');
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n');
    await refused(applicationBody(version, ticket, phone, { photos: [{ fileName: 'photo.jpg', dataBase64: pdf.toString('base64') }] }), 'PHOTO_TYPE', 400);
    const four = Array.from({ length: 4 }, (_, i) => ({ fileName: `p${i}.png`, dataBase64: PNG_1PX.toString('base64') }));
    await refused(applicationBody(version, ticket, phone, { photos: four }), 'TOO_MANY_PHOTOS', 400);
  });

  it('refuses bad input with a message about the field', async () => {
    const phone = nextPhone();
    const ticket = await ticketFor(phone);
    await refused(applicationBody(version, ticket, '12345'), 'INVALID_PHONE', 400);
    await refused(applicationBody(version, ticket, phone, { applicant: { name: '李某', phone, idNumber: '110101199003071234' } }), 'INVALID_ID_NUMBER', 400);
    await refused(applicationBody(version, ticket, phone, { summary: '漏水' }), 'VALIDATION', 400);
    await refused(applicationBody(version, ticket, phone, { respondent: { kind: 'PERSON', name: '1' } }), 'VALIDATION', 400);
    await refused(applicationBody(version, ticket, phone, { disputeType: 'DRAGONS' }), 'VALIDATION', 400);
    const missing = applicationBody(version, ticket, phone) as Record<string, unknown>;
    delete missing.summary;
    expect(await refused(missing, 'VALIDATION', 400)).toContain('发生了什么');
  });

  it('limits applications per address and per phone', async () => {
    const address = nextAddress();
    const phones = [nextPhone(), nextPhone(), nextPhone()];
    const tickets = [];
    for (const p of phones) tickets.push(await ticketFor(p));
    expect((await post(`${server.url}/api/apply`, applicationBody(version, tickets[0]!, phones[0]!), address)).status).toBe(201);
    expect((await post(`${server.url}/api/apply`, applicationBody(version, tickets[1]!, phones[1]!), address)).status).toBe(201);
    await refused(applicationBody(version, tickets[2]!, phones[2]!), 'APPLY_LIMIT_ADDRESS', 429, address);

    const phone = nextPhone();
    for (let i = 0; i < 2; i++) {
      const ticket = await ticketFor(phone);
      await server.ctx.db.applyCode.updateMany({ data: { createdAt: new Date(Date.now() - 120_000) } });
      expect((await post(`${server.url}/api/apply`, applicationBody(version, ticket, phone), nextAddress())).status).toBe(201);
    }
    const third = await ticketFor(phone);
    await refused(applicationBody(version, third, phone), 'APPLY_LIMIT_PHONE', 429);
  });
});

describe('one-time codes', () => {
  it('allows one code a minute, a few an hour per phone and per address', async () => {
    const phone = nextPhone();
    const address = nextAddress();
    expect((await post(`${server.url}/api/apply/code`, { phone }, address)).status).toBe(200);
    const again = await post(`${server.url}/api/apply/code`, { phone }, address);
    expect(again).toMatchObject({ status: 429, body: { code: 'CODE_LIMIT' } });
    // Past the minute (the code rows are moved back in time): the per-phone hourly limit (3) holds.
    for (let i = 0; i < 2; i++) {
      await server.ctx.db.applyCode.updateMany({ data: { createdAt: new Date(Date.now() - 120_000) } });
      expect((await post(`${server.url}/api/apply/code`, { phone }, nextAddress())).status).toBe(200);
    }
    await server.ctx.db.applyCode.updateMany({ data: { createdAt: new Date(Date.now() - 120_000) } });
    const fourth = await post(`${server.url}/api/apply/code`, { phone }, nextAddress());
    expect(fourth).toMatchObject({ status: 429, body: { code: 'CODE_LIMIT' } });
    expect(fourth.body.message).toContain('该手机号');
    // Per address (4 an hour), whatever the phones.
    const one = nextAddress();
    for (let i = 0; i < 4; i++) expect((await post(`${server.url}/api/apply/code`, { phone: nextPhone() }, one)).status).toBe(200);
    const fifth = await post(`${server.url}/api/apply/code`, { phone: nextPhone() }, one);
    expect(fifth).toMatchObject({ status: 429, body: { code: 'CODE_LIMIT' } });
    expect(fifth.body.message).toContain('本网络');
  });

  it('allows five wrong tries; then even the right code is refused until a new one is sent', async () => {
    const phone = nextPhone();
    const headers = nextAddress();
    expect((await post(`${server.url}/api/apply/code`, { phone }, headers)).status).toBe(200);
    const right = lastCode(server.dataDir, phone);
    const wrong = right === '000000' ? '111111' : '000000';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await post(`${server.url}/api/apply/verify`, { phone, code: wrong }, headers)).body);
    expect(answers.map((a) => a.code)).toEqual(['CODE_WRONG', 'CODE_WRONG', 'CODE_WRONG', 'CODE_WRONG', 'CODE_ATTEMPTS_EXCEEDED']);
    expect(answers[0].message).toBe('验证码不正确，还可以再试 4 次');
    expect((await post(`${server.url}/api/apply/verify`, { phone, code: right }, headers)).body.code).toBe('CODE_ATTEMPTS_EXCEEDED');
    // A code for a phone that asked for none, and a used code.
    expect((await post(`${server.url}/api/apply/verify`, { phone: nextPhone(), code: '123456' }, headers)).body.code).toBe('CODE_EXPIRED');
    const other = nextPhone();
    await verifiedTicket(server.url, server.dataDir, other).catch(() => undefined);
    expect((await post(`${server.url}/api/apply/verify`, { phone: other, code: lastCode(server.dataDir, other) }, nextAddress())).body.code).toBe(
      'CODE_EXPIRED',
    );
  });

  it('says which phone numbers are not accepted', async () => {
    const res = await post(`${server.url}/api/apply/code`, { phone: '0472-1234567' }, nextAddress());
    expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_PHONE' } });
    expect(res.body.message).toContain('11 位手机号码');
  });
});
