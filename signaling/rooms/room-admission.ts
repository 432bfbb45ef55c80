// Who a room connection is: at the socket handshake (party link token or staff session cookie),
// and at the join, who that is in the case asked for — as which room member, with which role —
// or why they may not enter (grants: room.join).
import type { FastifyInstance } from 'fastify';
import type { Socket } from 'socket.io';
import { requireGrant, roleInCase } from '../access/case-access.ts';
import { linkRoleOf, type CaseRole } from '../access/grants.ts';
import { linkPrincipal, resolvePrincipal } from '../access/principal.ts';
import type { AppContext } from '../context.ts';
import { labelOf, PARTICIPANT_ROLES } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';
import { assertNotArchived } from '../followup/dossier/archive-guard.ts';
import { requireNoticeAcknowledged } from '../procedure/notice.ts';
import type { MemberIdentity } from './member.ts';
import type { Principal, Session } from './room-forwarding.ts';
import { clientAddress } from '../http/trust-proxy.ts';

export async function authenticate(app: FastifyInstance, ctx: AppContext, socket: Socket): Promise<Principal> {
  const token = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
  // Validated here for a clear connection error, and again at join against the case.
  const principal = await resolvePrincipal(ctx, (raw) => app.unsignCookie(raw), {
    token: typeof token === 'string' && token.length > 0 ? token : null,
    cookieHeader: socket.handshake.headers.cookie,
    ip: clientAddress(ctx.config.trustProxy, socket.request),
    userAgent: socket.handshake.headers['user-agent'] ?? '',
  });
  if (principal.kind === 'staff' && principal.mustChangePassword) throw new DomainError('PASSWORD_CHANGE_REQUIRED');
  return principal.kind === 'party' ? { kind: 'party', token: principal.token } : { kind: 'staff', user: principal.user };
}

/** Who this connection is in the given case, or why it may not enter (grants: room.join). */
export async function identityFor(
  ctx: AppContext,
  session: Session,
  c: { id: string } | null,
  caseId: string,
): Promise<{ identity: MemberIdentity; role: CaseRole }> {
  const { principal, client } = session;
  if (principal.kind === 'staff') {
    const user = principal.user;
    const role = c ? await roleInCase(ctx, { kind: 'staff', user }, caseId) : null;
    requireGrant(role, 'room.join', 'case');
    // An archived case has no more sessions (followup/dossier/archive-guard.ts).
    await assertNotArchived(ctx.db, caseId);
    if (role === 'judge') {
      // 询问: the reviewing court's judge leads a video session while the application is under review.
      const application = await ctx.db.judicialApplication.findUnique({ where: { caseId } });
      if (!application || !['ACCEPTED', 'REVIEWING'].includes(application.status))
        throw new DomainError('APPLICATION_WRONG_STATE', '只有在法院受理后、作出裁定前可以发起视频询问');
      return {
        role,
        identity: {
          peerId: user.id,
          roomRole: 'judge',
          displayName: user.displayName,
          roleLabel: '法官',
          side: 'NEUTRAL',
          identityConfirmed: true,
          consentGiven: true,
        },
      };
    }
    return {
      role: role!,
      identity: {
        peerId: user.id,
        roomRole: 'mediator',
        displayName: user.displayName,
        roleLabel: role === 'co-mediator' ? await coMediatorLabel(ctx, user.orgId, caseId) : '调解员',
        side: 'NEUTRAL',
        identityConfirmed: true,
        consentGiven: true,
      },
    };
  }
  const { participant: p } = await linkPrincipal(ctx, principal.token, { ip: client.address, userAgent: client.userAgent, expectCaseId: caseId });
  const role = linkRoleOf(p);
  requireGrant(role, 'room.join', 'case');
  await assertNotArchived(ctx.db, caseId);
  // 权利义务告知书 first (人民调解法 arts. 23–24): parties and agents enter only after acknowledging it.
  await requireNoticeAcknowledged(ctx, p);
  const identity: MemberIdentity = {
    peerId: p.id,
    roomRole: 'party',
    displayName: p.name,
    roleLabel: labelOf(PARTICIPANT_ROLES, p.role),
    side: p.side as MemberIdentity['side'],
    identityConfirmed: p.identityConfirmedAt !== null,
    consentGiven: p.consentAt !== null,
  };
  return { identity, role };
}

/** 协办调解员, with its unit when it comes from another unit of the centre (联合调解): everyone in the room sees whom it speaks for. */
async function coMediatorLabel(ctx: AppContext, unitId: string, caseId: string): Promise<string> {
  const c = await ctx.db.case.findUnique({ where: { id: caseId }, select: { orgId: true } });
  if (!c || c.orgId === unitId) return '协办调解员';
  const unit = await ctx.db.organisation.findUnique({ where: { id: unitId }, select: { name: true } });
  return unit ? `协办调解员 · ${unit.name}` : '协办调解员';
}
