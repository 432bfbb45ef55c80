// Invitation links: issued per participant, stored hashed, expiring, revocable, with a use log.
import { appendAudit, type AuditBatch } from '../audit/log.ts';
import { formatLinkToken, issueLinkSecret } from '../auth/link-tokens.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import type { Tx } from '../db.ts';
import { DomainError } from '../errors.ts';
import { staffActor } from '../audit/actors.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_INVITATION_DAYS = 14;

/**
 * Issues a new link for the participant in the caller's transaction. A participant has one working
 * link: the ones issued before (重新生成链接) are revoked, audited, and returned in `replaced` (the
 * caller ends their connections once committed).
 */
export async function issueInvitation(
  tx: Tx,
  ctx: Pick<AppContext, 'secrets' | 'config'>,
  user: StaffPrincipal,
  { caseId, participantId, at, expiresInDays }: { caseId: string; participantId: string; at: Date; expiresInDays: number },
) {
  const { secret, secretHash } = issueLinkSecret(ctx.secrets.tokenKey);
  const expiresAt = new Date(at.getTime() + expiresInDays * DAY_MS);
  const previous = await tx.invitation.findMany({ where: { caseId, participantId, revokedAt: null, expiresAt: { gt: at } }, select: { id: true } });
  if (previous.length) await tx.invitation.updateMany({ where: { id: { in: previous.map((p) => p.id) } }, data: { revokedAt: at } });
  for (const p of previous) {
    await appendAudit(tx, staffActor(user), caseId, { type: 'INVITATION_REVOKED', data: { invitationId: p.id, participantId, reason: 'reissued' } });
  }
  const invitation = await tx.invitation.create({
    data: { caseId, participantId, secretHash, createdById: user.id, expiresAt },
    include: { participant: true, _count: { select: { uses: true } } },
  });
  await appendAudit(tx, staffActor(user), caseId, {
    type: 'INVITATION_CREATED',
    data: { invitationId: invitation.id, participantId, expiresAt: expiresAt.toISOString() },
  });
  const token = formatLinkToken(invitation.id, secret);
  return { invitation, replaced: previous.map((p) => p.id), token, url: `${ctx.config.publicUrl}/j/${token}` };
}

/**
 * The first links of new participants, all at once (a batch import): they have no links to revoke,
 * so one insert, and each INVITATION_CREATED added to `audit` (the caller appends the batch).
 * Returns the links in the order asked.
 */
export async function issueFirstInvitations(
  tx: Tx,
  ctx: Pick<AppContext, 'secrets' | 'config'>,
  user: StaffPrincipal,
  links: readonly { caseId: string; participantId: string }[],
  { at, expiresInDays, audit }: { at: Date; expiresInDays: number; audit: AuditBatch },
): Promise<{ caseId: string; participantId: string; invitationId: string; url: string }[]> {
  if (links.length === 0) return [];
  const expiresAt = new Date(at.getTime() + expiresInDays * DAY_MS);
  const secrets = links.map(() => issueLinkSecret(ctx.secrets.tokenKey));
  const created = await tx.invitation.createManyAndReturn({
    data: links.map((l, i) => ({ caseId: l.caseId, participantId: l.participantId, secretHash: secrets[i]!.secretHash, createdById: user.id, expiresAt })),
    select: { id: true, participantId: true },
  });
  const idOf = new Map(created.map((c) => [c.participantId, c.id]));
  if (idOf.size !== links.length) throw new Error('first links: one per participant');
  return links.map((l, i) => {
    const invitationId = idOf.get(l.participantId)!;
    audit.add(staffActor(user), l.caseId, {
      type: 'INVITATION_CREATED',
      data: { invitationId, participantId: l.participantId, expiresAt: expiresAt.toISOString() },
    });
    return { ...l, invitationId, url: `${ctx.config.publicUrl}/j/${formatLinkToken(invitationId, secrets[i]!.secret)}` };
  });
}

export class InvitationService {
  constructor(private readonly ctx: AppContext) {}

  /**
   * Issues a new link for the participant. A participant has one working link: the ones issued
   * before (重新生成链接) are revoked in the same transaction, audited, and the connections opened
   * with them end. `replaced` says how many.
   */
  async create(user: StaffPrincipal, caseId: string, participantId: string, expiresInDays = DEFAULT_INVITATION_DAYS) {
    const participant = await this.ctx.db.participant.findFirst({ where: { id: participantId, caseId } });
    if (!participant) throw new DomainError('PARTICIPANT_NOT_FOUND', '当事人不存在');
    const issued = await this.ctx.db.$transaction((tx) => issueInvitation(tx, this.ctx, user, { caseId, participantId, at: new Date(), expiresInDays }));
    // Connections opened with the replaced links (room, drafting) end now.
    for (const invitationId of issued.replaced) this.ctx.events.emit('accessRevoked', { kind: 'link', caseId, invitationId, participantId });
    return { ...issued, replaced: issued.replaced.length };
  }

  async list(user: StaffPrincipal, caseId: string) {
    return this.ctx.db.invitation.findMany({
      where: { caseId },
      include: { participant: true, _count: { select: { uses: true } }, uses: { orderBy: { at: 'desc' }, take: 1 } },
      orderBy: { createdAt: 'desc' },
    });
  }

  async revoke(user: StaffPrincipal, caseId: string, invitationId: string) {
    const revoked = await this.ctx.db.$transaction(async (tx) => {
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
    this.ctx.events.emit('accessRevoked', { kind: 'link', caseId, invitationId: revoked.id, participantId: revoked.participantId });
    return revoked;
  }
}
