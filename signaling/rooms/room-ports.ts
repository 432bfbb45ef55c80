// What a live room's parts need from outside and from each other, kept narrow: the database
// port (RoomPersistence, implemented by the registry, in memory by tests) and the room's audit
// trail, which records who in the room acted (or the system, `null`).
import type { AuditEvent } from '../audit/events.ts';
import type { Actor } from '../audit/log.ts';
import type { ChatMessage, Notepad } from '../protocol/room.ts';
import type { Member } from './member.ts';

/** What the room needs from the outside world (database), kept narrow for testing. */
export interface RoomPersistence {
  audit(actor: Actor, event: AuditEvent): Promise<void>;
  saveChat(message: { scope: string; senderId: string; senderName: string; text: string }): Promise<ChatMessage>;
  listChat(scope: string): Promise<ChatMessage[]>;
  /** Every message of the case but those written in the given scopes. */
  listChatExcept(scopes: string[]): Promise<ChatMessage[]>;
  getNotepad(side: 'A' | 'B'): Promise<Notepad>;
  /** With `audited`, the audit row is written in the same transaction: both or neither. */
  saveNotepad(side: 'A' | 'B', content: string, by: { peerId: string; displayName: string }, audited?: { actor: Actor; event: AuditEvent }): Promise<Notepad>;
}

/** Records an event of the room; `null`: the system acted (e.g. ending a caucus nobody came back to). */
export type RoomAudit = (by: Member | null, event: AuditEvent) => Promise<void>;

/** Who acted in the room, as the audit trail names them. */
export function roomActor(by: Member | null): Actor {
  return by
    ? { type: by.roomRole === 'party' ? 'party' : 'user', id: by.peerId, label: `${by.displayName}（${by.roleLabel}）` }
    : { type: 'system', label: '系统' };
}

export function roomAudit(persistence: RoomPersistence): RoomAudit {
  return async (by, event) => persistence.audit(roomActor(by), event);
}
