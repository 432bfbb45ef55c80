// A party's acknowledgement of the 个人信息处理告知书 and its separate consents (PIPL arts. 17,
// 23, 29), and the checks other services make before they use the data a consent covers.
// Withdrawing stops further use only: records already signed or submitted stay as they are.
import { appendAudit } from '../audit/log.ts';
import { partyActor } from '../audit/actors.ts';
import type { Db } from '../db.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { loadPartyPrivacyNotice, type PartyPrivacyNotice, type SeparateConsent } from './party-privacy-notice.ts';

type Party = { id: string; caseId: string; name: string };
/** The database or a transaction. */
type ConsentReader = Pick<Db, 'partyPrivacyConsent'>;
const NOTICE = 'NOTICE';

const REQUIRED_CODE: Record<SeparateConsent, ErrorCode> = {
  ID_IMAGES: 'CONSENT_REQUIRED_ID_IMAGES',
  BANK_ACCOUNT: 'CONSENT_REQUIRED_BANK_ACCOUNT',
  SIGNATURE: 'CONSENT_REQUIRED_SIGNATURE',
  COURT: 'CONSENT_REQUIRED_COURT',
};

export interface PrivacyState {
  notice: PartyPrivacyNotice;
  acknowledgedVersion: string | null;
  acknowledgedAt: string | null;
  consents: Array<{ purpose: SeparateConsent; text: string; givenAt: string | null; withdrawnAt: string | null; active: boolean }>;
}

export class PartyPrivacy {
  constructor(private readonly db: Db) {}

  notice(orgName: string): PartyPrivacyNotice {
    return loadPartyPrivacyNotice(orgName);
  }

  async state(p: Party, orgName: string): Promise<PrivacyState> {
    const notice = this.notice(orgName);
    const rows = await this.db.partyPrivacyConsent.findMany({ where: { participantId: p.id } });
    const ack = rows.find((r) => r.purpose === NOTICE);
    return {
      notice,
      acknowledgedVersion: ack?.noticeVersion ?? null,
      acknowledgedAt: ack?.givenAt.toISOString() ?? null,
      consents: (Object.keys(notice.consents) as SeparateConsent[]).map((purpose) => {
        const r = rows.find((x) => x.purpose === purpose);
        return {
          purpose,
          text: notice.consents[purpose],
          givenAt: r?.givenAt.toISOString() ?? null,
          withdrawnAt: r?.withdrawnAt?.toISOString() ?? null,
          active: !!r && r.withdrawnAt === null,
        };
      }),
    };
  }

  /** Records that the party read `version` (the one shown); a stale page is refused. */
  async acknowledge(p: Party, version: string, orgName: string): Promise<void> {
    if (version !== this.notice(orgName).version) throw new DomainError('PRIVACY_NOTICE_CHANGED');
    await this.#set(p, NOTICE, version, 'PRIVACY_NOTICE_ACKNOWLEDGED');
  }

  async give(p: Party, purpose: SeparateConsent, version: string, orgName: string): Promise<void> {
    if (version !== this.notice(orgName).version) throw new DomainError('PRIVACY_NOTICE_CHANGED');
    await requireNoticeAcknowledged(this.db, p.id);
    await this.#set(p, purpose, version, 'PRIVACY_CONSENT_GIVEN');
  }

  async withdraw(p: Party, purpose: SeparateConsent): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const { count } = await tx.partyPrivacyConsent.updateMany({
        where: { participantId: p.id, purpose, withdrawnAt: null },
        data: { withdrawnAt: new Date() },
      });
      if (count !== 1) throw new DomainError('CONSENT_NOT_GIVEN');
      await appendAudit(tx, partyActor(p), p.caseId, { type: 'PRIVACY_CONSENT_WITHDRAWN', data: { participantId: p.id, purpose } });
    });
  }

  async #set(p: Party, purpose: string, version: string, type: 'PRIVACY_NOTICE_ACKNOWLEDGED' | 'PRIVACY_CONSENT_GIVEN'): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const at = new Date();
      await tx.partyPrivacyConsent.upsert({
        where: { participantId_purpose: { participantId: p.id, purpose } },
        create: { participantId: p.id, purpose, noticeVersion: version, givenAt: at },
        update: { noticeVersion: version, givenAt: at, withdrawnAt: null },
      });
      await appendAudit(
        tx,
        partyActor(p),
        p.caseId,
        type === 'PRIVACY_NOTICE_ACKNOWLEDGED' ? { type, data: { participantId: p.id, version } } : { type, data: { participantId: p.id, purpose, version } },
      );
    });
  }
}

/** Refuses (PRIVACY_NOTICE_REQUIRED) until the party has acknowledged the privacy notice. */
export async function requireNoticeAcknowledged(db: ConsentReader, participantId: string): Promise<void> {
  const row = await db.partyPrivacyConsent.findUnique({ where: { participantId_purpose: { participantId, purpose: NOTICE } } });
  if (!row) throw new DomainError('PRIVACY_NOTICE_REQUIRED');
}

/** Whether the party's separate consent for `purpose` is in force (given and not withdrawn). */
export async function hasConsent(db: ConsentReader, participantId: string, purpose: SeparateConsent): Promise<boolean> {
  const row = await db.partyPrivacyConsent.findUnique({ where: { participantId_purpose: { participantId, purpose } } });
  return !!row && row.withdrawnAt === null;
}

/** Refuses with the purpose's own code (e.g. CONSENT_REQUIRED_SIGNATURE) until that consent is in force. */
export async function requireConsent(db: ConsentReader, participantId: string, purpose: SeparateConsent, message?: string): Promise<void> {
  if (!(await hasConsent(db, participantId, purpose))) throw new DomainError(REQUIRED_CODE[purpose], message);
}
