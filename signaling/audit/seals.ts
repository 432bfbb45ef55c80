// Seals of the audit chain head, kept outside the database. The chain (chain.ts) is plain SHA-256
// in the same SQLite file, so whoever can write that file can rewrite an entry and re-hash every
// later one consistently. A seal — head seq, head hash, row count, time — signed with the
// organisation's signing key (a file outside the database) and appended to data/audit-seals.jsonl
// pins the chain as it was: a rewrite of any sealed entry no longer matches the seal's head hash.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Db } from '../db.ts';
import type { ChainVerdict } from './chain.ts';
import type { SigningIdentity } from '../signing/org-identity.ts';

export const AUDIT_SEALS_FILE = 'audit-seals.jsonl';

const SealSchema = z.object({
  v: z.literal(1),
  seq: z.number().int().min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  rows: z.number().int().min(1),
  at: z.string(),
  keyId: z.string(),
  sig: z.string(),
});
export type AuditSeal = z.infer<typeof SealSchema>;

/** Signs and checks seals. keyId names the key (SHA-256 of the signing certificate, 16 hex digits). */
export interface SealKey {
  keyId: string;
  sign(payload: Buffer): string;
  verify(payload: Buffer, signature: string): boolean;
}

export function sealKeyFromIdentity(identity: SigningIdentity): SealKey {
  const privateKey: KeyObject = identity.key;
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: createHash('sha256').update(identity.chain[0]!).digest('hex').slice(0, 16),
    sign: (payload) => sign('sha256', payload, privateKey).toString('base64'),
    verify: (payload, signature) => verify('sha256', payload, publicKey, Buffer.from(signature, 'base64')),
  };
}

const sealPayload = (s: Omit<AuditSeal, 'sig'>) => Buffer.from(JSON.stringify(['jiefen-audit-seal-v1', s.seq, s.hash, s.rows, s.at, s.keyId]), 'utf8');

export interface SealVerdict {
  ok: boolean;
  /** How many seals were checked. */
  seals: number;
  /** The newest seal that matches the chain. */
  lastGood: { seq: number; at: string } | null;
  /** Entries after the newest seal, not protected by a seal yet. */
  unsealedAfter: number | null;
  /** Where the chain stops matching: the first seal it contradicts. */
  brokenAt?: { seq: number; sealedAt: string; afterSeq: number };
  reason?: string;
}

export class AuditSealer {
  readonly file: string;

  constructor(
    private readonly db: Db,
    dataDir: string,
    private readonly key: SealKey,
  ) {
    this.file = path.join(dataDir, AUDIT_SEALS_FILE);
  }

  /** Seals the current head (nothing new when the newest seal already covers it). */
  async seal(now: Date = new Date()): Promise<{ sealed: boolean; seal: AuditSeal | null }> {
    const [head, rows] = await this.db.$transaction([this.db.auditHead.findUnique({ where: { id: 1 } }), this.db.auditEntry.count()]);
    if (!head) return { sealed: false, seal: null };
    const last = this.readSeals().seals.at(-1);
    if (last && last.seq === head.seq && last.hash === head.hash) return { sealed: false, seal: last };
    const unsigned = { v: 1 as const, seq: head.seq, hash: head.hash, rows, at: now.toISOString(), keyId: this.key.keyId };
    const seal: AuditSeal = { ...unsigned, sig: this.key.sign(sealPayload(unsigned)) };
    const handle = await open(this.file, 'a', 0o600);
    try {
      await handle.write(`${JSON.stringify(seal)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { sealed: true, seal };
  }

  readSeals(): { seals: AuditSeal[]; malformedLines: number[] } {
    if (!existsSync(this.file)) return { seals: [], malformedLines: [] };
    const seals: AuditSeal[] = [];
    const malformedLines: number[] = [];
    readFileSync(this.file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        try {
          seals.push(SealSchema.parse(JSON.parse(line)));
        } catch {
          malformedLines.push(i + 1);
        }
      });
    return { seals, malformedLines };
  }

  /**
   * Checks the chain in the database against its seals: a seal holds when its signature is valid,
   * its entry still has the sealed hash and the rows up to it are all there. Any rewrite of a sealed
   * entry changes every later hash, so the newest seal alone tells whether the sealed part is intact;
   * when it does not hold, a binary search over the older seals finds the first one that fails
   * (O(log n) checks, so the case page can run this on every view).
   */
  async verify(): Promise<SealVerdict> {
    const { seals: unordered, malformedLines } = this.readSeals();
    const seals = [...unordered].sort((a, b) => a.seq - b.seq);
    if (malformedLines.length) {
      return { ok: false, seals: seals.length, lastGood: null, unsealedAfter: null, reason: `封印文件第 ${malformedLines.join('、')} 行无法解析` };
    }
    const head = await this.db.auditHead.findUnique({ where: { id: 1 } });
    const newest = seals.at(-1);
    if (!newest || (await this.#problem(newest)) === null) {
      const lastGood = newest ? { seq: newest.seq, at: newest.at } : null;
      const unsealedAfter = head && head.seq > (lastGood?.seq ?? 0) ? (lastGood?.seq ?? 0) : null;
      return { ok: true, seals: seals.length, lastGood, unsealedAfter };
    }
    // seals[hi] fails; every seal before lo holds.
    let lo = 0;
    let hi = seals.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((await this.#problem(seals[mid]!)) === null) lo = mid + 1;
      else hi = mid;
    }
    const good = lo > 0 ? seals[lo - 1]! : null;
    const lastGood = good ? { seq: good.seq, at: good.at } : null;
    const first = seals[lo]!;
    const reason = (await this.#problem(first, lastGood?.seq ?? 0)) ?? '';
    return {
      ok: false,
      seals: seals.length,
      lastGood,
      unsealedAfter: null,
      brokenAt: { seq: first.seq, sealedAt: first.at, afterSeq: lastGood?.seq ?? 0 },
      reason,
    };
  }

  /** Why a seal does not hold (null: it holds). */
  async #problem(seal: AuditSeal, lastGoodSeq = 0): Promise<string | null> {
    if (seal.keyId !== this.key.keyId) return `第 ${seal.seq} 条的封印由另一密钥（${seal.keyId}）签署，无法核验`;
    const { sig, ...unsigned } = seal;
    if (!this.key.verify(sealPayload(unsigned), sig)) return `第 ${seal.seq} 条的封印签名无效（封印文件被改动）`;
    const entry = await this.db.auditEntry.findUnique({ where: { seq: seal.seq }, select: { hash: true } });
    if (!entry) return `已封印的第 ${seal.seq} 条记录不存在（日志被截断或删除）`;
    if (entry.hash !== seal.hash) return `第 ${seal.seq} 条与 ${seal.at} 的封印不符：第 ${lastGoodSeq + 1}–${seal.seq} 条之间的记录被改写`;
    const rows = await this.db.auditEntry.count({ where: { seq: { lte: seal.seq } } });
    if (rows !== seal.rows) return `封印时有 ${seal.rows} 条记录，现在第 ${seal.seq} 条及之前只有 ${rows} 条`;
    return null;
  }
}

/** The chain verdict as the case page shows it: a chain that contradicts its seals is broken from the first unsealed-by-a-good-seal entry on. */
export function withSeals(chain: ChainVerdict, seals: SealVerdict): ChainVerdict {
  if (!chain.ok || seals.ok) return chain;
  return { ok: false, checked: chain.checked, brokenAt: (seals.brokenAt?.afterSeq ?? 0) + 1, reason: `与封印不符：${seals.reason ?? ''}` };
}
