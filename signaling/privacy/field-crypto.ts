// Encryption at rest of personal data (AES-256-GCM) and keyed blind indexes (HMAC-SHA256).
// Every sealed value names the key it was sealed with, so keys can rotate: new values use the
// current key, old ones still open with theirs (signaling/privacy/README.md: rotation).
//   text:  enc:v1:<keyId>:<iv>:<ciphertext+tag>   (base64url parts)
//   bytes: MAGIC, keyId length (1 byte), keyId (ASCII), iv (12), ciphertext, tag (16)
// The key id and the format are authenticated too (additional data), so a value cannot be moved
// to another key id or format unnoticed.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export interface DataKeys {
  /** The key new values are sealed with. */
  current: string;
  /** Every key id → 32 random bytes (base64url). Old keys stay until nothing is sealed with them. */
  keys: Record<string, string>;
  /** HMAC key of the blind indexes (never used for encryption). */
  blindIndexKey: string;
}

export const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const TEXT_PREFIX = 'enc:v1:';
/** Starts every sealed file and column value; no PNG, JPEG, PDF or Yjs update starts with it. */
export const BYTES_MAGIC = Buffer.from('\u0000JFENC1\u0000', 'latin1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DataKeyError extends Error {
  override name = 'DataKeyError';
}

export function generateDataKeys(keyId = newKeyId()): DataKeys {
  return { current: keyId, keys: { [keyId]: randomBytes(32).toString('base64url') }, blindIndexKey: randomBytes(32).toString('base64url') };
}

/** A key id from the date and a random suffix, e.g. k20261224-3f9a. */
export function newKeyId(now = new Date()): string {
  return `k${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(2).toString('hex')}`;
}

export class FieldCrypto {
  readonly #keys = new Map<string, Buffer>();
  readonly #blindKey: Buffer;
  readonly currentKeyId: string;

  /** `dataKeys` is handed on to the draft writer thread's own database client. */
  constructor(readonly dataKeys: DataKeys) {
    const keys = dataKeys;
    for (const [id, b64] of Object.entries(keys.keys)) {
      const key = Buffer.from(b64, 'base64url');
      if (!KEY_ID.test(id) || key.length !== 32) throw new DataKeyError(`data key ${id}: needs an id of letters, digits, - or _ and 32 bytes`);
      this.#keys.set(id, key);
    }
    if (!this.#keys.has(keys.current)) throw new DataKeyError(`the current data key ${keys.current} is not among the keys`);
    this.#blindKey = Buffer.from(keys.blindIndexKey, 'base64url');
    if (this.#blindKey.length < 32) throw new DataKeyError('the blind index key needs 32 bytes');
    this.currentKeyId = keys.current;
  }

  static isSealedText(value: string): boolean {
    return value.startsWith(TEXT_PREFIX);
  }

  static isSealedBytes(value: Uint8Array): boolean {
    return value.length >= BYTES_MAGIC.length && BYTES_MAGIC.equals(Buffer.from(value.buffer, value.byteOffset, BYTES_MAGIC.length));
  }

  /** The key id a sealed value names, or null for plaintext. */
  static keyIdOf(value: string | Uint8Array): string | null {
    if (typeof value === 'string') return FieldCrypto.isSealedText(value) ? (value.slice(TEXT_PREFIX.length).split(':')[0] ?? null) : null;
    if (!FieldCrypto.isSealedBytes(value)) return null;
    const len = value[BYTES_MAGIC.length]!;
    return Buffer.from(value.subarray(BYTES_MAGIC.length + 1, BYTES_MAGIC.length + 1 + len)).toString('latin1');
  }

  sealText(plain: string): string {
    if (FieldCrypto.isSealedText(plain)) return plain;
    const keyId = this.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key(keyId), iv).setAAD(Buffer.from(`${TEXT_PREFIX}${keyId}`));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${TEXT_PREFIX}${keyId}:${iv.toString('base64url')}:${body.toString('base64url')}`;
  }

  /** Plaintext for a sealed value; a value that is not sealed (not yet migrated) as it is. */
  openText(value: string): string {
    if (!FieldCrypto.isSealedText(value)) return value;
    const [keyId, ivPart, bodyPart, ...rest] = value.slice(TEXT_PREFIX.length).split(':');
    if (!keyId || !ivPart || !bodyPart || rest.length) throw new DataKeyError('a sealed value is malformed');
    const body = Buffer.from(bodyPart, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#key(keyId), Buffer.from(ivPart, 'base64url')).setAAD(Buffer.from(`${TEXT_PREFIX}${keyId}`));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  sealBytes(plain: Uint8Array): Uint8Array<ArrayBuffer> {
    if (FieldCrypto.isSealedBytes(plain)) return new Uint8Array(plain);
    const keyId = Buffer.from(this.currentKeyId, 'latin1');
    const header = Buffer.concat([BYTES_MAGIC, Buffer.from([keyId.length]), keyId]);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key(this.currentKeyId), iv).setAAD(header);
    return new Uint8Array(Buffer.concat([header, iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]));
  }

  openBytes(value: Uint8Array): Uint8Array<ArrayBuffer> {
    if (!FieldCrypto.isSealedBytes(value)) return new Uint8Array(value);
    const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const idLen = buf[BYTES_MAGIC.length]!;
    const headerEnd = BYTES_MAGIC.length + 1 + idLen;
    if (buf.length < headerEnd + IV_BYTES + TAG_BYTES) throw new DataKeyError('a sealed value is malformed');
    const keyId = buf.subarray(BYTES_MAGIC.length + 1, headerEnd).toString('latin1');
    const iv = buf.subarray(headerEnd, headerEnd + IV_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key(keyId), iv).setAAD(buf.subarray(0, headerEnd));
    decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
    return new Uint8Array(Buffer.concat([decipher.update(buf.subarray(headerEnd + IV_BYTES, buf.length - TAG_BYTES)), decipher.final()]));
  }

  /** Re-seals a value under the current key (rotation); plaintext is sealed. */
  resealText(value: string): string {
    return this.sealText(this.openText(value));
  }

  resealBytes(value: Uint8Array): Uint8Array<ArrayBuffer> {
    return this.sealBytes(this.openBytes(value));
  }

  /**
   * A keyed, deterministic index of a value for lookups by equality (same value → same index),
   * which reveals nothing without the key. `kind` separates columns: the same phone in two
   * columns gets two unrelated indexes.
   */
  blindIndex(kind: string, value: string): string {
    return createHmac('sha256', this.#blindKey).update(`${kind}\u0000${value}`).digest('base64url');
  }

  #key(keyId: string): Buffer {
    const key = this.#keys.get(keyId);
    if (!key) throw new DataKeyError(`data key ${keyId} is not in the secrets store: restore it (see README: 数据加密密钥)`);
    return key;
  }
}
