// `npm run backup -- <file>` and `npm run restore -- <file> [--data-dir <folder>]`.
// The data folder is JIEFEN_DATA_DIR (default ./data). The passphrase comes from
// JIEFEN_BACKUP_PASSPHRASE or from the file JIEFEN_BACKUP_PASSPHRASE_FILE; there is no default.
// Exit code 0 = done, 1 = refused or failed (nothing half-written is left), 2 = usage.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { BackupCryptoError } from './archive-crypto.ts';
import { createBackup } from './backup.ts';
import { restoreBackup } from './restore.ts';

const MIN_PASSPHRASE = 12;

export function backupPassphrase(env: NodeJS.ProcessEnv): string {
  const file = env.JIEFEN_BACKUP_PASSPHRASE_FILE;
  const passphrase = file ? readFileSync(file, 'utf8').replace(/\r?\n$/, '') : env.JIEFEN_BACKUP_PASSPHRASE;
  if (!passphrase) {
    throw new Error(
      '未提供备份口令：请设置 JIEFEN_BACKUP_PASSPHRASE 或 JIEFEN_BACKUP_PASSPHRASE_FILE / no backup passphrase given (JIEFEN_BACKUP_PASSPHRASE or JIEFEN_BACKUP_PASSPHRASE_FILE)',
    );
  }
  if (passphrase.length < MIN_PASSPHRASE)
    throw new Error(`备份口令至少 ${MIN_PASSPHRASE} 个字符 / the backup passphrase needs at least ${MIN_PASSPHRASE} characters`);
  return passphrase;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { 'data-dir': { type: 'string' } } });
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  // `npm run` starts in the package folder: paths are the operator's, relative to where they typed the command.
  const fromCaller = (p: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
  const [archiveArg] = parsed.positionals;
  const archive = archiveArg ? fromCaller(archiveArg) : undefined;
  const dataDirArg = parsed.values['data-dir'];
  if ((command !== 'backup' && command !== 'restore') || !archive || parsed.positionals.length > 1) {
    console.error('用法 usage: npm run backup -- <备份文件>   |   npm run restore -- <备份文件> [--data-dir <空的数据目录>]');
    return 2;
  }
  try {
    const config = loadConfig(dataDirArg ? { ...process.env, JIEFEN_DATA_DIR: fromCaller(dataDirArg) } : process.env);
    const passphrase = backupPassphrase(process.env);
    if (command === 'backup') {
      const inside = (file: string) => path.resolve(file).startsWith(config.dataDir + path.sep);
      const externalFiles = [
        ...(config.signing.keyFile && !inside(config.signing.keyFile) ? [{ archivePath: 'external/signing-key.pem', file: config.signing.keyFile }] : []),
        ...(config.signing.certFile && !inside(config.signing.certFile) ? [{ archivePath: 'external/signing-chain.pem', file: config.signing.certFile }] : []),
        // Each court's own keys (COURT_KEYS_DIR): one PEM pair per court code.
        ...(config.courtKeysDir && !inside(config.courtKeysDir) && existsSync(config.courtKeysDir)
          ? readdirSync(config.courtKeysDir)
              .filter((f) => f.endsWith('.pem'))
              .map((f) => ({ archivePath: `external/court-keys/${f}`, file: path.join(config.courtKeysDir!, f) }))
          : []),
        // Without the data keys nothing personal in the archive could be read again.
        ...(config.dataKeysFile && !inside(config.dataKeysFile) ? [{ archivePath: 'external/data-keys.json', file: config.dataKeysFile }] : []),
      ];
      const s = await createBackup({ dataDir: config.dataDir, archive, passphrase, externalFiles });
      console.log(
        `备份完成 backup written: ${path.resolve(archive)}\n  ${s.files} 个文件 files, ${s.bytes} 字节 bytes → ${s.archiveBytes} 字节（已加密 encrypted）, ${s.ms} ms\n  审计链头 audit head: ${s.auditHead ? `#${s.auditHead.seq} ${s.auditHead.hash}` : '无 none'}`,
      );
    } else {
      const s = await restoreBackup({ archive, dataDir: config.dataDir, passphrase });
      console.log(
        `恢复完成 restored into ${config.dataDir}\n  备份时间 taken at ${s.createdAt}; ${s.files} 个文件 files, ${s.bytes} 字节 bytes, 摘要全部核对一致 every SHA-256 checked, ${s.ms} ms\n  审计链头 audit head: ${s.auditHead ? `#${s.auditHead.seq} ${s.auditHead.hash}` : '无 none'}`,
      );
      if (s.external.length) {
        console.log(
          `  数据目录外的签名密钥/证书/数据密钥已恢复到 keys and certificates from outside the data folder restored to:\n    ${s.external.join('\n    ')}`,
        );
        console.log('  请将 SIGNING_KEY_FILE / SIGNING_CERT_FILE / COURT_KEYS_DIR / DATA_KEYS_FILE 指向它们（或移回原位置）/ point those settings at them');
      }
    }
    return 0;
  } catch (err) {
    const message = err instanceof BackupCryptoError || err instanceof Error ? err.message : String(err);
    console.error(`${command === 'backup' ? '备份失败 backup failed' : '恢复失败 restore refused'}: ${message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
