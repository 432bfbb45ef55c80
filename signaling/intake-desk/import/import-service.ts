// 批量导入: an institution's disputes (the seed's 440+ financial ones) from an .xlsx file. Every row
// is checked first (parse-rows.ts); then, in ONE transaction, each row is registered (channel
// IMPORT), routed to the chosen unit, accepted and assigned to the chosen mediator — the steps and
// the hand-overs recorded as for any matter (首接负责) — and opened as a case with its two parties
// as participants and, when asked, their invitation links. A row that fails at this stage rolls the
// whole file back. The links go out by SMS only after the commit.
import { staffActor } from '../../audit/actors.ts';
import { appendAudit } from '../../audit/log.ts';
import { DEFAULT_CASE_DAYS, openCase } from '../../cases/case-service.ts';
import { DEFAULT_INVITATION_DAYS, issueInvitation } from '../../cases/invitation-service.ts';
import type { AppContext, StaffPrincipal } from '../../context.ts';
import type { Tx } from '../../db.ts';
import { DISPUTE_TYPES, USER_ROLE_LABELS } from '../../domain/vocabulary.ts';
import { DomainError } from '../../errors.ts';
import { recordMatterEvent } from '../../intake/matter-events.ts';
import { handOver } from '../../intake/ownership.ts';
import { registerMatter } from '../../intake/registration.ts';
import { normalizePlace } from '../../intake/screening/duplicates.ts';
import { riskFlagsOf } from '../../intake/screening/risk-flags.ts';
import type { ScreeningRules } from '../../intake/screening/rules.ts';
import { startStage } from '../../intake/stage-deadline.ts';
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
    // One transaction: the file is imported whole or not at all. Hundreds of rows take seconds.
    const imported = await this.ctx.db.$transaction(
      async (tx) => {
        const done: ImportedMatter[] = [];
        for (const row of rows) done.push(await this.#importRow(tx, user, target, row, options.sendLinks, actorLabel, at, sms));
        return done;
      },
      { timeout: 10 * 60_000, maxWait: 30_000 },
    );
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

  async #importRow(
    tx: Tx,
    user: StaffPrincipal,
    t: Target,
    row: ImportRow,
    withLinks: boolean,
    actorLabel: string,
    at: Date,
    sms: PendingSms[],
  ): Promise<ImportedMatter> {
    const title = `${row.applicantName}与${row.respondentName}${typeLabel(row.disputeType)}`.slice(0, 100);
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
    const flags = riskFlagsOf({ title, summary: row.summary, parties, priorReports: 0, at }, this.rules).map((f) => f.key);
    const matter = await registerMatter(tx, {
      centreId: t.centreId,
      channel: 'IMPORT',
      disputeType: row.disputeType,
      title,
      summary: row.summary,
      place: row.place && normalizePlace(row.place),
      amountFen: row.amountFen,
      registeredById: user.id,
      owner: { unitId: user.orgId, userId: user.id },
      parties,
      riskFlags: flags,
      at,
      actorLabel,
    });
    if (flags.length) await recordMatterEvent(tx, matter.id, 'RISK_FLAGGED', { flags }, actorLabel, at);
    // registered → routed → accepted → assigned, in one go; each step and hand-over recorded.
    await recordMatterEvent(tx, matter.id, 'ROUTED', { toUnitId: t.unit.id }, actorLabel, at);
    await handOver(tx, matter.id, { unitId: t.unit.id, userId: t.acceptedBy.id }, 'ACCEPTED', at);
    await recordMatterEvent(tx, matter.id, 'ACCEPTED', { unitId: t.unit.id }, actorLabel, at);
    await handOver(tx, matter.id, { unitId: t.unit.id, userId: t.mediator.id }, 'ASSIGNED', at);
    await recordMatterEvent(tx, matter.id, 'ASSIGNED', { unitId: t.unit.id, userId: t.mediator.id }, actorLabel, at);
    const opened = await openCase(tx, {
      actor: staffActor(user),
      orgId: t.unit.id,
      mediatorId: t.mediator.id,
      title,
      disputeType: row.disputeType,
      summary: row.summary,
      dueDate: new Date(at.getTime() + DEFAULT_CASE_DAYS * DAY_MS),
      at,
    });
    await tx.matter.update({ where: { id: matter.id }, data: { status: 'ASSIGNED', caseId: opened.id } });
    await recordMatterEvent(tx, matter.id, 'CASE_OPENED', { caseId: opened.id, caseNumber: opened.number }, actorLabel, at);
    await startStage(tx, matter.id, 'ASSIGNED', at, actorLabel);

    const applicant = await tx.participant.create({
      data: {
        caseId: opened.id,
        role: 'APPLICANT',
        side: 'A',
        name: row.applicantName,
        phone: row.applicantPhone,
        idNumber: row.agentIdNumber,
        personType: 'legal',
        creditCode: row.applicantCreditCode ?? null,
      },
    });
    const respondent = await tx.participant.create({
      data: {
        caseId: opened.id,
        role: 'RESPONDENT',
        side: 'B',
        name: row.respondentName,
        phone: row.respondentPhone,
        idNumber: row.respondentIdNumber,
        personType: 'natural',
        address: row.respondentAddress ?? null,
      },
    });
    for (const p of [applicant, respondent]) {
      await appendAudit(tx, staffActor(user), opened.id, {
        type: 'PARTICIPANT_ADDED',
        data: { participantId: p.id, name: p.name, role: p.role, side: p.side },
      });
    }
    if (withLinks) {
      for (const p of [applicant, respondent]) {
        const link = await issueInvitation(tx, this.ctx, user, { caseId: opened.id, participantId: p.id, at, expiresInDays: DEFAULT_INVITATION_DAYS });
        sms.push({
          phone: p.phone,
          text: `【${t.unit.name}】您的纠纷（${title}，案号${opened.number}）已受理，调解员${t.mediator.displayName}将与您联系。请通过以下链接参与在线调解：${link.url}`,
        });
      }
    }
    return { row: row.row, matterId: matter.id, registrationNo: matter.registrationNo, caseId: opened.id, caseNumber: opened.number };
  }
}
