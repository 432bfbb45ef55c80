// Appends to and verifies the hash-chained audit log. Appends run inside the caller's
// transaction so a state change and its audit row commit (or roll back) together.
import type { Db, Tx } from '../db.ts';
import { ChainVerifier, entryHash, GENESIS_HASH, type ChainVerdict } from './chain.ts';
import { AuditEventSchema, summarizeAuditEvent, type AuditEvent } from './events.ts';

export type Actor =
  | { type: 'user'; id: string; label: string }
  | { type: 'party'; id: string; label: string }
  | { type: 'system'; label?: string }
  | { type: 'anonymous'; label?: string };

const HEAD_ID = 1;

export async function appendAudit(tx: Tx, actor: Actor, caseId: string | null, event: AuditEvent): Promise<{ seq: number; hash: string }> {
  const parsed = AuditEventSchema.parse(event);
  const head = await tx.auditHead.findUnique({ where: { id: HEAD_ID } });
  const entry = chainedEntry(head, actor, caseId, parsed);
  await tx.auditEntry.create({ data: entry });
  await moveHead(tx, entry);
  return { seq: entry.seq, hash: entry.hash };
}

/** The next entry after `head` (null: the first one), with its hash. */
function chainedEntry(head: { seq: number; hash: string } | null, actor: Actor, caseId: string | null, event: AuditEvent) {
  const fields = {
    seq: (head?.seq ?? 0) + 1,
    at: new Date(),
    caseId,
    actorType: actor.type,
    actorId: 'id' in actor ? actor.id : null,
    actorLabel: actor.label ?? (actor.type === 'system' ? '系统' : '匿名访问'),
    type: event.type,
    data: JSON.stringify(event.data),
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  return { ...fields, hash: entryHash(fields) };
}

async function moveHead(tx: Tx, last: { seq: number; hash: string }): Promise<void> {
  await tx.auditHead.upsert({ where: { id: HEAD_ID }, create: { id: HEAD_ID, seq: last.seq, hash: last.hash }, update: { seq: last.seq, hash: last.hash } });
}

/**
 * The audit entries of a batch (an import of hundreds of cases), collected while it is prepared and
 * appended together: one read of the chain head, one insert, one move of the head. Each case's
 * entries keep the order they were added in and the cases follow in the order first seen — the
 * order appending them case by case, one at a time, would have given.
 */
export class AuditBatch {
  readonly #byCase = new Map<string | null, { actor: Actor; event: AuditEvent }[]>();

  /** Checked now, so a bad event stops the batch before anything is written. */
  add(actor: Actor, caseId: string | null, event: AuditEvent): void {
    const parsed = AuditEventSchema.parse(event);
    const entries = this.#byCase.get(caseId) ?? [];
    entries.push({ actor, event: parsed });
    this.#byCase.set(caseId, entries);
  }

  /** Appends everything added, in the caller's transaction, and empties the batch. */
  async append(tx: Tx): Promise<void> {
    const pending = [...this.#byCase.entries()].flatMap(([caseId, entries]) => entries.map((e) => ({ caseId, ...e })));
    this.#byCase.clear();
    if (pending.length === 0) return;
    let head: { seq: number; hash: string } | null = await tx.auditHead.findUnique({ where: { id: HEAD_ID } });
    const rows = pending.map(({ actor, caseId, event }) => (head = chainedEntry(head, actor, caseId, event)));
    await tx.auditEntry.createMany({ data: rows });
    await moveHead(tx, rows.at(-1)!);
  }
}

/** Records an event on its own (for events with no other state change, e.g. a rejected link). */
export async function recordAudit(db: Db, actor: Actor, caseId: string | null, event: AuditEvent): Promise<void> {
  await db.$transaction((tx) => appendAudit(tx, actor, caseId, event));
}

const BATCH = 500;

export async function verifyAuditChain(db: Db): Promise<ChainVerdict> {
  const verifier = new ChainVerifier();
  let after = 0;
  for (;;) {
    const rows = await db.auditEntry.findMany({ where: { seq: { gt: after } }, orderBy: { seq: 'asc' }, take: BATCH });
    for (const row of rows) if (!verifier.push(row)) return verifier.finish(null);
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.seq;
  }
  const head = await db.auditHead.findUnique({ where: { id: HEAD_ID } });
  return verifier.finish(head ? { seq: head.seq, hash: head.hash } : null);
}

export interface AuditView {
  seq: number;
  at: string;
  type: string;
  actorLabel: string;
  summary: string;
}

export async function listCaseAudit(db: Db, caseId: string): Promise<AuditView[]> {
  const rows = await db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
  return rows.map((row) => {
    const parsed = AuditEventSchema.safeParse({ type: row.type, data: parseJsonOrNull(row.data) });
    return {
      seq: row.seq,
      at: row.at.toISOString(),
      type: row.type,
      actorLabel: row.actorLabel,
      summary: parsed.success ? summarizeAuditEvent(parsed.data) : `无法解析的记录（${row.type}）`,
    };
  });
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
