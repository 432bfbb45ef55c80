// Seals personal data stored before encryption at rest (run on every start: values and files
// already sealed are skipped, so it is idempotent and cheap once done) and, for a key rotation,
// re-seals what an older key sealed (`npm run data-keys -- reseal`). Works on the stored bytes
// through the bare client, table by table in batches, each batch one transaction.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { BYTES_MAGIC, FieldCrypto } from './field-crypto.ts';
import { SEALED_MODELS } from './encrypted-fields.ts';

const BATCH = 200;

export interface SealReport {
  /** Column values sealed or re-sealed. */
  values: number;
  /** Blind indexes filled in. */
  indexes: number;
  files: number;
}

export interface SealOptions {
  /** Also re-seal values and files sealed with another key than the current one. */
  reseal?: boolean;
}

// `rowid AS _rowid`: on a table with an INTEGER PRIMARY KEY, SQLite names a bare rowid column after that key.
type Row = Record<string, unknown> & { _rowid: bigint | number };

const hexOf = (b: Buffer) => `x'${b.toString('hex')}'`;

/** SQL matching a column value that needs sealing (plaintext, or with reseal: another key). */
function needsSealing(column: string, kind: 'text' | 'bytes', crypto: FieldCrypto, reseal: boolean): string {
  const c = `"${column}"`;
  if (kind === 'text') return `(${c} IS NOT NULL AND ${c} NOT LIKE '${reseal ? `enc:v1:${crypto.currentKeyId}:` : 'enc:v1:'}%')`;
  const id = Buffer.from(crypto.currentKeyId, 'latin1');
  const header = reseal ? Buffer.concat([BYTES_MAGIC, Buffer.from([id.length]), id]) : BYTES_MAGIC;
  return `(${c} IS NOT NULL AND substr(${c}, 1, ${header.length}) <> ${hexOf(header)})`;
}

export async function sealStoredValues(db: PrismaClient, crypto: FieldCrypto, options: SealOptions = {}): Promise<Omit<SealReport, 'files'>> {
  const reseal = options.reseal ?? false;
  const report = { values: 0, indexes: 0 };
  for (const [model, rules] of Object.entries(SEALED_MODELS)) {
    const columns = [...(rules.text ?? []).map((c) => ({ c, kind: 'text' as const })), ...(rules.bytes ?? []).map((c) => ({ c, kind: 'bytes' as const }))];
    const blind = Object.entries(rules.blind ?? {});
    const conditions = [
      ...columns.map(({ c, kind }) => needsSealing(c, kind, crypto, reseal)),
      ...blind.map(([c, index]) => `("${c}" IS NOT NULL AND "${index}" IS NULL)`),
    ];
    const select = ['rowid AS _rowid', ...columns.map(({ c }) => `"${c}"`), ...blind.map(([, index]) => `"${index}"`)].join(', ');
    let after: bigint | number = 0;
    for (;;) {
      const rows: Row[] = await db.$queryRawUnsafe(
        `SELECT ${select} FROM "${model}" WHERE rowid > ? AND (${conditions.join(' OR ')}) ORDER BY rowid LIMIT ${BATCH}`,
        after,
      );
      if (rows.length === 0) break;
      await db.$transaction(async (tx) => {
        for (const row of rows) {
          const sets: string[] = [];
          const values: unknown[] = [];
          const set = (column: string, value: unknown) => {
            sets.push(`"${column}" = ?`);
            values.push(value);
          };
          const stale = (v: string | Uint8Array) => {
            const keyId = FieldCrypto.keyIdOf(v);
            return keyId === null || (reseal && keyId !== crypto.currentKeyId);
          };
          for (const { c, kind } of columns) {
            const v = row[c];
            if (v === null || v === undefined) continue;
            if (kind === 'bytes' && !(v instanceof Uint8Array)) throw new Error(`${model}.${c}: expected bytes`);
            if (typeof v !== 'string' && !(v instanceof Uint8Array)) throw new Error(`${model}.${c}: expected text`);
            if (!stale(v)) continue;
            set(c, typeof v === 'string' ? crypto.resealText(v) : crypto.resealBytes(v));
            report.values++;
          }
          for (const [c, index] of blind) {
            const v = row[c];
            if (typeof v !== 'string' || row[index] !== null) continue;
            set(index, crypto.blindIndex(`${model}.${c}`, crypto.openText(v)));
            report.indexes++;
          }
          if (sets.length) await tx.$executeRawUnsafe(`UPDATE "${model}" SET ${sets.join(', ')} WHERE rowid = ?`, ...values, row._rowid);
        }
      });
      const last = rows[rows.length - 1]!._rowid;
      if (typeof last !== 'bigint' && typeof last !== 'number') throw new Error(`${model}: no rowid in the sealing query`);
      after = last;
    }
  }
  return report;
}

/** Every file under the uploads folder (materials today), sealed in place: written beside it, then renamed over it. */
export function sealStoredFiles(uploadsDir: string, crypto: FieldCrypto, options: SealOptions = {}): number {
  if (!existsSync(uploadsDir)) return 0;
  let count = 0;
  for (const entry of readdirSync(uploadsDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.endsWith('.sealing')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = readFileSync(file);
    const keyId = FieldCrypto.keyIdOf(bytes);
    if (keyId !== null && (!options.reseal || keyId === crypto.currentKeyId)) continue;
    writeFileSync(`${file}.sealing`, crypto.resealBytes(bytes), { mode: 0o600 });
    renameSync(`${file}.sealing`, file);
    count++;
  }
  return count;
}

export async function sealStoredPersonalData(db: PrismaClient, uploadsDir: string, crypto: FieldCrypto, options: SealOptions = {}): Promise<SealReport> {
  // Freed space is zeroed, so an overwritten plaintext does not linger in a page's free area.
  await db.$queryRawUnsafe('PRAGMA secure_delete = ON');
  const values = await sealStoredValues(db, crypto, options);
  if (values.values > 0) await compact(db);
  return { ...values, files: sealStoredFiles(uploadsDir, crypto, options) };
}

/**
 * After sealing old plaintext, no copy of it may stay in the file: the WAL still holds the old page
 * versions and the main file old free pages. Checkpoint, rewrite the file (VACUUM), truncate the WAL.
 */
async function compact(db: PrismaClient): Promise<void> {
  await db.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)');
  await db.$executeRawUnsafe('VACUUM');
  await db.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)');
}
