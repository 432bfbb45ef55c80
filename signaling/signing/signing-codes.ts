// One-time codes that confirm a signer holds their phone: sent by SMS at most once a minute and
// eight times per signer and document, valid five minutes, five wrong tries, usable once. Only a
// keyed hash of the code is stored. The same ceremony signs the agreement (its round), the
// 调解笔录 (the locked record) and the 司法确认申请书 (the application): a code names what it signs
// and is good for nothing else.
import { randomInt } from 'node:crypto';
import { recordAudit } from '../audit/log.ts';
import { hashSecret } from '../auth/link-tokens.ts';
import { partyActor } from '../audit/actors.ts';
import type { AppContext } from '../context.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { principalOf, openRound, type Participant } from './signing-round.ts';
import { maskPhone, type SmsProvider } from './sms.ts';

const CODE_TTL_MS = 5 * 60_000;
const CODE_RESEND_MS = 60_000;
const CODE_MAX_ATTEMPTS = 5;
const CODES_PER_SUBJECT = 8;

/** What a code signs: the agreement's round, the locked 调解笔录 record, the 司法确认 application. */
export type CodePurpose = 'AGREEMENT' | 'MINUTES' | 'APPLICATION';
export interface CodeSubject {
  purpose: CodePurpose;
  subjectId: string;
}
type Refuse = (reason: string, code: ErrorCode) => Promise<never>;
const DOCUMENT_NAMES: Record<CodePurpose, string> = { AGREEMENT: '调解协议书', MINUTES: '调解笔录', APPLICATION: '司法确认申请书' };

export class SigningCodes {
  constructor(
    private readonly ctx: AppContext,
    private readonly sms: SmsProvider,
  ) {}

  /** Sends a one-time code to the phone of the person who will sign the agreement. */
  async send(actor: Participant, onBehalfOf?: string) {
    const round = await openRound(this.ctx, actor.caseId);
    await principalOf(this.ctx, round, actor, onBehalfOf);
    return this.sendFor(actor, { purpose: 'AGREEMENT', subjectId: round.id });
  }

  /** Sends a one-time code for `subject` to the signer's own phone (the caller has checked that it may sign it). */
  async sendFor(actor: Pick<Participant, 'id' | 'caseId' | 'name' | 'phone'>, subject: CodeSubject) {
    const where = { purpose: subject.purpose, subjectId: subject.subjectId, participantId: actor.id };
    const recent = await this.ctx.db.signingCode.findMany({ where, orderBy: { createdAt: 'desc' } });
    if (recent[0] && Date.now() - recent[0].createdAt.getTime() < CODE_RESEND_MS) throw new DomainError('RATE_LIMITED', '验证码已发送，请 1 分钟后再试');
    if (recent.length >= CODES_PER_SUBJECT) throw new DomainError('RATE_LIMITED', '验证码发送次数过多，请联系调解员');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const row = await this.ctx.db.signingCode.create({
      data: { ...where, roundId: subject.purpose === 'AGREEMENT' ? subject.subjectId : null, codeHash: '', expiresAt: new Date(Date.now() + CODE_TTL_MS) },
    });
    await this.ctx.db.signingCode.update({
      where: { id: row.id },
      data: { codeHash: hashSecret(this.ctx.secrets.tokenKey, `signing-code:${row.id}:${code}`) },
    });
    const validMinutes = CODE_TTL_MS / 60_000;
    try {
      await this.sms.send(
        actor.phone,
        `【解纷】您正在签署${DOCUMENT_NAMES[subject.purpose]}，验证码 ${code}，${validMinutes}分钟内有效。如非本人操作请忽略。`,
        { code, validMinutes },
      );
    } catch (err) {
      // Not sent: the code never counts (no resend wait, no use of the allowance).
      await this.ctx.db.signingCode.delete({ where: { id: row.id } });
      throw err;
    }
    await recordAudit(this.ctx.db, partyActor(actor), actor.caseId, {
      type: 'SIGNING_CODE_SENT',
      data: {
        ...(subject.purpose === 'AGREEMENT' ? { roundId: subject.subjectId } : { purpose: subject.purpose, subjectId: subject.subjectId }),
        participantId: actor.id,
        phone: maskPhone(actor.phone),
        provider: this.sms.name,
      },
    });
    return { phone: maskPhone(actor.phone), expiresInSec: CODE_TTL_MS / 1000 };
  }

  /** Uses up the participant's newest agreement code for the round if `code` matches it. */
  use(roundId: string, participantId: string, code: string, refuse: Refuse): Promise<void> {
    return this.useFor({ purpose: 'AGREEMENT', subjectId: roundId }, participantId, code, refuse);
  }

  /** Uses up the participant's newest code for `subject` if `code` matches it; otherwise refuses (a wrong code counts as a try). */
  async useFor(subject: CodeSubject, participantId: string, code: string, refuse: Refuse): Promise<void> {
    const row = await this.ctx.db.signingCode.findFirst({
      where: { purpose: subject.purpose, subjectId: subject.subjectId, participantId, usedAt: null },
      orderBy: { createdAt: 'desc' },
    });
    if (!row || row.expiresAt.getTime() < Date.now()) return refuse('code-expired', 'CODE_EXPIRED');
    if (row.attempts >= CODE_MAX_ATTEMPTS) return refuse('code-attempts', 'CODE_ATTEMPTS_EXCEEDED');
    const ok = /^\d{6}$/.test(code) && hashSecret(this.ctx.secrets.tokenKey, `signing-code:${row.id}:${code}`) === row.codeHash;
    if (!ok) {
      await this.ctx.db.signingCode.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });
      return refuse('code-wrong', 'CODE_WRONG');
    }
    const { count } = await this.ctx.db.signingCode.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
    if (count !== 1) return refuse('code-reused', 'CODE_USED');
  }
}
