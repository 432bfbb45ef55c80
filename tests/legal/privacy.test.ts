// #17 item 11 (个人信息保护法) against a real server, SQLite and the issued PDF (pdftotext): the
// 个人信息处理告知书 before any personal data on a party's link (art. 17); separate consents for a
// handwritten signature, a bank account, ID images (arts. 28–30) and handing data to a court
// (art. 23), each refusal with its own code and nothing changed; withdrawal audited, stopping
// further use but not undoing what was signed; the other side never receives a party's phone
// number (party APIs, the agreement draft, the room's socket events, the PDFs); signers' IP
// addresses and devices only in the sealed signing record, the copies print a digest.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readAgreement } from '../../signaling/agreement/document.ts';
import { openRawDb } from '../../signaling/db.ts';
import { maskIdNumber } from '../../signaling/domain/id-number.ts';
import { environmentDigest } from '../../signaling/signing/audit-certificate.ts';
import type { DraftCase } from '../drafting/sync-support.ts';
import { mediatingCase, PARTY_IDS, signApplication } from '../judicial/judicial-support.ts';
import { pdftotext, strokePng, writePdf } from '../signing/pdf-tools.ts';
import { SmsOutbox } from '../signing/signing-support.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { addInvitedParty, startTestServer, type TestServer } from '../support/server.ts';

const NOTICE = JSON.parse(readFileSync(new URL('../../signaling/party/party-privacy-notice.json', import.meta.url), 'utf8')) as { version: string };
const PHONE_A = '13912345678';
const PHONE_B = '13787654321';
const sms = new SmsOutbox();
let server: TestServer;
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  server = await startTestServer({}, { sms });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(() => server?.close());

const as = (token: string) => ({
  get: async (p: string) => {
    const res = await fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  },
  post: async (p: string, body: unknown = {}) => {
    const res = await fetch(`${server.url}${p}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  },
});

const auditOf = async (caseId: string, type: string) =>
  (await server.ctx.db.auditEntry.findMany({ where: { caseId, type }, orderBy: { seq: 'asc' } })).map((e) => JSON.parse(e.data) as Record<string, unknown>);

/** A mediating case (民间借贷, filled in, every consent given) whose parties have distinct phones. */
async function caseWithPhones(): Promise<DraftCase & { partyBId: string }> {
  const k = await mediatingCase(server);
  const b = await server.ctx.db.participant.findFirstOrThrow({ where: { caseId: k.caseId, side: 'B', role: 'RESPONDENT' } });
  await server.ctx.db.participant.update({ where: { id: k.partyAId }, data: { phone: PHONE_A } });
  await server.ctx.db.participant.update({ where: { id: b.id }, data: { phone: PHONE_B } });
  return { ...k, partyBId: b.id };
}

describe('个人信息处理告知书 before any personal data', () => {
  it('the link shows the versioned notice; identity (name, ID digits) and consents are refused until it is acknowledged; the acknowledgement keeps version and time', async () => {
    const k = await mediatingCase(server);
    const fresh = await addInvitedParty(k.mediator, k.caseId, { name: '赵某', side: 'NEUTRAL', role: 'INTERPRETER', id17: '15020419850505123' });
    const party = as(fresh.token);

    const shown = await party.get('/api/party/privacy');
    expect(shown.status).toBe(200);
    expect(shown.body.notice.version).toBe(NOTICE.version);
    expect(shown.body.acknowledgedVersion).toBeNull();
    const text = JSON.stringify(shown.body.notice);
    for (const must of ['处理目的', '不会提供给对方当事人', '撤回', '不影响撤回前已经完成的处理', '人民法院']) expect(text).toContain(must);
    expect(shown.body.consents.map((c: { purpose: string }) => c.purpose)).toEqual(['ID_IMAGES', 'BANK_ACCOUNT', 'SIGNATURE', 'COURT']);

    const early = await party.post('/api/party/confirm-identity', { name: '赵某', idLast4: fresh.idNumber.slice(-4) });
    expect(early).toMatchObject({ status: 409, body: { code: 'PRIVACY_NOTICE_REQUIRED' } });
    expect(early.body.message).toContain('个人信息处理告知书');
    expect((await server.ctx.db.participant.findUniqueOrThrow({ where: { id: fresh.id } })).identityConfirmedAt).toBeNull();
    expect(await party.post('/api/party/privacy/consents', { purpose: 'SIGNATURE', version: NOTICE.version })).toMatchObject({
      status: 409,
      body: { code: 'PRIVACY_NOTICE_REQUIRED' },
    });
    expect(await party.post('/api/party/privacy/acknowledge', { version: '2000-01-01' })).toMatchObject({
      status: 409,
      body: { code: 'PRIVACY_NOTICE_CHANGED' },
    });
    expect(await server.ctx.db.partyPrivacyConsent.count({ where: { participantId: fresh.id } })).toBe(0);

    const before = Date.now();
    const acked = await party.post('/api/party/privacy/acknowledge', { version: NOTICE.version });
    expect(acked.status).toBe(200);
    expect(acked.body.acknowledgedVersion).toBe(NOTICE.version);
    const row = await server.ctx.db.partyPrivacyConsent.findUniqueOrThrow({ where: { participantId_purpose: { participantId: fresh.id, purpose: 'NOTICE' } } });
    expect(row.noticeVersion).toBe(NOTICE.version);
    expect(row.givenAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await auditOf(k.caseId, 'PRIVACY_NOTICE_ACKNOWLEDGED')).toContainEqual({ participantId: fresh.id, version: NOTICE.version });
    // Acknowledging is not consenting: no separate consent is in force yet.
    expect(acked.body.consents.every((c: { active: boolean }) => !c.active)).toBe(true);
    expect((await party.post('/api/party/confirm-identity', { name: '赵某', idLast4: fresh.idNumber.slice(-4) })).status).toBe(200);
  });

  it('bad input is refused with a field message and changes nothing', async () => {
    const k = await mediatingCase(server);
    const party = as(k.tokenA);
    const before = await server.ctx.db.partyPrivacyConsent.findMany({ where: { participantId: k.partyAId }, orderBy: { purpose: 'asc' } });
    const bad = await party.post('/api/party/privacy/consents', { purpose: 'EVERYTHING', version: NOTICE.version });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('同意事项');
    expect((await party.post('/api/party/privacy/consents/withdraw', { purpose: 'SIGNATURE', extra: 1 })).status).toBe(400);
    expect(await server.ctx.db.partyPrivacyConsent.findMany({ where: { participantId: k.partyAId }, orderBy: { purpose: 'asc' } })).toEqual(before);
  });
});

describe('separate consents, withdrawal, and the signed record', () => {
  it('signing needs the signature and bank-account consents; withdrawal is audited, stops further use, and leaves what was signed; the court gets data only with consent', async () => {
    const k = await caseWithPhones();
    const a = as(k.tokenA);
    const b = as(k.tokenB);

    // Withdrawal: recorded and audited; withdrawing what is not in force is refused.
    const withdrawn = await a.post('/api/party/privacy/consents/withdraw', { purpose: 'SIGNATURE' });
    expect(withdrawn.status).toBe(200);
    const sig = withdrawn.body.consents.find((c: { purpose: string }) => c.purpose === 'SIGNATURE');
    expect(sig).toMatchObject({ active: false });
    expect(sig.withdrawnAt).not.toBeNull();
    expect(await auditOf(k.caseId, 'PRIVACY_CONSENT_WITHDRAWN')).toContainEqual({ participantId: k.partyAId, purpose: 'SIGNATURE' });
    expect(await a.post('/api/party/privacy/consents/withdraw', { purpose: 'SIGNATURE' })).toMatchObject({ status: 409, body: { code: 'CONSENT_NOT_GIVEN' } });

    await k.mediator.json('POST', `/api/agreements/${k.caseId}/versions`, { name: '签署版' }, 201);
    await k.mediator.json('POST', `/api/signing/${k.caseId}/lock`, {}, 201);
    const { round } = (await a.get(`/api/signing/${k.caseId}`)).body;
    for (const c of round.clauses) expect((await a.post(`/api/signing/${k.caseId}/consent`, { clauseId: c.id, clauseSha256: c.sha256 })).status).toBe(200);
    expect((await a.post(`/api/signing/${k.caseId}/code`, {})).status).toBe(200);
    const signBody = () => ({
      name: '李某',
      idLast4: PARTY_IDS.A.slice(-4),
      code: sms.lastCode(),
      signaturePngBase64: Buffer.from(strokePng(300, 100)).toString('base64'),
      affirmation: '本人已阅读协议全部内容，系自愿签署',
    });
    const noSignature = await a.post(`/api/signing/${k.caseId}/sign`, signBody());
    expect(noSignature).toMatchObject({ status: 409, body: { code: 'CONSENT_REQUIRED_SIGNATURE' } });
    expect(noSignature.body.message).toContain('手写签名');
    expect(await server.ctx.db.agreementSignature.count({ where: { round: { caseId: k.caseId } } })).toBe(0);

    // Given again; now the bank account (the loan agreement states 收款账户) is the missing one.
    expect((await a.post('/api/party/privacy/consents', { purpose: 'SIGNATURE', version: NOTICE.version })).status).toBe(200);
    expect((await a.post('/api/party/privacy/consents/withdraw', { purpose: 'BANK_ACCOUNT' })).status).toBe(200);
    expect(await a.post(`/api/signing/${k.caseId}/sign`, signBody())).toMatchObject({ status: 409, body: { code: 'CONSENT_REQUIRED_BANK_ACCOUNT' } });
    expect(await server.ctx.db.agreementSignature.count({ where: { round: { caseId: k.caseId } } })).toBe(0);
    expect((await a.post('/api/party/privacy/consents', { purpose: 'BANK_ACCOUNT', version: NOTICE.version })).status).toBe(200);
    expect((await a.post(`/api/signing/${k.caseId}/sign`, signBody())).status).toBe(200);

    // Withdrawn after signing: the signature stays, the round completes and the PDF is issued.
    expect((await a.post('/api/party/privacy/consents/withdraw', { purpose: 'SIGNATURE' })).status).toBe(200);
    expect(await server.ctx.db.agreementSignature.count({ where: { round: { caseId: k.caseId } } })).toBe(1);
    const { round: roundB } = (await b.get(`/api/signing/${k.caseId}`)).body;
    for (const c of roundB.clauses) await b.post(`/api/signing/${k.caseId}/consent`, { clauseId: c.id, clauseSha256: c.sha256 });
    await b.post(`/api/signing/${k.caseId}/code`, {});
    expect((await b.post(`/api/signing/${k.caseId}/sign`, { ...signBody(), name: '王某', idLast4: PARTY_IDS.B.slice(-4), code: sms.lastCode() })).status).toBe(
      200,
    );
    const org = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'committee' } });
    if (!org.sealPng) await server.ctx.db.organisation.update({ where: { id: org.id }, data: { sealPng: Buffer.from(strokePng(200, 200)) } });
    await k.mediator.json('POST', `/api/signing/${k.caseId}/mediator-sign`, { signaturePngBase64: Buffer.from(strokePng(300, 100)).toString('base64') }, 200);
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id: k.caseId } })).status).toBe('SIGNED');

    // 司法确认 (art. 23): without the court consent the application does not include this party.
    const local = await server.ctx.db.court.findFirstOrThrow({ where: { isLocal: true } });
    const applyBody = { courtId: local.id, serviceAddress: '内蒙古自治区包头市青山区某小区1号楼1单元101室', phone: PHONE_A };
    expect((await a.post('/api/party/privacy/consents/withdraw', { purpose: 'COURT' })).status).toBe(200);
    const refused = await a.post(`/api/judicial/${k.caseId}/apply`, applyBody);
    expect(refused).toMatchObject({ status: 409, body: { code: 'CONSENT_REQUIRED_COURT' } });
    expect(await server.ctx.db.judicialApplicant.count({ where: { participantId: k.partyAId } })).toBe(0);
    expect((await a.post('/api/party/privacy/consents', { purpose: 'COURT', version: NOTICE.version })).status).toBe(200);
    expect((await a.post(`/api/judicial/${k.caseId}/apply`, applyBody)).status).toBe(201);
    // The application is signed by hand: the signature consent (withdrawn above) is asked for again.
    expect(await signApplication(server, k.caseId, k.tokenA, '李某', PARTY_IDS.A)).toMatchObject({ status: 409, body: { code: 'CONSENT_REQUIRED_SIGNATURE' } });
    // An ID image needs its own consent; a refused upload stores nothing.
    expect((await a.post('/api/party/privacy/consents/withdraw', { purpose: 'ID_IMAGES' })).status).toBe(200);
    const upload = await fetch(`${server.url}/api/judicial/${k.caseId}/materials?kind=ID_DOCUMENT&name=id.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${k.tokenA}`, 'content-type': 'image/png' },
      body: new Uint8Array(strokePng(200, 120)),
    });
    expect(upload.status).toBe(409);
    expect(((await upload.json()) as { code: string }).code).toBe('CONSENT_REQUIRED_ID_IMAGES');
    expect(await server.ctx.db.judicialMaterial.count({ where: { participantId: k.partyAId } })).toBe(0);

    // The issued copy every party receives: no IP address, no device, no phone, masks without the check digits.
    const pdf = await fetch(`${server.url}/api/signing/${k.caseId}/pdf`, { headers: { authorization: `Bearer ${k.tokenB}` } });
    expect(pdf.status).toBe(200);
    const text = pdftotext(writePdf(new Uint8Array(await pdf.arrayBuffer())));
    const flat = text.replace(/\s+/g, '');
    const signatures = await server.ctx.db.agreementSignature.findMany({ where: { round: { caseId: k.caseId } } });
    expect(signatures).toHaveLength(3);
    for (const s of signatures) {
      expect(s.ip.length).toBeGreaterThan(0);
      expect(flat).not.toContain(`IP：${s.ip}`);
      expect(flat).toContain(environmentDigest(server.ctx.secrets.tokenKey, s).slice(0, 32));
    }
    // (deviceOf of a test client's user agent would read 未知系统 · 浏览器.)
    expect(flat.split('签署IP与设备：存于本机构的签署记录').join('')).not.toMatch(/IP：|设备：|未知系统/);
    expect(flat).toContain('签署IP与设备：存于本机构的签署记录');
    for (const phone of [PHONE_A, PHONE_B, '13800138000']) expect(flat).not.toContain(phone);
    const masks = [...flat.matchAll(/身份证号码：([0-9X*]+)/g)].map((x) => x[1]!);
    expect(masks.sort()).toEqual([maskIdNumber(PARTY_IDS.A), maskIdNumber(PARTY_IDS.B)].sort());
    for (const mask of masks) expect(mask.slice(1)).toMatch(/^\*{17}$/);

    // The sealed record: the court and the organisation read IP and device, and the digest matches the copy.
    const staff = await k.mediator.json('GET', `/api/signing/${k.caseId}`);
    expect(staff.round.record).toHaveLength(3);
    for (const r of staff.round.record as Array<{ ip: string; device: string; environmentDigest: string }>) {
      expect(r.ip.length).toBeGreaterThan(0);
      expect(flat).toContain(r.environmentDigest.slice(0, 32));
    }
    expect((await b.get(`/api/signing/${k.caseId}`)).body.round.record).toBeUndefined();
    const raw = openRawDb(path.join(server.dataDir, 'jiefen.db'));
    try {
      for (const row of await raw.agreementSignature.findMany({ where: { round: { caseId: k.caseId } } })) {
        expect(row.ip).toMatch(/^enc:v1:/);
        expect(row.userAgent).toMatch(/^enc:v1:/);
      }
    } finally {
      await raw.$disconnect();
    }
  });
});

describe('the other side never receives a party’s phone number', () => {
  it('party APIs, the agreement draft and the room’s socket events carry no phone of the other side', async () => {
    const k = await caseWithPhones();
    const seenByB = [
      await as(k.tokenB).get('/api/party/me'),
      await as(k.tokenB).get(`/api/procedure/${k.caseId}`),
      await as(k.tokenB).get(`/api/judicial/${k.caseId}`),
      await as(k.tokenB).get(`/api/signing/${k.caseId}`),
      await as(k.tokenB).get('/api/party/privacy'),
    ];
    for (const r of seenByB) expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(JSON.stringify(seenByB)).not.toContain(PHONE_A);
    // The agreement both sides edit and sign: no phone at all (privacy-masks.test.ts: a typed-in one is refused).
    const draft = await server.drafting.withDocument(k.caseId, async (doc) => JSON.stringify(readAgreement(doc)));
    for (const phone of [PHONE_A, PHONE_B, '13800138000']) expect(draft).not.toContain(phone);

    // The room: mediator and both parties; everything B's socket receives.
    const m = new RoomTestClient(server.url, { cookie: k.mediator.cookie });
    const ca = new RoomTestClient(server.url, { token: k.tokenA });
    const cb = new RoomTestClient(server.url, { token: k.tokenB });
    clients.push(m, ca, cb);
    for (const c of [m, ca, cb]) await c.connected();
    await m.ok('room:join', { caseId: k.caseId });
    await ca.ok('room:join', { caseId: k.caseId });
    await cb.ok('room:join', { caseId: k.caseId });
    await m.waitFor('room:lobby', (p) => p.waiting.length === 2);
    await m.ok('mediator:admit', { peerId: k.partyAId });
    await m.ok('mediator:admit', { peerId: k.partyBId });
    await cb.waitFor('room:peers', (p) => p.peers.length === 3);
    await ca.waitFor('room:peers', (p) => p.peers.length === 3);
    expect(cb.events.length).toBeGreaterThan(0);
    expect(JSON.stringify(cb.events)).not.toContain(PHONE_A);
    expect(JSON.stringify(ca.events)).not.toContain(PHONE_B);
    await m.ok('mediator:end', {});
  });
});
