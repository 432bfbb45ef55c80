// 结案抽样回访: when a case concludes, policy.sampleClosedPercent of cases are picked for a SAMPLED
// 回访 — deterministically, by a hash of the case id, so the same case is always in or out
// whichever node, retry or re-closing decides it, and the sample is unbiased by anything a person
// chose. Called by transitionCase in the transaction that concludes the case (so a rolled-back
// closing samples nothing); the task is opened once per case (openFollowUpTask's reason+source).
//
// The policy is the one the last start put in force (FollowUpPolicyInForce), read from the
// database like the deadline policy, because the transaction knows no data folder.
import { createHash } from 'node:crypto';
import type { Actor } from '../audit/log.ts';
import type { Tx } from '../db.ts';
import type { Db } from '../db.ts';
import type { CaseStatus } from '../domain/case-status.ts';
import { openFollowUpTask } from './follow-up-tasks.ts';
import { FollowUpPolicySchema, loadFollowUpPolicy, type FollowUpPolicy } from './policy.ts';

/** The moves that conclude a case: 调解不成, 撤回, the agreement signed, the court's confirmation. */
export const CLOSING_STATUSES: readonly CaseStatus[] = ['FAILED', 'WITHDRAWN', 'SIGNED', 'CONFIRMED'];

const POLICY_ROW = 1;

/** Whether the case is in the sample: its id's hash, in basis points, below the percentage. */
export function sampledForFollowUp(caseId: string, percent: number): boolean {
  const bucket = createHash('sha256').update(`followup-sample:${caseId}`).digest().readUInt32BE(0) % 10_000;
  return bucket < Math.round(percent * 100);
}

/** Every start: the policy read from the data folder is the one in force (idempotent). */
export async function installFollowUpPolicy(db: Db, policy: FollowUpPolicy, source: string): Promise<void> {
  const json = JSON.stringify(policy);
  await db.followUpPolicyInForce.upsert({ where: { id: POLICY_ROW }, create: { id: POLICY_ROW, policy: json, source }, update: { policy: json, source } });
}

/** The policy in force (the built-in one on a database no server has started on). */
export async function followUpPolicyInForce(tx: Pick<Tx, 'followUpPolicyInForce'>): Promise<FollowUpPolicy> {
  const row = await tx.followUpPolicyInForce.findUnique({ where: { id: POLICY_ROW } });
  return row ? FollowUpPolicySchema.parse(JSON.parse(row.policy)) : loadFollowUpPolicy(null);
}

const SAMPLING_ACTOR: Actor = { type: 'system', label: '系统（结案抽样回访）' };

/** After a case moved to `to` (in the mover's transaction): a concluded case in the sample gets its 回访. */
export async function sampleConcludedCase(tx: Tx, caseId: string, to: CaseStatus, at = new Date()): Promise<void> {
  if (!CLOSING_STATUSES.includes(to)) return;
  const policy = await followUpPolicyInForce(tx);
  if (!sampledForFollowUp(caseId, policy.sampleClosedPercent)) return;
  await openFollowUpTask(tx, { caseId, reason: 'SAMPLED', sourceId: caseId }, at, policy, SAMPLING_ACTOR);
}
