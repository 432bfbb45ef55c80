// Co-mediators (协办调解员): mediators assigned to help with one case — in the room, the caucuses
// and the draft. 联合调解 (#15 item 5): they may come from any active unit of the centre (a
// community committee's case with staff of the 司法所 and the 派出所), each shown with its unit.
// The responsible mediator (首接负责) or an administrator assigns them; each change is audited in
// the same transaction, and an invitation is a step of the case's registered matter, if it has one.
import { appendAudit } from '../audit/log.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import type { Tx } from '../db.ts';
import { DomainError } from '../errors.ts';
import { staffActor } from '../audit/actors.ts';
import { recordMatterEvent } from '../intake/matter-events.ts';

/** Roles that mediate, and so may help with another unit's case. */
const CO_MEDIATOR_ROLES = ['MEDIATOR', 'UNIT_HEAD'];

/** The units whose staff may help with a case of `orgId`: its centre's active units (or the unit alone, before the centre exists). */
async function jointUnitIds(tx: Pick<Tx, 'organisation'>, orgId: string): Promise<string[]> {
  const unit = await tx.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { centreId: true } });
  if (!unit.centreId) return [orgId];
  const units = await tx.organisation.findMany({ where: { centreId: unit.centreId, OR: [{ active: true }, { id: orgId }] }, select: { id: true } });
  return units.map((u) => u.id);
}

export class CoMediatorService {
  constructor(private readonly ctx: AppContext) {}

  /** Mediators of the centre's units who could be assigned (active, not already on the case): the case's own unit first. */
  async candidates(caseId: string) {
    const c = await this.ctx.db.case.findUniqueOrThrow({
      where: { id: caseId },
      select: { orgId: true, mediatorId: true, coMediators: { select: { userId: true } } },
    });
    const taken = new Set([c.mediatorId, ...c.coMediators.map((m) => m.userId)]);
    const staff = await this.ctx.db.user.findMany({
      where: { orgId: { in: await jointUnitIds(this.ctx.db, c.orgId) }, role: { in: CO_MEDIATOR_ROLES }, active: true },
      orderBy: { displayName: 'asc' },
      select: { id: true, displayName: true, username: true, org: { select: { id: true, name: true } } },
    });
    return staff
      .filter((m) => !taken.has(m.id))
      .sort((a, b) => Number(b.org.id === c.orgId) - Number(a.org.id === c.orgId))
      .map((m) => ({ id: m.id, displayName: m.displayName, unitId: m.org.id, unitName: m.org.name }));
  }

  async assign(by: StaffPrincipal, caseId: string, userId: string, at: Date = new Date()) {
    return this.ctx.db.$transaction(async (tx) => {
      const c = await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { orgId: true, mediatorId: true } });
      const user = await tx.user.findUnique({ where: { id: userId }, include: { org: { select: { id: true, name: true } } } });
      const units = await jointUnitIds(tx, c.orgId);
      if (!user || !units.includes(user.orgId) || !CO_MEDIATOR_ROLES.includes(user.role) || !user.active) throw new DomainError('NOT_A_COLLEAGUE');
      if (c.mediatorId === userId || (await tx.caseCoMediator.findUnique({ where: { caseId_userId: { caseId, userId } } })))
        throw new DomainError('ALREADY_ON_CASE');
      await tx.caseCoMediator.create({ data: { caseId, userId, assignedById: by.id } });
      const otherUnit = user.orgId !== c.orgId;
      await appendAudit(tx, staffActor(by), caseId, {
        type: 'CO_MEDIATOR_ASSIGNED',
        data: otherUnit ? { userId, name: user.displayName, unit: user.org.name } : { userId, name: user.displayName },
      });
      const matter = await tx.matter.findFirst({ where: { caseId }, select: { id: true } });
      if (matter) await recordMatterEvent(tx, matter.id, 'CO_MEDIATOR_INVITED', { unitId: user.orgId, userId }, by.displayName, at);
      return { id: user.id, displayName: user.displayName };
    });
  }

  async remove(by: StaffPrincipal, caseId: string, userId: string) {
    await this.ctx.db.$transaction(async (tx) => {
      const row = await tx.caseCoMediator.findUnique({ where: { caseId_userId: { caseId, userId } }, include: { user: true } });
      if (!row) throw new DomainError('USER_NOT_FOUND', '该调解员不是本案的协办调解员');
      await tx.caseCoMediator.delete({ where: { caseId_userId: { caseId, userId } } });
      await appendAudit(tx, staffActor(by), caseId, { type: 'CO_MEDIATOR_REMOVED', data: { userId, name: row.user.displayName } });
    });
    // Its room socket and draft connection for this case end now.
    this.ctx.events.emit('accessRevoked', { kind: 'co-mediator', caseId, userId });
  }
}
