// Who sees what of 评价 and 回访: the centre's staff (its dispatchers, and administrators of the
// centre's own office) every unit of the centre; everyone else the unit they belong to. Ratings
// and tasks of a unit out of reach are refused as if they did not exist (CASE_NOT_FOUND,
// FOLLOW_UP_NOT_FOUND), so their existence does not leak. Parties never reach any of it: the
// routes are staff routes and the party API returns a party's own ratings only.
import type { StaffPrincipal } from '../context.ts';
import type { Tx } from '../db.ts';

export interface StaffReach {
  /** The whole centre (true) or one unit (false). */
  centreWide: boolean;
  unitIds: readonly string[];
  /** May record 回访, close and reopen (administrators supervise: they read). */
  mayWork: boolean;
}

export async function reachOf(db: Pick<Tx, 'organisation'>, staff: StaffPrincipal): Promise<StaffReach> {
  const own = await db.organisation.findUniqueOrThrow({ where: { id: staff.orgId }, select: { id: true, kind: true, centreId: true } });
  const centreWide = own.centreId !== null && (staff.role === 'DISPATCHER' || (staff.role === 'ADMIN' && own.kind === 'CENTRE_OFFICE'));
  const unitIds = centreWide ? (await db.organisation.findMany({ where: { centreId: own.centreId }, select: { id: true } })).map((u) => u.id) : [own.id];
  const mayWork = staff.role === 'DISPATCHER' || staff.role === 'UNIT_HEAD' || staff.role === 'MEDIATOR';
  return { centreWide, unitIds, mayWork };
}

export function reaches(reach: StaffReach, unitId: string): boolean {
  return reach.unitIds.includes(unitId);
}
