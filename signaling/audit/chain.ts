// Pure hash-chain arithmetic for the audit log. Each entry's hash is SHA-256 over a
// canonical JSON array of its fields including the previous entry's hash, so editing,
// deleting or reordering any entry breaks every later link.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  seq: number;
  at: Date;
  caseId: string | null;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  type: string;
  data: string;
  prevHash: string;
}

export function entryHash(e: ChainedFields): string {
  const canonical = JSON.stringify(['jiefen-audit-v1', e.seq, e.at.toISOString(), e.caseId, e.actorType, e.actorId, e.actorLabel, e.type, e.data, e.prevHash]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  /** seq of the first entry that does not verify (or the head position when entries are missing at the end). */
  brokenAt?: number;
  reason?: string;
}

/** Folds entries (in seq order, in batches) through the chain checks. */
export class ChainVerifier {
  #expectedSeq = 1;
  #prevHash = GENESIS_HASH;
  #checked = 0;
  #failure: ChainVerdict | null = null;

  push(e: ChainedFields & { hash: string }): boolean {
    if (this.#failure) return false;
    const fail = (reason: string) => {
      this.#failure = { ok: false, checked: this.#checked, brokenAt: e.seq, reason };
      return false;
    };
    if (e.seq !== this.#expectedSeq) return fail(`第 ${this.#expectedSeq} 条记录缺失`);
    if (e.prevHash !== this.#prevHash) return fail(`第 ${e.seq} 条记录与前一条不衔接`);
    if (entryHash(e) !== e.hash) return fail(`第 ${e.seq} 条记录内容被修改`);
    this.#expectedSeq++;
    this.#prevHash = e.hash;
    this.#checked++;
    return true;
  }

  finish(head: { seq: number; hash: string } | null): ChainVerdict {
    if (this.#failure) return this.#failure;
    const lastSeq = this.#expectedSeq - 1;
    if (head === null) {
      return lastSeq === 0 ? { ok: true, checked: 0 } : { ok: false, checked: this.#checked, brokenAt: lastSeq, reason: '链头记录缺失' };
    }
    if (head.seq !== lastSeq || head.hash !== this.#prevHash) {
      return {
        ok: false,
        checked: this.#checked,
        brokenAt: Math.min(head.seq, lastSeq + 1),
        reason: `链头指向第 ${head.seq} 条，实际最后一条为第 ${lastSeq} 条`,
      };
    }
    return { ok: true, checked: this.#checked };
  }
}
