// 反馈: a person follows their matter from a personal link (/m/<id>.<secret>). The secret is an HMAC
// of the link id under the installation's token key, so it is never stored, every notification can
// carry the link again, and rotating the token key voids every link at once. issueMatterLink is what
// any channel calls (online applications here; window, phone and grid registrations elsewhere) for a
// party with a phone: in the caller's transaction it creates the link and queues the SMS that
// carries it (sent after commit by the notifier, intake/follow/notifier.ts).
import { timingSafeEqual } from 'node:crypto';
import type { Db, Tx } from '../../db.ts';
import { hashSecret, parseLinkToken } from '../../auth/link-tokens.ts';
import { MATTER_STATUS_LABELS, isMatterStatus } from '../../domain/matter-status.ts';
import { DomainError } from '../../errors.ts';
import { maskPhone } from '../../signing/sms.ts';
import { linkMessage } from './notice-text.ts';

/** The path of the status page; the full URL is PUBLIC_URL + this. */
export const FOLLOW_PATH = '/m/';

export function linkSecret(tokenKey: string, linkId: string): string {
  // 32 base64url characters, the shape parseLinkToken accepts.
  return Buffer.from(hashSecret(tokenKey, `matter-link:${linkId}`), 'hex')
    .subarray(0, 24)
    .toString('base64url');
}

export function matterLinkToken(tokenKey: string, linkId: string): string {
  return `${linkId}.${linkSecret(tokenKey, linkId)}`;
}

export function matterLinkUrl(publicUrl: string, tokenKey: string, linkId: string): string {
  return `${publicUrl}${FOLLOW_PATH}${matterLinkToken(tokenKey, linkId)}`;
}

/** What staff see in the outbox instead of the link: enough to tell links apart, nothing usable. */
export function maskedLinkUrl(publicUrl: string, linkId: string): string {
  return `${publicUrl}${FOLLOW_PATH}${linkId.slice(0, 6)}…（链接已隐去）`;
}

/**
 * Gives a matter party a link to follow the matter and queues the SMS that carries it (when the
 * party has a phone). One active link per party: a second call returns the existing one without
 * sending again. Call it in the transaction that registers the matter (after registerMatter); the
 * token for the page is matterLinkToken(ctx.secrets.tokenKey, linkId).
 */
export async function issueMatterLink(tx: Tx, matterId: string, partyId: string): Promise<{ linkId: string }> {
  const party = await tx.matterParty.findUnique({ where: { id: partyId }, select: { matterId: true, phone: true } });
  if (!party || party.matterId !== matterId) throw new DomainError('MATTER_NOT_FOUND');
  const existing = await tx.matterLink.findFirst({ where: { partyId, revokedAt: null } });
  if (existing) return { linkId: existing.id };
  const matter = await tx.matter.findUniqueOrThrow({ where: { id: matterId }, include: { centre: true } });
  const lastEvent = await tx.matterEvent.findFirst({ where: { matterId }, orderBy: { id: 'desc' }, select: { id: true } });
  const link = await tx.matterLink.create({ data: { matterId, partyId, fromEventId: lastEvent?.id ?? 0 } });
  if (party.phone) {
    const status = isMatterStatus(matter.status) ? MATTER_STATUS_LABELS[matter.status] : matter.status;
    await tx.notification.create({
      data: {
        eventId: null,
        matterId,
        linkId: link.id,
        kind: 'LINK',
        channel: 'SMS',
        recipient: maskPhone(party.phone),
        text: linkMessage({ centreName: matter.centre.name, registrationNo: matter.registrationNo, statusLabel: status }),
        status: 'PENDING',
      },
    });
  }
  return { linkId: link.id };
}

/** The link a token names, or MATTER_LINK_INVALID (malformed, unknown, revoked or a wrong secret alike). */
export async function resolveMatterLink(db: Db, tokenKey: string, token: string) {
  let parsed: { invitationId: string; secret: string };
  try {
    parsed = parseLinkToken(token);
  } catch {
    throw new DomainError('MATTER_LINK_INVALID');
  }
  const expected = Buffer.from(linkSecret(tokenKey, parsed.invitationId));
  const given = Buffer.from(parsed.secret);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new DomainError('MATTER_LINK_INVALID');
  const link = await db.matterLink.findUnique({ where: { id: parsed.invitationId } });
  if (!link || link.revokedAt) throw new DomainError('MATTER_LINK_INVALID');
  return link;
}
