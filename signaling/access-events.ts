// In-process notices about access that was taken away, for the long-lived connections that
// checked it once at connect time (room sockets, drafting WebSockets): they must be cut off now,
// not at their next reconnect. Emitted only after the change is committed (a reconnect is then
// refused by the ordinary checks). Several nodes: room-forwarding.ts relays them to the others.
import { EventEmitter } from 'node:events';

export type AccessRevoked =
  /** One invitation link revoked: the connections opened with it (the participant may hold another link). */
  | { kind: 'link'; caseId: string; invitationId: string; participantId: string }
  /** A staff account deactivated or its password reset: all its sessions are gone. */
  | { kind: 'user'; userId: string; why: 'deactivated' | 'password-reset' }
  /** A participant deleted from its case, with the invitation links it had (deleted with it). */
  | { kind: 'participant'; caseId: string; participantId: string; invitationIds: string[] }
  /** A co-mediator taken off one case: its connections to that case end (the account keeps the rest). */
  | { kind: 'co-mediator'; caseId: string; userId: string };

export class AccessEvents extends EventEmitter<{ accessRevoked: [AccessRevoked] }> {}

/** Who connected: a party by the invitation behind its link token, or a staff account (and the case it acts on, if any). */
export type Holder = { kind: 'party'; invitationId: string | null } | { kind: 'staff'; userId: string; caseId: string | null };

/** Whether a connection opened by `holder` loses its access with this revocation. */
export function revokes(e: AccessRevoked, holder: Holder): boolean {
  switch (e.kind) {
    case 'link':
      return holder.kind === 'party' && holder.invitationId === e.invitationId;
    case 'participant':
      return holder.kind === 'party' && holder.invitationId !== null && e.invitationIds.includes(holder.invitationId);
    case 'user':
      return holder.kind === 'staff' && holder.userId === e.userId;
    case 'co-mediator':
      return holder.kind === 'staff' && holder.userId === e.userId && holder.caseId === e.caseId;
  }
}
