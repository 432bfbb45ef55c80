// 分流 and 首接负责: the moves of a registered matter between the centre's dispatchers, its units'
// heads and their mediators. Each move is one transaction: the matter's status (a conditional update
// from the status it was read in, so two concurrent moves cannot both win: MATTER_CHANGED), the
// responsible person (intake/ownership.ts handOver, the only writer), the step in the history
// (recordMatterEvent) and the deadline of the stage it enters (startStage).
//
//   REGISTERED  owner: a dispatcher                route → ROUTED (the routing dispatcher stays responsible)
//   ROUTED      pending: the unit asked to accept   accept → ACCEPTED (its head) · return → back, owner unchanged
//                                                   transfer → ROUTED to another unit (owner unchanged)
//   ACCEPTED    owner: the unit's head              assign → ASSIGNED (a mediator; a case opened in the unit)
//                                                   transfer → ROUTED to another unit (the head stays responsible)
//   ASSIGNED    owner: the case's mediator          reassign (Case.mediatorId follows)
//   any open    withdraw → WITHDRAWN (the last owner stays named; an open case is withdrawn with it)
import { staffActor } from '../audit/actors.ts';
import { appendAudit } from '../audit/log.ts';
import { openCase } from '../cases/case-service.ts';
import { transitionCase } from '../cases/case-transitions.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import type { Tx } from '../db.ts';
import type { MatterStatus } from '../domain/matter-status.ts';
import { USER_ROLE_LABELS } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';
import { recordMatterEvent } from '../intake/matter-events.ts';
import { handOver } from '../intake/ownership.ts';
import { startStage } from '../intake/stage-deadline.ts';
import { copyPartiesToCase } from './case-parties.ts';
import { receivingUnits } from './matter-views.ts';
import { suggestUnit, type RoutingRule } from './routing-rules.ts';
import { loadVisibleMatter, type MatterRow } from './visibility.ts';

export function actorLabel(user: StaffPrincipal): string {
  return `${user.displayName}（${USER_ROLE_LABELS[user.role]}）`;
}

/** The matter moves on only if nobody moved it since it was read (the owner is guarded by handOver's conditional close). */
async function moveFrom(tx: Tx, m: MatterRow, data: { status: MatterStatus; pendingUnitId?: string | null; caseId?: string; stageDueAt?: null }) {
  const { count } = await tx.matter.updateMany({ where: { id: m.id, status: m.status, pendingUnitId: m.pendingUnitId }, data });
  if (count !== 1) throw new DomainError('MATTER_CHANGED');
}

function requireStatus(m: MatterRow, ...allowed: MatterStatus[]): void {
  if (!(allowed as string[]).includes(m.status)) throw new DomainError('MATTER_WRONG_STAGE');
}

/** A unit of the matter's centre that can receive a routed matter: active, not the centre's own office, with an active head. */
async function receivingUnit(tx: Tx, centreId: string, unitId: string) {
  const unit = await tx.organisation.findUnique({ where: { id: unitId } });
  if (!unit || unit.centreId !== centreId || !unit.active || unit.kind === 'CENTRE_OFFICE') throw new DomainError('UNIT_NOT_FOUND');
  const head = await tx.user.findFirst({ where: { orgId: unit.id, role: 'UNIT_HEAD', active: true }, select: { id: true } });
  if (!head) throw new DomainError('UNIT_NO_HEAD');
  return unit;
}

/** A mediator who can take a case of the unit: its active mediator or head. */
async function mediatorOfUnit(tx: Tx, unitId: string, userId: string) {
  const u = await tx.user.findUnique({ where: { id: userId } });
  if (!u || u.orgId !== unitId || !u.active || (u.role !== 'MEDIATOR' && u.role !== 'UNIT_HEAD'))
    throw new DomainError('OWNER_NOT_IN_UNIT', '调解员须为本单位在岗调解员');
  return u;
}

const isDispatcher = (user: StaffPrincipal) => user.role === 'DISPATCHER';
const headOf = (user: StaffPrincipal, unitId: string | null) => user.role === 'UNIT_HEAD' && unitId !== null && user.orgId === unitId;

export class MatterMoves {
  constructor(
    private readonly ctx: AppContext,
    private readonly rules: readonly RoutingRule[],
  ) {}

  /** 分流: the dispatcher asks a unit to take the matter; they stay responsible until it accepts. */
  route(user: StaffPrincipal, matterId: string, unitId: string, at = new Date()) {
    return this.ctx.db.$transaction(async (tx) => {
      const m = await loadVisibleMatter(tx, user, matterId);
      if (!isDispatcher(user)) throw new DomainError('MATTER_NOT_YOURS');
      requireStatus(m, 'REGISTERED');
      const unit = await receivingUnit(tx, m.centreId, unitId);
      // Whether the dispatcher followed the rules' suggestion is kept with the step.
      const suggestedUnitId = suggestUnit(this.rules, m, await receivingUnits(tx, m.centreId))?.unitId ?? null;
      // Whoever routes it is the one it comes back to if the unit returns it.
      await handOver(tx, m.id, { unitId: user.orgId, userId: user.id }, 'HANDED_OVER', at);
      await moveFrom(tx, m, { status: 'ROUTED', pendingUnitId: unit.id });
      await recordMatterEvent(tx, m.id, 'ROUTED', { toUnitId: unit.id, suggested: suggestedUnitId === unit.id }, actorLabel(user), at);
      await startStage(tx, m.id, 'ROUTED', at, actorLabel(user));
    });
  }

  /** The pending unit's head accepts: the matter and its responsibility pass to them. */
  accept(user: StaffPrincipal, matterId: string, at = new Date()) {
    return this.ctx.db.$transaction(async (tx) => {
      const m = await loadVisibleMatter(tx, user, matterId);
      requireStatus(m, 'ROUTED');
      if (!headOf(user, m.pendingUnitId)) throw new DomainError('MATTER_NOT_FOR_UNIT');
      const fromAnotherUnit = await ownedOutsideTheCentreOffice(tx, m);
      await handOver(tx, m.id, { unitId: user.orgId, userId: user.id }, fromAnotherUnit ? 'TRANSFERRED' : 'ACCEPTED', at);
      await moveFrom(tx, m, { status: 'ACCEPTED', pendingUnitId: null });
      await recordMatterEvent(tx, m.id, 'ACCEPTED', { unitId: user.orgId }, actorLabel(user), at);
      await startStage(tx, m.id, 'ACCEPTED', at, actorLabel(user));
    });
  }

  /** The pending unit's head returns it with a reason: back to whoever routed it, who never stopped being responsible. */
  return(user: StaffPrincipal, matterId: string, reason: string, at = new Date()) {
    return this.ctx.db.$transaction(async (tx) => {
      const m = await loadVisibleMatter(tx, user, matterId);
      requireStatus(m, 'ROUTED');
      if (!headOf(user, m.pendingUnitId)) throw new DomainError('MATTER_NOT_FOR_UNIT');
      // Routed by a dispatcher: back to 分流; transferred by a unit that had accepted it: back to that unit.
      const back: MatterStatus = (await ownedOutsideTheCentreOffice(tx, m)) ? 'ACCEPTED' : 'REGISTERED';
      await moveFrom(tx, m, { status: back, pendingUnitId: null });
      await recordMatterEvent(tx, m.id, 'RETURNED', { fromUnitId: user.orgId, reason }, actorLabel(user), at);
      await startStage(tx, m.id, back === 'ACCEPTED' ? 'ACCEPTED' : 'REGISTERED', at, actorLabel(user));
    });
  }

  /**
   * Another unit should handle it: the matter is routed there with the reason; the one responsible
   * now (the dispatcher, or the head who accepted it) stays so until that unit accepts.
   */
  transfer(user: StaffPrincipal, matterId: string, unitId: string, reason: string, at = new Date()) {
    return this.ctx.db.$transaction(async (tx) => {
      const m = await loadVisibleMatter(tx, user, matterId);
      if (m.status === 'ASSIGNED') throw new DomainError('MATTER_HAS_CASE');
      requireStatus(m, 'ROUTED', 'ACCEPTED');
      if (!isDispatcher(user) && !headOf(user, m.ownerUnitId)) throw new DomainError('MATTER_NOT_YOURS');
      const fromUnitId = m.pendingUnitId ?? m.ownerUnitId;
      if (unitId === fromUnitId || unitId === m.ownerUnitId) throw new DomainError('MATTER_SAME_UNIT');
      const unit = await receivingUnit(tx, m.centreId, unitId);
      // A dispatcher re-routing another dispatcher's matter takes it over (it comes back to them).
      if (isDispatcher(user) && !(await ownedOutsideTheCentreOffice(tx, m)))
        await handOver(tx, m.id, { unitId: user.orgId, userId: user.id }, 'HANDED_OVER', at);
      await moveFrom(tx, m, { status: 'ROUTED', pendingUnitId: unit.id });
      await recordMatterEvent(tx, m.id, 'TRANSFERRED', { fromUnitId, toUnitId: unit.id, reason }, actorLabel(user), at);
      await startStage(tx, m.id, 'ROUTED', at, actorLabel(user));
    });
  }

  /** The unit's head assigns a mediator of the unit: a case is opened in the unit and the mediator is responsible. */
  assign(user: StaffPrincipal, matterId: string, mediatorId: string, at = new Date()) {
    return this.ctx.db.$transaction(async (tx) => {
      const m = await loadVisibleMatter(tx, user, matterId);
      requireStatus(m, 'ACCEPTED');
      if (!headOf(user, m.ownerUnitId)) throw new DomainError('MATTER_NOT_YOURS');
      const mediator = await mediatorOfUnit(tx, m.ownerUnitId, mediatorId);
      await handOver(tx, m.id, { unitId: m.ownerUnitId, userId: mediator.id }, 'ASSIGNED', at);
      const dueDate = await startStage(tx, m.id, 'ASSIGNED', at, actorLabel(user));
      const opened = await openCase(tx, {
        orgId: m.ownerUnitId,
        mediatorId: mediator.id,
        title: m.title,
        disputeType: m.disputeType,
        summary: m.summary,
        dueDate,
        actor: staffActor(user),
        at,
      });
      await copyPartiesToCase(tx, m.id, opened.id, staffActor(user));
      await moveFrom(tx, m, { status: 'ASSIGNED', caseId: opened.id });
      await recordMatterEvent(tx, m.id, 'ASSIGNED', { unitId: m.ownerUnitId, userId: mediator.id }, actorLabel(user), at);
      await recordMatterEvent(tx, m.id, 'CASE_OPENED', { caseId: opened.id, caseNumber: opened.number }, actorLabel(user), at);
      return { caseId: opened.id, caseNumber: opened.number };
    });
  }

  /** The unit's head gives the matter and its case to another mediator of the unit (Case.mediatorId and the owner stay equal). */
  async reassign(user: StaffPrincipal, matterId: string, mediatorId: string, at = new Date()) {
    const moved = await this.ctx.db.$transaction(async (tx) => {
      const m = await loadVisibleMatter(tx, user, matterId);
      requireStatus(m, 'ASSIGNED');
      if (!headOf(user, m.ownerUnitId)) throw new DomainError('MATTER_NOT_YOURS');
      const mediator = await mediatorOfUnit(tx, m.ownerUnitId, mediatorId);
      if (mediator.id === m.ownerUserId) throw new DomainError('NOTHING_TO_CHANGE', '该调解员已负责本事项');
      const caseId = m.caseId!;
      await handOver(tx, m.id, { unitId: m.ownerUnitId, userId: mediator.id }, 'REASSIGNED', at);
      const { count } = await tx.case.updateMany({ where: { id: caseId, mediatorId: m.ownerUserId }, data: { mediatorId: mediator.id } });
      if (count !== 1) throw new DomainError('MATTER_CHANGED');
      // Responsible and helping (协办) at once would be two roles in one case.
      await tx.caseCoMediator.deleteMany({ where: { caseId, userId: mediator.id } });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'CASE_MEDIATOR_CHANGED',
        data: { fromUserId: m.ownerUserId, toUserId: mediator.id, name: mediator.displayName },
      });
      await moveFrom(tx, m, { status: 'ASSIGNED' });
      await recordMatterEvent(tx, m.id, 'ASSIGNED', { unitId: m.ownerUnitId, userId: mediator.id }, actorLabel(user), at);
      return { caseId, previous: m.ownerUserId };
    });
    // The former mediator's live connections to the case (room, draft) end now.
    this.ctx.events.emit('accessRevoked', { kind: 'co-mediator', caseId: moved.caseId, userId: moved.previous });
  }

  /** Withdrawn (the person withdrew, or it is not a dispute for the centre): a reason is required; an open case is withdrawn with it. */
  withdraw(user: StaffPrincipal, matterId: string, reason: string, at = new Date()) {
    return this.ctx.db.$transaction(async (tx) => {
      const m = await loadVisibleMatter(tx, user, matterId);
      requireStatus(m, 'REGISTERED', 'ROUTED', 'ACCEPTED', 'ASSIGNED');
      if (!isDispatcher(user) && !headOf(user, m.ownerUnitId)) throw new DomainError('MATTER_NOT_YOURS');
      if (m.caseId) await transitionCase(tx, { caseId: m.caseId, to: 'WITHDRAWN', by: 'workflow', actor: staffActor(user), reason });
      await moveFrom(tx, m, { status: 'WITHDRAWN', pendingUnitId: null, stageDueAt: null });
      await recordMatterEvent(tx, m.id, 'WITHDRAWN', { reason }, actorLabel(user), at);
    });
  }
}

/** Whether the one responsible is a unit's head rather than a dispatcher at the centre's office (a transfer, not a first routing). */
async function ownedOutsideTheCentreOffice(tx: Tx, m: MatterRow): Promise<boolean> {
  const unit = await tx.organisation.findUniqueOrThrow({ where: { id: m.ownerUnitId }, select: { kind: true } });
  return unit.kind !== 'CENTRE_OFFICE';
}
