// 回访 tasks for staff: the list (the unit's, or the whole centre's), one task with its case, the
// rating that opened it and its records, a new record in the standard 回访记录 form, closing with
// an outcome — which, when the outcome is 需重新调解, reopens the case in the same transaction —
// and the sealed 回访记录 PDF. Every change is audited with the task's case.
//
// Who: staff-reach.ts (centre staff every unit, others their own unit; administrators read only).
import { staffActor } from '../../audit/actors.ts';
import { appendAudit } from '../../audit/log.ts';
import type { TemplateCatalog } from '../../agreement/template-schema.ts';
import { todayInChina } from '../../agreement/dates.ts';
import type { AppContext, StaffPrincipal } from '../../context.ts';
import type { Clock } from '../../deadlines/clock.ts';
import { CASE_STATUS_LABELS, type CaseStatus } from '../../domain/case-status.ts';
import { DISPUTE_TYPES, labelOf, PARTICIPANT_ROLES, USER_ROLE_LABELS } from '../../domain/vocabulary.ts';
import { dbBytes } from '../../drafting/draft-store.ts';
import { DomainError } from '../../errors.ts';
import type { SigningIdentity } from '../../signing/org-identity.ts';
import type { FollowUpPolicy, FollowUpReason } from '../policy.ts';
import { staffRatingViews } from '../ratings/rating-service.ts';
import { reachOf, reaches, type StaffReach } from '../staff-reach.ts';
import { issueFollowUpRecordPdf } from './record-pdf.ts';
import { reopenCase, reopenProblem } from './reopen.ts';
import {
  FOLLOW_UP_METHOD_LABELS,
  FOLLOW_UP_OUTCOME_LABELS,
  FOLLOW_UP_REASON_LABELS,
  FOLLOW_UP_RESULT_LABELS,
  FOLLOW_UP_STATUS_LABELS,
  type FollowUpFilter,
  type FollowUpMethod,
  type FollowUpOutcome,
  type FollowUpResult,
} from '../../domain/follow-up-vocabulary.ts';

/** A record may be dated a little ahead (clocks differ), never later. */
const FUTURE_SLACK_MS = 10 * 60_000;

type TaskRow = NonNullable<Awaited<ReturnType<AppContext['db']['followUpTask']['findUnique']>>>;

export interface NewRecord {
  at: string;
  method: FollowUpMethod;
  contact: string;
  content: string;
  result: FollowUpResult;
  partyOpinion: string;
  performance: string;
}

export class FollowUpTaskService {
  constructor(
    private readonly ctx: AppContext,
    private readonly clock: Clock,
    private readonly policy: FollowUpPolicy,
    private readonly templates: TemplateCatalog,
    private readonly identity: SigningIdentity,
  ) {}

  async #summaries(tasks: TaskRow[], now: Date) {
    const [cases, units, users] = await Promise.all([
      this.ctx.db.case.findMany({ where: { id: { in: [...new Set(tasks.map((t) => t.caseId))] } }, select: { id: true, number: true, title: true } }),
      this.ctx.db.organisation.findMany({ where: { id: { in: [...new Set(tasks.map((t) => t.unitId))] } }, select: { id: true, name: true } }),
      this.ctx.db.user.findMany({ where: { id: { in: tasks.flatMap((t) => (t.assigneeId ? [t.assigneeId] : [])) } }, select: { id: true, displayName: true } }),
    ]);
    const caseOf = new Map(cases.map((c) => [c.id, c]));
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const userName = new Map(users.map((u) => [u.id, u.displayName]));
    return tasks.map((t) => ({
      id: t.id,
      caseId: t.caseId,
      caseNumber: caseOf.get(t.caseId)?.number ?? '',
      caseTitle: caseOf.get(t.caseId)?.title ?? '',
      unitId: t.unitId,
      unitName: unitName.get(t.unitId) ?? '',
      reason: t.reason as FollowUpReason,
      reasonLabel: FOLLOW_UP_REASON_LABELS[t.reason as FollowUpReason] ?? t.reason,
      status: t.status,
      statusLabel: FOLLOW_UP_STATUS_LABELS[t.status] ?? t.status,
      outcome: (t.outcome as FollowUpOutcome | null) ?? null,
      dueAt: t.dueAt.toISOString(),
      overdue: t.status === 'OPEN' && t.dueAt <= now,
      reminded: t.remindedAt !== null,
      escalated: t.escalatedAt !== null,
      assigneeId: t.assigneeId,
      assigneeName: t.assigneeId ? (userName.get(t.assigneeId) ?? null) : null,
      reopened: t.reopened,
      createdAt: t.createdAt.toISOString(),
      doneAt: t.doneAt?.toISOString() ?? null,
    }));
  }

  /** The tasks this staff member reaches, filtered: open ones (default), overdue, their own, or all; soonest deadline first. */
  async list(staff: StaffPrincipal, filter: FollowUpFilter = 'open') {
    const now = this.clock.now();
    const reach = await reachOf(this.ctx.db, staff);
    const where = {
      unitId: { in: [...reach.unitIds] },
      ...(filter === 'open' ? { status: 'OPEN' } : {}),
      ...(filter === 'overdue' ? { status: 'OPEN', dueAt: { lte: now } } : {}),
      ...(filter === 'mine' ? { assigneeId: staff.id, status: 'OPEN' } : {}),
    };
    const tasks = await this.ctx.db.followUpTask.findMany({
      where,
      orderBy: filter === 'all' ? [{ createdAt: 'desc' }] : [{ dueAt: 'asc' }],
      take: 500,
    });
    return { now: now.toISOString(), tasks: await this.#summaries(tasks, now) };
  }

  async #load(staff: StaffPrincipal, id: string): Promise<{ task: TaskRow; reach: StaffReach }> {
    const [task, reach] = await Promise.all([this.ctx.db.followUpTask.findUnique({ where: { id } }), reachOf(this.ctx.db, staff)]);
    if (!task || !reaches(reach, task.unitId)) throw new DomainError('FOLLOW_UP_NOT_FOUND');
    return { task, reach };
  }

  async #workable(staff: StaffPrincipal, id: string): Promise<TaskRow> {
    const { task, reach } = await this.#load(staff, id);
    if (!reach.mayWork) throw new DomainError('FORBIDDEN', '管理员只能查看回访，不能登记或办结');
    if (task.status !== 'OPEN') throw new DomainError('FOLLOW_UP_CLOSED');
    return task;
  }

  /** One task: its case, why and by when, the rating that opened it, its records. */
  async detail(staff: StaffPrincipal, id: string) {
    const now = this.clock.now();
    const { task, reach } = await this.#load(staff, id);
    const kase = await this.ctx.db.case.findUniqueOrThrow({
      where: { id: task.caseId },
      include: { participants: { select: { id: true, name: true, role: true } }, mediator: { select: { displayName: true } } },
    });
    const [summary] = await this.#summaries([task], now);
    const records = await this.#records(task.id);
    const rating = task.reason === 'POOR_RATING' && task.sourceId ? ((await staffRatingViews(this.ctx, { id: task.sourceId }))[0] ?? null) : null;
    return {
      now: now.toISOString(),
      task: summary!,
      basis: this.policy.followUpDays[task.reason as FollowUpReason]?.basis ?? '',
      outcomeLabel: task.outcome ? FOLLOW_UP_OUTCOME_LABELS[task.outcome as FollowUpOutcome] : null,
      outcomeNote: task.outcomeNote,
      case: {
        id: kase.id,
        number: kase.number,
        title: kase.title,
        status: kase.status as CaseStatus,
        statusLabel: CASE_STATUS_LABELS[kase.status as CaseStatus] ?? kase.status,
        disputeTypeLabel: labelOf(DISPUTE_TYPES, kase.disputeType),
        summary: kase.summary,
        mediatorName: kase.mediator?.displayName ?? null,
        parties: kase.participants.map((p) => ({ id: p.id, name: p.name, roleLabel: labelOf(PARTICIPANT_ROLES, p.role) })),
      },
      rating,
      records,
      canWork: reach.mayWork && task.status === 'OPEN',
      reopenProblem: reopenProblem(kase.status),
    };
  }

  async #records(taskId: string) {
    const rows = await this.ctx.db.followUpRecord.findMany({ where: { taskId }, orderBy: [{ at: 'asc' }, { createdAt: 'asc' }] });
    const users = await this.ctx.db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.userId))] } }, select: { id: true, displayName: true } });
    const name = new Map(users.map((u) => [u.id, u.displayName]));
    return rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      method: r.method as FollowUpMethod,
      methodLabel: FOLLOW_UP_METHOD_LABELS[r.method as FollowUpMethod] ?? r.method,
      contact: r.contact,
      content: r.content,
      result: r.result as FollowUpResult,
      resultLabel: FOLLOW_UP_RESULT_LABELS[r.result as FollowUpResult] ?? r.result,
      partyOpinion: r.partyOpinion,
      performance: r.performance,
      userName: name.get(r.userId) ?? '',
    }));
  }

  /** One call or visit, in the standard form. */
  async addRecord(staff: StaffPrincipal, id: string, body: NewRecord) {
    const task = await this.#workable(staff, id);
    const now = this.clock.now();
    const at = new Date(body.at);
    if (Number.isNaN(at.getTime()) || at.getTime() > now.getTime() + FUTURE_SLACK_MS) throw new DomainError('FOLLOW_UP_TIME_INVALID');
    if (at.getTime() < task.createdAt.getTime() - FUTURE_SLACK_MS) throw new DomainError('FOLLOW_UP_TIME_INVALID', '回访时间不能早于回访任务的发起时间');
    const record = await this.ctx.db.$transaction(async (tx) => {
      const open = await tx.followUpTask.findUnique({ where: { id }, select: { status: true } });
      if (open?.status !== 'OPEN') throw new DomainError('FOLLOW_UP_CLOSED');
      const r = await tx.followUpRecord.create({
        data: {
          taskId: id,
          method: body.method,
          at,
          userId: staff.id,
          contact: body.contact.trim(),
          content: body.content.trim(),
          result: body.result,
          partyOpinion: body.partyOpinion.trim(),
          performance: body.performance.trim(),
          createdAt: now,
        },
      });
      await appendAudit(tx, staffActor(staff), task.caseId, {
        type: 'FOLLOW_UP_RECORDED',
        data: { taskId: id, recordId: r.id, method: body.method, result: body.result },
      });
      return r;
    });
    return { id: record.id };
  }

  /**
   * Ends the task with its outcome. 需重新调解 reopens the case (reopen.ts) in the same transaction
   * — a case that cannot be reopened refuses the close and nothing changes.
   */
  async close(staff: StaffPrincipal, id: string, body: { outcome: FollowUpOutcome; note: string }) {
    const task = await this.#workable(staff, id);
    const note = body.note.trim();
    if ((body.outcome === 'NEEDS_REOPEN' || body.outcome === 'OTHER') && note.length < 2)
      throw new DomainError('REASON_REQUIRED', body.outcome === 'NEEDS_REOPEN' ? '重新调解须写明理由' : '请写明处理意见');
    const now = this.clock.now();
    const actor = staffActor(staff);
    await this.ctx.db.$transaction(async (tx) => {
      if ((await tx.followUpRecord.count({ where: { taskId: id } })) === 0) throw new DomainError('FOLLOW_UP_NO_RECORD');
      const reopened = body.outcome === 'NEEDS_REOPEN';
      const { count } = await tx.followUpTask.updateMany({
        where: { id, status: 'OPEN' },
        data: { status: 'DONE', outcome: body.outcome, outcomeNote: note || null, doneAt: now, closedById: staff.id, reopened },
      });
      if (count !== 1) throw new DomainError('FOLLOW_UP_CLOSED');
      if (reopened)
        await reopenCase(tx, { caseId: task.caseId, reason: note, actor, actorLabel: `${staff.displayName}（${USER_ROLE_LABELS[staff.role]}）`, at: now });
      await appendAudit(tx, actor, task.caseId, { type: 'FOLLOW_UP_CLOSED', data: { taskId: id, outcome: body.outcome, reopened } });
    });
    return this.detail(staff, id);
  }

  /**
   * The sealed 回访记录 PDF. An open task's is made afresh each time (it grows with each record);
   * a closed task's is made once, kept and handed out as it is from then on.
   */
  async recordPdf(staff: StaffPrincipal, id: string): Promise<{ bytes: Buffer; fileName: string }> {
    const { task } = await this.#load(staff, id);
    const kase = await this.ctx.db.case.findUniqueOrThrow({ where: { id: task.caseId }, include: { org: true, participants: true } });
    const fileName = `回访记录-${kase.number}.pdf`;
    if (task.recordPdf) return { bytes: Buffer.from(task.recordPdf), fileName };
    const records = await this.#records(id);
    if (records.length === 0) throw new DomainError('FOLLOW_UP_NO_RECORD', '还没有回访记录，登记回访后才能出具回访记录');
    if (!kase.org.sealPng) throw new DomainError('SEAL_MISSING');
    const signingTime = task.doneAt ?? this.clock.now();
    const parties = kase.participants
      .filter((p) => p.role === 'APPLICANT' || p.role === 'RESPONDENT')
      .sort((a, b) => a.side.localeCompare(b.side))
      .map((p) => `${labelOf(PARTICIPANT_ROLES, p.role)}${p.name}`);
    const outcome = task.outcome
      ? `${FOLLOW_UP_OUTCOME_LABELS[task.outcome as FollowUpOutcome]}${task.outcomeNote ? `。${task.outcomeNote}` : ''}`
      : '回访尚未办结';
    const { bytes, pages, sha256 } = await issueFollowUpRecordPdf(this.templates, {
      orgName: kase.org.name,
      caseNumber: kase.number,
      caseTitle: kase.title,
      partyNames: parties.join('、') || '（无）',
      reasonLabel: FOLLOW_UP_REASON_LABELS[task.reason as FollowUpReason] ?? task.reason,
      dueAt: task.dueAt,
      outcome,
      records: records.map((r) => ({ ...r, at: new Date(r.at) })),
      seal: kase.org.sealPng,
      sealDate: todayInChina(signingTime),
      signingTime,
      identity: this.identity,
    });
    if (task.status === 'OPEN') return { bytes, fileName };
    await this.ctx.db.$transaction(async (tx) => {
      const { count } = await tx.followUpTask.updateMany({ where: { id, recordPdf: null }, data: { recordPdf: dbBytes(bytes) } });
      if (count === 1)
        await appendAudit(tx, { type: 'system', label: '系统' }, task.caseId, {
          type: 'FOLLOW_UP_RECORD_ISSUED',
          data: { taskId: id, pdfSha256: sha256, pages },
        });
    });
    // Whoever stored first wins: everyone gets the same file.
    const stored = await this.ctx.db.followUpTask.findUniqueOrThrow({ where: { id }, select: { recordPdf: true } });
    return { bytes: Buffer.from(stored.recordPdf!), fileName };
  }
}
