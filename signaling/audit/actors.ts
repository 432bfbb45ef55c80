// Who an audit entry names: a staff member (name and username) or a party (name and 当事人).
import type { StaffPrincipal } from '../context.ts';
import type { Actor } from './log.ts';

export function staffActor(user: StaffPrincipal): Actor {
  return { type: 'user', id: user.id, label: `${user.displayName}（${user.username}）` };
}

export function partyActor(p: { id: string; name: string }) {
  return { type: 'party' as const, id: p.id, label: `${p.name}（当事人）` };
}
