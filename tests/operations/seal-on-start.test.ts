// Personal data stored before encryption at rest is sealed when the server starts: an installation
// upgraded from a version without it (no data keys in its secrets store, plaintext in the
// database and the uploads folder) comes up with every such value and file sealed, no plaintext
// left in the database file or its WAL, and everything still reads right. Starting again changes
// nothing. Then a key rotation: new writes use the new key, old values still open, and a re-seal
// moves everything to the new key.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../signaling/config.ts';
import { applyMigrations, openRawDb } from '../../signaling/db.ts';
import { FieldCrypto } from '../../signaling/privacy/field-crypto.ts';
import { resealWithCurrentKey, rotateDataKey } from '../../signaling/privacy/key-rotation.ts';
import { startServer } from '../../signaling/server.ts';
import { makeIdNumber } from '../support/server.ts';

const ID_NUMBER = makeIdNumber('11010519491231002');
const PHONE = '13611112222';
const ADDRESS = '上海市浦东新区世纪大道100号环球金融中心';
const DRAFT = Buffer.from(`Yjs-update-with-bank-account-6217000010001234567-and-${ADDRESS}`, 'utf8');
const SIGNATURE = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('SIGNATURE-STROKES-'.repeat(30))]);
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('ID-CARD-PHOTO-'.repeat(50))]);

let dataDir: string;
let config: Config;
let ids: { caseId: string; participantId: string; roundId: string; file: string };

const start = () => startServer(config, { logger: false, skipMigrations: true, webRoot: path.join(dataDir, 'no-web') });
const dbFiles = () => ['jiefen.db', 'jiefen.db-wal'].map((f) => path.join(dataDir, f));
const rawBytes = () => Buffer.concat(dbFiles().map((f) => (existsSync(f) ? readFileSync(f) : Buffer.alloc(0))));
const secretsFile = () => path.join(dataDir, 'secrets.json');

async function storedRow() {
  const raw = openRawDb(config.databaseFile);
  try {
    return {
      participant: await raw.participant.findUniqueOrThrow({ where: { id: ids.participantId } }),
      draft: await raw.draftUpdate.findFirstOrThrow({ where: { caseId: ids.caseId } }),
      round: await raw.signingRound.findUniqueOrThrow({ where: { id: ids.roundId }, include: { signatures: true } }),
      file: readFileSync(ids.file),
    };
  } finally {
    await raw.$disconnect();
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-seal-'));
  await applyMigrations(dataDir);
  config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JIEFEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn', RTC_PORT: '0', MEDIASOUP_WORKERS: '1' });
  // A first start makes the organisation, the court and the secrets store …
  const first = await start();
  await first.close();
  // … then the state of an installation from before encryption at rest: no data keys in the store,
  // personal data written in plaintext (by the bare client: no sealing).
  const secrets = JSON.parse(readFileSync(secretsFile(), 'utf8')) as Record<string, unknown>;
  delete secrets.dataKeys;
  writeFileSync(secretsFile(), JSON.stringify(secrets));
  const raw = openRawDb(config.databaseFile);
  try {
    const org = await raw.organisation.findFirstOrThrow({ where: { code: 'committee' } });
    const kase = await raw.case.create({
      data: {
        number: '测试调〔2026〕第1号',
        orgId: org.id,
        title: '旧数据',
        disputeType: 'GENERAL',
        summary: 'x',
        status: 'MEDIATING',
        dueDate: new Date(),
        participants: { create: { role: 'APPLICANT', side: 'A', name: '钱某', phone: PHONE, idNumber: ID_NUMBER, address: ADDRESS } },
        draftUpdates: { create: { docName: 'agreement:x', kind: 'update', update: DRAFT, sha256: 'x' } },
      },
      include: { participants: true },
    });
    const round = await raw.signingRound.create({
      data: {
        caseId: kase.id,
        versionSeq: 1,
        contentSha256: 'c',
        snapshot: JSON.stringify({ parties: [{ idNumber: ID_NUMBER, address: ADDRESS }] }),
        clauseHashes: '[]',
        lockedById: 'u',
        signatures: {
          create: {
            signerType: 'party',
            participantId: kase.participants[0]!.id,
            signerId: 's',
            signerName: '钱某',
            signerRole: '申请人',
            png: SIGNATURE,
            pngSha256: 'p',
            affirmation: 'a',
            identityMethod: 'm',
            ip: '127.0.0.1',
            userAgent: 'ua',
          },
        },
      },
    });
    mkdirSync(path.join(dataDir, 'uploads', 'judicial'), { recursive: true });
    const file = path.join(dataDir, 'uploads', 'judicial', 'a'.repeat(32));
    writeFileSync(file, PHOTO);
    ids = { caseId: kase.id, participantId: kase.participants[0]!.id, roundId: round.id, file };
  } finally {
    await raw.$disconnect();
  }
  // The plaintext really is in the file now (so the checks below can fail).
  expect(rawBytes().includes(Buffer.from(ID_NUMBER))).toBe(true);
}, 120_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('seals plaintext on start, leaves none in the database file or its WAL, and still reads right', async () => {
  const server = await start();
  try {
    // The secrets store gained its data keys.
    const keys = (JSON.parse(readFileSync(secretsFile(), 'utf8')) as { dataKeys?: { current: string } }).dataKeys;
    expect(keys?.current).toBe(server.ctx.crypto.currentKeyId);
    const p = await server.ctx.db.participant.findUniqueOrThrow({ where: { id: ids.participantId } });
    expect(p).toMatchObject({ phone: PHONE, idNumber: ID_NUMBER, address: ADDRESS });
    expect((await server.ctx.db.participant.findFirst({ where: { idNumber: ID_NUMBER } }))?.id).toBe(ids.participantId);
    const round = await server.ctx.db.signingRound.findUniqueOrThrow({ where: { id: ids.roundId }, include: { signatures: true } });
    expect(Buffer.from(round.signatures[0]!.png).equals(SIGNATURE)).toBe(true);
    expect(round.snapshot).toContain(ID_NUMBER);
    expect(Buffer.from((await server.ctx.db.draftUpdate.findFirstOrThrow({ where: { caseId: ids.caseId } })).update).equals(DRAFT)).toBe(true);
    expect(Buffer.from(server.ctx.crypto.openBytes(readFileSync(ids.file))).equals(PHOTO)).toBe(true);
  } finally {
    await server.close();
  }
  const bytes = rawBytes();
  for (const text of [ID_NUMBER, PHONE, ADDRESS, '6217000010001234567']) {
    expect(bytes.includes(Buffer.from(text, 'utf8')), text).toBe(false);
    expect(bytes.includes(Buffer.from(text, 'utf16le')), text).toBe(false);
  }
  expect(bytes.includes(SIGNATURE.subarray(8, 60))).toBe(false);
  expect(readFileSync(ids.file).includes(PHOTO.subarray(4, 60))).toBe(false);
  const stored = await storedRow();
  expect(FieldCrypto.isSealedText(stored.participant.phone)).toBe(true);
  expect(stored.participant.idNumberIndex).not.toBeNull();
  expect(FieldCrypto.isSealedBytes(stored.round.signatures[0]!.png)).toBe(true);
}, 60_000);

it('starting again changes nothing (idempotent)', async () => {
  const before = await storedRow();
  const server = await start();
  await server.close();
  const after = await storedRow();
  expect(after.participant.phone).toBe(before.participant.phone);
  expect(after.participant.idNumberIndex).toBe(before.participant.idNumberIndex);
  expect(Buffer.from(after.draft.update).equals(Buffer.from(before.draft.update))).toBe(true);
  expect(after.round.snapshot).toBe(before.round.snapshot);
  expect(after.file.equals(before.file)).toBe(true);
}, 60_000);

it('rotates: new values under the new key, old ones still open, a re-seal moves everything to the new key', async () => {
  const oldKey = FieldCrypto.keyIdOf((await storedRow()).participant.phone);
  const newKey = rotateDataKey(config);
  expect(newKey).not.toBe(oldKey);
  const server = await start();
  try {
    expect(server.ctx.crypto.currentKeyId).toBe(newKey);
    expect((await server.ctx.db.participant.findUniqueOrThrow({ where: { id: ids.participantId } })).idNumber).toBe(ID_NUMBER);
    await server.ctx.db.participant.update({ where: { id: ids.participantId }, data: { address: '新住所' } });
    const stored = await storedRow();
    expect(FieldCrypto.keyIdOf(stored.participant.address!)).toBe(newKey);
    expect(FieldCrypto.keyIdOf(stored.participant.phone)).toBe(oldKey);
    // The re-seal runs beside the live server.
    const report = await resealWithCurrentKey(config);
    expect(report.keyId).toBe(newKey);
    expect(report.files).toBe(1);
    const after = await storedRow();
    for (const v of [after.participant.phone, after.participant.idNumber, after.round.snapshot, after.draft.update, after.round.signatures[0]!.png, after.file])
      expect(FieldCrypto.keyIdOf(v)).toBe(newKey);
    const p = await server.ctx.db.participant.findUniqueOrThrow({ where: { id: ids.participantId } });
    expect(p).toMatchObject({ phone: PHONE, idNumber: ID_NUMBER, address: '新住所' });
    expect((await server.ctx.db.participant.findFirst({ where: { phone: PHONE } }))?.id).toBe(ids.participantId);
  } finally {
    await server.close();
  }
}, 60_000);
