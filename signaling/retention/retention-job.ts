// Deletes what has outlived its retention period (policy.ts) and audits how much of each kind
// went, per case, with no content. One run is one SQLite write transaction (BEGIN IMMEDIATE):
// two nodes running it at once are serialised, and the second finds nothing left — a run that
// deletes nothing writes no audit row, so running it again is harmless. Material files are
// removed after the commit; a crash in between leaves only unreferenced files, which a later run
// removes once they are a day old (younger ones may belong to an upload still committing).
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { appendAudit } from '../audit/log.ts';
import type { Db, Tx } from '../db.ts';
import { CASE_STATUSES, isFinal } from '../domain/case-status.ts';
import type { RetentionKind, RetentionPolicy } from './policy.ts';

const DAY_MS = 24 * 3600_000;
/** Final statuses: nothing follows them but a 回访's reopening, so the case is closed. */
const CLOSED_STATUSES = CASE_STATUSES.filter(isFinal);

export type RetentionCounts = Record<RetentionKind, number>;
export interface RetentionResult {
  totals: RetentionCounts;
  perCase: Map<string, RetentionCounts>;
  orphanFilesRemoved: number;
}

const zero = (): RetentionCounts => ({ chat: 0, notepads: 0, signingCodes: 0, linkUses: 0, materials: 0 });
const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

export async function runRetention(db: Db, materialsDir: string, policy: RetentionPolicy, now: Date): Promise<RetentionResult> {
  const perCase = new Map<string, RetentionCounts>();
  const add = (caseId: string, kind: RetentionKind, n: number) => {
    if (n === 0) return;
    const counts = perCase.get(caseId) ?? zero();
    counts[kind] += n;
    perCase.set(caseId, counts);
  };
  const materialFiles: string[] = [];

  await db.$transaction(
    async (tx) => {
      const closedAt = await closingTimes(tx);
      const closedBefore = (days: number | null) => (days === null ? [] : [...closedAt].filter(([, at]) => at < before(now, days)).map(([id]) => id));

      for (const caseId of closedBefore(policy.chatDaysAfterClosing)) add(caseId, 'chat', (await tx.chatMessage.deleteMany({ where: { caseId } })).count);
      for (const caseId of closedBefore(policy.notepadsDaysAfterClosing))
        add(caseId, 'notepads', (await tx.caucusNotepad.deleteMany({ where: { caseId } })).count);
      const materialCases = closedBefore(policy.materialsDaysAfterClosing);
      if (materialCases.length > 0) {
        const rows = await tx.judicialMaterial.findMany({
          where: { application: { caseId: { in: materialCases } } },
          select: { id: true, application: { select: { caseId: true } } },
        });
        await tx.judicialMaterial.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
        for (const r of rows) {
          add(r.application.caseId, 'materials', 1);
          materialFiles.push(r.id);
        }
      }
      if (policy.signingCodeDays !== null) {
        const rows = await tx.signingCode.findMany({
          where: { createdAt: { lt: before(now, policy.signingCodeDays) } },
          select: { id: true, participantId: true, round: { select: { caseId: true } } },
        });
        await tx.signingCode.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
        // An agreement's code names its round; a 调解笔录's or 申请书's code goes by its signer's case.
        const signers = await tx.participant.findMany({
          where: { id: { in: rows.filter((r) => !r.round).map((r) => r.participantId) } },
          select: { id: true, caseId: true },
        });
        const caseOfSigner = new Map(signers.map((p) => [p.id, p.caseId]));
        for (const r of rows) {
          const caseId = r.round?.caseId ?? caseOfSigner.get(r.participantId);
          if (caseId) add(caseId, 'signingCodes', 1);
        }
      }
      if (policy.linkUseDays !== null) {
        const rows = await tx.invitationUse.findMany({
          where: { at: { lt: before(now, policy.linkUseDays) } },
          select: { id: true, invitation: { select: { caseId: true } } },
        });
        await tx.invitationUse.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
        for (const r of rows) add(r.invitation.caseId, 'linkUses', 1);
      }

      if (perCase.size === 0) return;
      const actor = { type: 'system' as const, label: '保存期限' };
      for (const [caseId, counts] of perCase) await appendAudit(tx, actor, caseId, { type: 'RETENTION_PURGED', data: { counts } });
      await appendAudit(tx, actor, null, { type: 'RETENTION_PURGED', data: { counts: sum(perCase), cases: perCase.size } });
    },
    { timeout: 60_000, maxWait: 60_000 },
  );

  for (const id of materialFiles) rmSync(path.join(materialsDir, id), { force: true });
  const orphanFilesRemoved = await removeOrphanFiles(db, materialsDir, now);
  return { totals: sum(perCase), perCase, orphanFilesRemoved };
}

/** When each closed case closed: its last status move (into the final status it is in). */
async function closingTimes(tx: Tx): Promise<Map<string, Date>> {
  const closed = await tx.case.findMany({ where: { status: { in: CLOSED_STATUSES } }, select: { id: true } });
  const out = new Map<string, Date>();
  if (closed.length === 0) return out;
  const moves = await tx.auditEntry.groupBy({
    by: ['caseId'],
    where: { type: 'CASE_TRANSITION', caseId: { in: closed.map((c) => c.id) } },
    _max: { at: true },
  });
  for (const m of moves) if (m.caseId && m._max.at) out.set(m.caseId, m._max.at);
  return out;
}

function sum(perCase: Map<string, RetentionCounts>): RetentionCounts {
  const total = zero();
  for (const counts of perCase.values()) for (const kind of Object.keys(total) as RetentionKind[]) total[kind] += counts[kind];
  return total;
}

async function removeOrphanFiles(db: Db, dir: string, now: Date): Promise<number> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0; // no uploads yet
  }
  const oldEnough = names.filter((n) => {
    // Only names the upload code gives (materials.ts: 16 random bytes in hex); anything else is left alone.
    if (!/^[0-9a-f]{32}$/.test(n)) return false;
    const mtime = statSync(path.join(dir, n), { throwIfNoEntry: false })?.mtime.getTime();
    return mtime !== undefined && mtime < now.getTime() - DAY_MS;
  });
  if (oldEnough.length === 0) return 0;
  const known = new Set((await db.judicialMaterial.findMany({ where: { id: { in: oldEnough } }, select: { id: true } })).map((r) => r.id));
  const orphans = oldEnough.filter((n) => !known.has(n));
  for (const n of orphans) rmSync(path.join(dir, n), { force: true });
  return orphans.length;
}
