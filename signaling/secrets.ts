// Per-installation secrets, generated on first start into the (git-ignored) data folder.
// Never a fixed default: a fresh install gets fresh random keys.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const SecretsSchema = z.object({
  version: z.literal(1),
  sessionKey: z.string().min(43),
  tokenKey: z.string().min(43),
  createdAt: z.string(),
});
export type Secrets = z.infer<typeof SecretsSchema>;

export function loadOrCreateSecrets(dataDir: string): { secrets: Secrets; created: boolean } {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const parsed = SecretsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success)
      throw new Error(
        `${file} is corrupt (${parsed.error.issues[0]?.message}); restore it from backup or delete it to generate new keys (this logs everyone out and voids existing links).`,
      );
    return { secrets: parsed.data, created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: Secrets = {
    version: 1,
    sessionKey: randomBytes(32).toString('base64url'),
    tokenKey: randomBytes(32).toString('base64url'),
    createdAt: new Date().toISOString(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  return { secrets, created: true };
}
