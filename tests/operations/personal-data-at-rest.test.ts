// Personal data at rest (issue #14, item 7): a whole case — parties with ID number, phone and
// address, a 法定代理人 with its relationship to the party (#17), a bank account in the agreement, handwritten signatures, an uploaded ID photo, the
// judicial application with its service address and phone, the issued PDFs — goes through the real
// API; then the raw SQLite file, its WAL and every file under uploads/ are read byte by byte and
// none of those plaintexts is there, in UTF-8, UTF-16 or base64. The API still answers with the
// right values, the PDFs still print them, and staff reads of them are audited without the data.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRawDb } from '../../signaling/db.ts';
import { maskIdNumber } from '../../signaling/domain/id-number.ts';
import { FieldCrypto } from '../../signaling/privacy/field-crypto.ts';
import { setUpDraftCase, type DraftCase } from '../drafting/sync-support.ts';
import { fillLoanAgreement, signCaseThroughApi, SmsOutbox } from '../signing/signing-support.ts';
import { pdftotext, strokePng, writePdf } from '../signing/pdf-tools.ts';
import { judgeClient, PARTY_IDS, signApplications } from '../judicial/judicial-support.ts';
import { makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

const sms = new SmsOutbox();
let server: TestServer;
let k: DraftCase;
let judge: StaffClient;
let mediatorId: string;
let applicationId: string;
let materialId: string;
let guardianId: string;

const PHONE_A = '13987654321';
const SERVICE_ADDRESS = '北京市海淀区中关村南大街甲8号院3号楼502室';
const SERVICE_PHONE = '13766554433';
const HOME_ADDRESS = '内蒙古自治区包头市青山区某小区1号楼1单元101室'; // fillLoanAgreement's 住所
const BANK_ACCOUNT = '6222020602009876543'; // fillLoanAgreement's 账号
const SIGNATURE_PNG = Buffer.from(strokePng(300, 100)); // what signCaseThroughApi draws
// A JPEG (by its magic) whose body is recognisable wherever it lands.
const ID_PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('居民身份证正面照片 PHOTO-OF-ID-CARD '.repeat(40))]);

const GUARDIAN_PHONE = '13655443322';
const GUARDIAN_ID = makeIdNumber('15020419500101201');
const GUARDIAN_RELATIONSHIP = 'GRANDPARENT';

const TEXTS = {
  'ID number A': PARTY_IDS.A,
  'ID number B': PARTY_IDS.B,
  'phone A': PHONE_A,
  'phone B': '13800138000',
  'service phone': SERVICE_PHONE,
  'guardian phone': GUARDIAN_PHONE,
  'guardian ID number': GUARDIAN_ID,
  'guardian relationship': GUARDIAN_RELATIONSHIP,
};
const TEXTS_CJK = { 'home address': HOME_ADDRESS, 'service address': SERVICE_ADDRESS, 'bank account': BANK_ACCOUNT };

/** The forms a plaintext could be stored in. */
function encodings(text: string): Array<[string, Buffer]> {
  const utf8 = Buffer.from(text, 'utf8');
  const utf16le = Buffer.from(text, 'utf16le');
  const utf16be = Buffer.from(utf16le).swap16();
  // base64 of the text at each of the three alignments, without the partial edge characters.
  const b64 = [0, 1, 2].map((shift) => {
    const s = Buffer.concat([Buffer.alloc(shift, 0x20), utf8]).toString('base64');
    return Buffer.from(s.slice(4, -4));
  });
  return [['utf8', utf8], ['utf16le', utf16le], ['utf16be', utf16be], ...b64.map((b, i): [string, Buffer] => [`base64/${i}`, b])];
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Every place the plaintext is found: "<file>: <what> (<encoding>)". */
function leaks(files: string[], secrets: Record<string, string>, binaries: Record<string, Buffer>): string[] {
  const found: string[] = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const [what, text] of Object.entries(secrets))
      for (const [enc, needle] of encodings(text)) if (bytes.includes(needle)) found.push(`${path.basename(file)}: ${what} (${enc})`);
    for (const [what, bin] of Object.entries(binaries)) {
      // The raw bytes, a distinctive slice from the middle, and base64 of that slice.
      const slice = bin.subarray(Math.floor(bin.length / 3), Math.floor(bin.length / 3) + 48);
      for (const [enc, needle] of [
        ['raw', bin],
        ['slice', slice],
        ['base64', Buffer.from(bin.toString('base64').slice(8, 72))],
      ] as const)
        if (bytes.includes(needle)) found.push(`${path.basename(file)}: ${what} (${enc})`);
    }
  }
  return found;
}

const asParty = async (token: string, method: string, url: string, body?: Buffer | object, headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body && !Buffer.isBuffer(body) ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${await res.text()}`);
  return res;
};

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  k = await setUpDraftCase(server.url, server.admin);
  mediatorId = ((await k.mediator.json('GET', '/api/auth/me')) as { user: { id: string } }).user.id;
  // Party A's own phone and 送达地址, changed through the case page's form.
  await k.mediator.json('PATCH', `/api/cases/${k.caseId}/participants/${k.partyAId}`, { phone: PHONE_A, serviceAddress: SERVICE_ADDRESS }, 200);
  // A 法定代理人 with its relationship to the party (a family relation: sealed like the rest).
  guardianId = (
    await k.mediator.json(
      'POST',
      `/api/cases/${k.caseId}/participants`,
      {
        role: 'AGENT',
        side: 'B',
        name: '王祖',
        phone: GUARDIAN_PHONE,
        idNumber: GUARDIAN_ID,
        agencyType: 'statutory',
        guardianRelationship: GUARDIAN_RELATIONSHIP,
      },
      201,
    )
  ).participant.id;
  for (const to of ['TRIAGED', 'MEDIATING']) await k.mediator.json('POST', `/api/cases/${k.caseId}/transition`, { to }, 200);
  await server.drafting.withDocument(k.caseId, async () => undefined);
  await fillLoanAgreement(server, k.caseId, mediatorId);
  await signCaseThroughApi(server, k, sms, PARTY_IDS);
  const local = await server.ctx.db.court.findFirstOrThrow({ where: { isLocal: true } });
  for (const token of [k.tokenA, k.tokenB])
    await asParty(token, 'POST', `/api/judicial/${k.caseId}/apply`, { courtId: local.id, serviceAddress: SERVICE_ADDRESS, phone: SERVICE_PHONE });
  // It reaches the court once each applicant has signed it (#17 item 6).
  await signApplications(server, k);
  const uploaded = await asParty(k.tokenA, 'POST', `/api/judicial/${k.caseId}/materials?kind=ID_DOCUMENT&name=${encodeURIComponent('身份证.jpg')}`, ID_PHOTO, {
    'content-type': 'image/jpeg',
  });
  materialId = ((await uploaded.json()) as { id: string }).id;
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  judge = await judgeClient(server, admin, 'judge-crypt');
  applicationId = (await judge.json('GET', '/api/judge/applications')).applications[0].id;
}, 120_000);
afterAll(() => server?.close());

describe('personal data at rest', () => {
  it('reads back right through the API, and the documents print it', async () => {
    const { participants } = (
      (await k.mediator.json('GET', `/api/cases/${k.caseId}`)) as {
        case: { participants: Array<{ id: string; phone: string; serviceAddress: string | null; address: string | null; idMasked: string }> };
      }
    ).case;
    const a = participants.find((p) => p.id === k.partyAId)!;
    expect(a).toMatchObject({ phone: PHONE_A, serviceAddress: SERVICE_ADDRESS, address: HOME_ADDRESS });
    expect(a.idMasked).toBe(maskIdNumber(PARTY_IDS.A));
    // The party sees its own application's service address and phone.
    const own = (await (await asParty(k.tokenA, 'GET', `/api/judicial/${k.caseId}`)).json()) as {
      phoneOnFile: string;
      application: { parties: Array<{ id: string; applied: { serviceAddress?: string; phone?: string } | null }> };
    };
    expect(own.phoneOnFile).toBe(PHONE_A);
    expect(own.application.parties.find((x) => x.id === k.partyAId)?.applied).toMatchObject({ serviceAddress: SERVICE_ADDRESS, phone: SERVICE_PHONE });
    // The judge gets the uploaded photo back byte for byte.
    const material = await judge.request('GET', `/api/judge/applications/${applicationId}/materials/${materialId}`);
    expect(Buffer.from(await material.arrayBuffer()).equals(ID_PHOTO)).toBe(true);
    // The issued agreement prints the (masked) ID numbers, addresses and the bank account.
    const agreement = pdftotext(writePdf(new Uint8Array(await (await k.mediator.request('GET', `/api/signing/${k.caseId}/pdf`)).arrayBuffer()))).replace(
      /\s+/g,
      '',
    );
    for (const text of [maskIdNumber(PARTY_IDS.A), HOME_ADDRESS, SERVICE_ADDRESS, BANK_ACCOUNT]) expect(agreement).toContain(text);
    // The copy every party receives carries no phone (PIPL minimisation: tests/legal/privacy.test.ts).
    expect(agreement).not.toContain(PHONE_A);
    // So does the 司法确认申请书 (made on the first download, then stored).
    const application = await k.mediator.request('GET', `/api/judicial/${k.caseId}/application.pdf`);
    expect(application.status).toBe(200);
    const applicationText = pdftotext(writePdf(new Uint8Array(await application.arrayBuffer()))).replace(/\s+/g, '');
    for (const text of [maskIdNumber(PARTY_IDS.A), SERVICE_ADDRESS]) expect(applicationText).toContain(text);
    // Both applicants download it: no phone (the court reads the applicants' phones in its own view).
    expect(applicationText).not.toContain(PHONE_A);
    expect((await server.ctx.db.judicialApplication.findUniqueOrThrow({ where: { id: applicationId } })).applicationPdf).not.toBeNull();
  }, 60_000);

  it('leaves none of it in the database file, its WAL or the uploads folder', async () => {
    // Everything above is committed: the WAL holds the newest pages, the main file the older ones.
    const files = [
      path.join(server.dataDir, 'jiefen.db'),
      path.join(server.dataDir, 'jiefen.db-wal'),
      ...filesUnder(path.join(server.dataDir, 'uploads')),
    ].filter(existsSync);
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(filesUnder(path.join(server.dataDir, 'uploads'))).toHaveLength(1);
    const raw = openRawDb(path.join(server.dataDir, 'jiefen.db'));
    try {
      // The issued PDFs as the API serves them: their bytes must not be stored as they are either.
      const round = await server.ctx.db.signingRound.findFirstOrThrow({ where: { caseId: k.caseId, status: 'COMPLETED' } });
      const app = await server.ctx.db.judicialApplication.findUniqueOrThrow({ where: { id: applicationId } });
      const binaries = {
        'signature PNG': SIGNATURE_PNG,
        'ID photo': ID_PHOTO,
        'agreement PDF': Buffer.from(round.pdf!),
        'application PDF': Buffer.from(app.applicationPdf!),
      };
      expect(leaks(files, { ...TEXTS, ...TEXTS_CJK }, binaries)).toEqual([]);
      // What is stored instead names its key; the blind indexes are filled.
      const p = await raw.participant.findUniqueOrThrow({ where: { id: k.partyAId } });
      expect(p.phone).toMatch(/^enc:v1:[\w-]+:[\w-]+:[\w-]+$/);
      expect(FieldCrypto.keyIdOf(p.idNumber)).toBe(server.ctx.crypto.currentKeyId);
      expect(p.phoneIndex).toBe(server.ctx.crypto.blindIndex('Participant.phone', PHONE_A));
      const guardian = await raw.participant.findUniqueOrThrow({ where: { id: guardianId } });
      expect(guardian.guardianRelationship).toMatch(/^enc:v1:/);
      expect((await server.ctx.db.participant.findUniqueOrThrow({ where: { id: guardianId } })).guardianRelationship).toBe(GUARDIAN_RELATIONSHIP);
      const sig = await raw.agreementSignature.findFirstOrThrow({ where: { round: { caseId: k.caseId } } });
      expect(FieldCrypto.isSealedBytes(sig.png)).toBe(true);
    } finally {
      await raw.$disconnect();
    }
  });

  it('finds a party by phone or ID number through the blind index', async () => {
    const byPhone = await server.ctx.db.participant.findMany({ where: { phone: PHONE_A } });
    expect(byPhone.map((p) => p.id)).toEqual([k.partyAId]);
    const byId = await server.ctx.db.participant.findFirst({ where: { idNumber: PARTY_IDS.B, caseId: k.caseId } });
    expect(byId?.name).toBe('王某');
    await expect(server.ctx.db.participant.findMany({ where: { address: { contains: '包头' } } })).rejects.toThrow(/sealed at rest/);
  });

  it('audits staff reads of personal data, materials and PDFs — who and what, no personal data', async () => {
    const rows = await server.ctx.db.auditEntry.findMany({ where: { caseId: k.caseId, type: 'PERSONAL_DATA_READ' }, orderBy: { seq: 'asc' } });
    const by = (actorId: string) =>
      rows.filter((r) => r.actorId === actorId).map((r) => JSON.parse(r.data) as { what: string; route: string; materialId?: string });
    const judgeId = ((await judge.json('GET', '/api/auth/me')) as { user: { id: string } }).user.id;
    expect(by(mediatorId).map((d) => d.route)).toEqual(
      expect.arrayContaining(['GET /api/cases/:id', 'GET /api/signing/:caseId/pdf', 'GET /api/judicial/:caseId/application.pdf']),
    );
    expect(by(judgeId)).toEqual(
      expect.arrayContaining([expect.objectContaining({ route: 'GET /api/judge/applications/:id/materials/:materialId', materialId })]),
    );
    expect(rows.every((r) => r.actorType === 'user')).toBe(true); // parties' reads of their own data are not staff reads
    for (const r of rows) for (const text of [...Object.values(TEXTS), ...Object.values(TEXTS_CJK)]) expect(`${r.data}${r.actorLabel}`).not.toContain(text);
    // The case page's audit trail names them.
    const trail = (await k.mediator.json('GET', `/api/cases/${k.caseId}/audit`)) as { entries: Array<{ type: string; summary: string }> };
    expect(trail.entries.filter((e) => e.type === 'PERSONAL_DATA_READ').map((e) => e.summary)).toContain('查看个人信息：查看当事人上传的材料');
    // A second read within the window is the same row, not a new one.
    const before = rows.length;
    await k.mediator.json('GET', `/api/cases/${k.caseId}`);
    expect(await server.ctx.db.auditEntry.count({ where: { caseId: k.caseId, type: 'PERSONAL_DATA_READ' } })).toBe(before);
  });
});
