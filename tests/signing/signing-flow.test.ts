// Signing through the API against a real server (real SQLite, real PDF, real PAdES seal): the
// mediator locks a version; each party accepts every clause (bound to its hash) and signs with
// name + ID digits + a one-time code + a drawn signature + the affirmation; an authorised agent
// signs for its party; unlocking voids what was collected; the mediator signs last, the PDF is
// issued, and every party downloads the same file, which pdfsig and our verifier accept and the
// public verification recognises. Everything refused changes nothing.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGREEMENT_NOTICES } from '../../signaling/agreement/agreement-notices.ts';
import { canonicalAgreementContent } from '../../signaling/agreement/canonical.ts';
import { AgreementSnapshotSchema } from '../../signaling/agreement/document-schema.ts';
import { agreementLines } from '../../signaling/signing/agreement-pdf.ts';
import { verifyPdf } from '../../signaling/signing/verify-pdf.ts';
import { setUpDraftCase, type DraftCase } from '../drafting/sync-support.ts';
import { acceptPrivacy, makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { pdfsig, pdftotext, strokePng, writePdf } from './pdf-tools.ts';
import { fillLoanAgreement, SmsOutbox } from './signing-support.ts';

const AFFIRMATION = '本人已阅读协议全部内容，系自愿签署';
const sms = new SmsOutbox();
let server: TestServer;
let kase: DraftCase;
let admin: StaffClient;
let mediatorId: string;
let agent: { id: string; token: string };
const signature = () => Buffer.from(strokePng(300, 100)).toString('base64');
const ID = { A: makeIdNumber('15020419750312101'), B: makeIdNumber('15020419800101123'), agent: makeIdNumber('15020419700101201') };

async function asParty(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/api/signing/${kase.caseId}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') ? ((await res.json()) as any) : Buffer.from(await res.arrayBuffer()) };
}
const asMediator = async (method: string, path: string, body?: unknown) => {
  const res = await kase.mediator.request(method, `/api/signing/${kase.caseId}${path}`, body);
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') ? ((await res.json()) as any) : Buffer.from(await res.arrayBuffer()) };
};
const view = async (token?: string) => (token ? await asParty(token, 'GET', '') : await asMediator('GET', '')).body.round;
const auditCount = (type: string) => server.ctx.db.auditEntry.count({ where: { caseId: kase.caseId, type } });

async function acceptAll(token: string, onBehalfOf?: string) {
  const round = await view(token);
  for (const c of round.clauses) {
    const res = await asParty(token, 'POST', '/consent', { clauseId: c.id, clauseSha256: c.sha256, ...(onBehalfOf ? { onBehalfOf } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}
async function sign(token: string, who: { name: string; idNumber: string }, onBehalfOf?: string) {
  expect((await asParty(token, 'POST', '/code', onBehalfOf ? { onBehalfOf } : {})).status).toBe(200);
  return asParty(token, 'POST', '/sign', {
    name: who.name,
    idLast4: who.idNumber.slice(-4),
    code: sms.lastCode(),
    signaturePngBase64: signature(),
    affirmation: AFFIRMATION,
    ...(onBehalfOf ? { onBehalfOf } : {}),
  });
}
async function lockNewVersion(name: string) {
  expect((await kase.mediator.request('POST', `/api/agreements/${kase.caseId}/versions`, { name })).status).toBe(201);
  const res = await asMediator('POST', '/lock', {});
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { roundId: string; contentSha256: string };
}

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  kase = await setUpDraftCase(server.url, server.admin);
  admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  mediatorId = ((await (await kase.mediator.request('GET', '/api/auth/me')).json()) as any).user.id;
  const p = (
    await kase.mediator.json(
      'POST',
      `/api/cases/${kase.caseId}/participants`,
      { role: 'AGENT', side: 'A', name: '赵律师', phone: '13900139000', idNumber: ID.agent },
      201,
    )
  ).participant;
  agent = {
    id: p.id,
    token: (await kase.mediator.json('POST', `/api/cases/${kase.caseId}/invitations`, { participantId: p.id }, 201)).invitation.url.split('/j/')[1],
  };
  await acceptPrivacy(server.url, agent.token);
  for (const to of ['TRIAGED', 'MEDIATING']) await kase.mediator.json('POST', `/api/cases/${kase.caseId}/transition`, { to }, 200);
  await server.drafting.withDocument(kase.caseId, async () => undefined); // the draft from the template
  await fillLoanAgreement(server, kase.caseId, mediatorId);
});
afterAll(() => server?.close());

describe('signing an agreement', () => {
  let partyB: string;

  it('nothing can be signed before the mediator locks a version; locking records the content hash and moves the case to 达成协议', async () => {
    expect(await view(kase.tokenA)).toBeNull();
    expect((await asParty(kase.tokenA, 'POST', '/code', {})).body.message).toContain('尚未锁定');
    expect((await asParty(kase.tokenA, 'POST', '/lock', {})).status).toBe(403); // a party cannot lock
    const locked = await lockNewVersion('签署版');
    expect(locked.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await asMediator('POST', '/lock', {})).status).toBe(409); // one round at a time
    const c = await kase.mediator.json('GET', `/api/cases/${kase.caseId}`, undefined, 200);
    expect(c.case.status).toBe('AGREED');
    const round = await view(kase.tokenA);
    expect(round).toMatchObject({ status: 'OPEN', contentSha256: locked.contentSha256, affirmation: AFFIRMATION });
    expect(round.clauses.length).toBeGreaterThan(1);
    expect(round.clauses[0].text).toContain('2027年4月30日');
    expect(round.parties.map((p: any) => p.name)).toEqual(['李某', '王某']);
    partyB = round.parties[1].id;
  });

  it('the 30-day notice in force at lock is part of the locked text and its hash: a later correction of the notices file changes no signed agreement', async () => {
    const row = await server.ctx.db.signingRound.findFirstOrThrow({ where: { caseId: kase.caseId, status: 'OPEN' } });
    const snapshot = AgreementSnapshotSchema.parse(JSON.parse(row.snapshot));
    expect(snapshot.notices).toEqual({ judicialConfirmation: AGREEMENT_NOTICES.judicialConfirmation.text });
    expect(canonicalAgreementContent(snapshot).sha256).toBe(row.contentSha256);
    const { notices: _, ...withoutNotices } = snapshot;
    expect(canonicalAgreementContent(withoutNotices).sha256).not.toBe(row.contentSha256);
    // The signing page shows it; the PDF prints it even when the file now says something else.
    expect((await view(kase.tokenA)).document).toContain(AGREEMENT_NOTICES.judicialConfirmation.text);
    const corrected = {
      judicialConfirmation: { text: '当事人可以自本协议生效之日起三十日内共同申请司法确认（更正稿）。', legalBasis: ['人民调解法第三十三条'] },
    };
    const lines = agreementLines(snapshot, corrected).map((l) => l.text);
    expect(lines).toContain(AGREEMENT_NOTICES.judicialConfirmation.text);
    expect(lines).not.toContain(corrected.judicialConfirmation.text);
  });

  it('signing needs every clause accepted, the right hash, the party’s own identity and the right one-time code', async () => {
    const round = await view(kase.tokenA);
    // Not yet accepted → refused.
    const early = await asParty(kase.tokenA, 'POST', '/sign', {
      name: '李某',
      idLast4: ID.A.slice(-4),
      code: '123456',
      signaturePngBase64: signature(),
      affirmation: AFFIRMATION,
    });
    expect(early.body.message).toContain('条款未确认');
    // A stale hash is refused; another party's link cannot accept for A; an unauthorised agent cannot either.
    expect((await asParty(kase.tokenA, 'POST', '/consent', { clauseId: round.clauses[0].id, clauseSha256: '0'.repeat(64) })).status).toBe(409);
    expect(
      (
        await asParty(kase.tokenB, 'POST', '/consent', {
          clauseId: round.clauses[0].id,
          clauseSha256: round.clauses[0].sha256,
          onBehalfOf: round.parties[0].id,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await asParty(agent.token, 'POST', '/consent', {
          clauseId: round.clauses[0].id,
          clauseSha256: round.clauses[0].sha256,
          onBehalfOf: round.parties[0].id,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await asParty(kase.tokenB, 'POST', '/sign', {
          name: '王某',
          idLast4: ID.B.slice(-4),
          code: '123456',
          signaturePngBase64: signature(),
          affirmation: AFFIRMATION,
          onBehalfOf: round.parties[0].id,
        })
      ).status,
    ).toBe(403);
    expect((await asParty(kase.tokenInterpreter, 'POST', '/consent', { clauseId: round.clauses[0].id, clauseSha256: round.clauses[0].sha256 })).status).toBe(
      403,
    );
    await acceptAll(kase.tokenA);
    expect((await view(kase.tokenA)).parties[0].accepted).toHaveLength(round.clauses.length);

    // Wrong code, wrong ID digits, no affirmation, a broken image: refused, nothing signed.
    expect((await asParty(kase.tokenA, 'POST', '/code', {})).body.phone).toBe('138****8000');
    const code = sms.lastCode();
    const base = { name: '李某', idLast4: ID.A.slice(-4), signaturePngBase64: signature(), affirmation: AFFIRMATION };
    const wrong = code === '000000' ? '000001' : '000000';
    expect((await asParty(kase.tokenA, 'POST', '/sign', { ...base, code: wrong })).body.message).toBe('验证码不正确');
    expect((await asParty(kase.tokenA, 'POST', '/sign', { ...base, code, idLast4: '0000' })).status).toBe(400);
    expect((await asParty(kase.tokenA, 'POST', '/sign', { ...base, code, affirmation: '同意' })).body.message).toContain(AFFIRMATION);
    expect(
      (
        await asParty(kase.tokenA, 'POST', '/sign', {
          ...base,
          code,
          signaturePngBase64: Buffer.from('not a png at all, just text padding '.repeat(5)).toString('base64'),
        })
      ).body.code,
    ).toBe('INVALID_IMAGE');
    expect((await asParty(kase.tokenA, 'POST', '/code', {})).status).toBe(429); // resend only after a minute
    expect((await view(kase.tokenA)).parties[0].signed).toBeNull();
    expect(await auditCount('SIGNING_REFUSED')).toBe(2);

    const ok = await asParty(kase.tokenA, 'POST', '/sign', { ...base, code });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await asParty(kase.tokenA, 'POST', '/sign', { ...base, code })).status).toBe(409); // signed already
    expect((await view(kase.tokenB)).parties[0].signed).toMatchObject({ by: '李某', role: '申请人' });
  });

  it('unlocking voids the signatures and consents; an authorised agent then accepts and signs for its party', async () => {
    expect((await asMediator('POST', '/unlock', { reason: '第二条还款期限调整' })).body).toMatchObject({ voidedSignatures: 1 });
    expect(await view(kase.tokenA)).toBeNull();
    // Nothing can be accepted or signed on the voided version.
    const voided = await asParty(kase.tokenB, 'POST', '/sign', {
      name: '王某',
      idLast4: ID.B.slice(-4),
      code: '123456',
      signaturePngBase64: signature(),
      affirmation: AFFIRMATION,
    });
    expect(voided.status).toBe(409);
    expect(voided.body.message).toContain('尚未锁定');
    await lockNewVersion('签署版（修改后）');
    const round = await view(agent.token);
    expect(round.parties.every((p: any) => p.signed === null && p.accepted.length === 0)).toBe(true);
    expect(round.mayActFor).toEqual([]);

    // GD 3: no 授权委托书 with special powers on file, no authority to sign.
    const refused = await kase.mediator.request('PUT', `/api/signing/${kase.caseId}/agents/${agent.id}/authority`, { authorised: true });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as any).code).toBe('POWER_OF_ATTORNEY_MISSING');
    const poa = Buffer.from('%PDF-1.4\n% 授权委托书\n%%EOF\n').toString('base64');
    const upload = { documentKind: 'POWER_OF_ATTORNEY', fileName: '授权委托书.pdf', mime: 'application/pdf', contentBase64: poa, specialPowers: true };
    await kase.mediator.json('POST', `/api/cases/${kase.caseId}/participants/${agent.id}/documents`, upload, 201);
    expect((await kase.mediator.request('PUT', `/api/signing/${kase.caseId}/agents/${agent.id}/authority`, { authorised: true })).status).toBe(200);
    const partyA = round.parties[0].id;
    expect((await view(agent.token)).mayActFor).toEqual([partyA]);
    expect(
      (await asParty(agent.token, 'POST', '/consent', { clauseId: round.clauses[0].id, clauseSha256: round.clauses[0].sha256, onBehalfOf: partyB })).status,
    ).toBe(403); // not its side
    await acceptAll(agent.token, partyA);
    const signed = await sign(agent.token, { name: '赵律师', idNumber: ID.agent }, partyA);
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(sms.messages.at(-1)!.phone).toBe('13900139000'); // the code went to the agent's own phone
    expect((await view(kase.tokenA)).parties[0].signed).toMatchObject({ by: '赵律师', role: '申请人李某的委托代理人' });
  });

  it('the mediator signs last (after the seal is uploaded); the case is 已签署 and everyone downloads the same verified PDF', async () => {
    expect((await asMediator('POST', '/mediator-sign', { signaturePngBase64: signature() })).body.message).toContain('王某'); // B has not signed
    await acceptAll(kase.tokenB);
    expect((await sign(kase.tokenB, { name: '王某', idNumber: ID.B })).status).toBe(200);
    expect((await asMediator('POST', '/mediator-sign', { signaturePngBase64: signature() })).body.message).toContain('印章');
    await admin.json('PUT', '/api/org/seal', { pngBase64: Buffer.from(strokePng(200, 200)).toString('base64') }, 200);
    const issued = await asMediator('POST', '/mediator-sign', { signaturePngBase64: signature() });
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    expect((await kase.mediator.json('GET', `/api/cases/${kase.caseId}`, undefined, 200)).case.status).toBe('SIGNED');

    const copies = [
      await asParty(kase.tokenA, 'GET', '/pdf'),
      await asParty(kase.tokenB, 'GET', '/pdf'),
      await asParty(agent.token, 'GET', '/pdf'),
      await asMediator('GET', '/pdf'),
    ];
    for (const c of copies) expect(c.status).toBe(200);
    const pdf = copies[0]!.body as Buffer;
    for (const c of copies) expect((c.body as Buffer).equals(pdf)).toBe(true);
    expect(issued.body.pdfSha256).toBe(verifyPdf(pdf).documentSha256);

    const file = writePdf(pdf);
    if (process.env.SIGNING_PDF_OUT) writeFileSync(process.env.SIGNING_PDF_OUT, pdf);
    expect(pdfsig(file)).toContain('Signature Validation: Signature is Valid.');
    expect(verifyPdf(pdf, { pinnedRoots: [server.signingIdentity.rootFingerprint] })).toMatchObject({ valid: true, trustedRoot: true });
    const text = pdftotext(file).replace(/\s+/g, '');
    const round = await view(kase.tokenA);
    for (const s of [
      '人民调解协议书',
      '申请人李某（委托代理人赵律师代签）',
      '被申请人王某',
      '电子签署审计证明',
      round.contentSha256,
      '姓名与身份证号后四位核对+手机短信验证码',
      '/verify/',
    ])
      expect(text).toContain(s.replace(/\s+/g, ''));
    // The signer's device is not printed on the copy every party receives, only a digest of it (PIPL minimisation).
    expect(text).not.toContain('iOS·Safari');
    // Pages numbered through the audit certificate.
    const total = Number(text.match(/第1页共(\d+)页/)?.[1]);
    expect(text).toContain(`第${total}页共${total}页`);
    expect(text.indexOf('电子签署审计证明')).toBeLessThan(text.indexOf(`第${total}页共${total}页`));
    expect(round).toMatchObject({ status: 'COMPLETED', pdfAvailable: true, mediatorSigned: true });

    // Afterwards nothing changes any more.
    expect((await asMediator('POST', '/unlock', { reason: '再改一下' })).status).toBe(409);
    expect((await asParty(kase.tokenB, 'POST', '/code', {})).status).toBe(409);
    expect(await auditCount('AGREEMENT_ISSUED')).toBe(1);
  });

  it('public verification: the issued file is genuine; a changed byte or another PDF is not; the QR record masks names', async () => {
    const pdf = (await asParty(kase.tokenA, 'GET', '/pdf')).body as Buffer;
    const check = async (bytes: Buffer) =>
      (
        await fetch(`${server.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(bytes) })
      ).json() as Promise<any>;
    const genuine = await check(pdf);
    expect(genuine.genuine).toBe(true);
    expect(genuine.issued.signers.map((s: any) => s.name)).toEqual(['赵律师', '王某', '调解员1号']);
    const flipped = Buffer.from(pdf);
    flipped[Math.floor(pdf.length / 3)]! ^= 1;
    expect((await check(flipped)).genuine).toBe(false);
    const notPdf = await fetch(`${server.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: 'hello' });
    expect(notPdf.status).toBe(400);
    const record = (await (await fetch(`${server.url}/api/verify/${genuine.issued.roundId}`)).json()) as any;
    expect(record.issued.signers.map((s: any) => s.name)).toEqual(
      genuine.issued.signers.map((s: any) => `${[...s.name][0]}${'*'.repeat([...s.name].length - 1)}`),
    );
    expect(record.rootFingerprint).toBe(server.signingIdentity.rootFingerprint);
  });
});
