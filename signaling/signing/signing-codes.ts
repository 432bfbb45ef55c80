// One-time codes that confirm a signer holds their phone: sent by SMS at most once a minute and
// eight times a round, valid five minutes, five wrong tries, usable once. Only a keyed hash of
// the code is stored.
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
const CODES_PER_ROUND = 8;

export class SigningCodes {
  constructor(
    private readonly ctx: AppContext,
    private readonly sms: SmsProvider,
  ) {}

  /** Sends a one-time code to the phone of the person who will sign. */
  async send(actor: Participant, onBehalfOf?: string) {
    const round = await openRound(this.ctx, actor.caseId);
    await principalOf(this.ctx, round, actor, onBehalfOf);
    const recent = await this.ctx.db.signingCode.findMany({ where: { roundId: round.id, participantId: actor.id }, orderBy: { createdAt: 'desc' } });
    if (recent[0] && Date.now() - recent[0].createdAt.getTime() < CODE_RESEND_MS) throw new DomainError('RATE_LIMITED', '验证码已发送，请 1 分钟后再试');
    if (recent.length >= CODES_PER_ROUND) throw new DomainError('RATE_LIMITED', '验证码发送次数过多，请联系调解员');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const row = await this.ctx.db.signingCode.create({
      data: { roundId: round.id, participantId: actor.id, codeHash: '', expiresAt: new Date(Date.now() + CODE_TTL_MS) },
    });
    await this.ctx.db.signingCode.update({
      where: { id: row.id },
      data: { codeHash: hashSecret(this.ctx.secrets.tokenKey, `signing-code:${row.id}:${code}`) },
    });
    const validMinutes = CODE_TTL_MS / 60_000;
    try {
      await this.sms.send(actor.phone, `【解纷】您正在签署调解协议书，验证码 ${code}，${validMinutes}分钟内有效。如非本人操作请忽略。`, { code, validMinutes });
    } catch (err) {
      // Not sent: the code never counts (no resend wait, no use of the round's allowance).
      await this.ctx.db.signingCode.delete({ where: { id: row.id } });
      throw err;
    }
    await recordAudit(this.ctx.db, partyActor(actor), actor.caseId, {
      type: 'SIGNING_CODE_SENT',
      data: { roundId: round.id, participantId: actor.id, phone: maskPhone(actor.phone), provider: this.sms.name },
    });
    return { phone: maskPhone(actor.phone), expiresInSec: CODE_TTL_MS / 1000 };
  }

  /** Uses up the participant's newest code if `code` matches it; otherwise refuses (a wrong code counts as a try). */
  async use(roundId: string, participantId: string, code: string, refuse: (reason: string, code: ErrorCode) => Promise<never>): Promise<void> {
    const row = await this.ctx.db.signingCode.findFirst({ where: { roundId, participantId, usedAt: null }, orderBy: { createdAt: 'desc' } });
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
