// #17 item 10 against a real server in production mode, the local court's own keys configured in
// COURT_KEYS_DIR: the court bundle (a zip: manifest with every file's SHA-256, signed by the
// organisation) verifies offline with `npm run verify`, and fails on one changed byte; the
// court's ruling, signed with its own key on its own platform, is imported back against the
// bundle id and served like a ruling made here; a ruling not signed by the court, a changed one,
// or a wrong bundle id is refused and changes nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../signaling/judicial/court-bundle-format.ts';
import { generateDevIdentity, identityFromPem, type SigningIdentity } from '../../signaling/signing/org-identity.ts';
import { sealPdf } from '../../signaling/signing/pades.ts';
import type { DraftCase } from '../drafting/sync-support.ts';
import { SmsOutbox } from '../signing/signing-support.ts';
import { strokePng } from '../signing/pdf-tools.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { judgeClient, PARTY_IDS, submittedCase } from './judicial-support.ts';

const sms = new SmsOutbox();
const scratch = mkdtempSync(path.join(tmpdir(), 'jiefen-bundle-'));
const keysDir = path.join(scratch, 'court-keys');
let server: TestServer;
let admin: StaffClient;
let judge: StaffClient;
let k: DraftCase;
let applicationId: string;
let courtIdentity: SigningIdentity;
let bundleZip: Buffer;
let bundleId: string;

const cli = (file: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'signaling/signing/verify-cli.ts', file, ...args], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '../..'),
  });

/** A one-page ruling PDF sealed with the given identity, as a court's own platform would make it. */
async function rulingSignedBy(identity: SigningIdentity): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText('Civil ruling (test)', { x: 72, y: 760, size: 18 });
  return Buffer.from(
    await sealPdf(doc, identity, { reason: 'ruling', location: 'court', contactInfo: 'court', signingTime: new Date('2026-12-01T02:00:00Z') }),
  );
}

const importRuling = (pdf: Buffer, query: string) =>
  fetch(`${server.url}/api/judge/applications/${applicationId}/ruling-import?${query}`, {
    method: 'POST',
    headers: { cookie: judge.cookie, 'x-csrf-token': judge.csrfToken, 'content-type': 'application/pdf' },
    body: new Uint8Array(pdf),
  });

beforeAll(async () => {
  // The local court's identity, made outside jiefen (here: the same generator a CA tool would replace).
  mkdirSync(keysDir);
  const { keyPem, certPem } = generateDevIdentity('包头市青山区人民法院');
  writeFileSync(path.join(keysDir, '内0204.key.pem'), keyPem, { mode: 0o600 });
  writeFileSync(path.join(keysDir, '内0204.chain.pem'), certPem);
  courtIdentity = identityFromPem(keyPem, certPem);
  server = await startTestServer({ JIEFEN_MODE: 'production', COURT_KEYS_DIR: keysDir }, { sms });
  admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  judge = await judgeClient(server, admin, 'judge-bundle');
  k = await submittedCase(server, sms);
  applicationId = (await judge.json('GET', '/api/judge/applications')).applications[0].id;
  // The mediator recorded the 调解笔录 and both parties signed it (as the parties do: their own code, a drawn signature).
  const procedure = `/api/procedure/${k.caseId}`;
  await k.mediator.json('POST', `${procedure}/minutes/entries`, { kind: 'OUTCOME', caucus: false, text: '双方达成调解协议。' }, 201);
  await k.mediator.json('POST', `${procedure}/recusal/declare`, undefined, 200);
  const { contentSha256 } = await k.mediator.json('POST', `${procedure}/minutes/lock`);
  for (const [token, name, id] of [
    [k.tokenA, '李某', PARTY_IDS.A],
    [k.tokenB, '王某', PARTY_IDS.B],
  ] as const) {
    const post = (p: string, body: unknown) =>
      fetch(`${server.url}${procedure}${p}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('/minutes/code', {})).status).toBe(200);
    const signed = await post('/minutes/sign', {
      contentSha256,
      name,
      idLast4: id.slice(-4),
      code: sms.lastCode(),
      signaturePngBase64: Buffer.from(strokePng(300, 100)).toString('base64'),
      affirmation: '本人已核对调解笔录，记录属实',
    });
    expect(signed.status).toBe(200);
  }
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the court bundle', () => {
  it('the judge downloads it; it lists every document with its SHA-256 and verifies offline (npm run verify)', async () => {
    const res = await judge.request('POST', `/api/judge/applications/${applicationId}/bundle`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/zip');
    bundleZip = Buffer.from(await res.arrayBuffer());
    const v = verifyBundle(bundleZip);
    expect(v.problems).toEqual([]);
    expect(v.valid).toBe(true);
    const m = v.manifest!;
    bundleId = m.bundleId;
    expect(m.application.id).toBe(applicationId);
    expect(m.court).toEqual({ name: '包头市青山区人民法院', code: '内0204' });
    expect(m.files.map((f) => f.kind)).toEqual(expect.arrayContaining(['AGREEMENT', 'MINUTES', 'APPLICATION', 'SERVICE_ADDRESS']));
    // The signed 调解笔录 in the bundle is the one in the case file.
    const minutes = await server.ctx.db.minutesRecord.findFirstOrThrow({ where: { caseId: k.caseId, status: 'COMPLETED' } });
    expect(m.files.find((f) => f.kind === 'MINUTES')).toMatchObject({
      path: 'minutes.pdf',
      title: '人民调解笔录',
      sha256: createHash('sha256').update(minutes.pdf!).digest('hex'),
    });
    expect(v.filesChecked).toBe(m.files.length);
    // The manifest is signed by the organisation: the same root its agreement PDFs chain to.
    const signing = path.join(server.dataDir, 'signing');
    const org = identityFromPem(
      readFileSync(path.join(signing, 'org-signing-key.pem'), 'utf8'),
      readFileSync(path.join(signing, 'org-signing-chain.pem'), 'utf8'),
    );
    expect(v.rootFingerprint).toBe(org.rootFingerprint);
    expect(m.organisation.rootFingerprint).toBe(v.rootFingerprint);
    const row = await server.ctx.db.judicialCourtBundle.findUniqueOrThrow({ where: { id: bundleId } });
    expect(row.applicationId).toBe(applicationId);

    const file = path.join(scratch, 'bundle.zip');
    writeFileSync(file, bundleZip);
    const ok = cli(file, '--root', v.rootFingerprint!);
    expect(ok.stdout).toContain('结论：有效');
    expect(ok.status).toBe(0);
    expect(cli(file, '--root', '00'.repeat(32)).status).toBe(1);
  }, 60_000);

  it('one changed byte in a file, or in the manifest, fails offline verification', () => {
    const agreement = verifyBundle(bundleZip).manifest!.files.find((f) => f.kind === 'AGREEMENT')!;
    // Stored entries: the agreement's bytes appear verbatim in the zip; change one in its middle.
    const entries = execFileSync('unzip', ['-Z', '-v', path.join(scratch, 'bundle.zip'), agreement.path], { encoding: 'utf8' });
    const offset = Number(entries.match(/offset of local header from start of archive:\s+(\d+)/)![1]);
    const changed = Buffer.from(bundleZip);
    const at = offset + 30 + agreement.path.length + Math.floor(agreement.bytes / 2);
    changed[at] = changed[at]! ^ 0x01;
    const broken = path.join(scratch, 'changed.zip');
    writeFileSync(broken, changed);
    const r = cli(broken);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`文件 ${agreement.path}（人民调解协议书）与清单中的 SHA-256 不符`);

    const manifestAt = bundleZip.indexOf(Buffer.from('"bundleId"'));
    const forged = Buffer.from(bundleZip);
    forged[manifestAt + 14] = forged[manifestAt + 14]! ^ 0x01;
    const v = verifyBundle(forged);
    expect(v.valid).toBe(false);
    expect(v.problems.join()).toContain('清单签名');
  });

  it('the case’s mediator downloads it too; a party cannot', async () => {
    const res = await k.mediator.request('POST', `/api/judicial/${k.caseId}/bundle`);
    expect(res.status).toBe(200);
    expect(verifyBundle(Buffer.from(await res.arrayBuffer())).valid).toBe(true);
    const party = await fetch(`${server.url}/api/judicial/${k.caseId}/bundle`, { method: 'POST', headers: { authorization: `Bearer ${k.tokenA}` } });
    expect(party.status).toBe(403);
  });
});

describe('importing the court’s ruling', () => {
  it('refuses a wrong bundle id, a ruling not signed by the court, and a changed one — changing nothing', async () => {
    const good = await rulingSignedBy(courtIdentity);
    const wrongBundle = await importRuling(good, 'bundleId=not-a-bundle&decision=confirm');
    expect(wrongBundle.status).toBe(404);
    expect(((await wrongBundle.json()) as { code: string }).code).toBe('BUNDLE_NOT_FOUND');

    const stranger = identityFromPem(...(Object.values(generateDevIdentity('某某人民法院')) as [string, string]));
    const notCourt = await importRuling(await rulingSignedBy(stranger), `bundleId=${bundleId}&decision=confirm`);
    expect(notCourt.status).toBe(422);
    expect(((await notCourt.json()) as { code: string }).code).toBe('RULING_NOT_BY_COURT');

    const changed = Buffer.from(good);
    const at = changed.indexOf(Buffer.from('Civil ruling'));
    changed[at > 0 ? at : 200] = 0x58;
    const tampered = await importRuling(changed, `bundleId=${bundleId}&decision=confirm`);
    expect(tampered.status).toBe(422);
    expect(((await tampered.json()) as { code: string }).code).toBe('RULING_SIGNATURE_INVALID');

    const a = await server.ctx.db.judicialApplication.findUniqueOrThrow({ where: { id: applicationId } });
    expect(a.status).toBe('SUBMITTED');
    expect(a.rulingPdf).toBeNull();
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id: k.caseId } })).status).toBe('CONFIRMATION_REQUESTED');
  });

  it('a ruling signed with the court’s own key is recorded against the bundle and served to the parties', async () => {
    const ruling = await rulingSignedBy(courtIdentity);
    const res = await importRuling(ruling, `bundleId=${bundleId}&decision=confirm`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'CONFIRMED' });
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id: k.caseId } })).status).toBe('CONFIRMED');
    expect((await server.ctx.db.judicialCourtBundle.findUniqueOrThrow({ where: { id: bundleId } })).rulingImportedAt).not.toBeNull();
    const served = await fetch(`${server.url}/api/judicial/${k.caseId}/ruling.pdf`, { headers: { authorization: `Bearer ${k.tokenA}` } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(ruling)).toBe(true);
    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId: k.caseId, type: { in: ['COURT_BUNDLE_EXPORTED', 'COURT_RULING_IMPORTED'] } } });
    expect(audit.map((x) => x.type)).toEqual(expect.arrayContaining(['COURT_BUNDLE_EXPORTED', 'COURT_RULING_IMPORTED']));
    // Ruled: a second import is refused.
    expect((await importRuling(ruling, `bundleId=${bundleId}&decision=confirm`)).status).toBe(409);
  });

  it('production mode: an administrator cannot add a court whose keys are not configured', async () => {
    const res = await admin.request('POST', '/api/courts', { name: '包头市东河区人民法院', code: '内0202', region: '内蒙古自治区包头市东河区' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe('COURT_KEY_MISSING');
  });
});
