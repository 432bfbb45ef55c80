// Issue 12 items 2 and 3, against a real server (real SQLite, real PDF, real PAdES seal).
//
// The signers are fixed when the text is locked: the round records whom it needs, the
// participant list cannot change while a round is open or completed (PARTICIPANTS_FROZEN, nothing
// changed), unlocking frees it, and the view, consent, signing and the mediator's signature go by
// the round's list even if participant rows change underneath it (rows from before the rule).
//
// Issuing cannot get stuck: the PDF is built before anything is written, so a seal that cannot be
// embedded refuses with SEAL_INVALID (any other building failure with ISSUE_FAILED) and commits
// nothing, and the retry after a good seal is uploaded issues; a mediator signature left behind by the old two-step issuing is used by the
// retry instead of refusing. The seal is decoded and validated at upload.
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../signaling/audit/log.ts';
import { verifyPdf } from '../../signaling/signing/verify-pdf.ts';
import { setUpDraftCase, type DraftCase } from '../drafting/sync-support.ts';
import { acceptPrivacy, makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { pdfsig, PNG_SIGNATURE, pngChunk, pngHeader, strokePng, writePdf } from './pdf-tools.ts';
import { fillLoanAgreement, lockAndSignParties, SmsOutbox } from './signing-support.ts';

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
      : await fetch(`${server.url}/api/signing/${k.caseId}${path}`, {
          method,
          headers: { authorization: `Bearer ${who}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
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
  const res = await call(k, token, 'POST', '/sign', {
    name: who.name,
    idLast4: who.idNumber.slice(-4),
    code: sms.lastCode(),
    signaturePngBase64: signature(),
    affirmation: AFFIRMATION,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** A participant row written straight into the database (not through the frozen list), invited and confirmed. */
async function participantBehindTheBack(k: Kase, name: string, id17: string) {
  const idNumber = makeIdNumber(id17);
  const p = await server.ctx.db.participant.create({ data: { caseId: k.caseId, role: 'APPLICANT', side: 'A', name, phone: '13800138000', idNumber } });
  const token = (await k.mediator.json('POST', `/api/cases/${k.caseId}/invitations`, { participantId: p.id }, 201)).invitation.url.split('/j/')[1] as string;
  await acceptPrivacy(k.mediator.baseUrl, token);
  for (const [path, body] of [
    ['/api/party/confirm-identity', { name, idLast4: idNumber.slice(-4) }],
    ['/api/party/consent', { consent: true }],
  ] as const) {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.text()).toBe(200);
  }
  return { id: p.id, token };
}

const caseAudit = (k: Kase) => server.ctx.db.auditEntry.findMany({ where: { caseId: k.caseId }, orderBy: { seq: 'asc' } });
const countAudit = async (k: Kase, type: string) => (await caseAudit(k)).filter((e) => e.type === type).length;
const caseStatus = async (k: Kase) => (await server.ctx.db.case.findUniqueOrThrow({ where: { id: k.caseId } })).status;
const setSealDirectly = async (png: Uint8Array) => {
  const org = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'committee' } });
  await server.ctx.db.organisation.update({ where: { id: org.id }, data: { sealPng: Buffer.from(png) } });
};
const uploadSeal = (png: Uint8Array) => admin.request('PUT', '/api/org/seal', { pngBase64: Buffer.from(png).toString('base64') });

// PNG files built chunk by chunk (what a broken upload or an old stored seal looks like).
const chunk = pngChunk;
const ihdr = (w: number, h: number) => pngHeader(w, h);
const PNG_SIG = PNG_SIGNATURE;
const pngOf = (idat: Buffer, w = 200, h = 200) => Buffer.concat([PNG_SIG, chunk('IHDR', ihdr(w, h)), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
/** Header and chunks in order, but the image data is not a zlib stream (pdf-lib throws on it). */
const undecodableSeal = () => pngOf(Buffer.from('this is not a deflate stream at all '.repeat(20)));
/** The first 70 % of a good PNG (an interrupted upload). pdf-lib 1.17 never returns on it. */
const truncatedPng = () => Buffer.from(strokePng(200, 200)).subarray(0, Math.floor(strokePng(200, 200).length * 0.7));
/** A valid zlib stream holding far less than 200×200 RGBA pixels (pdf-lib embeds it as garbage). */
const shortDataPng = () => pngOf(deflateSync(Buffer.alloc(1000)));
/** Right amount of data, but every row names filter type 7 (there are five). */
const badFilterPng = () => pngOf(deflateSync(Buffer.alloc((200 * 4 + 1) * 200, 7)));

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
    const added = await k.mediator.request('POST', `/api/cases/${k.caseId}/participants`, {
      role: 'RESPONDENT',
      side: 'B',
      name: '钱某',
      phone: '13800138000',
      idNumber: makeIdNumber('15020419900101123'),
    });
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
    expect(
      (
        await k.mediator.request('POST', `/api/cases/${k.caseId}/participants`, {
          role: 'RESPONDENT',
          side: 'B',
          name: '钱某',
          phone: '13800138000',
          idNumber: makeIdNumber('15020419900101123'),
          // The draft's parties follow the participant records, so the new party's 住所 is needed to lock.
          address: '内蒙古自治区包头市青山区某小区2号楼1单元101室',
        })
      ).status,
    ).toBe(201);
    await lock(k, '签署版（被申请人变更）');
    expect((await view(k)).parties.map((p: any) => p.name)).toEqual(['李某', '钱某']);
    // …and the locked text names the new party, not the one removed.
    const locked = await server.ctx.db.signingRound.findFirstOrThrow({ where: { caseId: k.caseId, status: 'OPEN' } });
    expect((JSON.parse(locked.snapshot) as { parties: Array<{ name: string }> }).parties.map((p) => p.name)).toEqual(['李某', '钱某']);
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
    expect((await view(k)).parties.map((p: any) => [p.name, p.signed?.by ?? null])).toEqual([
      ['李某', '李某'],
      ['王某', null],
    ]);
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

describe('item 3: issuing cannot get stuck', () => {
  it('a stored seal pdf-lib cannot embed refuses with SEAL_INVALID and commits nothing; after a good seal is uploaded the retry issues a verifying PDF', async () => {
    const k = await newCase();
    await lockAndSignParties(server, k, sms, ID);
    const auditBefore = (await caseAudit(k)).length;
    // Seals stored before uploads were decoded: pdf-lib throws on the first and never returns on
    // the second (a truncated file), so it must not even be handed to pdf-lib.
    for (const seal of [undecodableSeal(), undecodableSeal(), truncatedPng(), truncatedPng()]) {
      await setSealDirectly(seal);
      const res = await call(k, 'mediator', 'POST', '/mediator-sign', { signaturePngBase64: signature() });
      expect(res.body.code, JSON.stringify(res.body)).toBe('SEAL_INVALID');
      expect(res.status).toBe(409);
      expect(await server.ctx.db.agreementSignature.count({ where: { round: { caseId: k.caseId }, signerType: 'mediator' } })).toBe(0);
      expect((await server.ctx.db.signingRound.findFirstOrThrow({ where: { caseId: k.caseId } })).status).toBe('OPEN');
      expect(await caseStatus(k)).toBe('AGREED');
      expect((await caseAudit(k)).length).toBe(auditBefore);
    }

    // A truncated drawn signature is refused as an image (it used to hang the server in pdf-lib too).
    const sig = Buffer.from(strokePng(300, 100));
    const cut = await call(k, 'mediator', 'POST', '/mediator-sign', { signaturePngBase64: sig.subarray(0, Math.floor(sig.length * 0.7)).toString('base64') });
    expect(cut.status).toBe(400);
    expect(cut.body.code).toBe('INVALID_IMAGE');

    expect((await uploadSeal(strokePng(200, 200))).status).toBe(200);
    // Any other failure while building (here a party's stored signature pdf-lib cannot embed): ISSUE_FAILED, nothing stored.
    const partySig = await server.ctx.db.agreementSignature.findFirstOrThrow({ where: { round: { caseId: k.caseId }, signerType: 'party' } });
    await server.ctx.db.agreementSignature.update({ where: { id: partySig.id }, data: { png: undecodableSeal() } });
    const failed = await call(k, 'mediator', 'POST', '/mediator-sign', { signaturePngBase64: signature() });
    expect(failed.body.code, JSON.stringify(failed.body)).toBe('ISSUE_FAILED');
    expect(await server.ctx.db.agreementSignature.count({ where: { round: { caseId: k.caseId }, signerType: 'mediator' } })).toBe(0);
    expect(await caseStatus(k)).toBe('AGREED');
    expect((await caseAudit(k)).length).toBe(auditBefore);
    await server.ctx.db.agreementSignature.update({ where: { id: partySig.id }, data: { png: partySig.png } });

    const issued = await call(k, 'mediator', 'POST', '/mediator-sign', { signaturePngBase64: signature() });
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    expect(await caseStatus(k)).toBe('SIGNED');
    const pdf = (await call(k, k.tokenA, 'GET', '/pdf')).body as Buffer;
    expect(verifyPdf(pdf, { pinnedRoots: [server.signingIdentity.rootFingerprint] })).toMatchObject({
      valid: true,
      trustedRoot: true,
      documentSha256: issued.body.pdfSha256,
    });
    expect(pdfsig(writePdf(pdf))).toContain('Signature Validation: Signature is Valid.');
    const audit = await caseAudit(k);
    expect(audit.filter((e) => e.type === 'AGREEMENT_SIGNED' && JSON.parse(e.data).signerType === 'mediator')).toHaveLength(1);
    expect(audit.filter((e) => e.type === 'AGREEMENT_ISSUED')).toHaveLength(1);
    expect(audit.slice(auditBefore).map((e) => e.type)).toEqual(['AGREEMENT_SIGNED', 'CASE_TRANSITION', 'AGREEMENT_ISSUED']);
    expect((await admin.json('GET', `/api/cases/${k.caseId}/audit`)).chain.ok).toBe(true);
  });

  it('a mediator signature left by the old two-step issuing (round still open) is used by the retry instead of refusing', async () => {
    const k = await newCase();
    await lockAndSignParties(server, k, sms, ID);
    const round = await server.ctx.db.signingRound.findFirstOrThrow({ where: { caseId: k.caseId, status: 'OPEN' } });
    const png = Buffer.from(strokePng(300, 100));
    const left = await server.ctx.db.$transaction(async (tx) => {
      const row = await tx.agreementSignature.create({
        data: {
          roundId: round.id,
          signerType: 'mediator',
          participantId: null,
          signerId: k.mediatorId,
          signerName: k.mediatorName,
          signerRole: '人民调解员',
          png,
          pngSha256: 'legacy',
          affirmation: '',
          identityMethod: 'STAFF_SESSION',
          ip: '127.0.0.1',
          userAgent: 'legacy',
        },
      });
      await appendAudit(tx, { type: 'user', id: k.mediatorId, label: k.mediatorName }, k.caseId, {
        type: 'AGREEMENT_SIGNED',
        data: {
          roundId: round.id,
          signerType: 'mediator',
          signerName: k.mediatorName,
          signerRole: '人民调解员',
          participantId: null,
          pngSha256: 'legacy',
          identityMethod: 'STAFF_SESSION',
          ip: '127.0.0.1',
          userAgent: 'legacy',
        },
      });
      return row;
    });

    const issued = await call(k, 'mediator', 'POST', '/mediator-sign', { signaturePngBase64: signature() });
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    expect(await caseStatus(k)).toBe('SIGNED');
    const mediatorRows = await server.ctx.db.agreementSignature.findMany({ where: { roundId: round.id, signerType: 'mediator' } });
    expect(mediatorRows.map((r) => r.id)).toEqual([left.id]);
    const pdf = (await call(k, k.tokenB, 'GET', '/pdf')).body as Buffer;
    const check = (await (
      await fetch(`${server.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(pdf) })
    ).json()) as any;
    expect(check.genuine).toBe(true);
    expect(check.issued.signers.at(-1)).toEqual({ name: k.mediatorName, role: '人民调解员', at: left.signedAt.toISOString() });
    const audit = await caseAudit(k);
    expect(audit.filter((e) => e.type === 'AGREEMENT_SIGNED' && JSON.parse(e.data).signerType === 'mediator')).toHaveLength(1);
    expect(audit.filter((e) => e.type === 'AGREEMENT_ISSUED')).toHaveLength(1);
    expect((await admin.json('GET', `/api/cases/${k.caseId}/audit`)).chain.ok).toBe(true);
  });

  it('a seal upload that is not a complete PNG pdf-lib can embed is refused with INVALID_IMAGE and nothing is stored', async () => {
    const good = strokePng(200, 200);
    expect((await uploadSeal(good)).status).toBe(200);
    const orgSealAudit = () => server.ctx.db.auditEntry.count({ where: { type: 'ORG_SEAL_UPDATED' } });
    const auditBefore = await orgSealAudit();
    for (const [what, bytes] of [
      ['text', Buffer.from('GIF89a definitely not a png, just some words to fill the upload '.repeat(3))],
      ['header only', Buffer.from(good).subarray(0, 33)],
      ['truncated', truncatedPng()],
      [
        'one byte changed',
        (() => {
          const b = Buffer.from(good);
          b[60]! ^= 0x10;
          return b;
        })(),
      ],
      ['no image data', Buffer.concat([PNG_SIG, chunk('IHDR', ihdr(200, 200)), chunk('IEND', Buffer.alloc(0))])],
      ['not zlib', undecodableSeal()],
      ['too little data', shortDataPng()],
      ['unknown row filter', badFilterPng()],
      ['huge', pngOf(deflateSync(Buffer.alloc(10)), 20_000, 20_000)],
    ] as const) {
      const res = await uploadSeal(bytes);
      expect(res.status, what).toBe(400);
      expect(((await res.json()) as any).code, what).toBe('INVALID_IMAGE');
    }
    const org = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'committee' } });
    expect(Buffer.from(org.sealPng!).equals(Buffer.from(good))).toBe(true);
    expect(await orgSealAudit()).toBe(auditBefore);
  });
});
