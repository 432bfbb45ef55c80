// Where the keys of personal data at rest come from: the secrets store in the data folder (made on
// first start, backed up with it), or a file supplied from outside (DATA_KEYS_FILE, e.g. a mounted
// secret in production), which then takes precedence.
import { readFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import { DataKeysSchema, type Secrets } from '../secrets.ts';
import type { DataKeys } from './field-crypto.ts';

export function resolveDataKeys(config: Pick<Config, 'dataKeysFile'>, secrets: Secrets): DataKeys {
  if (!config.dataKeysFile) return secrets.dataKeys;
  const parsed = DataKeysSchema.safeParse(JSON.parse(readFileSync(config.dataKeysFile, 'utf8')));
  if (!parsed.success) throw new Error(`DATA_KEYS_FILE ${config.dataKeysFile}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
