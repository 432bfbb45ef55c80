// What members write in the room: chat, scoped to the room (joint session or caucus) the
// sender is in, and the sides' private notepads (mediators + that side only, never the judge),
// with the mediator carrying a proposal from one side's notepad to the other's.
import { createHash } from 'node:crypto';
import { DomainError } from '../errors.ts';
import type { ChatMessage, Notepad } from '../protocol/room.ts';
import type { Member } from './member.ts';
import { roomActor, type RoomPersistence } from './room-ports.ts';
import { isWaiting, JOINT, mayReceive, roomOf, type PolicyState } from './routing-policy.ts';
import { formatChinaDateTime } from '../domain/china-time.ts';

export interface WritingPort {
  /** An admitted member of an open room, or why not. */
  admitted(peerId: string): Member;
  members(): Member[];
  policyState(): PolicyState;
  persistence: RoomPersistence;
}

export class RoomChat {
  readonly #port: WritingPort;

  constructor(port: WritingPort) {
    this.#port = port;
  }

  /** Chat is scoped to the room the sender is in; waiting participants have nobody to talk to. */
  async send(peerId: string, text: string): Promise<ChatMessage> {
    const m = this.#port.admitted(peerId);
    const state = this.#port.policyState();
    if (isWaiting(state, peerId)) throw new DomainError('WAITING_FOR_MEDIATOR');
    const message = await this.#port.persistence.saveChat({ scope: chatScope(state, peerId), senderId: m.peerId, senderName: m.displayName, text });
    for (const receiver of this.#port.members()) if (mayReceive(state, receiver.peerId, peerId)) receiver.socket?.emit('chat:message', message);
    return message;
  }

  /**
   * The messages of the room I am in. A mediator back in the joint session also keeps the chat of
   * the caucuses that have ended (the mediators lead every caucus of their case); a running caucus
   * stays its participants' alone, and parties and the judge only ever see their current room.
   */
  async history(peerId: string): Promise<ChatMessage[]> {
    const m = this.#port.admitted(peerId);
    const state = this.#port.policyState();
    if (isWaiting(state, peerId)) return [];
    const scope = chatScope(state, peerId);
    if (m.roomRole === 'mediator' && scope === 'joint') return this.#port.persistence.listChatExcept(state.caucuses.map((c) => `caucus:${c.id}`));
    return this.#port.persistence.listChat(scope);
  }
}

function chatScope(state: PolicyState, peerId: string): string {
  const room = roomOf(state, peerId);
  return room === JOINT ? 'joint' : `caucus:${room}`;
}

export class Notepads {
  readonly #port: WritingPort;

  constructor(port: WritingPort) {
    this.#port = port;
  }

  async get(peerId: string, side: 'A' | 'B'): Promise<Notepad> {
    this.#assertAccess(peerId, side);
    return this.#port.persistence.getNotepad(side);
  }

  /** `baseUpdatedAt`: the version the editor started from; a newer stored version is a conflict. */
  async update(peerId: string, side: 'A' | 'B', content: string, baseUpdatedAt?: string | null): Promise<Notepad> {
    const m = this.#assertAccess(peerId, side);
    if (baseUpdatedAt !== undefined) {
      const current = await this.#port.persistence.getNotepad(side);
      if (current.updatedAt !== baseUpdatedAt) throw new DomainError('STALE_STATE', '记事本已被他人修改，请载入最新内容后再保存');
    }
    const notepad = await this.#port.persistence.saveNotepad(side, content, m);
    this.#broadcast(notepad, peerId);
    return notepad;
  }

  async carry(by: Member, fromSide: 'A' | 'B', toSide: 'A' | 'B', text: string): Promise<Notepad> {
    if (by.roomRole !== 'mediator') throw new DomainError('FORBIDDEN', '只有调解员可以转达双方意见');
    if (fromSide === toSide) throw new DomainError('VALIDATION', '请选择对方的记事本');
    const target = await this.#port.persistence.getNotepad(toSide);
    const header = `【调解员转达${fromSide === 'A' ? '甲方' : '乙方'}意见 ${formatChinaDateTime(new Date())}】`;
    const content = `${target.content}${target.content ? '\n\n' : ''}${header}\n${text}`;
    // The carry and its audit row are one write: never a carried message the log does not show.
    const notepad = await this.#port.persistence.saveNotepad(toSide, content, by, {
      actor: roomActor(by),
      event: { type: 'CAUCUS_CARRIED', data: { fromSide, toSide, chars: [...text].length, sha256: createHash('sha256').update(text).digest('hex') } },
    });
    this.#broadcast(notepad, null);
    return notepad;
  }

  #assertAccess(peerId: string, side: 'A' | 'B'): Member {
    const m = this.#port.admitted(peerId);
    // The judge is refused before (grants: room.notepad); the room refuses it too, whatever asks.
    if (m.roomRole === 'judge') throw new DomainError('FORBIDDEN', '记事本只供调解员和本方当事人使用');
    if (!mayUseNotepad(m, side)) throw new DomainError('OTHER_SIDE_NOTEPAD');
    return m;
  }

  #broadcast(notepad: Notepad, exceptPeerId: string | null): void {
    for (const x of this.#port.members()) {
      if (x.peerId === exceptPeerId || x.status !== 'admitted') continue;
      if (mayUseNotepad(x, notepad.side)) x.socket?.emit('notepad:updated', notepad);
    }
  }
}

/** A side's private notepad: the mediators and that side's own people — never the judge, nor neutral participants. */
function mayUseNotepad(m: Member, side: 'A' | 'B'): boolean {
  switch (m.roomRole) {
    case 'mediator':
      return true;
    case 'judge':
      return false;
    case 'party':
      return m.side === side;
  }
}
