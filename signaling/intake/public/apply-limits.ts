// Rate limits of the public form, counted in the database so they hold across restarts and nodes:
// each counted act leaves a row with a keyed hash of the phone or address and a time — never the
// number or the address itself. Rows older than two days are pruned as new ones are written.
import type { Db, Tx } from '../../db.ts';
import { hashSecret } from '../../auth/link-tokens.ts';

export type HitKind = 'CODE_PHONE' | 'CODE_ADDRESS' | 'APPLY_PHONE' | 'APPLY_ADDRESS';

export const HOUR_MS = 3600_000;
const KEEP_MS = 48 * HOUR_MS;

export const hitKey = (tokenKey: string, kind: HitKind, value: string) => hashSecret(tokenKey, `apply-hit:${kind}:${value}`);

export async function hitsSince(db: Db | Tx, kind: HitKind, keyHash: string, since: Date): Promise<number> {
  return db.applyHit.count({ where: { kind, keyHash, at: { gte: since } } });
}

export async function recordHits(tx: Tx, hits: Array<{ kind: HitKind; keyHash: string }>, at: Date): Promise<void> {
  await tx.applyHit.createMany({ data: hits.map((h) => ({ ...h, at })) });
  await tx.applyHit.deleteMany({ where: { at: { lt: new Date(at.getTime() - KEEP_MS) } } });
}
