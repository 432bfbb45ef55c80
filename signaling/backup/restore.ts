// `npm run restore`: a backup archive into an empty data folder. A wrong passphrase is refused
// before anything is read; the whole archive is authenticated (GCM) in a first pass before any
// file is written; the second pass writes every file, checks its size and SHA-256 against the
// manifest, and wipes what it wrote if anything does not match.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { BackupCryptoError, HEADER_BYTES, startDecryption, TAG_BYTES, TAMPERED_MESSAGE } from './archive-crypto.ts';
import { ByteReader, isSafeRelativePath, ManifestSchema, type Manifest } from './container.ts';

export interface RestoreOptions {
  archive: string;
  dataDir: string;
  passphrase: string;
}

export interface RestoreSummary {
  files: number;
  bytes: number;
  createdAt: string;
  auditHead: Manifest['auditHead'];
  /** Restored files that lived outside the data folder (a configured signing key/certificate). */
  external: string[];
  ms: number;
}

export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
}

export async function restoreBackup(opts: RestoreOptions): Promise<RestoreSummary> {
  const started = performance.now();
  const dataDir = path.resolve(opts.dataDir);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new RestoreRefused(`数据目录 ${dataDir} 不是空的：只能恢复到空目录 / the data folder is not empty: restore only into an empty folder`);
  }
  const archiveBytes = (await stat(opts.archive)).size;
  if (archiveBytes < HEADER_BYTES + TAG_BYTES) throw new BackupCryptoError('not-an-archive', '这不是解纷备份文件（太短）/ not a jiefen backup archive');
  const handle = await open(opts.archive, 'r');
  const header = Buffer.alloc(HEADER_BYTES);
  const tag = Buffer.alloc(TAG_BYTES);
  try {
    await handle.read(header, 0, HEADER_BYTES, 0);
    await handle.read(tag, 0, TAG_BYTES, archiveBytes - TAG_BYTES);
  } finally {
    await handle.close();
  }
  const plaintext = () => decrypt(opts.archive, opts.passphrase, header, tag, archiveBytes);
  // Pass 1: authenticate everything before writing anything.
  await new ByteReader(plaintext()).drain();

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    const restored = new Map<string, { size: number; sha256: string }>();
    const reader = new ByteReader(plaintext());
    let manifest: Manifest | null = null;
    for (let record = await reader.readRecordHeader(); record; record = await reader.readRecordHeader()) {
      if (manifest) throw new Error('清单之后还有内容 / content after the manifest');
      if (record.kind === 'manifest') {
        const bytes = await reader.readExact(record.size);
        manifest = ManifestSchema.parse(JSON.parse((bytes ?? Buffer.alloc(0)).toString('utf8')));
        continue;
      }
      if (!isSafeRelativePath(record.path) || restored.has(record.path)) throw new Error(`备份中的路径不安全或重复：${record.path}`);
      const target = path.join(dataDir, ...record.path.split('/'));
      mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      const hash = createHash('sha256');
      const out: FileHandle = await open(target, 'wx', record.mode);
      try {
        await reader.pipeExact(record.size, async (chunk) => {
          hash.update(chunk);
          await out.write(chunk);
        });
        await out.sync();
      } finally {
        await out.close();
      }
      restored.set(record.path, { size: record.size, sha256: hash.digest('hex') });
    }
    if (!manifest) throw new Error('备份中没有清单 / the archive has no manifest');
    verifyAgainstManifest(manifest, restored);
    return {
      files: manifest.files.length,
      bytes: manifest.files.reduce((n, f) => n + f.size, 0),
      createdAt: manifest.createdAt,
      auditHead: manifest.auditHead,
      external: manifest.files.filter((f) => f.path.startsWith('external/')).map((f) => path.join(dataDir, ...f.path.split('/'))),
      ms: Math.round(performance.now() - started),
    };
  } catch (err) {
    // The folder was empty: leave it empty rather than half restored.
    for (const entry of readdirSync(dataDir)) rmSync(path.join(dataDir, entry), { recursive: true, force: true });
    throw err;
  }
}

function verifyAgainstManifest(manifest: Manifest, restored: Map<string, { size: number; sha256: string }>): void {
  const problems: string[] = [];
  for (const f of manifest.files) {
    const got = restored.get(f.path);
    if (!got) problems.push(`缺少 missing: ${f.path}`);
    else if (got.size !== f.size || got.sha256 !== f.sha256) problems.push(`摘要不符 hash mismatch: ${f.path}`);
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const p of restored.keys()) if (!listed.has(p)) problems.push(`清单外的文件 not in the manifest: ${p}`);
  if (problems.length) throw new Error(`备份内容与清单不符 / the archive does not match its manifest:\n  ${problems.join('\n  ')}`);
}

async function* decrypt(archive: string, passphrase: string, header: Buffer, tag: Buffer, archiveBytes: number): AsyncGenerator<Buffer> {
  const decipher = startDecryption(passphrase, header, tag);
  for await (const chunk of createReadStream(archive, { start: HEADER_BYTES, end: archiveBytes - TAG_BYTES - 1 })) {
    const plain = decipher.update(chunk as Buffer);
    if (plain.length) yield plain;
  }
  let last: Buffer;
  try {
    last = decipher.final();
  } catch {
    throw new BackupCryptoError('tampered', TAMPERED_MESSAGE);
  }
  if (last.length) yield last;
}
