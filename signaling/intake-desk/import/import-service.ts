// 批量导入: an institution's disputes (the seed's 440+ financial ones) from an .xlsx file. Every row
// is checked first (parse-rows.ts); then, in ONE transaction, each row is registered (channel
// IMPORT), routed to the chosen unit, accepted and assigned to the chosen mediator — the steps and
// the hand-overs recorded as for any matter (首接负责) — and opened as a case with its two parties
// as participants and, when asked, their invitation links. A row that fails at this stage rolls the
// whole file back. The links go out by SMS only after the commit.
//
// The file is written table by table, not row by row: each owning module has a batch form
// (registerHandedOnMatters, openCases, issueFirstInvitations, recordMatterEvents, AuditBatch) that
// writes what its one-at-a-time form would, for every row, in a few statements — 500 rows took
// ~67 statements each, now a few in all (tests/intake/import-history.test.ts pins the result).
import { staffActor } from '../../audit/actors.ts';
import { AuditBatch } from '../../audit/log.ts';
import { DEFAULT_CASE_DAYS, openCases } from '../../cases/case-service.ts';
import { DEFAULT_INVITATION_DAYS, issueFirstInvitations } from '../../cases/invitation-service.ts';
import type { AppContext, StaffPrincipal } from '../../context.ts';
import type { Tx } from '../../db.ts';
import { scheduleNewMattersJobs } from '../../deadlines/jobs.ts';
import { policyOf } from '../../deadlines/policy.ts';
import { DISPUTE_TYPES, USER_ROLE_LABELS } from '../../domain/vocabulary.ts';
import { DomainError } from '../../errors.ts';
import { matterEvent, recordMatterEvents } from '../../intake/matter-events.ts';
import { registerHandedOnMatters } from '../../intake/registration.ts';
import { normalizePlace } from '../../intake/screening/duplicates.ts';
import { riskFlagsOf } from '../../intake/screening/risk-flags.ts';
import type { ScreeningRules } from '../../intake/screening/rules.ts';
import { planStage, stageDueAt } from '../../intake/stage-deadline.ts';
import { parseImportFile, type ImportRow } from './parse-rows.ts';

/** Sends an invitation link by SMS (the configured provider). */
export interface LinkSender {
  send(phone: string, text: string): Promise<void>;
}

export interface ImportOptions {
  /** The unit the cases go to; default: the unit with code `financial`. */
  unitId?: string | undefined;
  mediatorId: string;
  sendLinks: boolean;
}

export interface ImportedMatter {
  row: number;
  matterId: string;
  registrationNo: string;
  caseId: string;
  caseNumber: string;
}

const DAY_MS = 24 * 3600_000;
const DEFAULT_UNIT_CODE = 'financial';
const typeLabel = (t: string) => DISPUTE_TYPES.find((d) => d.key === t)?.label ?? t;

interface Target {
  centreId: string;
  unit: { id: string; name: string };
  mediator: { id: string; displayName: string };
  /** Who accepts for the unit: its head, or the mediator where the unit has none. */
  acceptedBy: { id: string; displayName: string };
}

interface PendingSms {
  phone: string;
  text: string;
}

export class ImportService {
  constructor(
    private readonly ctx: AppContext,
    private readonly rules: ScreeningRules,
    private readonly links: LinkSender,
  ) {}

  /** The units a dispatcher may import into and their mediators (the upload form's choices). */
  async targets(user: StaffPrincipal) {
    const centreId = await this.#centreOf(user);
    const units = await this.ctx.db.organisation.findMany({
      where: { centreId, active: true, ...(user.role === 'UNIT_HEAD' ? { id: user.orgId } : {}) },
      select: {
        id: true,
        code: true,
        name: true,
        users: { where: { role: 'MEDIATOR', active: true }, select: { id: true, displayName: true }, orderBy: { createdAt: 'asc' } },
      },
      orderBy: { createdAt: 'asc' },
    });
    return { defaultUnitCode: DEFAULT_UNIT_CODE, units: units.map((u) => ({ id: u.id, code: u.code, name: u.name, mediators: u.users })) };
  }

  async import(user: StaffPrincipal, file: Buffer, options: ImportOptions, at = new Date()) {
    const target = await this.#target(user, options);
    const rows = await parseImportFile(file);
    const actorLabel = `${user.displayName}（${USER_ROLE_LABELS[user.role]}）`;
    const sms: PendingSms[] = [];
    // One transaction: the file is imported whole or not at all.
    const imported = await this.ctx.db.$transaction((tx) => this.#importRows(tx, user, target, rows, options.sendLinks, actorLabel, at, sms), {
      timeout: 10 * 60_000,
      maxWait: 30_000,
    });
    let sent = 0;
    const failed: number[] = [];
    for (const [i, m] of sms.entries()) {
      try {
        await this.links.send(m.phone, m.text);
        sent++;
      } catch {
        failed.push(i);
      }
    }
    return { imported, links: sms.length, sent, notSent: failed.length, unit: target.unit, mediator: target.mediator };
  }

  async #centreOf(user: StaffPrincipal): Promise<string> {
    const unit = await this.ctx.db.organisation.findUniqueOrThrow({ where: { id: user.orgId }, select: { centreId: true } });
    if (!unit.centreId) throw new DomainError('UNIT_NOT_FOUND', '您的单位不属于综治中心');
    return unit.centreId;
  }

  async #target(user: StaffPrincipal, options: ImportOptions): Promise<Target> {
    const centreId = await this.#centreOf(user);
    const unit = await this.ctx.db.organisation.findFirst({
      where: { centreId, active: true, ...(options.unitId ? { id: options.unitId } : { code: DEFAULT_UNIT_CODE }) },
      select: { id: true, name: true },
    });
    if (!unit) throw new DomainError('UNIT_NOT_FOUND');
    // A unit head imports for their own unit only; the centre's dispatchers for any.
    if (user.role === 'UNIT_HEAD' && unit.id !== user.orgId) throw new DomainError('UNIT_NOT_FOUND', '单位负责人只能导入到本单位');
    const mediator = await this.ctx.db.user.findFirst({
      where: { id: options.mediatorId, orgId: unit.id, role: 'MEDIATOR', active: true },
      select: { id: true, displayName: true },
    });
    if (!mediator) throw new DomainError('MEDIATOR_NOT_IN_UNIT');
    const head = await this.ctx.db.user.findFirst({
      where: { orgId: unit.id, role: 'UNIT_HEAD', active: true },
      select: { id: true, displayName: true },
      orderBy: { createdAt: 'asc' },
    });
    return { centreId, unit, mediator, acceptedBy: head ?? mediator };
  }

  async #importRows(
    tx: Tx,
    user: StaffPrincipal,
    t: Target,
    rows: readonly ImportRow[],
    withLinks: boolean,
    actorLabel: string,
    at: Date,
    sms: PendingSms[],
  ): Promise<ImportedMatter[]> {
    const audit = new AuditBatch();
    const actor = staffActor(user);
    const policy = await policyOf(tx, t.centreId);
    const titles = rows.map((row) => `${row.applicantName}与${row.respondentName}${typeLabel(row.disputeType)}`.slice(0, 100));
    const cases = await openCases(
      tx,
      { actor, orgId: t.unit.id, mediatorId: t.mediator.id, at },
      rows.map((row, i) => ({
        title: titles[i]!,
        disputeType: row.disputeType,
        summary: row.summary,
        dueDate: new Date(at.getTime() + DEFAULT_CASE_DAYS * DAY_MS),
      })),
      audit,
    );

    // registered → routed → accepted → assigned, in one go; each step and hand-over recorded.
    const matters = rows.map((row, i) => {
      const parties = [
        { role: 'APPLICANT' as const, kind: 'ORGANISATION' as const, name: row.applicantName, phone: row.applicantPhone },
        {
          role: 'RESPONDENT' as const,
          kind: 'PERSON' as const,
          name: row.respondentName,
          phone: row.respondentPhone,
          idNumber: row.respondentIdNumber,
          address: row.respondentAddress,
        },
      ];
      // The institution applies in every row: "repeated reports" does not apply to an import.
      const flags = riskFlagsOf({ title: titles[i]!, summary: row.summary, parties, priorReports: 0, at }, this.rules).map((f) => f.key);
      return { row, parties, flags };
    });
    const registered = await registerHandedOnMatters(
      tx,
      t.centreId,
      matters.map(({ row, parties, flags }, i) => ({
        centreId: t.centreId,
        channel: 'IMPORT',
        disputeType: row.disputeType,
        title: titles[i]!,
        summary: row.summary,
        place: row.place && normalizePlace(row.place),
        amountFen: row.amountFen,
        registeredById: user.id,
        owners: [
          { owner: { unitId: user.orgId, userId: user.id }, reason: 'REGISTERED' },
          { owner: { unitId: t.unit.id, userId: t.acceptedBy.id }, reason: 'ACCEPTED' },
          { owner: { unitId: t.unit.id, userId: t.mediator.id }, reason: 'ASSIGNED' },
        ],
        status: 'ASSIGNED',
        stageDueAt: stageDueAt(policy, 'ASSIGNED', row.disputeType, at),
        caseId: cases[i]!.id,
        parties,
        riskFlags: flags,
        at,
        actorLabel,
      })),
    );
    const assigned = registered.map((m, i) => planStage(policy, { id: m.id, disputeType: rows[i]!.disputeType }, 'ASSIGNED', at, actorLabel));
    await recordMatterEvents(
      tx,
      registered.flatMap((m, i) => [
        ...(matters[i]!.flags.length ? [matterEvent(m.id, 'RISK_FLAGGED', { flags: matters[i]!.flags }, actorLabel, at)] : []),
        matterEvent(m.id, 'ROUTED', { toUnitId: t.unit.id }, actorLabel, at),
        matterEvent(m.id, 'ACCEPTED', { unitId: t.unit.id }, actorLabel, at),
        matterEvent(m.id, 'ASSIGNED', { unitId: t.unit.id, userId: t.mediator.id }, actorLabel, at),
        matterEvent(m.id, 'CASE_OPENED', { caseId: cases[i]!.id, caseNumber: cases[i]!.number }, actorLabel, at),
        assigned[i]!.event,
      ]),
    );
    await scheduleNewMattersJobs(
      tx,
      assigned.flatMap((s) => s.jobs),
    );

    const participants = await this.#addParties(tx, rows, cases, audit, actor);
    if (withLinks) {
      const links = await issueFirstInvitations(
        tx,
        this.ctx,
        user,
        participants.map((p) => ({ caseId: p.caseId, participantId: p.id })),
        { at, expiresInDays: DEFAULT_INVITATION_DAYS, audit },
      );
      for (const [i, link] of links.entries()) {
        const { phone, row } = participants[i]!;
        const title = titles[row]!;
        sms.push({
          phone,
          text: `【${t.unit.name}】您的纠纷（${title}，案号${cases[row]!.number}）已受理，调解员${t.mediator.displayName}将与您联系。请通过以下链接参与在线调解：${link.url}`,
        });
      }
    }
    await audit.append(tx);
    return rows.map((row, i) => ({
      row: row.row,
      matterId: registered[i]!.id,
      registrationNo: registered[i]!.registrationNo,
      caseId: cases[i]!.id,
      caseNumber: cases[i]!.number,
    }));
  }

  /** Each row's applicant (甲方, the institution) and respondent (乙方) as the case's participants, audited. */
  async #addParties(tx: Tx, rows: readonly ImportRow[], cases: readonly { id: string }[], audit: AuditBatch, actor: ReturnType<typeof staffActor>) {
    const data = rows.flatMap((row, i) => [
      {
        caseId: cases[i]!.id,
        role: 'APPLICANT',
        side: 'A',
        name: row.applicantName,
        phone: row.applicantPhone,
        idNumber: row.agentIdNumber,
        personType: 'legal',
        creditCode: row.applicantCreditCode ?? null,
      },
      {
        caseId: cases[i]!.id,
        role: 'RESPONDENT',
        side: 'B',
        name: row.respondentName,
        phone: row.respondentPhone,
        idNumber: row.respondentIdNumber,
        personType: 'natural',
        address: row.respondentAddress ?? null,
      },
    ]);
    const created = await tx.participant.createManyAndReturn({ data, select: { id: true, caseId: true, role: true, name: true, side: true } });
    const idOf = new Map(created.map((p) => [`${p.caseId} ${p.role}`, p.id]));
    return data.map((p, i) => {
      const id = idOf.get(`${p.caseId} ${p.role}`)!;
      audit.add(actor, p.caseId, { type: 'PARTICIPANT_ADDED', data: { participantId: id, name: p.name, role: p.role, side: p.side } });
      return { id, caseId: p.caseId, phone: p.phone, row: Math.floor(i / 2) };
    });
  }
}
