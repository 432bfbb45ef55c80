// 限时办结 as data: how long each stage of a matter may take, per dispute type, when the owner is
// reminded and when a late matter goes up to the centre. The built-in defaults are
// default-deadline-policy.json (each limit names its basis); a centre corrects them in
// data/deadline-policy.json or DEADLINE_POLICY_FILE. The file is validated at start (a bad one
// stops the start) and copied into the DeadlinePolicy table, which is what startStage reads — in
// the transaction that moves the matter, on whichever node.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Db, Tx } from '../db.ts';
import { DISPUTE_TYPE_KEYS } from '../domain/vocabulary.ts';
import type { TimedStage } from '../intake/stage-deadline.ts';

export const BUILT_IN_DEADLINE_POLICY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'default-deadline-policy.json');

// The timed stages (intake/stage-deadline.ts TIMED_STAGES), listed here too: stage-deadline.ts imports
// this module, and a value import back would be a cycle. The type check keeps the two lists equal.
const TIMED_STAGES = ['REGISTERED', 'ROUTED', 'ACCEPTED', 'ASSIGNED'] as const satisfies readonly TimedStage[];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameStages: Same<(typeof TIMED_STAGES)[number], TimedStage> = true;
void sameStages;

const Hours = z
  .number()
  .positive()
  .max(24 * 366);
const StageRule = z.object({
  hours: Hours,
  remindBeforeHours: z
    .number()
    .min(0)
    .max(24 * 366),
  basis: z.string().min(1),
});
const TypeStageRule = z.object({
  hours: Hours,
  remindBeforeHours: z
    .number()
    .min(0)
    .max(24 * 366)
    .optional(),
  basis: z.string().min(1),
});

export const DeadlinePolicyFile = z.object({
  $comment: z.string().optional(),
  stages: z.object(Object.fromEntries(TIMED_STAGES.map((s) => [s, StageRule])) as Record<TimedStage, typeof StageRule>).strict(),
  disputeTypes: z.partialRecord(z.enum(DISPUTE_TYPE_KEYS), z.partialRecord(z.enum(TIMED_STAGES), TypeStageRule)).default({}),
  /** 督办 goes to the unit head when the deadline passes, and to the centre this long after. */
  escalateToCentreAfterHours: z
    .number()
    .min(0)
    .max(24 * 366),
});
export type DeadlinePolicy = z.infer<typeof DeadlinePolicyFile>;

export interface StageTiming {
  hours: number;
  remindBeforeHours: number;
}

/** The limit and reminder lead for a stage of a matter of this dispute type. */
export function stageTiming(policy: DeadlinePolicy, stage: TimedStage, disputeType: string): StageTiming {
  const base = policy.stages[stage];
  const byType = (policy.disputeTypes as Partial<Record<string, Partial<Record<TimedStage, z.infer<typeof TypeStageRule>>>>>)[disputeType]?.[stage];
  const hours = byType?.hours ?? base.hours;
  // A reminder lead longer than the whole stage would remind at once: it is capped at half the stage.
  const remindBeforeHours = Math.min(byType?.remindBeforeHours ?? base.remindBeforeHours, hours / 2);
  return { hours, remindBeforeHours };
}

export function deadlinePolicyFile(dataDir: string, configured: string | undefined): string {
  if (configured) return path.resolve(configured);
  const own = path.join(dataDir, 'deadline-policy.json');
  return existsSync(own) ? own : BUILT_IN_DEADLINE_POLICY;
}

export function loadDeadlinePolicy(file: string): DeadlinePolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = DeadlinePolicyFile.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

let builtIn: DeadlinePolicy | null = null;
function builtInPolicy(): DeadlinePolicy {
  builtIn ??= loadDeadlinePolicy(BUILT_IN_DEADLINE_POLICY);
  return builtIn;
}

/** Every start: the policy in force for every centre is the file's (idempotent). */
export async function installDeadlinePolicy(db: Db, policy: DeadlinePolicy, source: string): Promise<void> {
  const json = JSON.stringify(policy);
  const centres = await db.centre.findMany({ select: { id: true } });
  for (const { id } of centres) {
    await db.deadlinePolicy.upsert({ where: { centreId: id }, create: { centreId: id, policy: json, source }, update: { policy: json, source } });
  }
}

/** The policy in force for a centre (the built-in one if none was installed, e.g. a bare test database). */
export async function policyOf(tx: Pick<Tx, 'deadlinePolicy'>, centreId: string): Promise<DeadlinePolicy> {
  const row = await tx.deadlinePolicy.findUnique({ where: { centreId } });
  return row ? DeadlinePolicyFile.parse(JSON.parse(row.policy)) : builtInPolicy();
}
