// Rotating the key of personal data at rest (README: 数据加密密钥的轮换):
//   1. `npm run data-keys -- rotate`: a new key becomes current in the secrets store; the old ones stay.
//   2. restart the server (every node): new values are sealed with the new key, old ones still open.
//   3. `npm run data-keys -- reseal`: everything an older key sealed is sealed again with the new one
//      (safe while the server runs: each value is rewritten in its own short transaction batch).
//   4. an old key may be dropped from the store only when no value and no backup you keep needs it.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config.ts';
import { openRawDb } from '../db.ts';
import { loadOrCreateSecrets, saveSecrets } from '../secrets.ts';
import { resolveDataKeys } from './data-keys.ts';
import { FieldCrypto, newKeyId } from './field-crypto.ts';
import { sealStoredPersonalData, type SealReport } from './seal-stored.ts';

/** Adds a new current key to the secrets store; returns its id. */
export function rotateDataKey(config: Pick<Config, 'dataDir' | 'dataKeysFile'>): string {
  if (config.dataKeysFile) throw new Error('DATA_KEYS_FILE is set: add the new key to that file (and make it current) yourself');
  const { secrets } = loadOrCreateSecrets(config.dataDir);
  const id = newKeyId();
  saveSecrets(config.dataDir, {
    ...secrets,
    dataKeys: { ...secrets.dataKeys, current: id, keys: { ...secrets.dataKeys.keys, [id]: randomBytes(32).toString('base64url') } },
  });
  return id;
}

/** Seals plaintext and re-seals values and files of older keys with the current key. */
export async function resealWithCurrentKey(config: Pick<Config, 'dataDir' | 'dataKeysFile' | 'databaseFile'>): Promise<SealReport & { keyId: string }> {
  const { secrets } = loadOrCreateSecrets(config.dataDir);
  const crypto = new FieldCrypto(resolveDataKeys(config, secrets));
  const db = openRawDb(config.databaseFile);
  try {
    const report = await sealStoredPersonalData(db, path.join(config.dataDir, 'uploads'), crypto, { reseal: true });
    return { ...report, keyId: crypto.currentKeyId };
  } finally {
    await db.$disconnect();
  }
}
