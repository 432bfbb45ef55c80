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
  const fields = {
    seq: (head?.seq ?? 0) + 1,
    at: new Date(),
    caseId,
    actorType: actor.type,
    actorId: 'id' in actor ? actor.id : null,
    actorLabel: actor.label ?? (actor.type === 'system' ? '系统' : '匿名访问'),
    type: parsed.type,
    data: JSON.stringify(parsed.data),
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  const hash = entryHash(fields);
  await tx.auditEntry.create({ data: { ...fields, hash } });
  await tx.auditHead.upsert({ where: { id: HEAD_ID }, create: { id: HEAD_ID, seq: fields.seq, hash }, update: { seq: fields.seq, hash } });
  return { seq: fields.seq, hash };
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
