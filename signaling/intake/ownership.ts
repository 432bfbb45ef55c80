// 首接负责: at every moment exactly one unit and one person are responsible for a matter. The
// responsibility changes hands only here, in the caller's transaction: the open interval is closed
// and the next one opened at the same instant, and the matter's owner columns follow. Nothing else
// writes ownerUnitId/ownerUserId or MatterOwnership.
import type { Tx } from '../db.ts';
import { DomainError } from '../errors.ts';

export type OwnershipReason = 'REGISTERED' | 'ACCEPTED' | 'ASSIGNED' | 'REASSIGNED' | 'RETURNED' | 'TRANSFERRED' | 'HANDED_OVER';

export interface Owner {
  unitId: string;
  userId: string;
}

/** The person must be active staff of the unit, or nobody could act on the matter. */
async function checkOwner(tx: Tx, owner: Owner): Promise<void> {
  const user = await tx.user.findUnique({ where: { id: owner.userId }, select: { orgId: true, active: true } });
  if (!user || !user.active || user.orgId !== owner.unitId) throw new DomainError('OWNER_NOT_IN_UNIT');
}

/** The first owner of a new matter (its row already created with the same owner columns). */
export async function openFirstOwnership(tx: Tx, matterId: string, owner: Owner, at: Date): Promise<void> {
  await checkOwner(tx, owner);
  await tx.matterOwnership.create({ data: { matterId, unitId: owner.unitId, userId: owner.userId, fromAt: at, reason: 'REGISTERED' } });
}

/** Hands the matter to `next`; a hand-over to the current owner is a no-op. */
export async function handOver(tx: Tx, matterId: string, next: Owner, reason: OwnershipReason, at: Date): Promise<void> {
  await checkOwner(tx, next);
  const open = await tx.matterOwnership.findMany({ where: { matterId, toAt: null } });
  if (open.length !== 1) throw new Error(`matter ${matterId} has ${open.length} open ownerships`);
  const current = open[0]!;
  if (current.unitId === next.unitId && current.userId === next.userId) return;
  // Conditional close: a concurrent hand-over that closed it first makes this one fail, not double-own.
  const closed = await tx.matterOwnership.updateMany({ where: { id: current.id, toAt: null }, data: { toAt: at } });
  if (closed.count !== 1) throw new DomainError('MATTER_CHANGED');
  await tx.matterOwnership.create({ data: { matterId, unitId: next.unitId, userId: next.userId, fromAt: at, reason } });
  await tx.matter.update({ where: { id: matterId }, data: { ownerUnitId: next.unitId, ownerUserId: next.userId } });
}

/** One hand-over of a new matter's first moments: to whom, and why (the first one: REGISTERED). */
export interface OwnerStep {
  owner: Owner;
  reason: OwnershipReason;
}

/**
 * The owner history of new matters handed on in the instant they were registered (a batch import:
 * the dispatcher registers, the unit accepts, its mediator is assigned), in one statement: the
 * intervals openFirstOwnership and then handOver, step by step, would write — a step to the one
 * already responsible changes nothing, as in handOver. Each matter row must already name the last
 * owner (lastOwner). Returns nothing; throws OWNER_NOT_IN_UNIT like them.
 */
export async function recordFirstOwners(tx: Tx, matters: readonly { matterId: string; steps: readonly OwnerStep[]; at: Date }[]): Promise<void> {
  const owners = new Map(matters.flatMap((m) => m.steps.map((s) => [`${s.owner.unitId} ${s.owner.userId}`, s.owner] as const)));
  for (const owner of owners.values()) await checkOwner(tx, owner);
  const rows = matters.flatMap(({ matterId, steps, at }) => {
    const intervals = handedOn(steps);
    return intervals.map((s, i) => ({
      matterId,
      unitId: s.owner.unitId,
      userId: s.owner.userId,
      fromAt: at,
      toAt: i < intervals.length - 1 ? at : null,
      reason: s.reason,
    }));
  });
  await tx.matterOwnership.createMany({ data: rows });
}

/** Who is responsible after the steps (what the matter row names). */
export function lastOwner(steps: readonly OwnerStep[]): Owner {
  return handedOn(steps).at(-1)!.owner;
}

/** The steps that change hands: the first, then each to someone else than the one before. */
function handedOn(steps: readonly OwnerStep[]): OwnerStep[] {
  if (steps[0]?.reason !== 'REGISTERED') throw new Error('a new matter’s owner history starts with its registration');
  return steps.filter((s, i) => i === 0 || s.owner.unitId !== steps[i - 1]!.owner.unitId || s.owner.userId !== steps[i - 1]!.owner.userId);
}

export interface OwnershipViolation {
  matterId: string;
  problem: string;
}

/**
 * Checks 首接负责 for one matter from its stored history: one open interval, naming the owner the
 * matter row names, and the closed ones contiguous (each starts when the one before it ended).
 */
export async function ownershipViolations(tx: Pick<Tx, 'matter' | 'matterOwnership'>, matterId: string): Promise<OwnershipViolation[]> {
  const matter = await tx.matter.findUniqueOrThrow({ where: { id: matterId }, select: { ownerUnitId: true, ownerUserId: true, createdAt: true } });
  const rows = await tx.matterOwnership.findMany({ where: { matterId }, orderBy: { id: 'asc' } });
  const problems: string[] = [];
  const open = rows.filter((r) => r.toAt === null);
  if (open.length !== 1) problems.push(`${open.length} open ownerships`);
  const last = rows.at(-1);
  if (last && last.toAt !== null) problems.push('the latest ownership is closed');
  if (last && (last.unitId !== matter.ownerUnitId || last.userId !== matter.ownerUserId)) problems.push('the matter names another owner than its history');
  for (let i = 1; i < rows.length; i++) {
    const before = rows[i - 1]!;
    if (before.toAt === null || before.toAt.getTime() !== rows[i]!.fromAt.getTime()) problems.push(`gap or overlap before ownership ${rows[i]!.id}`);
  }
  return problems.map((problem) => ({ matterId, problem }));
}
