// Cases: creation with a numbered docket entry, listing, editing and lifecycle transitions.
// Every change writes its audit entry in the same transaction.
import { staffActor } from '../audit/actors.ts';
import { appendAudit, listCaseAudit, verifyAuditChain, type Actor, type AuditBatch } from '../audit/log.ts';
import type { Tx } from '../db.ts';
import { withSeals, type SealVerdict } from '../audit/seals.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { formatCaseNumber } from '../domain/case-number.ts';
import { isCaseStatus } from '../domain/case-status.ts';
import { transitionCase } from './case-transitions.ts';
import { DomainError } from '../errors.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_CASE_DAYS = 30;

export interface NewCase {
  title: string;
  disputeType: string;
  summary: string;
  dueDate?: string | undefined;
}

/** China Standard Time end of the given calendar day (YYYY-MM-DD). */
function parseDueDate(value: string | undefined, now: Date): Date {
  if (value === undefined) return new Date(now.getTime() + DEFAULT_CASE_DAYS * DAY_MS);
  const due = new Date(`${value}T23:59:59+08:00`);
  if (Number.isNaN(due.getTime())) throw new DomainError('VALIDATION', '办结期限日期无效，应为 YYYY-MM-DD');
  if (due.getTime() < now.getTime()) throw new DomainError('VALIDATION', '办结期限不能早于今天');
  return due;
}

export interface CaseChanges {
  title?: string | undefined;
  summary?: string | undefined;
  disputeType?: string | undefined;
  dueDate?: string | undefined;
}

const CHANGE_LABELS: Record<keyof CaseChanges, string> = { title: '标题', summary: '案情摘要', disputeType: '纠纷类型', dueDate: '办结期限' };

/** A case by id. Access was decided before (signaling/access/grants.ts): this only loads. */
export async function loadCase(ctx: AppContext, caseId: string) {
  const found = await ctx.db.case.findUnique({ where: { id: caseId }, include: { mediator: true } });
  if (!found) throw new DomainError('CASE_NOT_FOUND');
  return found;
}

export interface CaseOpening {
  orgId: string;
  mediatorId: string;
  title: string;
  disputeType: string;
  summary: string;
  dueDate: Date;
  actor: Actor;
  at: Date;
}

/**
 * Opens a case in the unit's numbering (its yearly counter) with its responsible mediator, audited,
 * in the caller's transaction: a mediator opening one by hand, or a unit head assigning a routed
 * matter (signaling/routing) together with the matter's move.
 */
export async function openCase(tx: Tx, input: CaseOpening) {
  const org = await tx.organisation.findUniqueOrThrow({ where: { id: input.orgId } });
  const [number] = await allocateCaseNumbers(tx, org, input.at, 1);
  const created = await tx.case.create({ data: caseRow(input, number!) });
  await appendAudit(tx, input.actor, created.id, { type: 'CASE_CREATED', data: { number: number!, title: input.title, disputeType: input.disputeType } });
  return created;
}

export type CaseInBatch = Pick<CaseOpening, 'title' | 'disputeType' | 'summary' | 'dueDate'>;

/**
 * Opens several cases of one unit, for one mediator, at once (a batch import): their numbers as one
 * block of the unit's yearly counter in the given order, one insert, and each CASE_CREATED added to
 * `audit` (the caller appends the batch). Returns the cases in order.
 */
export async function openCases(
  tx: Tx,
  opening: Omit<CaseOpening, keyof CaseInBatch>,
  cases: readonly CaseInBatch[],
  audit: AuditBatch,
): Promise<{ id: string; number: string }[]> {
  if (cases.length === 0) return [];
  const org = await tx.organisation.findUniqueOrThrow({ where: { id: opening.orgId } });
  const numbers = await allocateCaseNumbers(tx, org, opening.at, cases.length);
  const created = await tx.case.createManyAndReturn({
    data: cases.map((c, i) => caseRow({ ...opening, ...c }, numbers[i]!)),
    select: { id: true, number: true },
  });
  const idOf = new Map(created.map((c) => [c.number, c.id]));
  return cases.map((c, i) => {
    const opened = { id: idOf.get(numbers[i]!)!, number: numbers[i]! };
    audit.add(opening.actor, opened.id, { type: 'CASE_CREATED', data: { number: opened.number, title: c.title, disputeType: c.disputeType } });
    return opened;
  });
}

/** `count` consecutive numbers of the unit's yearly counter (China Standard Time year), taken in one update. */
async function allocateCaseNumbers(tx: Tx, org: { id: string; shortName: string }, at: Date, count: number): Promise<string[]> {
  const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(at));
  const counter = await tx.caseCounter.upsert({
    where: { orgId_year: { orgId: org.id, year } },
    create: { orgId: org.id, year, last: count },
    update: { last: { increment: count } },
  });
  const first = counter.last - count + 1;
  return Array.from({ length: count }, (_, i) => formatCaseNumber(org.shortName, year, first + i));
}

function caseRow(input: Omit<CaseOpening, 'actor' | 'at'>, number: string) {
  return {
    number,
    orgId: input.orgId,
    title: input.title,
    disputeType: input.disputeType,
    summary: input.summary,
    status: 'ACCEPTED',
    mediatorId: input.mediatorId,
    dueDate: input.dueDate,
  };
}

export class CaseService {
  constructor(
    private readonly ctx: AppContext,
    /** Checks the chain against its seals outside the database (audit/seals.ts), when the server keeps them. */
    private readonly verifySeals?: () => Promise<SealVerdict>,
  ) {}

  async create(user: StaffPrincipal, input: NewCase) {
    const now = new Date();
    const dueDate = parseDueDate(input.dueDate, now);
    // Only mediators open cases (grants: cases.create): the one who opens it is responsible (首接负责).
    return this.ctx.db.$transaction((tx) => openCase(tx, { ...input, orgId: user.orgId, mediatorId: user.id, dueDate, actor: staffActor(user), at: now }));
  }

  /** A case with its mediator, participants and co-mediators: what the case page shows. */
  async withPeople(caseId: string) {
    return this.ctx.db.case.findUniqueOrThrow({
      where: { id: caseId },
      include: {
        mediator: true,
        participants: {
          orderBy: { createdAt: 'asc' },
          include: { documents: { select: { id: true, kind: true, fileName: true, specialPowers: true, createdAt: true }, orderBy: { createdAt: 'asc' } } },
        },
        coMediators: { include: { user: true }, orderBy: { assignedAt: 'asc' } },
      },
    });
  }

  /** The case's audit entries and whether the whole chain still verifies. */
  async auditTrail(caseId: string) {
    const [entries, chain, seals] = await Promise.all([listCaseAudit(this.ctx.db, caseId), verifyAuditChain(this.ctx.db), this.verifySeals?.()]);
    return { entries, chain: seals ? withSeals(chain, seals) : chain };
  }

  async listFor(user: StaffPrincipal) {
    return this.ctx.db.case.findMany({
      // A mediator sees the cases it is responsible for, others its unit's; both also those they help
      // with (协办), which may be another unit's (联合调解).
      where: { OR: [{ orgId: user.orgId, ...(user.role === 'MEDIATOR' ? { mediatorId: user.id } : {}) }, { coMediators: { some: { userId: user.id } } }] },
      include: { mediator: true },
      orderBy: [{ dueDate: 'asc' }, { createdAt: 'desc' }],
    });
  }

  async update(user: StaffPrincipal, caseId: string, changes: CaseChanges) {
    const data: { title?: string; summary?: string; disputeType?: string; dueDate?: Date } = {};
    if (changes.title !== undefined) data.title = changes.title;
    if (changes.summary !== undefined) data.summary = changes.summary;
    if (changes.disputeType !== undefined) data.disputeType = changes.disputeType;
    if (changes.dueDate !== undefined) data.dueDate = parseDueDate(changes.dueDate, new Date());
    const changed = (Object.keys(data) as (keyof CaseChanges)[]).map((k) => CHANGE_LABELS[k]);
    if (changed.length === 0) throw new DomainError('NOTHING_TO_CHANGE', '没有需要修改的内容');
    return this.ctx.db.$transaction(async (tx) => {
      const updated = await tx.case.update({ where: { id: caseId }, data });
      await appendAudit(tx, staffActor(user), caseId, { type: 'CASE_UPDATED', data: { changes: changed } });
      return updated;
    });
  }

  /** A workflow move made by hand (the case page's 办理进度 buttons). */
  async moveByHand(user: StaffPrincipal, caseId: string, to: string, reason: string | undefined) {
    if (!isCaseStatus(to)) throw new DomainError('UNKNOWN_STATUS', `未知的案件状态：${to}`);
    return this.ctx.db.$transaction((tx) => transitionCase(tx, { caseId, to, by: 'workflow', actor: staffActor(user), reason }));
  }
}
