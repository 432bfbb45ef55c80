// #17 items 1–3 through the HTTP API and the room socket, against a real server: the
// 权利义务告知书 gates the room; 回避 (declaration, a party's objection seen by the mediator and the
// administrator, the mediator replaced); a party ends the mediation (调解不成 via transitionCase,
// audited); the sealed 调解终结告知书 and the 调解笔录 checked with pdftotext and pdfsig; caucus
// lines of the minutes never leave the server for a viewer who may not read them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RoomTestClient } from '../support/room-client.ts';
import {
  acceptPrivacy,
  acknowledgeNotice,
  addInvitedParty,
  createStaffUser,
  sharedStaffSession,
  startTestServer,
  StaffClient,
  type TestServer,
} from '../support/server.ts';
import { pdfsig, pdftotext, strokePng, writePdf } from '../signing/pdf-tools.ts';
import { lastSmsCode } from '../signing/signing-support.ts';

let server: TestServer;
let admin: StaffClient;
let mediator: StaffClient;
let mediatorId: string;
let colleague: { id: string; client: StaffClient };
const clients: RoomTestClient[] = [];
let n = 0;

interface Party {
  id: string;
  token: string;
  name: string;
  idNumber: string;
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await sharedStaffSession(server.url, server.admin);
  const m = await createStaffUser(admin, { username: 'legal-med', displayName: '李瑞芳', role: 'MEDIATOR', password: 'mediator-pass-1' });
  mediator = m.client;
  mediatorId = m.id;
  colleague = await createStaffUser(admin, { username: 'legal-med2', displayName: '张建国', role: 'MEDIATOR', password: 'mediator-pass-2' });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(() => server?.close());

async function newCase(): Promise<{ caseId: string; a: Party; b: Party }> {
  const caseId = (await mediator.json('POST', '/api/cases', { title: '王某家漏水纠纷', disputeType: 'NEIGHBOUR', summary: '直饮水管道漏水' }, 201)).case
    .id as string;
  n += 1;
  const a = await addInvitedParty(mediator, caseId, { name: '李某', side: 'A', role: 'APPLICANT', id17: `150204197503${String(n).padStart(2, '0')}101` });
  const b = await addInvitedParty(mediator, caseId, { name: '王某', side: 'B', role: 'RESPONDENT', id17: `150204198001${String(n).padStart(2, '0')}123` });
  // Each on its link: the privacy notice and the separate consents (signing the minutes needs the signature one).
  for (const p of [a, b]) await acceptPrivacy(server.url, p.token);
  return { caseId, a, b };
}

const asParty = (p: { token: string }) => ({
  get: (path: string) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${p.token}` } }),
  post: (path: string, body: unknown = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
});

async function auditTypes(caseId: string): Promise<string[]> {
  return (await server.ctx.db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } })).map((e) => e.type);
}

function roomClient(who: { token?: string; cookie?: string }): RoomTestClient {
  const c = new RoomTestClient(server.url, who);
  clients.push(c);
  return c;
}

describe('权利义务告知书 before the room', () => {
  it('a party who has not acknowledged the notice is refused at the door, with its code and a Chinese message; acknowledged, it enters', async () => {
    const { caseId, a } = await newCase();
    const c = roomClient({ token: a.token });
    await c.connected();
    const refused = await c.request('room:join', { caseId });
    expect(refused).toMatchObject({ ok: false, code: 'NOTICE_NOT_ACKNOWLEDGED' });
    expect(refused.ok === false && refused.message).toMatch(/权利义务告知书/);

    const view = await (await asParty(a).get(`/api/procedure/${caseId}`)).json();
    expect(view.mustAcknowledge).toBe(true);
    const text = JSON.stringify(view.notice);
    for (const must of ['选择或者接受人民调解员', '拒绝调解或者要求终止调解', '保密', '司法确认', '虚假调解', '李瑞芳']) expect(text).toContain(must);
    // Acknowledging a text other than the one shown is refused.
    const stale = await asParty(a).post(`/api/procedure/${caseId}/notice/acknowledge`, { sha256: '0'.repeat(64) });
    expect(stale.status).toBe(409);
    expect((await stale.json()).code).toBe('NOTICE_CHANGED');

    await acknowledgeNotice(server.url, caseId, a.token);
    expect((await (await asParty(a).get(`/api/procedure/${caseId}`)).json()).mustAcknowledge).toBe(false);
    const joined = await c.request('room:join', { caseId });
    expect(joined).toMatchObject({ ok: true, status: 'lobby' });
    expect(await auditTypes(caseId)).toContain('NOTICE_ACKNOWLEDGED');
  });
});

describe('回避', () => {
  it('the mediator declares; a party objects; the mediator and the administrator see it; the mediator cannot dismiss it; the administrator replaces the mediator', async () => {
    const { caseId, a } = await newCase();
    await acknowledgeNotice(server.url, caseId, a.token);
    await mediator.json('POST', `/api/procedure/${caseId}/recusal/declare`, undefined, 200);
    const objected = await asParty(a).post(`/api/procedure/${caseId}/recusal/objections`, { reason: '调解员与被申请人是同一小区的邻居，关系密切' });
    expect(objected.status).toBe(201);
    const { id } = await objected.json();

    for (const viewer of [mediator, admin]) {
      const r = await viewer.json('GET', `/api/procedure/${caseId}/recusal`);
      expect(r.declaration.mediatorName).toBe('李瑞芳');
      expect(r.objections).toEqual([
        expect.objectContaining({ id, participantName: '李某', status: 'OPEN', reason: '调解员与被申请人是同一小区的邻居，关系密切' }),
      ]);
    }
    const selfDismiss = await mediator.request('POST', `/api/procedure/${caseId}/recusal/objections/${id}/resolve`, {
      decision: 'keep',
      resolution: '无利害关系',
    });
    expect(selfDismiss.status).toBe(403);

    const replaced = await admin.json('POST', `/api/procedure/${caseId}/recusal/objections/${id}/resolve`, {
      decision: 'replace',
      newMediatorId: colleague.id,
      resolution: '申请回避理由成立，改由张建国调解',
    });
    expect(replaced).toEqual({ status: 'REPLACED', newMediatorName: '张建国' });
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id: caseId } })).mediatorId).toBe(colleague.id);
    const again = await admin.request('POST', `/api/procedure/${caseId}/recusal/objections/${id}/resolve`, { decision: 'keep', resolution: '重复' });
    expect((await again.json()).code).toBe('OBJECTION_RESOLVED');
    expect(await auditTypes(caseId)).toEqual(expect.arrayContaining(['RECUSAL_DECLARED', 'RECUSAL_OBJECTED', 'RECUSAL_RESOLVED']));

    // The notice now names the new mediator: the party reads and acknowledges it again before entering.
    const c = roomClient({ token: a.token });
    await c.connected();
    expect(await c.request('room:join', { caseId })).toMatchObject({ ok: false, code: 'NOTICE_NOT_ACKNOWLEDGED' });
    const view = await (await asParty(a).get(`/api/procedure/${caseId}`)).json();
    expect(JSON.stringify(view.notice)).toContain('张建国');
    expect(view.recusal.declaration).toBeNull();
    // The former mediator no longer has the case.
    expect((await mediator.request('GET', `/api/procedure/${caseId}`)).status).toBe(404);
  });
});

describe('a party ends the mediation; the 调解终结告知书', () => {
  it('ends it from the link (调解不成 via transitionCase, audited), cannot end it twice, and the sealed notice names the other routes', async () => {
    const { caseId, a, b } = await newCase();
    const early = await asParty(a).get(`/api/procedure/${caseId}/termination-notice`);
    expect(early.status).toBe(404);
    expect((await early.json()).code).toBe('DOCUMENT_NOT_READY');

    const ended = await asParty(b).post(`/api/procedure/${caseId}/end`, { reason: '不愿再协商' });
    expect(ended.status).toBe(200);
    const c = await server.ctx.db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(c.status).toBe('FAILED');
    const entries = await server.ctx.db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    const transition = entries.find((e) => e.type === 'CASE_TRANSITION');
    expect(JSON.parse(transition!.data)).toMatchObject({ from: 'ACCEPTED', to: 'FAILED', reason: '被申请人王某明确要求终止调解' });
    expect(entries.map((e) => e.type)).toContain('MEDIATION_ENDED');
    const twice = await asParty(a).post(`/api/procedure/${caseId}/end`, {});
    expect(twice.status).toBe(409);
    expect((await twice.json()).code).toBe('MEDIATION_NOT_ENDABLE');

    // Sealed like the other documents: no seal uploaded, no notice.
    const org = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'committee' } });
    await server.ctx.db.organisation.update({ where: { id: org.id }, data: { sealPng: null } });
    expect((await (await asParty(a).get(`/api/procedure/${caseId}/termination-notice`)).json()).code).toBe('SEAL_MISSING');
    await server.ctx.db.organisation.update({ where: { id: org.id }, data: { sealPng: Buffer.from(strokePng(200, 200)) } });

    const res = await asParty(a).get(`/api/procedure/${caseId}/termination-notice`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    const file = writePdf(bytes);
    const text = pdftotext(file).replace(/\s+/g, '');
    for (const must of [
      '人民调解终结告知书',
      c.number,
      '申请人李某、被申请人王某',
      '被申请人王某明确要求终止调解',
      '第二十六条',
      '提起诉讼',
      '仲裁',
      '行政机关',
      '重新申请人民调解',
      `${org.name}（印章）`,
    ])
      expect(text).toContain(must.replace(/\s+/g, ''));
    const report = pdfsig(file);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Total document signed');
    // Made once: the mediator gets the same bytes.
    const again = Buffer.from(await (await mediator.request('GET', `/api/procedure/${caseId}/termination-notice`)).arrayBuffer());
    expect(again.equals(bytes)).toBe(true);
    expect(await auditTypes(caseId)).toContain('TERMINATION_NOTICE_ISSUED');
  });
});

describe('调解笔录', () => {
  it('caucus lines reach only their side and the mediator until shared; lock needs the 回避 declaration; both sign; the sealed PDF', async () => {
    const { caseId, a, b } = await newCase();
    const org = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'committee' } });
    if (!org.sealPng) await server.ctx.db.organisation.update({ where: { id: org.id }, data: { sealPng: Buffer.from(strokePng(200, 200)) } });
    const record = (body: unknown) => mediator.json('POST', `/api/procedure/${caseId}/minutes/entries`, body, 201);
    await record({ kind: 'ATTENDANCE', caucus: false, text: '申请人李某、被申请人王某到场（在线）' });
    await record({ kind: 'STATEMENT', side: 'A', caucus: false, text: '申请人称楼上漏水致其厨房吊顶损坏' });
    const A_SECRET = '甲方底线：最低接受赔偿六千元';
    const B_SECRET = '乙方底线：最多赔偿七千元';
    await record({ kind: 'PROPOSAL', side: 'A', caucus: true, text: A_SECRET });
    await record({ kind: 'PROPOSAL', side: 'B', caucus: true, text: B_SECRET });
    await record({ kind: 'OUTCOME', caucus: false, text: '双方同意由乙方赔偿六千五百元' });

    // A caucus line without a side is refused.
    expect((await mediator.request('POST', `/api/procedure/${caseId}/minutes/entries`, { kind: 'NOTE', caucus: true, text: 'x' })).status).toBe(400);

    const raw = async (who: { get: (p: string) => Promise<Response> } | StaffClient) =>
      who instanceof StaffClient
        ? (await who.request('GET', `/api/procedure/${caseId}/minutes`)).text()
        : (await who.get(`/api/procedure/${caseId}/minutes`)).text();
    // The whole response body, not just a field: the text never leaves the server for them.
    const seenByA = await raw(asParty(a));
    const seenByB = await raw(asParty(b));
    const seenByAdmin = await raw(admin);
    const seenByMediator = await raw(mediator);
    expect(seenByA).toContain(A_SECRET);
    expect(seenByA).not.toContain(B_SECRET);
    expect(seenByB).toContain(B_SECRET);
    expect(seenByB).not.toContain(A_SECRET);
    expect(seenByAdmin).not.toContain(A_SECRET);
    expect(seenByAdmin).not.toContain(B_SECRET);
    expect(seenByMediator).toContain(A_SECRET);
    expect(seenByMediator).toContain(B_SECRET);
    // Only the mediator records lines.
    expect((await asParty(a).post(`/api/procedure/${caseId}/minutes/entries`, { kind: 'NOTE', caucus: false, text: '我来写' })).status).toBe(403);

    // Side A agrees to share its caucus lines: now B sees them; B's stay private.
    expect(await (await asParty(a).post(`/api/procedure/${caseId}/minutes/share`)).json()).toEqual({ shared: 1 });
    expect(await raw(asParty(b))).toContain(A_SECRET);
    expect(await raw(asParty(a))).not.toContain(B_SECRET);

    // Locking needs the mediator's 回避 declaration.
    const undeclared = await mediator.request('POST', `/api/procedure/${caseId}/minutes/lock`);
    expect(undeclared.status).toBe(409);
    expect((await undeclared.json()).code).toBe('RECUSAL_NOT_DECLARED');
    await mediator.json('POST', `/api/procedure/${caseId}/recusal/declare`, undefined, 200);
    const { contentSha256 } = await mediator.json('POST', `/api/procedure/${caseId}/minutes/lock`);
    const locked = await mediator.request('POST', `/api/procedure/${caseId}/minutes/entries`, { kind: 'NOTE', caucus: false, text: '补记' });
    expect((await locked.json()).code).toBe('MINUTES_LOCKED');
    // The locked text a party reviews: B's caucus line only as its time.
    const reviewA = await (await asParty(a).get(`/api/procedure/${caseId}/minutes`)).json();
    expect(JSON.stringify(reviewA.record.snapshot)).not.toContain(B_SECRET);
    expect(reviewA.record.mayISign).toBe(true);

    const png = Buffer.from(strokePng(300, 100)).toString('base64');
    const sign = (p: Party, over: Record<string, string> = {}) =>
      asParty(p).post(`/api/procedure/${caseId}/minutes/sign`, {
        contentSha256,
        name: p.name,
        idLast4: p.idNumber.slice(-4),
        code: '000000',
        signaturePngBase64: png,
        affirmation: '本人已核对调解笔录，记录属实',
        ...over,
      });
    // The agreement's ceremony: a one-time code to the party's own phone, naming the minutes.
    expect((await (await sign(a)).json()).code).toBe('CODE_EXPIRED');
    const sent = await asParty(a).post(`/api/procedure/${caseId}/minutes/code`);
    expect(sent.status).toBe(200);
    expect(await sent.json()).toEqual({ phone: expect.stringMatching(/^1\d{2}\*{4}\d{4}$/), expiresInSec: 300 });
    const outbox = readFileSync(path.join(server.dataDir, 'dev-sms-outbox.log'), 'utf8').trim().split('\n');
    expect((JSON.parse(outbox.at(-1)!) as { text: string }).text).toMatch(/您正在签署调解笔录，验证码 \d{6}/);
    // Within a minute a second code is refused, as for the agreement.
    expect((await (await asParty(a).post(`/api/procedure/${caseId}/minutes/code`)).json()).code).toBe('RATE_LIMITED');
    const codeA = lastSmsCode(server);
    expect((await (await sign(a, { code: codeA === '999999' ? '999998' : '999999' })).json()).code).toBe('CODE_WRONG');
    expect((await (await sign(a, { code: codeA, contentSha256: 'f'.repeat(64) })).json()).code).toBe('MINUTES_CHANGED');
    expect((await (await sign(a, { code: codeA, idLast4: '0000' })).json()).code).toBe('IDENTITY_MISMATCH');
    expect(await server.ctx.db.minutesSignature.count({ where: { record: { caseId } } })).toBe(0);
    expect((await sign(a, { code: codeA })).status).toBe(200);
    expect((await asParty(a).get(`/api/procedure/${caseId}/minutes.pdf`)).status).toBe(404);
    // Signed: no further code for this party; the other party's own code signs for it alone.
    expect((await (await asParty(a).post(`/api/procedure/${caseId}/minutes/code`)).json()).code).toBe('ALREADY_SIGNED');
    expect((await (await sign(b, { code: codeA })).json()).code).toBe('CODE_EXPIRED');
    expect((await asParty(b).post(`/api/procedure/${caseId}/minutes/code`)).status).toBe(200);
    expect((await sign(b, { code: lastSmsCode(server) })).status).toBe(200);
    const refusals = await server.ctx.db.auditEntry.findMany({ where: { caseId, type: 'DOCUMENT_SIGNING_REFUSED' }, orderBy: { seq: 'asc' } });
    expect(refusals.map((r) => (JSON.parse(r.data) as { reason: string }).reason)).toEqual(['code-expired', 'code-wrong', 'identity', 'code-expired']);

    const res = await asParty(b).get(`/api/procedure/${caseId}/minutes.pdf`);
    expect(res.status).toBe(200);
    const file = writePdf(Buffer.from(await res.arrayBuffer()));
    const text = pdftotext(file).replace(/\s+/g, '');
    for (const must of [
      '人民调解笔录',
      '李瑞芳',
      '声明与本案当事人无利害关系',
      '申请人称楼上漏水致其厨房吊顶损坏',
      A_SECRET,
      '经甲方同意公开',
      '内容未经乙方同意公开',
      '双方同意由乙方赔偿六千五百元',
      '申请人（签名）',
      '被申请人（签名）',
      `${org.name}（印章）`,
    ])
      expect(text).toContain(must.replace(/\s+/g, ''));
    expect(text).not.toContain(B_SECRET.replace(/\s+/g, ''));
    expect(pdfsig(file)).toContain('Signature Validation: Signature is Valid.');
    expect(await auditTypes(caseId)).toEqual(
      expect.arrayContaining(['MINUTES_RECORDED', 'MINUTES_SHARED', 'MINUTES_LOCKED', 'SIGNING_CODE_SENT', 'MINUTES_SIGNED', 'MINUTES_ISSUED']),
    );
    // Stored sealed at rest: the raw column is not the plaintext.
    const stored = server.ctx.db.$queryRawUnsafe<Array<{ text: string }>>('SELECT text FROM MinutesEntry WHERE caseId = ?', caseId);
    expect(JSON.stringify(await stored)).not.toContain('底线');
    void mediatorId;
  });
});
