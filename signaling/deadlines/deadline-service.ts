// 限时办结 for staff: the matters someone is responsible for with their running deadlines, the 督办
// addressed to them (a unit head: late matters of their unit; a dispatcher: those gone up to the
// centre), and extending a deadline — which only the acting unit's head or a dispatcher may do, and
// only with a reason, recorded as DEADLINE_EXTENDED with the old and new deadline.
import type { Static } from '@sinclair/typebox';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { MATTER_STATUS_LABELS, OPEN_MATTER_STATUSES, isMatterStatus } from '../domain/matter-status.ts';
import { USER_ROLE_LABELS } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';
import { MatterEventData, recordMatterEvent } from '../intake/matter-events.ts';
import { isTimedStage } from '../intake/stage-deadline.ts';
import type { Clock } from './clock.ts';
import { scheduleStageJobs } from './jobs.ts';
import { policyOf } from './policy.ts';
import type { EscalationsView, MatterDeadlineView, MyDeadlinesView } from './schemas.ts';

type DeadlineView = Static<typeof MatterDeadlineView>;
type Level = 'UNIT_HEAD' | 'CENTRE';

const MAX_EXTENSION_MS = 90 * 24 * 3600_000;

interface MatterRow {
  id: string;
  registrationNo: string;
  title: string;
  disputeType: string;
  status: string;
  centreId: string;
  ownerUnitId: string;
  pendingUnitId: string | null;
  stageDueAt: Date | null;
}

const MATTER_SELECT = {
  id: true,
  registrationNo: true,
  title: true,
  disputeType: true,
  status: true,
  centreId: true,
  ownerUnitId: true,
  pendingUnitId: true,
  stageDueAt: true,
} as const;

/** The unit that must act now (while routed: the unit it was routed to). */
function actingUnit(m: Pick<MatterRow, 'status' | 'ownerUnitId' | 'pendingUnitId'>): string {
  return m.status === 'ROUTED' && m.pendingUnitId ? m.pendingUnitId : m.ownerUnitId;
}

export class DeadlineService {
  constructor(
    private readonly ctx: AppContext,
    private readonly clock: Clock,
  ) {}

  async #centreOf(staff: StaffPrincipal): Promise<string | null> {
    const unit = await this.ctx.db.organisation.findUnique({ where: { id: staff.orgId }, select: { centreId: true } });
    return unit?.centreId ?? null;
  }

  #mayExtend(staff: StaffPrincipal, centreId: string | null, m: MatterRow): boolean {
    if (centreId !== m.centreId) return false;
    return staff.role === 'DISPATCHER' || (staff.role === 'UNIT_HEAD' && staff.orgId === actingUnit(m));
  }

  /** Reminder and 督办 reached for each matter's current deadline. */
  async #progress(matters: MatterRow[]): Promise<Map<string, { reminded: boolean; escalation: Level | null }>> {
    const events = await this.ctx.db.matterEvent.findMany({
      where: { matterId: { in: matters.map((m) => m.id) }, type: { in: ['REMINDED', 'ESCALATED'] } },
      select: { matterId: true, type: true, data: true },
    });
    const due = new Map(matters.map((m) => [m.id, m.stageDueAt?.toISOString()]));
    const out = new Map<string, { reminded: boolean; escalation: Level | null }>();
    for (const e of events) {
      const entry = out.get(e.matterId) ?? { reminded: false, escalation: null };
      if (e.type === 'REMINDED') {
        if (MatterEventData.REMINDED.parse(JSON.parse(e.data)).dueAt === due.get(e.matterId)) entry.reminded = true;
      } else {
        const d = MatterEventData.ESCALATED.parse(JSON.parse(e.data));
        if (d.dueAt === due.get(e.matterId) && (d.level === 'CENTRE' || entry.escalation === null)) entry.escalation = d.level;
      }
      out.set(e.matterId, entry);
    }
    return out;
  }

  async #views(staff: StaffPrincipal, matters: MatterRow[], now: Date): Promise<DeadlineView[]> {
    const centreId = await this.#centreOf(staff);
    const progress = await this.#progress(matters);
    return matters.flatMap((m) => {
      if (!m.stageDueAt) return [];
      const remainingMs = m.stageDueAt.getTime() - now.getTime();
      const p = progress.get(m.id) ?? { reminded: false, escalation: null };
      return [
        {
          id: m.id,
          registrationNo: m.registrationNo,
          title: m.title,
          disputeType: m.disputeType,
          status: m.status,
          statusLabel: isMatterStatus(m.status) ? MATTER_STATUS_LABELS[m.status] : m.status,
          dueAt: m.stageDueAt.toISOString(),
          remainingMs,
          overdue: remainingMs < 0,
          reminded: p.reminded,
          escalation: p.escalation,
          canExtend: this.#mayExtend(staff, centreId, m),
        },
      ];
    });
  }

  /** The open matters this staff member is responsible for (首接负责), soonest deadline first. */
  async mine(staff: StaffPrincipal): Promise<Static<typeof MyDeadlinesView>> {
    const now = this.clock.now();
    const matters = await this.ctx.db.matter.findMany({
      where: { ownerUserId: staff.id, status: { in: [...OPEN_MATTER_STATUSES] }, stageDueAt: { not: null } },
      orderBy: { stageDueAt: 'asc' },
      take: 200,
      select: MATTER_SELECT,
    });
    return { now: now.toISOString(), matters: await this.#views(staff, matters, now) };
  }

  /** 督办 addressed to this staff member that still stands (the matter is still late on that deadline). */
  async escalations(staff: StaffPrincipal): Promise<Static<typeof EscalationsView>> {
    const now = this.clock.now();
    const centreId = await this.#centreOf(staff);
    if (!centreId || (staff.role !== 'UNIT_HEAD' && staff.role !== 'DISPATCHER')) return { now: now.toISOString(), escalations: [] };
    const events = await this.ctx.db.matterEvent.findMany({
      where: { type: 'ESCALATED', matter: { centreId, status: { in: [...OPEN_MATTER_STATUSES] } } },
      orderBy: { id: 'desc' },
      take: 500,
      select: { at: true, data: true, matter: { select: MATTER_SELECT } },
    });
    const standing = new Map<string, { matter: MatterRow; level: Level; at: Date }>();
    for (const e of events) {
      const d = MatterEventData.ESCALATED.parse(JSON.parse(e.data));
      const m = e.matter;
      if (d.dueAt !== m.stageDueAt?.toISOString() || d.stage !== m.status) continue;
      const mine = staff.role === 'DISPATCHER' ? d.level === 'CENTRE' : (d.unitId ?? actingUnit(m)) === staff.orgId;
      if (!mine || standing.has(m.id)) continue;
      standing.set(m.id, { matter: m, level: d.level, at: e.at });
    }
    const list = [...standing.values()];
    const views = await this.#views(
      staff,
      list.map((s) => s.matter),
      now,
    );
    const byId = new Map(views.map((v) => [v.id, v]));
    return {
      now: now.toISOString(),
      escalations: list.flatMap((s) => {
        const matter = byId.get(s.matter.id);
        return matter ? [{ matter, level: s.level, escalatedAt: s.at.toISOString() }] : [];
      }),
    };
  }

  /** Moves the current stage's deadline later, with a reason; the reminder and 督办 follow the new one. */
  async extend(staff: StaffPrincipal, matterId: string, body: { dueAt: string; reason: string }): Promise<{ now: string; matter: DeadlineView }> {
    const now = this.clock.now();
    const reason = body.reason.trim();
    const centreId = await this.#centreOf(staff);
    const matter = await this.ctx.db.matter.findUnique({ where: { id: matterId }, select: MATTER_SELECT });
    if (!matter || matter.centreId !== centreId) throw new DomainError('MATTER_NOT_FOUND');
    if (!this.#mayExtend(staff, centreId, matter)) throw new DomainError('FORBIDDEN', '延长办理期限须由承办单位负责人或中心受理员决定');
    const stage = matter.status;
    if (!isTimedStage(stage) || !matter.stageDueAt) throw new DomainError('MATTER_NOT_TIMED');
    if (reason.length < 2) throw new DomainError('REASON_REQUIRED', '延长办理期限须写明理由');
    const dueAt = new Date(body.dueAt);
    if (Number.isNaN(dueAt.getTime())) throw new DomainError('VALIDATION', '期限格式无效');
    if (dueAt <= matter.stageDueAt || dueAt <= now) throw new DomainError('DEADLINE_NOT_LATER');
    if (dueAt.getTime() - Math.max(matter.stageDueAt.getTime(), now.getTime()) > MAX_EXTENSION_MS) throw new DomainError('DEADLINE_TOO_FAR');
    const previous = matter.stageDueAt;
    await this.ctx.db.$transaction(async (tx) => {
      // Conditional: a concurrent move of the matter (another stage, another extension) wins, this one fails.
      const moved = await tx.matter.updateMany({ where: { id: matterId, status: stage, stageDueAt: previous }, data: { stageDueAt: dueAt } });
      if (moved.count !== 1) throw new DomainError('MATTER_CHANGED');
      const actor = `${staff.displayName}（${USER_ROLE_LABELS[staff.role]}）`;
      await recordMatterEvent(
        tx,
        matterId,
        'DEADLINE_EXTENDED',
        { stage, dueAt: dueAt.toISOString(), reason, previousDueAt: previous.toISOString() },
        actor,
        now,
      );
      await scheduleStageJobs(tx, matter, stage, dueAt, now, await policyOf(tx, matter.centreId));
    });
    const [view] = await this.#views(staff, [{ ...matter, stageDueAt: dueAt }], now);
    return { now: now.toISOString(), matter: view! };
  }
}
