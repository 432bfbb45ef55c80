// Per-installation secrets, generated on first start into the (git-ignored) data folder.
// Never a fixed default: a fresh install gets fresh random keys.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { generateDataKeys, KEY_ID, type DataKeys } from './privacy/field-crypto.ts';

/** Keys of personal data at rest (signaling/privacy/field-crypto.ts); added to an older secrets file on start. */
export const DataKeysSchema = z.object({
  current: z.string().regex(KEY_ID),
  keys: z.record(z.string(), z.string().min(43)),
  blindIndexKey: z.string().min(43),
});

const SecretsSchema = z.object({
  version: z.literal(1),
  sessionKey: z.string().min(43),
  tokenKey: z.string().min(43),
  createdAt: z.string(),
  dataKeys: DataKeysSchema.optional(),
});
export type Secrets = z.infer<typeof SecretsSchema> & { dataKeys: DataKeys };

/** Rewrites the secrets file atomically (the old one stays whole if writing fails). */
export function saveSecrets(dataDir: string, secrets: Secrets): void {
  const file = path.join(dataDir, 'secrets.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/**
 * A store from before encryption at rest gets its data keys once, even when several nodes on one
 * data folder start at the same moment: one takes a lock file and writes, the others wait and read
 * its keys (two nodes with different keys would make one node's writes unreadable).
 */
function addDataKeysOnce(dataDir: string): Secrets {
  const file = path.join(dataDir, 'secrets.json');
  const lock = `${file}.upgrading`;
  const read = () => SecretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  for (let waited = 0; ; waited += 50) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (waited > 10_000) throw new Error(`${lock} is left over from an interrupted start: remove it if no other node is starting`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    const current = read();
    if (current.dataKeys) return { ...current, dataKeys: current.dataKeys };
    const upgraded = { ...current, dataKeys: generateDataKeys() };
    saveSecrets(dataDir, upgraded);
    return upgraded;
  } finally {
    rmSync(lock, { force: true });
  }
}

export function loadOrCreateSecrets(dataDir: string): { secrets: Secrets; created: boolean } {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const parsed = SecretsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success)
      throw new Error(
        `${file} is corrupt (${parsed.error.issues[0]?.message}); restore it from backup: it holds the keys of the encrypted personal data, which is unreadable without them (deleting it only helps on an empty installation).`,
      );
    const { dataKeys } = parsed.data;
    if (dataKeys) return { secrets: { ...parsed.data, dataKeys }, created: false };
    return { secrets: addDataKeysOnce(dataDir), created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: Secrets = {
    version: 1,
    sessionKey: randomBytes(32).toString('base64url'),
    tokenKey: randomBytes(32).toString('base64url'),
    createdAt: new Date().toISOString(),
    dataKeys: generateDataKeys(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  return { secrets, created: true };
}
