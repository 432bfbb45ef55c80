// The parties' joint application for judicial confirmation (司法确认, 人民调解法 art. 33): within
// 30 days of the agreement taking effect, each party applies from its own link — or the mediator
// records a party's consent to the other side applying for both, which that party then confirms
// (or declines) from its own link — choosing the same court (the local court by default; a court
// whose area covers a party's domicile is offered too) and giving a service address and phone.
// The application is the parties' own act: it is submitted (待受理, case → 申请司法确认) only when
// every agreement party is in, at least one applied itself, and every consent the mediator
// recorded has been confirmed by its party. Every step is audited.
import { appendAudit, recordAudit, type Actor } from '../audit/log.ts';
import type { Static } from '@sinclair/typebox';
import { asParticipantRole } from '../domain/vocabulary.ts';
import { partyActor } from '../audit/actors.ts';
import { asApplicationStatus, type JudicialView } from './schemas.ts';
import { transitionCase } from '../cases/case-transitions.ts';
import { AGREEMENT_PARTY_ROLES, agreementPartiesOf } from '../cases/participant-service.ts';
import { staffActor } from '../audit/actors.ts';

import type { AppContext, StaffPrincipal } from '../context.ts';
import type { Tx } from '../db.ts';
import { normalizePhone, phoneProblem } from '../domain/phone.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { courtValuesFromAgreement, renderCourtDocument } from '../agreement/court.ts';
import { formatDateCn, todayInChina } from '../agreement/dates.ts';
import { AgreementSnapshotSchema } from '../agreement/document.ts';
import type { TemplateCatalog } from '../agreement/template-schema.ts';
import { composeCourtDocumentPdf } from '../signing/court-document-pdf.ts';
import type { SigningIdentity } from '../signing/org-identity.ts';
import { sealPdf } from '../signing/pades.ts';
import { checkSignaturePng } from '../signing/signature-image.ts';
import type { SigningCodes } from '../signing/signing-codes.ts';
import { createHash } from 'node:crypto';
import { chinaDate, chinaDateTime, type CourtCalendar, type PeriodEnd } from './court-calendar.ts';
import { AREA_CODE } from './court-rules.ts';
import { competentCourts, type CourtDirectory, type Jurisdiction, type ReferralKind } from './jurisdiction.ts';
import { idCheckDigits } from '../domain/id-number.ts';
import { requireConsent } from '../party/party-privacy.ts';

export const WINDOW_DAYS = 30;
const DAY_MS = 24 * 3600_000;

/** What each applicant affirms when signing the 司法确认申请书 (its own act, 解释 art. 351). */
export const APPLICATION_AFFIRMATION = '本人自愿申请司法确认，所述属实';
const APPLICATION_IDENTITY_METHOD = '姓名+身份证号后四位+短信验证码+本人链接+手写签名';

/** After the window the parties may still apply: the court decides whether the delay is excused (MS 86). */
export function lateWarning(lastDay: string): string {
  return `调解协议自生效之日起三十日内申请司法确认（民事诉讼法第二百零五条）；本协议的申请期限已于 ${formatDateCn(lastDay)} 24时届满。仍可提交申请，是否受理由法院决定；如因不可抗拒的事由或者其他正当理由耽误期限，可向法院说明并申请顺延（民事诉讼法第八十六条）。`;
}

type Participant = { id: string; caseId: string; role: string; side: string; name: string };

export interface ApplyInput {
  courtId: string;
  serviceAddress: string;
  phone: string;
  /** 送达地址确认书: consent to electronic service through the party's own link (MS art. 90). */
  electronicService?: boolean | undefined;
  /** 住所地 as a 6-digit administrative-area code. */
  domicileAreaCode?: string | undefined;
  /** 标的物所在地 as a 6-digit administrative-area code, when the dispute concerns a thing. */
  subjectAreaCode?: string | undefined;
  /** The amount in dispute (yuan): decides whether an intermediate court is competent. */
  disputeAmountYuan?: number | undefined;
}

/** What an applicant gives that bears on jurisdiction. */
export type JurisdictionInput = Pick<ApplyInput, 'domicileAreaCode' | 'subjectAreaCode' | 'disputeAmountYuan'>;

const asReferralKind = (k: string | null): ReferralKind => (k === 'DELEGATED' || k === 'ENTRUSTED' ? k : 'INVITED');

export class JudicialApplicationService {
  constructor(
    private readonly ctx: AppContext,
    private readonly templates: TemplateCatalog,
    /** Our organisation's identity: the application document is produced (and sealed) by our system. */
    private readonly identity: SigningIdentity,
    private readonly calendar: CourtCalendar,
    /** Courts' areas and intermediate-court rules (court-rules/courts.json). */
    private readonly directory: CourtDirectory,
    /** One-time SMS codes: each applicant signs with the agreement's ceremony (#17 item 6). */
    private readonly codes: SigningCodes,
  ) {}

  /** The 司法确认申请书 of a submitted application, from its template; made once, then kept. */
  /**
   * The court's 民事裁定书. A party downloading it from its own link is served (电子送达): the first
   * download is recorded on its applicant row with an audit entry; later ones and staff downloads change nothing.
   */
  async ruling(caseId: string, downloadedBy: { id: string; name: string } | null): Promise<{ bytes: Buffer; fileName: string }> {
    const a = await this.ctx.db.judicialApplication.findUnique({ where: { caseId } });
    if (!a?.rulingPdf) throw new DomainError('DOCUMENT_NOT_READY', '法院尚未作出裁定');
    if (downloadedBy)
      await this.ctx.db.$transaction(async (tx) => {
        // Electronic service counts only for a party that consented to it (MS art. 90).
        const { count } = await tx.judicialService.updateMany({
          where: {
            participantId: downloadedBy.id,
            channel: 'electronic',
            openedAt: null,
            document: { applicationId: a.id, kind: { in: ['RULING', 'REFUSAL_RULING', 'WITHDRAWAL_RULING'] } },
          },
          data: { openedAt: new Date(), openedBy: downloadedBy.name },
        });
        if (count === 0) return;
        await tx.judicialApplicant.updateMany({
          where: { applicationId: a.id, participantId: downloadedBy.id, rulingServedAt: null },
          data: { rulingServedAt: new Date() },
        });
        await appendAudit(tx, partyActor(downloadedBy), caseId, {
          type: 'JUDICIAL_RULING_SERVED',
          data: { applicationId: a.id, participantId: downloadedBy.id, name: downloadedBy.name },
        });
      });
    return { bytes: Buffer.from(a.rulingPdf), fileName: `民事裁定书-${a.courtCaseNumber ?? a.id}.pdf` };
  }

  async applicationPdf(caseId: string): Promise<{ bytes: Buffer; fileName: string }> {
    const a = await this.ctx.db.judicialApplication.findUnique({ where: { caseId }, include: { court: true, case: { include: { org: true } } } });
    if (!a || a.status === 'DRAFT' || !a.submittedAt) throw new DomainError('DOCUMENT_NOT_READY', '双方均确认申请后才会生成司法确认申请书');
    const fileName = `司法确认申请书-${a.case.number}.pdf`;
    if (a.applicationPdf) return { bytes: Buffer.from(a.applicationPdf), fileName };
    const round = await this.ctx.db.signingRound.findFirstOrThrow({ where: { caseId, status: 'COMPLETED' } });
    const snapshot = AgreementSnapshotSchema.parse(JSON.parse(round.snapshot));
    const applicants = await this.ctx.db.judicialApplicant.findMany({ where: { applicationId: a.id }, orderBy: { at: 'asc' } });
    const values = {
      ...courtValuesFromAgreement(snapshot),
      court: a.court.name,
      agreementDate: todayInChina(a.effectiveAt),
      applicationDate: todayInChina(a.submittedAt),
      signatures: snapshot.parties
        .map((p) => {
          const x = applicants.find((y) => y.participantId === p.id);
          return x?.applicationSignedAt
            ? `申请人：${p.name}（电子签名：${chinaDateTime(x.applicationSignedAt)}本人签署；核验方式：${APPLICATION_IDENTITY_METHOD}；签名摘要 ${x.applicationSignatureSha256!.slice(0, 16)}）`
            : `申请人：${p.name}（未签署）`;
        })
        .join('\n'),
    };
    const rendered = renderCourtDocument(this.templates.court('confirmation-application'), { parties: snapshot.parties, values });
    if (rendered.unfilled.length) throw new DomainError('DOCUMENT_INCOMPLETE', `申请书缺少：${rendered.unfilled.join('、')}`);
    const { doc } = await composeCourtDocumentPdf(rendered, { author: a.case.org.name, date: a.submittedAt });
    const bytes = Buffer.from(
      await sealPdf(doc, this.identity, {
        reason: `司法确认申请书 ${a.case.number}`,
        location: a.case.org.name,
        contactInfo: a.case.org.name,
        signingTime: a.submittedAt,
      }),
    );
    await this.ctx.db.judicialApplication.updateMany({ where: { id: a.id, applicationPdf: null }, data: { applicationPdf: bytes } });
    // Whoever stored first wins: everyone gets the same file.
    const stored = await this.ctx.db.judicialApplication.findUniqueOrThrow({ where: { id: a.id }, select: { applicationPdf: true } });
    return { bytes: Buffer.from(stored.applicationPdf!), fileName };
  }

  /**
   * The 送达地址确认书: each applicant's service address, phone (masked) and its choice on
   * electronic service (MS art. 90), made from its template once submitted.
   */
  async serviceAddressPdf(caseId: string): Promise<{ bytes: Buffer; fileName: string }> {
    const a = await this.ctx.db.judicialApplication.findUnique({
      where: { caseId },
      include: { court: true, case: { include: { org: true } }, applicants: true },
    });
    if (!a || a.status === 'DRAFT' || !a.submittedAt) throw new DomainError('DOCUMENT_NOT_READY', '双方均签署申请书后才会生成送达地址确认书');
    const round = await this.ctx.db.signingRound.findFirstOrThrow({ where: { caseId, status: 'COMPLETED' } });
    const snapshot = AgreementSnapshotSchema.parse(JSON.parse(round.snapshot));
    const serviceList = snapshot.parties
      .map((p) => {
        const x = a.applicants.find((y) => y.participantId === p.id);
        if (!x) return `${p.name}：未申请`;
        return `${p.name}：送达地址 ${x.serviceAddress}；联系电话 ${x.phone.slice(0, 3)}****${x.phone.slice(-4)}；同意电子送达：${x.electronicService ? '是（通过本人链接接收法院文书）' : '否'}`;
      })
      .join('\n');
    const rendered = renderCourtDocument(this.templates.court('service-address-confirmation'), {
      parties: snapshot.parties,
      values: { court: a.court.name, serviceList, applicationDate: todayInChina(a.submittedAt) },
    });
    if (rendered.unfilled.length) throw new DomainError('DOCUMENT_INCOMPLETE', `送达地址确认书缺少：${rendered.unfilled.join('、')}`);
    const { doc } = await composeCourtDocumentPdf(rendered, { author: a.case.org.name, date: a.submittedAt });
    const bytes = Buffer.from(
      await sealPdf(doc, this.identity, {
        reason: `送达地址确认书 ${a.case.number}`,
        location: a.case.org.name,
        contactInfo: a.case.org.name,
        signingTime: a.submittedAt,
      }),
    );
    return { bytes, fileName: `送达地址确认书-${a.case.number}.pdf` };
  }

  /** What a party (or the case's mediator, `viewer` null) sees: window, courts, who has applied. */
  async view(caseId: string, viewer: (Participant & { phone: string }) | null, giving: JurisdictionInput = {}): Promise<Static<typeof JudicialView>> {
    const { effectiveAt, windowEndsAt, period } = await this.#window(caseId);
    const application = await this.ctx.db.judicialApplication.findUnique({
      where: { caseId },
      include: {
        court: true,
        applicants: true,
        materials: { orderBy: { uploadedAt: 'asc' } },
        documents: { orderBy: { issuedAt: 'asc' }, include: { services: true } },
      },
    });
    const parties = await agreementPartiesOf(this.ctx.db, caseId);
    const courts = await this.courtOptions(caseId, giving);
    return {
      effectiveAt: effectiveAt?.toISOString() ?? null,
      windowEndsAt: windowEndsAt?.toISOString() ?? null,
      windowLastDay: period?.lastDay ?? null,
      windowMovedFrom: period?.movedFrom ?? null,
      windowMovedBecause: period?.movedBecause ?? null,
      calendarComplete: period?.calendarComplete ?? true,
      daysLeft: period ? Math.max(0, Math.round((Date.parse(period.lastDay) - Date.parse(chinaDate(new Date()))) / DAY_MS)) : null,
      windowOpen: windowEndsAt !== null && Date.now() < windowEndsAt.getTime(),
      lateWarning: period && Date.now() >= period.endsAt.getTime() ? lateWarning(period.lastDay) : null,
      phoneOnFile: viewer?.phone ?? null,
      courts,
      application: application && {
        id: application.id,
        status: asApplicationStatus(application.status),
        court: { id: application.court.id, name: application.court.name },
        submittedAt: application.submittedAt?.toISOString() ?? null,
        courtCaseNumber: application.courtCaseNumber,
        decidedAt: application.decidedAt?.toISOString() ?? null,
        decisionReason: application.decisionReason,
        rulingAvailable: application.rulingPdf !== null,
        parties: parties.map((p) => {
          const a = application.applicants.find((x) => x.participantId === p.id);
          // The service address and phone are shown to the party they belong to and the mediator.
          const own = viewer === null || viewer.id === p.id;
          return {
            id: p.id,
            name: p.name,
            role: asParticipantRole(p.role),
            applied: a
              ? {
                  how: a.how === 'consented' ? 'consented' : 'self',
                  at: a.at.toISOString(),
                  confirmedAt: a.confirmedAt?.toISOString() ?? null,
                  electronicService: a.electronicService,
                  ...(own ? { serviceAddress: a.serviceAddress, phone: a.phone } : {}),
                }
              : null,
            /** The mediator recorded this party's consent; the party has yet to confirm it from its own link. */
            awaitingConfirmation: application.status === 'DRAFT' && a !== undefined && a.confirmedAt === null,
          };
        }),
        withdrawRequested: application.withdrawRequestedAt !== null,
        /** Applicants who still have to sign the 司法确认申请书 (ids). */
        unsignedApplicants: application.applicants.filter((x) => !x.applicationSignedAt).map((x) => x.participantId),
        clockStopped: application.pausedSince !== null,
        /** The court's documents; for a party, its own service record (opened = served). */
        documents: application.documents.map((d) => {
          const mine = viewer ? d.services.find((x) => x.participantId === viewer.id) : undefined;
          return {
            id: d.id,
            kind: d.kind,
            title: d.title,
            issuedAt: d.issuedAt.toISOString(),
            dueAt: d.dueAt?.toISOString() ?? null,
            electronic: mine ? mine.channel === 'electronic' : null,
            openedAt: mine?.openedAt?.toISOString() ?? null,
          };
        }),
        materials: application.materials
          .filter((m) => viewer === null || m.participantId === viewer.id)
          .map((m) => ({ id: m.id, kind: m.kind, displayName: m.displayName, mime: m.mime, bytes: m.bytes, uploadedAt: m.uploadedAt.toISOString() })),
      },
      parties: parties.map((p) => ({ id: p.id, name: p.name, role: asParticipantRole(p.role) })),
    };
  }

  /**
   * Courts the applicants may choose, the suggested one first, each with why it is competent
   * (jurisdiction.ts, on area codes): the facts on record plus what an applicant is giving now.
   */
  async courtOptions(caseId: string, giving: JurisdictionInput = {}) {
    return (await this.#jurisdiction(caseId, giving)).courts.map((c, i) => ({ ...c, suggested: i === 0 }));
  }

  async #jurisdiction(caseId: string, giving: JurisdictionInput): Promise<Jurisdiction> {
    const [courts, kase, application] = await Promise.all([
      this.ctx.db.court.findMany({ orderBy: { createdAt: 'asc' } }),
      this.ctx.db.case.findUniqueOrThrow({ where: { id: caseId }, select: { referringCourtId: true, referralKind: true, disputeType: true } }),
      this.ctx.db.judicialApplication.findUnique({ where: { caseId }, include: { applicants: true } }),
    ]);
    const domiciles = [...(application?.applicants ?? []).map((a) => a.domicileAreaCode), giving.domicileAreaCode].filter(
      (c): c is string => typeof c === 'string' && AREA_CODE.test(c),
    );
    return competentCourts(
      courts,
      {
        referral: kase.referringCourtId ? { courtId: kase.referringCourtId, kind: asReferralKind(kase.referralKind) } : null,
        domicileAreaCodes: domiciles,
        subjectAreaCode: giving.subjectAreaCode ?? application?.subjectAreaCode ?? null,
        amountYuan: giving.disputeAmountYuan ?? application?.disputeAmountYuan ?? null,
        disputeType: kase.disputeType,
      },
      this.directory,
    );
  }

  /**
   * The mediator records that a court sent this mediation (邀请先行调解, 委派 or 委托): the
   * application can then go to that court only (MS 205(1)). Not once an application is in.
   */
  async recordReferral(user: StaffPrincipal, caseId: string, input: { courtId: string; kind: ReferralKind }) {
    const court = await this.ctx.db.court.findUnique({ where: { id: input.courtId } });
    if (!court) throw new DomainError('COURT_NOT_FOUND');
    return this.ctx.db.$transaction(async (tx) => {
      if (await tx.judicialApplication.findUnique({ where: { caseId } }))
        throw new DomainError('APPLICATION_ALREADY_SUBMITTED', '当事人已开始申请司法确认，不能再更改委派（邀请）法院');
      await tx.case.update({ where: { id: caseId }, data: { referringCourtId: court.id, referralKind: input.kind } });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'CASE_COURT_REFERRAL',
        data: { courtId: court.id, court: court.name, kind: input.kind },
      });
    });
  }

  /** A party applies from its own link. */
  async apply(actor: Participant, input: ApplyInput) {
    if (!AGREEMENT_PARTY_ROLES.has(actor.role)) throw new DomainError('FORBIDDEN', '只有协议当事人可以申请司法确认');
    // PIPL art. 23: the application hands this party's data to the court.
    await requireConsent(this.ctx.db, actor.id, 'COURT');
    return this.#addApplicant(partyActor(actor), actor.caseId, actor.id, 'self', input);
  }

  /**
   * The mediator records a party's consent to the other side applying for both (e.g. given in
   * person). It counts only once that party confirms it from its own link (confirmConsent).
   */
  async recordConsent(user: StaffPrincipal, caseId: string, participantId: string, input: ApplyInput) {
    const p = (await agreementPartiesOf(this.ctx.db, caseId)).find((x) => x.id === participantId);
    if (!p) throw new DomainError('PARTICIPANT_NOT_FOUND', '该当事人不在本案协议中');
    return this.#addApplicant(staffActor(user), caseId, participantId, 'consented', input);
  }

  /** The party confirms, from its own link, the consent the mediator recorded for it. */
  async confirmConsent(actor: Participant) {
    return this.#answerConsent(actor, true);
  }

  /** The party declines the consent the mediator recorded for it: the recorded consent is removed. */
  async declineConsent(actor: Participant) {
    return this.#answerConsent(actor, false);
  }

  async #answerConsent(actor: Participant, confirm: boolean) {
    const nothing = () => new DomainError('NOTHING_TO_CONFIRM', '调解员没有为您登记需要确认的申请');
    if (!AGREEMENT_PARTY_ROLES.has(actor.role)) throw nothing();
    if (confirm) await requireConsent(this.ctx.db, actor.id, 'COURT');
    if (confirm) await this.#openWindow(actor.caseId);
    return this.ctx.db.$transaction(async (tx) => {
      const application = await tx.judicialApplication.findUnique({ where: { caseId: actor.caseId } });
      if (!application) throw nothing();
      if (application.status !== 'DRAFT') throw new DomainError('APPLICATION_ALREADY_SUBMITTED', '司法确认申请已提交');
      const row = await tx.judicialApplicant.findUnique({ where: { applicationId_participantId: { applicationId: application.id, participantId: actor.id } } });
      if (!row || row.how !== 'consented' || row.confirmedAt !== null) throw nothing();
      const who = partyActor(actor);
      if (confirm) {
        await tx.judicialApplicant.update({ where: { id: row.id }, data: { confirmedAt: new Date() } });
        await appendAudit(tx, who, actor.caseId, { type: 'JUDICIAL_CONSENT_CONFIRMED', data: { applicationId: application.id, participantId: actor.id } });
        await this.#submitIfComplete(tx, who, actor.caseId, application.id);
      } else {
        await tx.judicialApplicant.delete({ where: { id: row.id } });
        await appendAudit(tx, who, actor.caseId, { type: 'JUDICIAL_CONSENT_DECLINED', data: { applicationId: application.id, participantId: actor.id } });
      }
      return tx.judicialApplication.findUniqueOrThrow({ where: { id: application.id } });
    });
  }

  /** Signed. After the 30 days the application is still taken, marked late (the court decides: MS 86). */
  async #openWindow(caseId: string): Promise<{ effectiveAt: Date; windowEndsAt: Date; late: boolean }> {
    const { windowEndsAt, effectiveAt } = await this.#window(caseId);
    if (!effectiveAt || !windowEndsAt) throw new DomainError('NOT_YET_SIGNED', '协议书尚未签署完毕，签署后才能申请司法确认');
    return { effectiveAt, windowEndsAt, late: Date.now() >= windowEndsAt.getTime() };
  }

  async #addApplicant(actor: Actor, caseId: string, participantId: string, how: 'self' | 'consented', input: ApplyInput) {
    const { windowEndsAt, effectiveAt, late } = await this.#openWindow(caseId);
    const phoneIssue = phoneProblem(input.phone);
    if (phoneIssue) throw new DomainError('INVALID_PHONE', phoneIssue);
    const phone = normalizePhone(input.phone);
    const address = input.serviceAddress.trim();
    if ([...address].length < 6) throw new DomainError('VALIDATION', '请填写完整的送达地址');
    const jurisdiction = await this.#jurisdiction(caseId, input);
    if (!jurisdiction.courts.some((o) => o.id === input.courtId)) {
      const competent = jurisdiction.courts.map((c) => c.name).join('、');
      if (jurisdiction.rule === 'REFERRAL')
        throw new DomainError('REFERRED_COURT_ONLY', `本案系法院委派（邀请）调解，须向${competent || '委派（邀请）的人民法院'}申请司法确认`);
      if (jurisdiction.rule === 'INTERMEDIATE') throw new DomainError('INTERMEDIATE_COURT_ONLY', `本案纠纷应由中级人民法院管辖，须向${competent}申请司法确认`);
      throw new DomainError(
        'NO_COMPETENT_COURT',
        competent ? `所选法院对本案没有管辖权；可选择：${competent}` : '请填写住所地或标的物所在地的行政区划代码，以确定有管辖权的法院',
      );
    }
    const facts = {
      ...(input.subjectAreaCode ? { subjectAreaCode: input.subjectAreaCode } : {}),
      ...(input.disputeAmountYuan !== undefined ? { disputeAmountYuan: input.disputeAmountYuan } : {}),
      intermediateJurisdiction: jurisdiction.rule === 'INTERMEDIATE',
    };

    return this.ctx.db.$transaction(async (tx) => {
      const existing = await tx.judicialApplication.findUnique({ where: { caseId }, include: { court: true, applicants: true } });
      if (existing && existing.status !== 'DRAFT') throw new DomainError('APPLICATION_ALREADY_SUBMITTED', '司法确认申请已提交');
      let application =
        existing ??
        (await tx.judicialApplication.create({
          data: { caseId, courtId: input.courtId, effectiveAt, windowEndsAt, ...facts },
          include: { court: true, applicants: true },
        }));
      if (existing) await tx.judicialApplication.update({ where: { id: existing.id }, data: facts });
      if (application.courtId !== input.courtId) {
        // The court is the one the applicants so far chose; once all of them are gone (a recorded consent declined), the next one chooses again.
        if (application.applicants.length > 0)
          throw new DomainError('COURT_MISMATCH', `对方已选择向${application.court.name}申请，双方须向同一法院申请；如需更改请联系调解员`);
        application = await tx.judicialApplication.update({
          where: { id: application.id },
          data: { courtId: input.courtId },
          include: { court: true, applicants: true },
        });
      }
      const already = application.applicants.find((a) => a.participantId === participantId);
      if (already?.how === 'consented' && already.confirmedAt === null) {
        throw new DomainError(
          'CONSENT_NOT_CONFIRMED',
          how === 'self' ? '调解员已登记您同意申请司法确认，请先确认或拒绝该登记' : '已登记该当事人的同意，须由其本人通过个人链接确认',
        );
      }
      if (already) throw new DomainError('ALREADY_APPLIED', '已确认申请，无需重复提交');
      // The mediator cannot make the application alone: once every party would be in, at least one must have applied itself.
      const parties = await agreementPartiesOf(tx, caseId);
      const after = [...application.applicants, { participantId, how }];
      if (how === 'consented' && parties.every((p) => after.some((a) => a.participantId === p.id)) && !after.some((a) => a.how === 'self')) {
        throw new DomainError('APPLICATION_NOT_OWN', '至少须有一方当事人通过本人链接申请司法确认；调解员只能登记一方同意由对方申请');
      }
      await tx.judicialApplicant.create({
        data: {
          applicationId: application.id,
          participantId,
          how,
          serviceAddress: address,
          phone,
          confirmedAt: how === 'self' ? new Date() : null,
          electronicService: input.electronicService === true,
          domicileAreaCode: input.domicileAreaCode ?? null,
        },
      });
      await appendAudit(tx, actor, caseId, {
        type: 'JUDICIAL_APPLIED',
        data: { applicationId: application.id, participantId, how, courtId: input.courtId, ...(late ? { late: true } : {}) },
      });
      await this.#submitIfComplete(tx, actor, caseId, application.id);
      return tx.judicialApplication.findUniqueOrThrow({ where: { id: application.id } });
    });
  }

  /**
   * The applicant signs the 司法确认申请书 from its own link (the signing ceremony: its name and the
   * last four of its ID, the affirmation, a handwritten signature). Submission waits for every one.
   */
  /** The application `actor` may still sign (NOTHING_TO_CONFIRM, APPLICATION_ALREADY_SUBMITTED, ALREADY_SIGNED otherwise). */
  async #signable(db: Tx | AppContext['db'], actor: Participant) {
    const application = await db.judicialApplication.findUnique({ where: { caseId: actor.caseId } });
    if (!application) throw new DomainError('NOTHING_TO_CONFIRM', '请先确认申请司法确认');
    if (application.status !== 'DRAFT') throw new DomainError('APPLICATION_ALREADY_SUBMITTED', '司法确认申请已提交');
    const row = await db.judicialApplicant.findUnique({ where: { applicationId_participantId: { applicationId: application.id, participantId: actor.id } } });
    if (!row?.confirmedAt) throw new DomainError('NOTHING_TO_CONFIRM', '请先确认申请司法确认');
    if (row.applicationSignedAt) throw new DomainError('ALREADY_SIGNED', '您已签署申请书');
    return { application, row };
  }

  /** Sends the one-time code for signing the 司法确认申请书 to the applicant's own phone. */
  async sendApplicationCode(actor: Participant & { phone: string }) {
    await requireConsent(this.ctx.db, actor.id, 'COURT');
    const { application } = await this.#signable(this.ctx.db, actor);
    return this.codes.sendFor(actor, { purpose: 'APPLICATION', subjectId: application.id });
  }

  async signApplication(actor: Participant & { idNumber: string }, input: { name: string; idLast4: string; code: string; affirmation: string; png: Buffer }) {
    if (input.affirmation.trim() !== APPLICATION_AFFIRMATION) throw new DomainError('AFFIRMATION_MISMATCH', `请完整输入：“${APPLICATION_AFFIRMATION}”`);
    // A handwritten signature (PIPL art. 29) on the document that hands this party's data to the court (art. 23).
    await requireConsent(this.ctx.db, actor.id, 'SIGNATURE');
    await requireConsent(this.ctx.db, actor.id, 'COURT');
    await checkSignaturePng(input.png);
    const { application: pending } = await this.#signable(this.ctx.db, actor);
    const refuse = async (reason: string, code: ErrorCode): Promise<never> => {
      await recordAudit(this.ctx.db, partyActor(actor), actor.caseId, {
        type: 'DOCUMENT_SIGNING_REFUSED',
        data: { purpose: 'APPLICATION', subjectId: pending.id, participantId: actor.id, reason },
      });
      throw new DomainError(code);
    };
    if (input.name.trim() !== actor.name || input.idLast4.trim().toUpperCase() !== idCheckDigits(actor.idNumber)) await refuse('identity', 'IDENTITY_MISMATCH');
    await this.codes.useFor({ purpose: 'APPLICATION', subjectId: pending.id }, actor.id, input.code.trim(), refuse);
    return this.ctx.db.$transaction(async (tx) => {
      // Again inside the transaction: another applicant's signature may have submitted it meanwhile.
      const { application, row } = await this.#signable(tx, actor);
      const sha = createHash('sha256').update(input.png).digest('hex');
      await tx.judicialApplicant.update({
        where: { id: row.id },
        data: { applicationSignedAt: new Date(), applicationSignaturePng: new Uint8Array(input.png), applicationSignatureSha256: sha },
      });
      const who = partyActor(actor);
      await appendAudit(tx, who, actor.caseId, {
        type: 'JUDICIAL_APPLICATION_SIGNED',
        data: { applicationId: application.id, participantId: actor.id, pngSha256: sha, identityMethod: APPLICATION_IDENTITY_METHOD },
      });
      await this.#submitIfComplete(tx, who, actor.caseId, application.id);
      return tx.judicialApplication.findUniqueOrThrow({ where: { id: application.id } });
    });
  }

  /** Submits when every agreement party is in, one applied itself, and every recorded consent is confirmed by its party. */
  async #submitIfComplete(tx: Tx, actor: Actor, caseId: string, applicationId: string): Promise<void> {
    const parties = await agreementPartiesOf(tx, caseId);
    const applicants = await tx.judicialApplicant.findMany({ where: { applicationId } });
    const inFor = (id: string) => applicants.find((a) => a.participantId === id);
    if (!parties.every((p) => inFor(p.id)?.confirmedAt && inFor(p.id)?.applicationSignedAt)) return;
    if (!applicants.some((a) => a.how === 'self')) return;
    await this.#submit(tx, actor, caseId, applicationId);
  }

  async #submit(tx: Tx, actor: Actor, caseId: string, applicationId: string): Promise<void> {
    await tx.judicialApplication.update({ where: { id: applicationId }, data: { status: 'SUBMITTED', submittedAt: new Date() } });
    await transitionCase(tx, { caseId, from: 'SIGNED', to: 'CONFIRMATION_REQUESTED', by: 'judicial', actor, reason: '双方共同申请司法确认' });
    await appendAudit(tx, actor, caseId, { type: 'JUDICIAL_SUBMITTED', data: { applicationId } });
  }

  /** The agreement took effect when the issued PDF was made; the window is 30 days from then, counted as MS 85 counts. */
  async #window(caseId: string): Promise<{ effectiveAt: Date | null; windowEndsAt: Date | null; period: PeriodEnd | null }> {
    const round = await this.ctx.db.signingRound.findFirst({ where: { caseId, status: 'COMPLETED' } });
    if (!round?.completedAt) return { effectiveAt: null, windowEndsAt: null, period: null };
    const period = this.calendar.periodEnd(round.completedAt, WINDOW_DAYS);
    return { effectiveAt: round.completedAt, windowEndsAt: period.endsAt, period };
  }
}
