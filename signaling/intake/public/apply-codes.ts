// Phone verification of the public form: a six-digit code by SMS (the configured provider), valid
// five minutes, five wrong tries, at most one a minute and a few an hour per phone and per address.
// A right code yields a ticket (valid 30 minutes) that exactly one application may use: the
// ticket, not the code, is what the submission carries. Only keyed hashes are stored.
import { randomBytes, randomInt } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { Tx } from '../../db.ts';
import { hashSecret, secretMatches } from '../../auth/link-tokens.ts';
import { DomainError } from '../../errors.ts';
import { maskPhone, type SmsProvider } from '../../signing/sms.ts';
import { HOUR_MS, hitKey, hitsSince, recordHits } from './apply-limits.ts';

export const CODE_TTL_MS = 5 * 60_000;
export const CODE_RESEND_MS = 60_000;
export const CODE_MAX_ATTEMPTS = 5;
export const TICKET_TTL_MS = 30 * 60_000;

const MOBILE = /^1[3-9]\d{9}$/;

export function checkMobile(phone: string): string {
  const p = phone.replace(/[\s-]/g, '').replace(/^\+?86/, '');
  if (!MOBILE.test(p)) throw new DomainError('INVALID_PHONE', '请输入 11 位手机号码（如 13800138000）');
  return p;
}

export class ApplyCodes {
  constructor(
    private readonly ctx: AppContext,
    private readonly sms: SmsProvider,
  ) {}

  phoneKey(phone: string): string {
    return hashSecret(this.ctx.secrets.tokenKey, `apply-phone:${phone}`);
  }

  async send(rawPhone: string, address: string, at: Date): Promise<{ phone: string; expiresInSec: number; resendInSec: number }> {
    const phone = checkMobile(rawPhone);
    const { tokenKey } = this.ctx.secrets;
    const phoneKey = this.phoneKey(phone);
    const limits = this.ctx.config.apply;
    const hits = [
      { kind: 'CODE_PHONE' as const, keyHash: hitKey(tokenKey, 'CODE_PHONE', phone) },
      { kind: 'CODE_ADDRESS' as const, keyHash: hitKey(tokenKey, 'CODE_ADDRESS', address) },
    ];
    const row = await this.ctx.db.$transaction(async (tx) => {
      const last = await tx.applyCode.findFirst({ where: { phoneKey }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
      if (last && at.getTime() - last.createdAt.getTime() < CODE_RESEND_MS) throw new DomainError('CODE_LIMIT', '验证码已发送，请 1 分钟后再试');
      const hourAgo = new Date(at.getTime() - HOUR_MS);
      if ((await hitsSince(tx, 'CODE_PHONE', hits[0]!.keyHash, hourAgo)) >= limits.codesPerPhonePerHour)
        throw new DomainError('CODE_LIMIT', '该手机号获取验证码次数过多，请 1 小时后再试');
      if ((await hitsSince(tx, 'CODE_ADDRESS', hits[1]!.keyHash, hourAgo)) >= limits.codesPerAddressPerHour)
        throw new DomainError('CODE_LIMIT', '本网络获取验证码次数过多，请稍后再试');
      await recordHits(tx, hits, at);
      return tx.applyCode.create({ data: { phoneKey, codeHash: '', expiresAt: new Date(at.getTime() + CODE_TTL_MS), createdAt: at } });
    });
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.ctx.db.applyCode.update({ where: { id: row.id }, data: { codeHash: hashSecret(tokenKey, `apply-code:${row.id}:${code}`) } });
    const validMinutes = CODE_TTL_MS / 60_000;
    try {
      await this.sms.send(phone, `【${this.ctx.config.centre.name}】您正在申请调解，验证码 ${code}，${validMinutes}分钟内有效。如非本人操作请忽略。`, {
        code,
        validMinutes,
      });
    } catch (err) {
      // Not sent: neither the code nor its counters count.
      await this.ctx.db.$transaction(async (tx) => {
        await tx.applyCode.delete({ where: { id: row.id } });
        await tx.applyHit.deleteMany({ where: { at, OR: hits } });
      });
      throw err;
    }
    return { phone: maskPhone(phone), expiresInSec: CODE_TTL_MS / 1000, resendInSec: CODE_RESEND_MS / 1000 };
  }

  /** Checks the newest code sent to the phone; a right one gives the ticket the application carries. */
  async verify(rawPhone: string, code: string, at: Date): Promise<{ ticket: string; expiresInSec: number }> {
    const phone = checkMobile(rawPhone);
    const row = await this.ctx.db.applyCode.findFirst({ where: { phoneKey: this.phoneKey(phone) }, orderBy: { createdAt: 'desc' } });
    if (!row || row.verifiedAt || row.expiresAt.getTime() < at.getTime()) throw new DomainError('CODE_EXPIRED');
    if (row.attempts >= CODE_MAX_ATTEMPTS) throw new DomainError('CODE_ATTEMPTS_EXCEEDED');
    const ok = /^\d{6}$/.test(code) && secretMatches(this.ctx.secrets.tokenKey, `apply-code:${row.id}:${code}`, row.codeHash);
    if (!ok) {
      const { attempts } = await this.ctx.db.applyCode.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });
      const left = CODE_MAX_ATTEMPTS - attempts;
      if (left <= 0) throw new DomainError('CODE_ATTEMPTS_EXCEEDED');
      throw new DomainError('CODE_WRONG', `验证码不正确，还可以再试 ${left} 次`);
    }
    const secret = randomBytes(24).toString('base64url');
    const { count } = await this.ctx.db.applyCode.updateMany({
      where: { id: row.id, verifiedAt: null },
      data: { verifiedAt: at, ticketHash: hashSecret(this.ctx.secrets.tokenKey, `apply-ticket:${secret}`) },
    });
    if (count !== 1) throw new DomainError('CODE_USED');
    return { ticket: `${row.id}.${secret}`, expiresInSec: TICKET_TTL_MS / 1000 };
  }

  /** Uses up the ticket for `phone` in the application's transaction (a rejected application leaves it usable). */
  async useTicket(tx: Tx, ticket: string, phone: string, at: Date): Promise<void> {
    const m = /^([a-z0-9]{20,40})\.([A-Za-z0-9_-]{32})$/.exec(ticket);
    if (!m) throw new DomainError('PHONE_NOT_VERIFIED');
    const row = await tx.applyCode.findUnique({ where: { id: m[1]! } });
    const valid =
      row?.ticketHash &&
      row.verifiedAt &&
      !row.ticketUsedAt &&
      at.getTime() - row.verifiedAt.getTime() < TICKET_TTL_MS &&
      row.phoneKey === this.phoneKey(phone) &&
      secretMatches(this.ctx.secrets.tokenKey, `apply-ticket:${m[2]!}`, row.ticketHash);
    if (!valid) throw new DomainError('PHONE_NOT_VERIFIED');
    const { count } = await tx.applyCode.updateMany({ where: { id: row.id, ticketUsedAt: null }, data: { ticketUsedAt: at } });
    if (count !== 1) throw new DomainError('PHONE_NOT_VERIFIED');
  }
}
