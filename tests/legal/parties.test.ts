// #17 item 4, the parties, through the real API (real SQLite, real PDF): an organisation party
// (名称, 统一社会信用代码, 法定代表人) signs through the person acting for it only with its 电子印章
// and proof of standing on file, and the issued PDF prints the seal beside the signature; an
// entrusted agent signs only with a 授权委托书 stating special powers (GD 3); a minor (age from the
// ID on the signing date) signs only through its 法定代理人. Every refusal has its code and a
// Chinese message and changes nothing; the new personal data is sealed at rest.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRawDb } from '../../signaling/db.ts';
import { creditCodeCheckChar } from '../../signaling/domain/credit-code.ts';
import { FieldCrypto } from '../../signaling/privacy/field-crypto.ts';
import { AGREEMENT_NOTICES } from '../../signaling/agreement/agreement-notices.ts';
import { setUpDraftCase, type DraftCase } from '../drafting/sync-support.ts';
import { pdftotext, strokePng, writePdf } from '../signing/pdf-tools.ts';
import { fillLoanAgreement, SmsOutbox } from '../signing/signing-support.ts';
import { acceptPrivacy, makeIdNumber, startTestServer, type TestServer } from '../support/server.ts';

const AFFIRMATION = '本人已阅读协议全部内容，系自愿签署';
const COMPANY = '包头市某商贸有限公司';
const CREDIT_CODE = '91150204MA0N3K7Q2' + creditCodeCheckChar('91150204MA0N3K7Q2');
// Under 18 whatever day the suite runs before 2030-05-20.
const MINOR_ID = makeIdNumber('15020420120520123');
const ID = {
  rep: makeIdNumber('15020419750312101'),
  lawyer: makeIdNumber('15020419700101201'),
  other: makeIdNumber('15020419720202202'),
  parent: makeIdNumber('15020419800101123'),
};
const COMPANY_SEAL = Buffer.from(strokePng(160, 160));
const POA_PDF = Buffer.from('%PDF-1.4\n% 授权委托书：特别授权代为签署调解协议\n%%EOF\n');
const LICENCE_JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('营业执照副本 LICENCE '.repeat(20))]);

const sms = new SmsOutbox();
let server: TestServer;
let k: DraftCase;
let partyB: string;
const agents: Record<'lawyer' | 'legacy' | 'parent', { id: string; token: string }> = {} as never;

const b64 = (b: Buffer) => b.toString('base64');
async function asParty(token: string, method: string, p: string, body?: unknown) {
  const res = await fetch(`${server.url}/api/signing/${k.caseId}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') ? ((await res.json()) as any) : Buffer.from(await res.arrayBuffer()) };
}
async function asMediator(method: string, p: string, body?: unknown) {
  const res = await k.mediator.request(method, p, body);
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') ? ((await res.json()) as any) : Buffer.from(await res.arrayBuffer()) };
}
const participants = (p = '') => `/api/cases/${k.caseId}/participants${p}`;
const uploadDocument = (pid: string, body: Record<string, unknown>) => asMediator('POST', participants(`/${pid}/documents`), body);
const authorise = (pid: string) => asMediator('PUT', `/api/signing/${k.caseId}/agents/${pid}/authority`, { authorised: true });
const view = async (token: string) => (await asParty(token, 'GET', '')).body.round;
const auditCount = (type: string) => server.ctx.db.auditEntry.count({ where: { caseId: k.caseId, type } });

async function acceptAll(token: string, onBehalfOf?: string) {
  for (const c of (await view(token)).clauses) {
    const res = await asParty(token, 'POST', '/consent', { clauseId: c.id, clauseSha256: c.sha256, ...(onBehalfOf ? { onBehalfOf } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}
const signBody = (name: string, idNumber: string, onBehalfOf?: string) => ({
  name,
  idLast4: idNumber.slice(-4),
  code: sms.lastCode(),
  signaturePngBase64: b64(Buffer.from(strokePng(300, 100))),
  affirmation: AFFIRMATION,
  ...(onBehalfOf ? { onBehalfOf } : {}),
});

async function addAgent(name: string, side: 'A' | 'B', idNumber: string, agencyType?: 'statutory') {
  const p = (
    await k.mediator.json(
      'POST',
      participants(),
      { role: 'AGENT', side, name, phone: '13900139000', idNumber, ...(agencyType ? { agencyType, guardianRelationship: 'FATHER' } : {}) },
      201,
    )
  ).participant;
  const token = (await k.mediator.json('POST', `/api/cases/${k.caseId}/invitations`, { participantId: p.id }, 201)).invitation.url.split('/j/')[1];
  // On its link, as the party page asks first: the privacy notice and the separate consents.
  await acceptPrivacy(server.url, token);
  return { id: p.id as string, token: token as string, view: p };
}

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  k = await setUpDraftCase(server.url, server.admin);
  const mediatorId = ((await (await k.mediator.request('GET', '/api/auth/me')).json()) as any).user.id;
  for (const to of ['TRIAGED', 'MEDIATING']) await k.mediator.json('POST', `/api/cases/${k.caseId}/transition`, { to }, 200);
  await server.drafting.withDocument(k.caseId, async () => undefined);
  await fillLoanAgreement(server, k.caseId, mediatorId);
  // Party A is an organisation (its link is used by its 法定代表人 李某); party B a minor.
  await k.mediator.json(
    'PATCH',
    participants(`/${k.partyAId}`),
    { personType: 'legal', name: COMPANY, idNumber: ID.rep, creditCode: CREDIT_CODE, representative: '李某', representativeTitle: '执行董事' },
    200,
  );
  const c = await k.mediator.json('GET', `/api/cases/${k.caseId}`, undefined, 200);
  partyB = c.case.participants.find((p: any) => p.role === 'RESPONDENT').id;
  const minor = (await k.mediator.json('PATCH', participants(`/${partyB}`), { idNumber: MINOR_ID, ethnicity: '蒙古族' }, 200)).participant;
  expect(minor).toMatchObject({ minor: true, birthDate: '2012-05-20', ethnicity: '蒙古族' });
  // A 法定代理人 is recorded with its relationship to the minor: without one it is refused, nothing added.
  const before = await server.ctx.db.participant.count({ where: { caseId: k.caseId } });
  const bare = await k.mediator.request('POST', participants(), {
    role: 'AGENT',
    side: 'B',
    name: '王父',
    phone: '13900139000',
    idNumber: ID.parent,
    agencyType: 'statutory',
  });
  expect(bare.status).toBe(400);
  expect(await bare.json()).toMatchObject({ code: 'GUARDIAN_RELATIONSHIP_REQUIRED', message: expect.stringContaining('关系') });
  const entrustedWithRelation = await k.mediator.request('POST', participants(), {
    role: 'AGENT',
    side: 'B',
    name: '王父',
    phone: '13900139000',
    idNumber: ID.parent,
    guardianRelationship: 'FATHER',
  });
  expect((await entrustedWithRelation.json()).code).toBe('VALIDATION');
  expect(await server.ctx.db.participant.count({ where: { caseId: k.caseId } })).toBe(before);
  const parent = await addAgent('王父', 'B', ID.parent, 'statutory');
  expect(parent.view).toMatchObject({ agencyType: 'statutory', guardianRelationship: 'FATHER', documents: [] });
  agents.parent = parent;
  agents.lawyer = await addAgent('赵律师', 'A', ID.lawyer);
  agents.legacy = await addAgent('钱某', 'A', ID.other);
});
afterAll(() => server?.close());

describe('agents (GD 3: special powers in a 授权委托书)', () => {
  it('an entrusted agent is not authorised without a 授权委托书 stating special powers', async () => {
    const refused = await authorise(agents.lawyer.id);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'POWER_OF_ATTORNEY_MISSING' });
    expect(refused.body.message).toContain('特别授权');
    // One without special powers does not do either.
    const plain = { documentKind: 'POWER_OF_ATTORNEY', fileName: '委托书.pdf', mime: 'application/pdf', contentBase64: b64(POA_PDF) };
    expect((await uploadDocument(agents.lawyer.id, plain)).body.document).toMatchObject({ kind: 'POWER_OF_ATTORNEY', specialPowers: false });
    expect((await authorise(agents.lawyer.id)).body.code).toBe('POWER_OF_ATTORNEY_MISSING');
    expect((await server.ctx.db.participant.findUniqueOrThrow({ where: { id: agents.lawyer.id } })).signingAuthority).toBe(false);
  });

  it('refuses files that are not what they claim, and documents that do not apply; nothing is stored', async () => {
    const before = await server.ctx.db.partyDocument.count();
    const lying = await uploadDocument(agents.lawyer.id, {
      documentKind: 'POWER_OF_ATTORNEY',
      fileName: 'a.pdf',
      mime: 'application/pdf',
      contentBase64: b64(COMPANY_SEAL),
      specialPowers: true,
    });
    expect(lying).toMatchObject({ status: 400, body: { code: 'INVALID_FILE' } });
    const notAgent = await uploadDocument(partyB, {
      documentKind: 'POWER_OF_ATTORNEY',
      fileName: 'a.pdf',
      mime: 'application/pdf',
      contentBase64: b64(POA_PDF),
      specialPowers: true,
    });
    expect(notAgent).toMatchObject({ status: 400, body: { code: 'DOCUMENT_NOT_APPLICABLE' } });
    const parentPoa = await uploadDocument(agents.parent.id, {
      documentKind: 'POWER_OF_ATTORNEY',
      fileName: 'a.pdf',
      mime: 'application/pdf',
      contentBase64: b64(POA_PDF),
    });
    expect(parentPoa.body.message).toContain('法定代理人依法代理');
    const proofForPerson = await uploadDocument(partyB, {
      documentKind: 'STANDING_PROOF',
      fileName: 'a.jpg',
      mime: 'image/jpeg',
      contentBase64: b64(LICENCE_JPEG),
    });
    expect(proofForPerson.body.code).toBe('DOCUMENT_NOT_APPLICABLE');
    expect(await server.ctx.db.partyDocument.count()).toBe(before);
  });

  it('with special powers on file the agent is authorised; a statutory agent needs none', async () => {
    const poa = {
      documentKind: 'POWER_OF_ATTORNEY',
      fileName: '授权委托书（特别授权）.pdf',
      mime: 'application/pdf',
      contentBase64: b64(POA_PDF),
      specialPowers: true,
    };
    expect((await uploadDocument(agents.lawyer.id, poa)).status).toBe(201);
    expect((await authorise(agents.lawyer.id)).status).toBe(200);
    expect((await authorise(agents.parent.id)).status).toBe(200);
    expect(await auditCount('PARTY_DOCUMENT_ADDED')).toBe(2);
    const c = await k.mediator.json('GET', `/api/cases/${k.caseId}`, undefined, 200);
    const lawyer = c.case.participants.find((p: any) => p.id === agents.lawyer.id);
    expect(lawyer.documents.map((d: any) => [d.fileName, d.specialPowers])).toEqual([
      ['委托书.pdf', false],
      ['授权委托书（特别授权）.pdf', true],
    ]);
    // The mediator can look at the file again.
    const file = await asMediator('GET', participants(`/${agents.lawyer.id}/documents/${lawyer.documents[1].id}`));
    expect(file.status).toBe(200);
    expect((file.body as Buffer).equals(POA_PDF)).toBe(true);
  });
});

describe('signing', () => {
  it('locks: the organisation and the minor are parties of the locked version', async () => {
    await k.mediator.json('POST', `/api/agreements/${k.caseId}/versions`, { name: '签署版' }, 201);
    const lock = await asMediator('POST', `/api/signing/${k.caseId}/lock`, {});
    expect(lock.status, JSON.stringify(lock.body)).toBe(201);
    expect((await view(k.tokenA)).parties.map((p: any) => p.name)).toEqual([COMPANY, '王某']);
  });

  it('an agent authorised before 授权委托书 were required is refused at signing', async () => {
    await server.ctx.db.participant.update({ where: { id: agents.legacy.id }, data: { signingAuthority: true } });
    const round = await view(agents.legacy.token);
    const res = await asParty(agents.legacy.token, 'POST', '/consent', {
      clauseId: round.clauses[0].id,
      clauseSha256: round.clauses[0].sha256,
      onBehalfOf: k.partyAId,
    });
    expect(res).toMatchObject({ status: 409, body: { code: 'POWER_OF_ATTORNEY_MISSING' } });
    expect(await server.ctx.db.clauseConsent.count({ where: { participantId: k.partyAId } })).toBe(0);
  });

  it('a minor neither accepts nor signs itself: only its 法定代理人 does', async () => {
    const round = await view(k.tokenB);
    const own = await asParty(k.tokenB, 'POST', '/consent', { clauseId: round.clauses[0].id, clauseSha256: round.clauses[0].sha256 });
    expect(own).toMatchObject({ status: 409, body: { code: 'GUARDIAN_REQUIRED' } });
    expect(own.body.message).toContain('法定代理人');
    expect((await asParty(k.tokenB, 'POST', '/code', {})).body.code).toBe('GUARDIAN_REQUIRED');
    expect(await server.ctx.db.clauseConsent.count({ where: { participantId: partyB } })).toBe(0);

    // A 法定代理人 recorded before its relationship to the minor was asked for does not act until it is recorded.
    await server.ctx.db.participant.update({ where: { id: agents.parent.id }, data: { guardianRelationship: null } });
    const unrelated = await asParty(agents.parent.token, 'POST', '/code', { onBehalfOf: partyB });
    expect(unrelated).toMatchObject({ status: 400, body: { code: 'GUARDIAN_RELATIONSHIP_REQUIRED' } });
    await server.ctx.db.participant.update({ where: { id: agents.parent.id }, data: { guardianRelationship: 'FATHER' } });

    await acceptAll(agents.parent.token, partyB);
    expect((await asParty(agents.parent.token, 'POST', '/code', { onBehalfOf: partyB })).status).toBe(200);
    const signed = await asParty(agents.parent.token, 'POST', '/sign', signBody('王父', ID.parent, partyB));
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect((await view(k.tokenA)).parties[1].signed).toMatchObject({ by: '王父', role: '被申请人王某的法定代理人' });
  });

  it('an organisation signs only with its 电子印章 and proof of standing on file', async () => {
    await acceptAll(k.tokenA);
    expect((await asParty(k.tokenA, 'POST', '/code', {})).status).toBe(200);
    const noSeal = await asParty(k.tokenA, 'POST', '/sign', signBody(COMPANY, ID.rep));
    expect(noSeal).toMatchObject({ status: 409, body: { code: 'PARTY_SEAL_MISSING' } });
    expect(noSeal.body.message).toContain('电子印章');

    const seal = (png: Buffer) => asMediator('PUT', participants(`/${k.partyAId}/seal`), { sealPngBase64: b64(png) });
    expect((await seal(Buffer.from('not a png at all, just text'))).body.code).toBe('INVALID_IMAGE');
    expect((await asMediator('PUT', participants(`/${partyB}/seal`), { sealPngBase64: b64(COMPANY_SEAL) })).body.code).toBe('DOCUMENT_NOT_APPLICABLE');
    expect((await seal(COMPANY_SEAL)).status).toBe(200);

    const noProof = await asParty(k.tokenA, 'POST', '/sign', signBody(COMPANY, ID.rep));
    expect(noProof).toMatchObject({ status: 409, body: { code: 'STANDING_PROOF_MISSING' } });
    expect(await server.ctx.db.agreementSignature.count({ where: { participantId: k.partyAId } })).toBe(0);
    const proof = { documentKind: 'STANDING_PROOF', fileName: '营业执照.jpg', mime: 'image/jpeg', contentBase64: b64(LICENCE_JPEG) };
    expect((await uploadDocument(k.partyAId, proof)).status).toBe(201);

    const ok = await asParty(k.tokenA, 'POST', '/sign', signBody(COMPANY, ID.rep));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const row = await server.ctx.db.agreementSignature.findFirstOrThrow({ where: { participantId: k.partyAId } });
    expect(Buffer.from(row.sealPng!).equals(COMPANY_SEAL)).toBe(true);
  });

  it('the issued PDF prints the organisation with its seal beside the signature, the minor’s particulars and the 司法确认 notice', async () => {
    const org = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: 'committee' } });
    if (!org.sealPng) await server.ctx.db.organisation.update({ where: { id: org.id }, data: { sealPng: Buffer.from(strokePng(200, 200)) } });
    const issued = await asMediator('POST', `/api/signing/${k.caseId}/mediator-sign`, { signaturePngBase64: b64(Buffer.from(strokePng(300, 100))) });
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    const pdf = (await asParty(k.tokenA, 'GET', '/pdf')).body as Buffer;
    const file = writePdf(pdf);
    const text = pdftotext(file).replace(/\s+/g, '');
    for (const s of [
      `申请人：${COMPANY}，统一社会信用代码：${CREDIT_CODE}`,
      '法定代表人（负责人）：李某（执行董事）',
      '被申请人：王某，男，2012年5月20日出生，蒙古族',
      `申请人${COMPANY}（电子印章）`,
      '被申请人王某（法定代理人王父代签）',
      // The party block names the 法定代理人 with its relationship (not as a 委托代理人).
      '法定代理人：王父，系王某的父亲。',
      AGREEMENT_NOTICES.judicialConfirmation.text,
      '逾期利息至实际清偿之日止',
    ])
      expect(text).toContain(s.replace(/\s+/g, ''));
    // The seal is an image of its own size in the document (160×160), next to the signatures.
    const images = execFileSync('pdfimages', ['-list', file]).toString().split('\n').slice(2).filter(Boolean);
    expect(
      images.some((l) => /^\s*\d+\s+\d+\s+image\s+160\s+160\b/.test(l)),
      images.join('\n'),
    ).toBe(true);
  });
});

describe('at rest', () => {
  it('the credit code, representative, 民族, the seal and the uploaded files are sealed in the database', async () => {
    const raw = openRawDb(path.join(server.dataDir, 'jiefen.db'));
    try {
      const a = await raw.participant.findUniqueOrThrow({ where: { id: k.partyAId } });
      for (const v of [a.creditCode!, a.representative!]) expect(FieldCrypto.isSealedText(v)).toBe(true);
      expect(FieldCrypto.isSealedBytes(a.sealPng!)).toBe(true);
      const b = await raw.participant.findUniqueOrThrow({ where: { id: partyB } });
      expect(FieldCrypto.isSealedText(b.ethnicity!)).toBe(true);
      const docs = await raw.partyDocument.findMany({ where: { caseId: k.caseId } });
      expect(docs.length).toBe(3);
      for (const d of docs) {
        expect(FieldCrypto.isSealedText(d.fileName)).toBe(true);
        expect(FieldCrypto.isSealedBytes(d.bytes)).toBe(true);
      }
      const sig = await raw.agreementSignature.findFirstOrThrow({ where: { participantId: k.partyAId } });
      expect(FieldCrypto.isSealedBytes(sig.sealPng!)).toBe(true);
    } finally {
      await raw.$disconnect();
    }
    // The audit names kinds and digests, never the file names.
    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId: k.caseId, type: { in: ['PARTY_DOCUMENT_ADDED', 'PARTY_SEAL_SET'] } } });
    expect(audit.length).toBe(4);
    expect(JSON.stringify(audit)).not.toContain('营业执照.jpg');
  });
});
