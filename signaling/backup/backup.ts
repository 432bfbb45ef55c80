// `npm run backup`: one consistent, encrypted archive of a data folder, also while a server runs
// on it. The database goes in as a SQLite online-backup snapshot (one read transaction: WAL
// writers keep writing meanwhile), never as a copy of the file being written. The audit seals go
// in before the snapshot (so no seal is newer than the database), every other file after it (so
// every upload the database names is there).
import { openSqlite } from '../sqlite-binding.ts';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { AUDIT_SEALS_FILE } from '../audit/seals.ts';
import { startEncryption } from './archive-crypto.ts';
import { encodeRecordHeader, type Manifest } from './container.ts';
import { listDataFiles } from './data-files.ts';

export interface BackupOptions {
  dataDir: string;
  /** The archive to write (must not exist yet; written as `<archive>.partial` and renamed when complete). */
  archive: string;
  passphrase: string;
  /** Files kept outside the data folder (a configured signing key and certificate), stored under `archivePath`. */
  externalFiles?: Array<{ archivePath: string; file: string }>;
}

export interface BackupSummary {
  files: number;
  bytes: number;
  archiveBytes: number;
  auditHead: { seq: number; hash: string } | null;
  ms: number;
}

const ALL_REMAINING_PAGES = 0x7fffffff;

export async function createBackup(opts: BackupOptions): Promise<BackupSummary> {
  const started = performance.now();
  const dataDir = path.resolve(opts.dataDir);
  const archive = path.resolve(opts.archive);
  const databaseFile = path.join(dataDir, 'jiefen.db');
  if (!existsSync(databaseFile)) throw new Error(`${dataDir} 中没有数据库 jiefen.db / no database in the data folder`);
  if (existsSync(archive)) throw new Error(`${archive} 已存在，不覆盖 / the archive already exists, not overwritten`);
  if (archive.startsWith(dataDir + path.sep)) throw new Error('备份文件不能放在数据目录里 / the archive must not be inside the data folder');

  const partial = `${archive}.partial`;
  const scratch = mkdtempSync(path.join(path.dirname(archive), '.jiefen-backup-'));
  let out: FileHandle | null = await open(partial, 'wx', 0o600);
  try {
    const { header, cipher } = startEncryption(opts.passphrase);
    await out.write(header);
    const emit = async (plain: Buffer) => {
      const encrypted = cipher.update(plain);
      if (encrypted.length) await out!.write(encrypted);
    };
    const files: Manifest['files'] = [];
    const addFile = async (archivePath: string, file: string) => {
      const { size, mode } = await stat(file);
      await emit(encodeRecordHeader({ kind: 'file', path: archivePath, size, mode: mode & 0o777 }));
      files.push({ path: archivePath, size, sha256: await copyExactly(file, size, emit) });
    };

    const sealsFile = path.join(dataDir, AUDIT_SEALS_FILE);
    if (existsSync(sealsFile)) await addFile(AUDIT_SEALS_FILE, sealsFile);
    const snapshot = path.join(scratch, 'jiefen.db');
    const auditHead = await snapshotDatabase(databaseFile, snapshot);
    chmodSync(snapshot, 0o600); // restored owner-only, like the secrets
    await addFile('jiefen.db', snapshot);
    for (const rel of listDataFiles(dataDir)) {
      if (rel !== AUDIT_SEALS_FILE) await addFile(rel, path.join(dataDir, ...rel.split('/')));
    }
    for (const external of opts.externalFiles ?? []) await addFile(external.archivePath, external.file);

    const manifest: Manifest = { format: 'jiefen-backup', version: 1, createdAt: new Date().toISOString(), auditHead, files };
    const manifestBytes = Buffer.from(JSON.stringify(manifest), 'utf8');
    await emit(encodeRecordHeader({ kind: 'manifest', size: manifestBytes.length }));
    await emit(manifestBytes);
    await out.write(cipher.final());
    await out.write(cipher.getAuthTag());
    await out.sync();
    const archiveBytes = (await out.stat()).size;
    await out.close();
    out = null;
    renameSync(partial, archive);
    return { files: files.length, bytes: files.reduce((n, f) => n + f.size, 0), archiveBytes, auditHead, ms: Math.round(performance.now() - started) };
  } catch (err) {
    await out?.close();
    rmSync(partial, { force: true });
    throw err;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Copies the live database with SQLite's online backup API in a single step (one read
 * transaction, so concurrent commits cannot restart it), checks the copy's integrity and makes it
 * a standalone file. Returns the audit chain head the snapshot holds.
 */
export async function snapshotDatabase(source: string, destination: string): Promise<{ seq: number; hash: string } | null> {
  const live = openSqlite(source, { fileMustExist: true });
  try {
    live.pragma('busy_timeout = 10000');
    await live.backup(destination, { progress: () => ALL_REMAINING_PAGES });
  } finally {
    live.close();
  }
  const copy = openSqlite(destination);
  try {
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`数据库快照完整性检查失败 / database snapshot failed its integrity check: ${String(integrity)}`);
    copy.pragma('journal_mode = DELETE');
    const head = copy.prepare('SELECT seq, hash FROM AuditHead WHERE id = 1').get() as { seq: number; hash: string } | undefined;
    return head ? { seq: head.seq, hash: head.hash } : null;
  } finally {
    copy.close();
  }
}

/** Streams exactly `size` bytes of a file (as it was when stat'ed) and returns their SHA-256. */
async function copyExactly(file: string, size: number, emit: (chunk: Buffer) => Promise<void>): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(file, 'r');
  try {
    const chunk = Buffer.alloc(1024 * 1024);
    let left = size;
    while (left > 0) {
      const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, left), size - left);
      if (bytesRead === 0) throw new Error(`${file} 在备份过程中变短了，请重试 / the file shrank during the backup, try again`);
      const piece = Buffer.from(chunk.subarray(0, bytesRead));
      hash.update(piece);
      await emit(piece);
      left -= bytesRead;
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}
