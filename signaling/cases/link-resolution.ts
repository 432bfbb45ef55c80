// A party's personal link (/j/<token>) resolved to its invitation and participant, for the
// link page and for every request a party makes with it (signaling/access/principal.ts).
import { partyActor } from '../audit/actors.ts';
import { appendAudit } from '../audit/log.ts';
import { parseLinkToken, secretMatches } from '../auth/link-tokens.ts';
import type { AppContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { failedLinks } from './failed-links.ts';

export interface LinkRequest {
  ip: string;
  userAgent: string;
  /** When the caller acts on a specific case, the link must belong to it. */
  expectCaseId?: string;
  /** Log this resolution as a use of the link (page opens), not just an API call. */
  recordUse?: boolean;
}

/**
 * Resolves a party's link token to its invitation and participant. Every rejection throws a
 * DomainError whose code says exactly why and is counted per client address: the audit gets one
 * row per address, reason and window with the count (failed-links.ts), and an address that
 * failed too often is refused for the rest of the window.
 */
export async function resolveLink(ctx: AppContext, token: string, req: LinkRequest) {
  const failures = failedLinks(ctx);
  failures.check(req.ip);
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
    if (err instanceof DomainError) failures.failed(req.ip, err.code, caseId, invitationId);
    throw err;
  }
}
