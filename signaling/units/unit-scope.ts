// An administrator manages every unit of its own centre (the 综治中心's 1+N units): this finds a
// unit it names, or refuses as if there were none (a unit of another centre does not leak).
import type { Tx } from '../db.ts';
import { DomainError } from '../errors.ts';

type Reader = Pick<Tx, 'organisation'>;

/** The unit, when it is the staff member's own or another unit of its centre; else null. */
export async function findUnitInCentreOf(db: Reader, staff: { orgId: string }, unitId: string) {
  const own = await db.organisation.findUniqueOrThrow({ where: { id: staff.orgId }, select: { id: true, centreId: true } });
  const unit = await db.organisation.findUnique({ where: { id: unitId } });
  return unit && (unit.id === own.id || (own.centreId !== null && unit.centreId === own.centreId)) ? unit : null;
}

export async function unitInCentreOf(db: Reader, staff: { orgId: string }, unitId: string) {
  const unit = await findUnitInCentreOf(db, staff, unitId);
  if (!unit) throw new DomainError('UNIT_NOT_FOUND');
  return unit;
}
