// Issue 12 item 2, against a real server (real SQLite, real PDF, real PAdES seal).
//
// The signers are fixed when the text is locked: the round records whom it needs, the
// participant list cannot change while a round is open or completed (PARTICIPANTS_FROZEN, nothing
// changed), unlocking frees it, and the view, consent, signing and the mediator's signature go by
// the round's list even if participant rows change underneath it (rows from before the rule).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpDraftCase, type DraftCase } from '../drafting/sync-support.ts';
import { makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { strokePng } from './pdf-tools.ts';
import { fillLoanAgreement, SmsOutbox } from './signing-support.ts';

const AFFIRMATION = '本人已阅读协议全部内容，系自愿签署';
const ID = { A: makeIdNumber('15020419750312101'), B: makeIdNumber('15020419800101123') };
const sms = new SmsOutbox();
let server: TestServer;
let admin: StaffClient;
const signature = () => Buffer.from(strokePng(300, 100)).toString('base64');

interface Kase extends DraftCase {
  mediatorId: string;
  mediatorName: string;
  partyBId: string;
}

/** A 民间借贷 case in 调解中 with a complete draft; parties 李某 (A), 王某 (B), an interpreter. */
async function newCase(): Promise<Kase> {
  const kase = await setUpDraftCase(server.url, server.admin);
  const me = ((await (await kase.mediator.request('GET', '/api/auth/me')).json()) as any).user;
  for (const to of ['TRIAGED', 'MEDIATING']) await kase.mediator.json('POST', `/api/cases/${kase.caseId}/transition`, { to }, 200);
  await server.drafting.withDocument(kase.caseId, async () => undefined);
  await fillLoanAgreement(server, kase.caseId, me.id);
  const detail = await kase.mediator.json('GET', `/api/cases/${kase.caseId}`);
  const partyBId = detail.case.participants.find((p: any) => p.name === '王某').id as string;
  return { ...kase, mediatorId: me.id, mediatorName: me.displayName, partyBId };
}

async function call(k: Kase, who: string | 'mediator', method: string, path: string, body?: unknown) {
  const res =
    who === 'mediator'
      ? await k.mediator.request(method, `/api/signing/${k.caseId}${path}`, body)
      : await fetch(`${server.url}/api/signing/${k.caseId}${path}`, { method, headers: { authorization: `Bearer ${who}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') ? ((await res.json()) as any) : Buffer.from(await res.arrayBuffer()) };
}
const view = async (k: Kase, who: string | 'mediator' = 'mediator') => (await call(k, who, 'GET', '')).body.round;

async function lock(k: Kase, name: string) {
  expect((await k.mediator.request('POST', `/api/agreements/${k.caseId}/versions`, { name })).status).toBe(201);
  const res = await call(k, 'mediator', 'POST', '/lock', {});
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { roundId: string };
}

async function acceptAndSign(k: Kase, token: string, who: { name: string; idNumber: string }) {
  const round = await view(k, token);
  for (const c of round.clauses) expect((await call(k, token, 'POST', '/consent', { clauseId: c.id, clauseSha256: c.sha256 })).status).toBe(200);
  expect((await call(k, token, 'POST', '/code', {})).status).toBe(200);
  const res = await call(k, token, 'POST', '/sign', { name: who.name, idLast4: who.idNumber.slice(-4), code: sms.lastCode(), signaturePngBase64: signature(), affirmation: AFFIRMATION });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** A participant row written straight into the database (not through the frozen list), invited and confirmed. */
async function participantBehindTheBack(k: Kase, name: string, id17: string) {
  const idNumber = makeIdNumber(id17);
  const p = await server.ctx.db.participant.create({ data: { caseId: k.caseId, role: 'APPLICANT', side: 'A', name, phone: '13800138000', idNumber } });
  const token = (await k.mediator.json('POST', `/api/cases/${k.caseId}/invitations`, { participantId: p.id }, 201)).invitation.url.split('/j/')[1] as string;
  for (const [path, body] of [['/api/party/confirm-identity', { name, idLast4: idNumber.slice(-4) }], ['/api/party/consent', { consent: true }]] as const) {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, await res.text()).toBe(200);
  }
  return { id: p.id, token };
}

const caseAudit = (k: Kase) => server.ctx.db.auditEntry.findMany({ where: { caseId: k.caseId }, orderBy: { seq: 'asc' } });
const countAudit = async (k: Kase, type: string) => (await caseAudit(k)).filter((e) => e.type === type).length;
const caseStatus = async (k: Kase) => (await server.ctx.db.case.findUniqueOrThrow({ where: { id: k.caseId } })).status;
const uploadSeal = (png: Uint8Array) => admin.request('PUT', '/api/org/seal', { pngBase64: Buffer.from(png).toString('base64') });

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
});
afterAll(() => server?.close());

describe('item 2: the signers are fixed when the text is locked', () => {
  it('while a round is open or completed the participant list is frozen (PARTICIPANTS_FROZEN, nothing changes); unlocking frees it', async () => {
    const k = await newCase();
    expect((await uploadSeal(strokePng(200, 200))).status).toBe(200);
    await lock(k, '签署版');
    expect((await view(k)).parties.map((p: any) => p.name)).toEqual(['李某', '王某']);
    await acceptAndSign(k, k.tokenA, { name: '李某', idNumber: ID.A });
    const participantsBefore = (await k.mediator.json('GET', `/api/cases/${k.caseId}`)).case.participants.map((p: any) => p.id);
    const auditBefore = (await caseAudit(k)).length;

    // 王某 refuses to sign; the mediator tries to drop him (and to add someone else) and sign alone.
    const removed = await k.mediator.request('DELETE', `/api/cases/${k.caseId}/participants/${k.partyBId}`);
    expect(removed.status).toBe(409);
    expect(((await removed.json()) as any).code).toBe('PARTICIPANTS_FROZEN');
    const added = await k.mediator.request('POST', `/api/cases/${k.caseId}/participants`, { role: 'RESPONDENT', side: 'B', name: '钱某', phone: '13800138000', idNumber: makeIdNumber('15020419900101123') });
    expect(added.status).toBe(409);
    expect(((await added.json()) as any).code).toBe('PARTICIPANTS_FROZEN');
    expect((await k.mediator.json('GET', `/api/cases/${k.caseId}`)).case.participants.map((p: any) => p.id)).toEqual(participantsBefore);
    expect((await caseAudit(k)).length).toBe(auditBefore);

    const early = await call(k, 'mediator', 'POST', '/mediator-sign', { signaturePngBase64: signature() });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('SIGNATURES_PENDING');
    expect(early.body.message).toContain('王某');
    expect(await countAudit(k, 'AGREEMENT_ISSUED')).toBe(0);

    // Unlocking (audited, voids 李某's signature) frees the list; the next lock takes the new one.
    expect((await call(k, 'mediator', 'POST', '/unlock', { reason: '被申请人变更' })).body).toMatchObject({ voidedSignatures: 1 });
    expect(await countAudit(k, 'SIGNING_UNLOCKED')).toBe(1);
    expect((await k.mediator.request('DELETE', `/api/cases/${k.caseId}/participants/${k.partyBId}`)).status).toBe(204);
    expect((await k.mediator.request('POST', `/api/cases/${k.caseId}/participants`, { role: 'RESPONDENT', side: 'B', name: '钱某', phone: '13800138000', idNumber: makeIdNumber('15020419900101123') })).status).toBe(201);
    await lock(k, '签署版（被申请人变更）');
    expect((await view(k)).parties.map((p: any) => p.name)).toEqual(['李某', '钱某']);
  });

  it('the view, consent, signing and the mediator’s signature go by the round’s list, not by the participant rows of today', async () => {
    const k = await newCase();
    await lock(k, '签署版');
    // Changes made behind the frozen list (as the old code allowed): a new applicant row, and 王某's row gone.
    const intruder = await participantBehindTheBack(k, '孙某', '15020419850101123');
    await server.ctx.db.participant.delete({ where: { id: k.partyBId } });

    const forIntruder = await view(k, intruder.token);
    expect(forIntruder.parties.map((p: any) => p.name)).toEqual(['李某', '王某']);
    expect(forIntruder.mayActFor).toEqual([]);
    const clause = forIntruder.clauses[0];
    const consent = await call(k, intruder.token, 'POST', '/consent', { clauseId: clause.id, clauseSha256: clause.sha256 });
    expect(consent.status).toBe(403);
    expect(consent.body.code).toBe('NOT_A_SIGNER');
    expect((await call(k, intruder.token, 'POST', '/code', {})).body.code).toBe('NOT_A_SIGNER');

    await acceptAndSign(k, k.tokenA, { name: '李某', idNumber: ID.A });
    expect((await view(k)).parties.map((p: any) => [p.name, p.signed?.by ?? null])).toEqual([['李某', '李某'], ['王某', null]]);
    const pending = await call(k, 'mediator', 'POST', '/mediator-sign', { signaturePngBase64: signature() });
    expect(pending.body.code).toBe('SIGNATURES_PENDING');
    expect(pending.body.message).toContain('王某');
    expect(await countAudit(k, 'AGREEMENT_ISSUED')).toBe(0);
    expect(await caseStatus(k)).toBe('AGREED');

    // A round locked before signer lists were recorded falls back to the locked snapshot's parties.
    const round = await server.ctx.db.signingRound.findFirstOrThrow({ where: { caseId: k.caseId, status: 'OPEN' } });
    await server.ctx.db.$executeRawUnsafe('UPDATE "SigningRound" SET "signerIds" = NULL WHERE "id" = ?', round.id);
    expect((await view(k, intruder.token)).parties.map((p: any) => p.name)).toEqual(['李某', '王某']);
    expect((await call(k, 'mediator', 'POST', '/mediator-sign', { signaturePngBase64: signature() })).body.code).toBe('SIGNATURES_PENDING');
  });
});
