// Who may see a matter: the dispatchers of its centre, the head of the unit responsible for it or
// asked to accept it, and its mediator. Anyone else is told it does not exist (MATTER_NOT_FOUND), so
// its existence does not leak. The grants (access/grants.ts, routing.*) decided the role before.
import type { StaffPrincipal } from '../context.ts';
import type { Tx } from '../db.ts';
import { DomainError } from '../errors.ts';

export type MatterRow = NonNullable<Awaited<ReturnType<Tx['matter']['findUnique']>>>;

export async function centreOf(tx: Pick<Tx, 'organisation'>, user: StaffPrincipal): Promise<string | null> {
  const unit = await tx.organisation.findUnique({ where: { id: user.orgId }, select: { centreId: true } });
  return unit?.centreId ?? null;
}

export function maySee(
  user: StaffPrincipal,
  userCentreId: string | null,
  m: Pick<MatterRow, 'centreId' | 'ownerUnitId' | 'ownerUserId' | 'pendingUnitId'>,
): boolean {
  switch (user.role) {
    case 'DISPATCHER':
      return userCentreId !== null && userCentreId === m.centreId;
    case 'UNIT_HEAD':
      return user.orgId === m.ownerUnitId || user.orgId === m.pendingUnitId || user.id === m.ownerUserId;
    case 'MEDIATOR':
      return user.id === m.ownerUserId;
    default:
      return false;
  }
}

export async function loadVisibleMatter(tx: Tx, user: StaffPrincipal, matterId: string): Promise<MatterRow> {
  const m = await tx.matter.findUnique({ where: { id: matterId } });
  if (!m || !maySee(user, await centreOf(tx, user), m)) throw new DomainError('MATTER_NOT_FOUND');
  return m;
}
