// Co-mediators (协办调解员): mediators of the organisation assigned to help with one case — in
// the room, the caucuses and the draft. The responsible mediator (首接负责) or an administrator
// assigns them; each change is audited in the same transaction.
import { appendAudit } from '../audit/log.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';
import { staffActor } from '../audit/actors.ts';

export class CoMediatorService {
  constructor(private readonly ctx: AppContext) {}

  /** Mediators of the organisation who could be assigned (active, not already on the case). */
  async candidates(caseId: string) {
    const c = await this.ctx.db.case.findUniqueOrThrow({
      where: { id: caseId },
      select: { orgId: true, mediatorId: true, coMediators: { select: { userId: true } } },
    });
    const taken = new Set([c.mediatorId, ...c.coMediators.map((m) => m.userId)]);
    const mediators = await this.ctx.db.user.findMany({
      where: { orgId: c.orgId, role: 'MEDIATOR', active: true },
      orderBy: { displayName: 'asc' },
      select: { id: true, displayName: true, username: true },
    });
    return mediators.filter((m) => !taken.has(m.id));
  }

  async assign(by: StaffPrincipal, caseId: string, userId: string) {
    return this.ctx.db.$transaction(async (tx) => {
      const c = await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { orgId: true, mediatorId: true } });
      const user = await tx.user.findUnique({ where: { id: userId } });
      if (!user || user.orgId !== c.orgId || user.role !== 'MEDIATOR' || !user.active) throw new DomainError('NOT_A_COLLEAGUE');
      if (c.mediatorId === userId || (await tx.caseCoMediator.findUnique({ where: { caseId_userId: { caseId, userId } } })))
        throw new DomainError('ALREADY_ON_CASE');
      await tx.caseCoMediator.create({ data: { caseId, userId, assignedById: by.id } });
      await appendAudit(tx, staffActor(by), caseId, { type: 'CO_MEDIATOR_ASSIGNED', data: { userId, name: user.displayName } });
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
