// 申请调解 online, by the person themselves: after the privacy notice and consent, a verified phone,
// who they are, who the other side is, what happened (+ photos). Everything is checked before
// anything is written, and the matter, its parties, photos, consent record, rate-limit counters and
// the person's follow link are written in one transaction: a refused application stores nothing.
// It is screened as a window registration is (intake-desk/screening.ts): the same spelling of the
// parties and the place, the early-warning flags stored on the matter; its possible duplicates are
// found when the dispatcher opens the matter (GET /api/intake/matters/:id/screening), so the
// person applying neither sees them nor waits for them.
import type { AreaDirectory } from '../../areas/areas.ts';
import type { AppContext } from '../../context.ts';
import { DISPUTE_TYPES, type DisputeType } from '../../domain/vocabulary.ts';
import { idNumberProblem, normalizeIdNumber } from '../../domain/id-number.ts';
import { DomainError } from '../../errors.ts';
import { recordMatterEvent } from '../matter-events.ts';
import { registerMatter, dutyDispatcher, type NewMatterParty } from '../registration.ts';
import { normalizePlace } from '../screening/duplicates.ts';
import type { ScreeningRules } from '../screening/rules.ts';
import { normalizeParties } from '../../intake-desk/parties.ts';
import { riskFlagsFor } from '../../intake-desk/screening.ts';
import { issueMatterLink, matterLinkToken, FOLLOW_PATH } from '../follow/matter-links.ts';
import { HOUR_MS, hitKey, hitsSince, recordHits } from './apply-limits.ts';
import { checkMobile, type ApplyCodes } from './apply-codes.ts';
import { checkPhotos, type PhotoUpload } from './photos.ts';
import type { PrivacyNotice } from './privacy-notice.ts';

export interface OnlineApplication {
  noticeVersion: string;
  consent: boolean;
  ticket: string;
  applicant: { name: string; phone: string; idNumber?: string | undefined; address?: string | undefined };
  respondent: { kind: 'PERSON' | 'ORGANISATION'; name: string; phone?: string | undefined; address?: string | undefined };
  disputeType: DisputeType;
  summary: string;
  place?: string | undefined;
  /** A 街道/乡镇 of the centre's list (signaling/areas), picked by name. */
  areaCode?: string | undefined;
  photos: PhotoUpload[];
}

const clean = (s: string | undefined) => {
  const t = s?.trim();
  return t ? t : undefined;
};

function checkName(name: string, who: string): string {
  const n = name.trim().replace(/\s+/g, ' ');
  if (n.length < 2 || /^[\d\s\p{P}]+$/u.test(n)) throw new DomainError('VALIDATION', `请填写${who}的姓名或名称`);
  return n;
}

export class ApplyService {
  constructor(
    private readonly ctx: AppContext,
    private readonly codes: ApplyCodes,
    private readonly notice: PrivacyNotice,
    private readonly rules: ScreeningRules,
    private readonly areas: AreaDirectory,
  ) {}

  /** The 街道/乡镇 the form offers, by name. */
  towns(): Array<{ code: string; name: string }> {
    return this.areas.towns.map((t) => ({ code: t.code, name: t.name }));
  }

  async apply(input: OnlineApplication, address: string, at: Date): Promise<{ registrationNo: string; followPath: string }> {
    // 个人信息保护法 第十七条: the notice was shown and agreed to before anything was entered.
    if (!input.consent || input.noticeVersion !== this.notice.version) throw new DomainError('APPLY_CONSENT_REQUIRED');
    const phone = checkMobile(input.applicant.phone);
    const applicantName = checkName(input.applicant.name, '您');
    const respondentName = checkName(input.respondent.name, '对方');
    const idNumber = clean(input.applicant.idNumber) && normalizeIdNumber(input.applicant.idNumber!);
    if (idNumber) {
      const problem = idNumberProblem(idNumber);
      if (problem) throw new DomainError('INVALID_ID_NUMBER', problem);
    }
    const respondentPhone = clean(input.respondent.phone) && checkMobile(input.respondent.phone!);
    const summary = input.summary.trim();
    if ([...summary].length < 10) throw new DomainError('VALIDATION', '请用至少 10 个字说明发生了什么');
    const photos = checkPhotos(input.photos);
    const typeLabel = DISPUTE_TYPES.find((t) => t.key === input.disputeType)?.label ?? '纠纷';
    // The title is not sealed: it names the kind of dispute, never the people.
    const title = `${typeLabel}（网上申请）`;
    const place = clean(input.place) && normalizePlace(input.place!);
    if (input.areaCode !== undefined && !this.areas.hasTown(input.areaCode))
      throw new DomainError('AREA_UNKNOWN', '所选街道/乡镇不在本中心的列表中，请刷新页面后重新选择');
    // One spelling with the desk's parties (intake-desk/parties.ts): the duplicate check compares exactly these values.
    const parties: NewMatterParty[] = normalizeParties([
      { role: 'APPLICANT', name: applicantName, phone, idNumber: idNumber || undefined, address: input.applicant.address },
      { role: 'RESPONDENT', kind: input.respondent.kind, name: respondentName, phone: respondentPhone || undefined, address: input.respondent.address },
    ]);
    parties[0]!.phoneVerified = true;
    const { tokenKey } = this.ctx.secrets;
    const hits = [
      { kind: 'APPLY_PHONE' as const, keyHash: hitKey(tokenKey, 'APPLY_PHONE', phone) },
      { kind: 'APPLY_ADDRESS' as const, keyHash: hitKey(tokenKey, 'APPLY_ADDRESS', address) },
    ];
    const limits = this.ctx.config.apply;

    return this.ctx.db.$transaction(async (tx) => {
      if ((await hitsSince(tx, 'APPLY_ADDRESS', hits[1]!.keyHash, new Date(at.getTime() - HOUR_MS))) >= limits.perAddressPerHour)
        throw new DomainError('APPLY_LIMIT_ADDRESS');
      if ((await hitsSince(tx, 'APPLY_PHONE', hits[0]!.keyHash, new Date(at.getTime() - 24 * HOUR_MS))) >= limits.perPhonePerDay)
        throw new DomainError('APPLY_LIMIT_PHONE');
      await this.codes.useTicket(tx, input.ticket, phone, at);
      const centre = await tx.centre.findFirstOrThrow({ orderBy: { createdAt: 'asc' }, select: { id: true } });
      const owner = await dutyDispatcher(tx, centre.id);
      const actorLabel = '申请人本人（网上申请）';
      const flags = (await riskFlagsFor(tx, this.rules, { centreId: centre.id, title, summary, parties, at, countRepeats: true })).map((f) => f.key);
      const matter = await registerMatter(tx, {
        centreId: centre.id,
        channel: 'ONLINE',
        disputeType: input.disputeType,
        title,
        summary,
        place,
        areaCode: input.areaCode,
        registeredById: null,
        owner,
        parties,
        riskFlags: flags,
        at,
        actorLabel,
      });
      if (flags.length) await recordMatterEvent(tx, matter.id, 'RISK_FLAGGED', { flags }, actorLabel, at);
      for (const p of photos) await tx.matterAttachment.create({ data: { matterId: matter.id, ...p, createdAt: at } });
      await tx.applyConsent.create({ data: { matterId: matter.id, noticeVersion: this.notice.version, consentedAt: at } });
      await recordHits(tx, hits, at);
      const applicant = await tx.matterParty.findFirstOrThrow({ where: { matterId: matter.id, role: 'APPLICANT' }, select: { id: true } });
      const { linkId } = await issueMatterLink(tx, matter.id, applicant.id);
      return { registrationNo: matter.registrationNo, followPath: `${FOLLOW_PATH}${matterLinkToken(tokenKey, linkId)}` };
    });
  }
}
