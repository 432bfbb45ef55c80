// Invitation links: issued per participant, stored hashed, expiring, revocable, with a use log.
import { appendAudit, recordAudit } from '../audit/log.ts';
import { formatLinkToken, issueLinkSecret, parseLinkToken, secretMatches } from '../auth/link-tokens.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';
import { staffActor } from './case-service.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_INVITATION_DAYS = 14;

export async function createInvitation(ctx: AppContext, user: StaffPrincipal, caseId: string, participantId: string, expiresInDays = DEFAULT_INVITATION_DAYS) {
  const participant = await ctx.db.participant.findFirst({ where: { id: participantId, caseId } });
  if (!participant) throw new DomainError('PARTICIPANT_NOT_FOUND', '当事人不存在');
  const { secret, secretHash } = issueLinkSecret(ctx.secrets.tokenKey);
  const expiresAt = new Date(Date.now() + expiresInDays * DAY_MS);
  const invitation = await ctx.db.$transaction(async (tx) => {
    const inv = await tx.invitation.create({
      data: { caseId, participantId, secretHash, createdById: user.id, expiresAt },
      include: { participant: true, _count: { select: { uses: true } } },
    });
    await appendAudit(tx, staffActor(user), caseId, {
      type: 'INVITATION_CREATED',
      data: { invitationId: inv.id, participantId, expiresAt: expiresAt.toISOString() },
    });
    return inv;
  });
  const token = formatLinkToken(invitation.id, secret);
  return { invitation, token, url: `${ctx.config.publicUrl}/j/${token}` };
}

export async function listInvitations(ctx: AppContext, user: StaffPrincipal, caseId: string) {
  return ctx.db.invitation.findMany({
    where: { caseId },
    include: { participant: true, _count: { select: { uses: true } }, uses: { orderBy: { at: 'desc' }, take: 1 } },
    orderBy: { createdAt: 'desc' },
  });
}

export async function revokeInvitation(ctx: AppContext, user: StaffPrincipal, caseId: string, invitationId: string) {
  const revoked = await ctx.db.$transaction(async (tx) => {
    const inv = await tx.invitation.findFirst({ where: { id: invitationId, caseId } });
    if (!inv) throw new DomainError('INVITATION_NOT_FOUND', '邀请链接不存在');
    if (inv.revokedAt) throw new DomainError('LINK_ALREADY_REVOKED', '该链接已撤销');
    const updated = await tx.invitation.update({
      where: { id: inv.id },
      data: { revokedAt: new Date() },
      include: { participant: true, _count: { select: { uses: true } }, uses: { orderBy: { at: 'desc' }, take: 1 } },
    });
    await appendAudit(tx, staffActor(user), caseId, { type: 'INVITATION_REVOKED', data: { invitationId: inv.id, participantId: inv.participantId } });
    return updated;
  });
  // Connections opened with this link (room, drafting) end now.
  ctx.events.emit('accessRevoked', { kind: 'link', caseId, invitationId: revoked.id, participantId: revoked.participantId });
  return revoked;
}

export interface LinkRequest {
  ip: string;
  userAgent: string;
  /** When the caller acts on a specific case, the link must belong to it. */
  expectCaseId?: string;
  /** Log this resolution as a use of the link (page opens), not just an API call. */
  recordUse?: boolean;
}

/**
 * Resolves a party's link token to its invitation and participant. Every rejection
 * is audited (against the case when the invitation is known) and throws a DomainError
 * whose code says exactly why.
 */
export async function resolveLink(ctx: AppContext, token: string, req: LinkRequest) {
  let invitationId: string | undefined;
  let caseId: string | null = null;
  try {
    const parsed = parseLinkToken(token);
    invitationId = parsed.invitationId;
    const inv = await ctx.db.invitation.findUnique({
      where: { id: parsed.invitationId },
      include: { participant: true, case: { include: { org: true, mediator: true } } },
    });
    if (!inv || !secretMatches(ctx.secrets.tokenKey, parsed.secret, inv.secretHash)) {
      throw new DomainError('TOKEN_INVALID', '链接无效：可能被修改或复制不完整，请联系调解员重新发送');
    }
    caseId = inv.caseId;
    if (inv.revokedAt) throw new DomainError('TOKEN_REVOKED', '该链接已被调解员撤销，请联系调解员获取新链接');
    if (inv.expiresAt.getTime() <= Date.now()) throw new DomainError('TOKEN_EXPIRED', '该链接已过期，请联系调解员获取新链接');
    if (req.expectCaseId !== undefined && req.expectCaseId !== inv.caseId) {
      throw new DomainError('TOKEN_WRONG_CASE', '该链接不属于此案件');
    }
    if (req.recordUse) {
      await ctx.db.$transaction(async (tx) => {
        await tx.invitationUse.create({ data: { invitationId: inv.id, ip: req.ip, userAgent: req.userAgent.slice(0, 300) } });
        await appendAudit(tx, partyActor(inv.participant), inv.caseId, {
          type: 'INVITATION_USED',
          data: { invitationId: inv.id, participantId: inv.participantId, ip: req.ip },
        });
      });
    }
    return inv;
  } catch (err) {
    if (err instanceof DomainError) {
      await recordAudit(ctx.db, { type: 'anonymous' }, caseId, {
        type: 'INVITATION_REJECTED',
        data: { reason: err.code, ip: req.ip, ...(invitationId ? { invitationId } : {}) },
      });
    }
    throw err;
  }
}

export function partyActor(p: { id: string; name: string }) {
  return { type: 'party' as const, id: p.id, label: `${p.name}（当事人）` };
}
