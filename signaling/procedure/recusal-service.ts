// 回避 (人民调解法 art. 23(1): a party chooses or accepts its mediator): the mediator declares it
// has no conflict of interest in the case; a party may object to the mediator at any time from its
// link. An objection is recorded and audited, shown to the mediator and the organisation's
// administrator, and resolved by replacing the mediator (the administrator, or the mediator
// stepping aside) or — by the administrator only — keeping it with a reason.
import { appendAudit } from '../audit/log.ts';
import { partyActor, staffActor } from '../audit/actors.ts';
import type { CaseRole } from '../access/grants.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';

export const RECUSAL_STATEMENT =
  '本人与本案当事人及其代理人不存在近亲属关系、利害关系或者其他可能影响公正调解的关系，自愿接受当事人监督；如有上述情形，将主动申请回避。';

type Party = { id: string; caseId: string; name: string };

export type RecusalDecision = { decision: 'replace'; newMediatorId: string; resolution: string } | { decision: 'keep'; resolution: string };

export class RecusalService {
  constructor(private readonly ctx: AppContext) {}

  async declare(user: StaffPrincipal, caseId: string) {
    const existing = await this.ctx.db.recusalDeclaration.findUnique({ where: { caseId_mediatorId: { caseId, mediatorId: user.id } } });
    if (existing) return existing;
    return this.ctx.db.$transaction(async (tx) => {
      const row = await tx.recusalDeclaration.create({ data: { caseId, mediatorId: user.id, mediatorName: user.displayName, statement: RECUSAL_STATEMENT } });
      await appendAudit(tx, staffActor(user), caseId, { type: 'RECUSAL_DECLARED', data: { mediatorId: user.id, name: user.displayName } });
      return row;
    });
  }

  async object(p: Party, reason: string) {
    const text = reason.trim();
    if (!text) throw new DomainError('REASON_REQUIRED', '请写明申请回避的理由');
    return this.ctx.db.$transaction(async (tx) => {
      const c = await tx.case.findUniqueOrThrow({ where: { id: p.caseId }, select: { mediatorId: true } });
      if (!c.mediatorId) throw new DomainError('VALIDATION', '本案尚未指派调解员');
      const row = await tx.recusalObjection.create({ data: { caseId: p.caseId, participantId: p.id, mediatorId: c.mediatorId, reason: text } });
      await appendAudit(tx, partyActor(p), p.caseId, {
        type: 'RECUSAL_OBJECTED',
        data: { objectionId: row.id, participantId: p.id, mediatorId: c.mediatorId, chars: text.length },
      });
      return row;
    });
  }

  async resolve(user: StaffPrincipal, role: CaseRole | null, caseId: string, objectionId: string, d: RecusalDecision) {
    if (d.decision === 'keep' && role !== 'admin') throw new DomainError('FORBIDDEN', '被申请回避的调解员不能自行驳回回避申请，请由管理员处理');
    const resolution = d.resolution.trim();
    if (!resolution) throw new DomainError('REASON_REQUIRED', '请写明处理意见');
    return this.ctx.db.$transaction(async (tx) => {
      const o = await tx.recusalObjection.findFirst({ where: { id: objectionId, caseId } });
      if (!o) throw new DomainError('OBJECTION_NOT_FOUND');
      if (o.status !== 'OPEN') throw new DomainError('OBJECTION_RESOLVED');
      let newMediator: { id: string; displayName: string } | null = null;
      if (d.decision === 'replace') {
        const c = await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { orgId: true, mediatorId: true } });
        const m = await tx.user.findUnique({ where: { id: d.newMediatorId } });
        if (!m || m.orgId !== c.orgId || m.role !== 'MEDIATOR' || !m.active) throw new DomainError('NOT_A_COLLEAGUE');
        if (m.id === c.mediatorId || m.id === o.mediatorId) throw new DomainError('VALIDATION', '请指派另一位调解员');
        await tx.case.update({ where: { id: caseId }, data: { mediatorId: m.id } });
        // The new mediator is the responsible one now, not a helper.
        await tx.caseCoMediator.deleteMany({ where: { caseId, userId: m.id } });
        newMediator = m;
      }
      await tx.recusalObjection.update({
        where: { id: o.id },
        data: { status: d.decision === 'replace' ? 'REPLACED' : 'KEPT', resolution, resolvedById: user.id, resolvedAt: new Date() },
      });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'RECUSAL_RESOLVED',
        data: { objectionId: o.id, decision: d.decision, ...(newMediator ? { newMediatorId: newMediator.id, newMediatorName: newMediator.displayName } : {}) },
      });
      return { status: d.decision === 'replace' ? 'REPLACED' : 'KEPT', newMediatorName: newMediator?.displayName ?? null };
    });
  }

  /** The current mediator's declaration (null until made) and the objections — all for staff, a party's own for a party. */
  async view(caseId: string, party: { id: string } | null) {
    const c = await this.ctx.db.case.findUniqueOrThrow({ where: { id: caseId }, select: { mediatorId: true, mediator: { select: { displayName: true } } } });
    const declaration = c.mediatorId
      ? await this.ctx.db.recusalDeclaration.findUnique({ where: { caseId_mediatorId: { caseId, mediatorId: c.mediatorId } } })
      : null;
    const objections = await this.ctx.db.recusalObjection.findMany({
      where: { caseId, ...(party ? { participantId: party.id } : {}) },
      orderBy: { createdAt: 'asc' },
    });
    const names = new Map(
      (await this.ctx.db.participant.findMany({ where: { caseId }, select: { id: true, name: true } })).map((p) => [p.id, p.name] as const),
    );
    return {
      mediatorName: c.mediator?.displayName ?? null,
      declaration: declaration && {
        mediatorName: declaration.mediatorName,
        statement: declaration.statement,
        declaredAt: declaration.declaredAt.toISOString(),
      },
      objections: objections.map((o) => ({
        id: o.id,
        participantName: names.get(o.participantId) ?? '（已移除）',
        reason: o.reason,
        status: o.status as 'OPEN' | 'REPLACED' | 'KEPT',
        resolution: o.resolution,
        createdAt: o.createdAt.toISOString(),
        resolvedAt: o.resolvedAt?.toISOString() ?? null,
      })),
    };
  }
}
