// Backup and restore against a running server: `npm run backup` (the real CLI, a separate
// process) takes its archive while a room chats, a draft is edited and a case is signed; the
// archive is restored into a new folder and a server started on it: the audit chain and its seals
// verify, every issued PDF verifies, every edit acknowledged before the backup started is in the
// restored document. Wrong passphrase, a flipped byte and a non-empty folder are refused.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../signaling/audit/log.ts';
import { createBackup } from '../../signaling/backup/backup.ts';
import { loadConfig } from '../../signaling/config.ts';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import { startServer, type RunningServer } from '../../signaling/server.ts';
import { verifyPdf } from '../../signaling/signing/verify-pdf.ts';
import { connectClient, setUpDraftCase, wsUrl, type DraftCase } from '../drafting/sync-support.ts';
import { fillLoanAgreement, signCaseThroughApi, SmsOutbox } from '../signing/signing-support.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { makeIdNumber, startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { sleep, waitFor } from '../support/wait.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PASSPHRASE = '夜间备份 correct horse battery staple';
const ID = { A: makeIdNumber('15020419750312101'), B: makeIdNumber('15020419800101123') };
const sms = new SmsOutbox();
let server: TestServer;
let work: string;
const started: RunningServer[] = [];

/** Runs the backup/restore CLI as the operator would (`npm run backup -- …`), in its own process. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'signaling/backup/cli.ts'), ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function mediatorIdOf(mediator: StaffClient): Promise<string> {
  return ((await (await mediator.request('GET', '/api/auth/me')).json()) as { user: { id: string } }).user.id;
}

async function readyToSign(k: DraftCase): Promise<void> {
  for (const to of ['TRIAGED', 'MEDIATING']) await k.mediator.json('POST', `/api/cases/${k.caseId}/transition`, { to }, 200);
  await server.drafting.withDocument(k.caseId, async () => undefined);
  await fillLoanAgreement(server, k.caseId, await mediatorIdOf(k.mediator));
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function issuedPdfs(db: RunningServer['ctx']['db']): Promise<Map<string, Uint8Array>> {
  const rounds = await db.signingRound.findMany({ where: { pdf: { not: null } }, select: { pdf: true } });
  const judicial = await db.judicialApplication.findMany({ select: { applicationPdf: true, rulingPdf: true } });
  const all = [...rounds.map((r) => r.pdf), ...judicial.flatMap((j) => [j.applicationPdf, j.rulingPdf])].filter((p): p is NonNullable<typeof p> => p !== null);
  return new Map(all.map((pdf) => [sha256(pdf), pdf]));
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'jiefen-backup-test-'));
  server = await startTestServer({}, { sms });
});
afterAll(async () => {
  for (const s of started) await s.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('backup while the server works, restore elsewhere', () => {
  it('round-trips: audit chain and seals, every issued PDF, every acknowledged edit', { timeout: 180_000 }, async () => {
    const signedBefore = await setUpDraftCase(server.url, server.admin);
    const signedDuring = await setUpDraftCase(server.url, server.admin);
    await readyToSign(signedBefore);
    await readyToSign(signedDuring);
    await signCaseThroughApi(server, { ...signedBefore, caseId: signedBefore.caseId }, sms, ID);
    expect((await server.auditSeals.seal()).sealed).toBe(true);
    // An uploaded file in the data folder (where judicial materials go), and a cache that stays behind.
    const upload = path.join('uploads', 'judicial', signedBefore.caseId, 'material.pdf');
    mkdirSync(path.join(server.dataDir, path.dirname(upload)), { recursive: true });
    writeFileSync(path.join(server.dataDir, upload), '%PDF-1.7 材料', { mode: 0o600 });
    mkdirSync(path.join(server.dataDir, 'cache'));
    writeFileSync(path.join(server.dataDir, 'cache', 'thumbnail.png'), 'regenerated when missing');

    // A live room on one case: the mediator and an admitted party chat without pause.
    const mediatorRoom = new RoomTestClient(server.url, { cookie: signedBefore.mediator.cookie });
    await mediatorRoom.connected();
    await mediatorRoom.ok('room:join', { caseId: signedBefore.otherCaseId });
    let stop = false;
    const chatsAcked: string[] = [];
    const chatting = (async () => {
      for (let i = 0; !stop;) {
        const res = await mediatorRoom.request('chat:send', { text: `消息${i}` });
        // Chat is rate-limited per connection: keep to the allowed pace instead of failing.
        if (!res.ok && res.code === 'RATE_LIMITED') {
          await sleep(250);
          continue;
        }
        if (!res.ok) throw new Error(`chat:send failed: ${res.code}`);
        chatsAcked.push(`消息${i++}`);
      }
    })();
    // Drafting on another case: every edit waits for the server's acknowledgement.
    const editor = connectClient({ url: wsUrl(server.url), docName: agreementDocName(signedDuring.otherCaseId), cookie: signedDuring.mediator.cookie });
    await editor.ready;
    const editsAcked: string[] = [];
    const editing = (async () => {
      const text = editor.doc.getText('body');
      for (let i = 0; !stop; i++) {
        text.insert(text.length, `[edit-${i}]`);
        await editor.acked();
        editsAcked.push(`[edit-${i}]`);
      }
    })();
    await waitFor(() => editsAcked.length >= 10 && chatsAcked.length >= 10, 20_000, 'writes under way');

    // The backup starts; a whole signing flow runs while it does.
    const editsBefore = [...editsAcked];
    const chatsBefore = [...chatsAcked];
    const archive = path.join(work, 'nightly.jfbk');
    const signing = signCaseThroughApi(server, signedDuring, sms, ID);
    const backup = await cli(['backup', archive], { JIEFEN_DATA_DIR: server.dataDir, JIEFEN_BACKUP_PASSPHRASE: PASSPHRASE });
    const editsDuringBackup = editsAcked.length - editsBefore.length;
    await signing;
    stop = true;
    await Promise.all([chatting, editing]);
    editor.destroy();
    mediatorRoom.close();
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain('备份完成');
    expect(editsDuringBackup, 'the server kept acknowledging edits while the backup ran').toBeGreaterThan(0);
    const pdfsAtSource = await issuedPdfs(server.ctx.db);
    expect(pdfsAtSource.size).toBe(2);

    // The archive is encrypted: no plaintext of the database or the secrets store in it.
    const raw = readFileSync(archive);
    expect(raw.includes(Buffer.from('SQLite format 3'))).toBe(false);
    expect(raw.includes(Buffer.from('sessionKey'))).toBe(false);
    expect(raw.includes(Buffer.from('BEGIN RSA PRIVATE KEY'))).toBe(false);

    const restoredDir = path.join(work, 'restored');
    const restore = await cli(['restore', archive, '--data-dir', restoredDir], { JIEFEN_BACKUP_PASSPHRASE: PASSPHRASE });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('摘要全部核对一致');
    // The data folder's files came back byte for byte (the database is a snapshot, compared by content below).
    expect(existsSync(path.join(restoredDir, 'cache'))).toBe(false);
    for (const file of ['secrets.json', 'signing/org-signing-key.pem', 'signing/org-signing-chain.pem', 'audit-seals.jsonl', upload]) {
      expect(readFileSync(path.join(restoredDir, file)), file).toEqual(readFileSync(path.join(server.dataDir, file)));
    }

    const restored = await startServer(
      loadConfig({ PORT: '0', HOST: '127.0.0.1', JIEFEN_DATA_DIR: restoredDir, LOG_LEVEL: 'warn', RTC_PORT: '0', MEDIASOUP_WORKERS: '1' }),
      { logger: false },
    );
    started.push(restored);
    expect(restored.bootstrap.created).toBe(false);
    const chain = await verifyAuditChain(restored.ctx.db);
    expect(chain).toMatchObject({ ok: true });
    expect(await restored.auditSeals.verify()).toMatchObject({ ok: true, seals: 1 });
    // Same signing identity: the restored server signs as the organisation did.
    expect(restored.signingIdentity.rootFingerprint).toBe(server.signingIdentity.rootFingerprint);

    const pdfs = await issuedPdfs(restored.ctx.db);
    expect(pdfs.size).toBeGreaterThanOrEqual(1);
    for (const [hash, pdf] of pdfs) {
      expect(pdfsAtSource.has(hash), 'an issued PDF is byte-identical to the original').toBe(true);
      const verdict = verifyPdf(pdf, { pinnedRoots: [server.signingIdentity.rootFingerprint] });
      expect(verdict.problems).toEqual([]);
      expect(verdict).toMatchObject({ valid: true, signed: true, coversWholeFile: true, trustedRoot: true });
    }
    const signedBeforeRound = await restored.ctx.db.signingRound.findFirst({ where: { caseId: signedBefore.caseId, pdf: { not: null } } });
    expect(signedBeforeRound).not.toBeNull();

    const body = await restored.drafting.withDocument(signedDuring.otherCaseId, async (doc) => doc.getText('body').toString());
    expect(editsBefore.filter((e) => !body.includes(e))).toEqual([]);
    const chats = new Set((await restored.ctx.db.chatMessage.findMany({ where: { caseId: signedBefore.otherCaseId } })).map((m) => m.text));
    expect(chatsBefore.filter((c) => !chats.has(c))).toEqual([]);
    console.log(
      `backup under load: ${raw.length} bytes; ${editsDuringBackup} edits acknowledged while it ran; restored ${body.match(/\[edit-/g)?.length ?? 0} of ${editsAcked.length} edits (${editsBefore.length} acknowledged before it started), ${chats.size} chat messages, ${pdfs.size} of ${pdfsAtSource.size} issued PDFs, ${chain.checked} audit entries`,
    );
  });
});

describe('refusals', () => {
  let archive: string;
  const restoreInto = (dir: string, file = archive, passphrase = PASSPHRASE) =>
    cli(['restore', file, '--data-dir', dir], passphrase ? { JIEFEN_BACKUP_PASSPHRASE: passphrase } : {});

  beforeAll(async () => {
    archive = path.join(work, 'refusals.jfbk');
    await createBackup({ dataDir: server.dataDir, archive, passphrase: PASSPHRASE });
  });

  it('no passphrase: neither backup nor restore runs', async () => {
    const backup = await cli(['backup', path.join(work, 'none.jfbk')], { JIEFEN_DATA_DIR: server.dataDir });
    expect(backup.code).toBe(1);
    expect(backup.stderr).toContain('JIEFEN_BACKUP_PASSPHRASE');
    expect(existsSync(path.join(work, 'none.jfbk'))).toBe(false);
    const restore = await restoreInto(path.join(work, 'no-pass'), archive, '');
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain('未提供备份口令');
  });

  it('a wrong passphrase is refused as such, and nothing is written', async () => {
    const dir = path.join(work, 'wrong-pass');
    const res = await restoreInto(dir, archive, 'not the passphrase at all');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('备份口令不正确');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('one flipped byte in the body or the header is refused as damaged, and nothing is written', async () => {
    const bytes = readFileSync(archive);
    for (const [name, offset] of [
      ['body', Math.floor(bytes.length / 2)],
      ['tag', bytes.length - 3],
      ['header', 20],
    ] as const) {
      const tampered = Buffer.from(bytes);
      tampered[offset] = tampered[offset]! ^ 0x01;
      const file = path.join(work, `tampered-${name}.jfbk`);
      writeFileSync(file, tampered);
      const dir = path.join(work, `tampered-${name}`);
      const res = await restoreInto(dir, file);
      expect(res.code, name).toBe(1);
      expect(res.stderr, name).toContain('已损坏或被篡改');
      expect(existsSync(dir) ? readdirSync(dir) : [], name).toEqual([]);
    }
  });

  it('restores only into an empty folder', async () => {
    const dir = path.join(work, 'occupied');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'jiefen.db'), 'someone else’s data');
    const res = await restoreInto(dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('不是空的');
    expect(readFileSync(path.join(dir, 'jiefen.db'), 'utf8')).toBe('someone else’s data');
  });
});
