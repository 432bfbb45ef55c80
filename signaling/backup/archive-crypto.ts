// The encryption envelope of a backup archive: AES-256-GCM under a key derived with scrypt from
// the operator's passphrase. The fixed-size header (magic, scrypt cost, salt, IV and a key check)
// is authenticated as additional data; the 16-byte GCM tag closes the file. The key check (an
// HMAC under a second derived key) tells a wrong passphrase apart from a damaged or altered file.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  scryptSync,
  timingSafeEqual,
  type CipherGCM,
  type DecipherGCM,
} from 'node:crypto';

const MAGIC = Buffer.from('JIEFENBK', 'ascii');
const VERSION = 1;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const CHECK_BYTES = 16;
const HEADER_SUM_BYTES = 8;
export const TAG_BYTES = 16;
/** magic(8) version(1) log2N(1) r(1) p(1) salt(16) iv(12) check(16) sum(8): the sum tells a damaged header from a wrong passphrase. */
export const HEADER_BYTES = MAGIC.length + 4 + SALT_BYTES + IV_BYTES + CHECK_BYTES + HEADER_SUM_BYTES;
const headerSum = (fields: Buffer) => createHash('sha256').update(fields).digest().subarray(0, HEADER_SUM_BYTES);

/** scrypt cost: N = 2^15, r = 8 → 32 MiB and about 0.1 s per derivation. */
const DEFAULT_COST = { log2N: 15, r: 8, p: 1 };

export class BackupCryptoError extends Error {
  constructor(
    readonly kind: 'not-an-archive' | 'wrong-passphrase' | 'tampered',
    message: string,
  ) {
    super(message);
    this.name = 'BackupCryptoError';
  }
}

interface Keys {
  encryption: Buffer;
  check: Buffer;
}

function deriveKeys(passphrase: string, salt: Buffer, cost: { log2N: number; r: number; p: number }): Keys {
  const N = 2 ** cost.log2N;
  const material = scryptSync(passphrase.normalize('NFC'), salt, 64, { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 1024 * 1024 });
  const check = createHmac('sha256', material.subarray(32)).update('jiefen-backup-key-check').digest().subarray(0, CHECK_BYTES);
  return { encryption: material.subarray(0, 32), check };
}

/** A new header and the cipher that encrypts the archive body under it (the header is its AAD). */
export function startEncryption(passphrase: string): { header: Buffer; cipher: CipherGCM } {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const keys = deriveKeys(passphrase, salt, DEFAULT_COST);
  const fields = Buffer.concat([MAGIC, Buffer.from([VERSION, DEFAULT_COST.log2N, DEFAULT_COST.r, DEFAULT_COST.p]), salt, iv, keys.check]);
  const header = Buffer.concat([fields, headerSum(fields)]);
  const cipher = createCipheriv('aes-256-gcm', keys.encryption, iv);
  cipher.setAAD(header);
  return { header, cipher };
}

/**
 * The decipher for an archive with this header and final tag. Throws a BackupCryptoError for a
 * file that is no archive and for a wrong passphrase; a tampered body fails at `decipher.final()`.
 */
export function startDecryption(passphrase: string, header: Buffer, tag: Buffer): DecipherGCM {
  if (header.length !== HEADER_BYTES || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BackupCryptoError('not-an-archive', '这不是解纷备份文件（文件头不符）/ not a jiefen backup archive');
  }
  if (!headerSum(header.subarray(0, HEADER_BYTES - HEADER_SUM_BYTES)).equals(header.subarray(HEADER_BYTES - HEADER_SUM_BYTES))) {
    throw new BackupCryptoError('tampered', '备份文件头已损坏或被篡改 / archive header damaged or altered');
  }
  let at = MAGIC.length;
  const version = header[at++]!;
  if (version !== VERSION) throw new BackupCryptoError('not-an-archive', `不支持的备份格式版本 ${version} / unsupported archive version`);
  const cost = { log2N: header[at++]!, r: header[at++]!, p: header[at++]! };
  if (cost.log2N < 10 || cost.log2N > 22 || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) {
    throw new BackupCryptoError('tampered', '备份文件头已损坏或被篡改 / archive header damaged or altered');
  }
  const salt = header.subarray(at, (at += SALT_BYTES));
  const iv = header.subarray(at, (at += IV_BYTES));
  const check = header.subarray(at, (at += CHECK_BYTES));
  const keys = deriveKeys(passphrase, salt, cost);
  if (!timingSafeEqual(keys.check, check)) {
    throw new BackupCryptoError('wrong-passphrase', '备份口令不正确 / wrong backup passphrase');
  }
  const decipher = createDecipheriv('aes-256-gcm', keys.encryption, iv);
  decipher.setAAD(header);
  decipher.setAuthTag(tag);
  return decipher;
}

export const TAMPERED_MESSAGE = '备份文件已损坏或被篡改，认证失败，未恢复任何内容 / archive damaged or altered: authentication failed, nothing restored';
