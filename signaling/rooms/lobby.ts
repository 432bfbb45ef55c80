// The room's roster: who is in the lobby and who is in the room, and every way in and out —
// joining (reconnects, a link opened twice), dropped sockets and their reconnect grace,
// admission, denial, removal, access taken away, leaving. It owns the members; what a member
// held elsewhere (media, a caucus place) the room releases through the port.
import type { AccessRevoked } from '../access-events.ts';
import { DomainError } from '../errors.ts';
import { leadsRoom, type MediaMode, type RemovalReason } from '../protocol/room.ts';
import type { BackgroundTasks } from './background-tasks.ts';
import { newMember, type Member, type MemberIdentity, type MemberSocket } from './member.ts';
import type { RoomAudit } from './room-ports.ts';

/** What a member whose access was taken away is told (`room:removed`). */
export interface RemovalNotice {
  message: string;
  reason: Extract<RemovalReason, 'link-revoked' | 'access-revoked'>;
}

export function removalNotice(e: AccessRevoked): RemovalNotice {
  switch (e.kind) {
    case 'link':
      return { message: '您的邀请链接已被调解员撤销，请联系调解员获取新链接', reason: 'link-revoked' };
    case 'participant':
      return { message: '您已被调解员从本案参与人中移除，无法继续留在调解室', reason: 'access-revoked' };
    case 'co-mediator':
      return { message: '您已不再担任本案的协办调解员，无法继续留在调解室', reason: 'access-revoked' };
    case 'user':
      return e.why === 'deactivated'
        ? { message: '您的账号已被管理员停用，无法继续留在调解室', reason: 'access-revoked' }
        : { message: '您的登录密码已被管理员重置，请使用新密码重新登录', reason: 'access-revoked' };
  }
}

/** Records what ended when a member went (its caucuses): run once the caller may await. */
export type RecordDeparture = () => Promise<void>;

export interface LobbyPort {
  assertOpen(): void;
  audit: RoomAudit;
  /** Admitted before a failover and not back yet: comes straight into the room (once). */
  takeRestoredAdmission(peerId: string): boolean;
  /** A member is gone: its media and caucus place go now; the returned step records what ended. */
  depart(m: Member): RecordDeparture;
  /** A leader's socket dropped: caucuses it alone led end. */
  leaderDisconnected(m: Member): Promise<void>;
  /** The router's RTP capabilities, sent with an admission so the client can set media up at once. */
  rtpCapabilities(): unknown;
  /** Presence changed: tell everyone what they may know. */
  announce(): void;
  /** Nobody is left but people waiting offline: the room closes. */
  emptied(): void;
}

export class Lobby {
  readonly #members = new Map<string, Member>();
  readonly #port: LobbyPort;
  readonly #tasks: BackgroundTasks;
  readonly #reconnectGraceMs: number;

  constructor(port: LobbyPort, tasks: BackgroundTasks, reconnectGraceMs: number) {
    this.#port = port;
    this.#tasks = tasks;
    this.#reconnectGraceMs = reconnectGraceMs;
  }

  get(peerId: string): Member | undefined {
    return this.#members.get(peerId);
  }

  all(): Member[] {
    return [...this.#members.values()];
  }

  /** An admitted member of an open room, or why not. */
  admitted(peerId: string): Member {
    this.#port.assertOpen();
    const m = this.#members.get(peerId);
    if (!m) throw new DomainError('NOT_JOINED', '您尚未进入调解室');
    if (m.status !== 'admitted') throw new DomainError('NOT_ADMITTED', '请在等候区等待调解员准许进入');
    return m;
  }

  /** The room is closing: nobody is waited for any more. */
  clear(): void {
    for (const m of this.#members.values()) if (m.graceTimer) clearTimeout(m.graceTimer);
    this.#members.clear();
  }

  // ── joining, leaving, reconnecting ────────────────────────────────────────────

  async join(identity: MemberIdentity, socket: MemberSocket, mode: MediaMode | null = null): Promise<{ status: Member['status'] }> {
    this.#port.assertOpen();
    const existing = this.#members.get(identity.peerId);
    if (existing) {
      if (existing.graceTimer) clearTimeout(existing.graceTimer);
      existing.graceTimer = null;
      // The same link opened elsewhere (or a reconnect racing the old socket's close): newest wins.
      if (existing.socket && existing.socket.id !== socket.id) {
        existing.socket.emit('room:removed', { message: '您已在其他窗口或设备上进入调解室', reason: 'replaced' });
        existing.socket.detach();
      }
      existing.socket = socket;
      existing.mode = mode;
      // A reloaded page starts with audio and video; a client still in 仅语音 says so again.
      existing.audioOnly = null;
      if (existing.status === 'admitted')
        await this.#port.audit(existing, { type: 'ROOM_JOINED', data: { peerId: existing.peerId, name: existing.displayName, via: 'reconnect' } });
      this.#port.announce();
      return { status: existing.status };
    }
    const restored = this.#port.takeRestoredAdmission(identity.peerId);
    const member = newMember(identity, leadsRoom(identity.roomRole) || restored ? 'admitted' : 'lobby');
    member.socket = socket;
    member.mode = mode;
    this.#members.set(member.peerId, member);
    const via = restored ? 'failover' : member.status === 'admitted' ? 'direct' : 'lobby';
    await this.#port.audit(member, { type: 'ROOM_JOINED', data: { peerId: member.peerId, name: member.displayName, via } });
    this.#port.announce();
    return { status: member.status };
  }

  /** The socket went away: keep the place for the grace period, then treat as left. */
  socketClosed(peerId: string, socketId: string): void {
    const m = this.#members.get(peerId);
    if (!m || m.socket?.id !== socketId) return;
    m.socket = null;
    m.graceTimer = setTimeout(() => this.#tasks.run('leave after the reconnect grace', () => this.leave(peerId, 'timeout')), this.#reconnectGraceMs);
    if (leadsRoom(m.roomRole)) this.#tasks.run('end the caucuses of a disconnected leader', () => this.#port.leaderDisconnected(m));
    this.#port.announce();
  }

  async leave(peerId: string, reason: 'left' | 'timeout'): Promise<void> {
    const m = this.#members.get(peerId);
    if (!m) return;
    const recordDeparture = this.#drop(m);
    await recordDeparture();
    await this.#port.audit(m, { type: 'ROOM_LEFT', data: { peerId, name: m.displayName, reason } });
    this.#port.announce();
    this.closeIfEmpty();
  }

  // ── controls of those who lead the room (mediators, the judge) ────────────────

  async admit(by: Member, peerId: string): Promise<void> {
    const m = this.#lobbyMember(peerId);
    m.status = 'admitted';
    await this.#port.audit(by, {
      type: 'ROOM_ADMITTED',
      data: { peerId, name: m.displayName, waitedSec: Math.round((Date.now() - m.waitingSince.getTime()) / 1000) },
    });
    m.socket?.emit('room:admitted', { rtpCapabilities: this.#port.rtpCapabilities() as Record<string, unknown> });
    this.#port.announce();
  }

  async deny(by: Member, peerId: string, reason: string | undefined): Promise<void> {
    const m = this.#lobbyMember(peerId);
    const recordDeparture = this.#drop(m);
    m.socket?.emit('room:denied', { message: reason ? `${by.roleLabel}未准许进入：${reason}` : `${by.roleLabel}未准许您进入调解室` });
    m.socket?.detach();
    await recordDeparture();
    await this.#port.audit(by, { type: 'ROOM_DENIED', data: { peerId, name: m.displayName, ...(reason ? { reason } : {}) } });
    this.#port.announce();
  }

  async remove(by: Member, peerId: string): Promise<void> {
    const m = this.#members.get(peerId);
    if (!m) throw new DomainError('PEER_NOT_FOUND', '该参与人不在调解室中');
    if (leadsRoom(m.roomRole)) throw new DomainError('CANNOT_REMOVE_MEDIATOR', m.roomRole === 'judge' ? '不能移出法官' : undefined);
    const recordDeparture = this.#drop(m);
    m.socket?.emit('room:removed', { message: `${by.roleLabel}已将您移出调解室`, reason: 'removed' });
    m.socket?.detach();
    await recordDeparture();
    await this.#port.audit(by, { type: 'ROOM_REMOVED', data: { peerId, name: m.displayName } });
    this.#port.announce();
  }

  /**
   * The member's access was taken away (its link revoked, its account deactivated, the participant
   * deleted): out of the room at once, whoever it is. The revocation itself is audited where it happened.
   */
  async revokeAccess(peerId: string, notice: RemovalNotice): Promise<void> {
    const m = this.#members.get(peerId);
    if (!m) return;
    const recordDeparture = this.#drop(m);
    m.socket?.emit('room:removed', notice);
    m.socket?.detach();
    this.#port.announce();
    this.closeIfEmpty();
    await recordDeparture();
    await this.#port.audit(null, { type: 'ROOM_LEFT', data: { peerId, name: m.displayName, reason: 'access-revoked' } });
  }

  /** Nobody left but people waiting offline in the lobby: the room closes. */
  closeIfEmpty(): void {
    if ([...this.#members.values()].every((m) => m.status === 'lobby' && m.socket === null)) this.#port.emptied();
  }

  #lobbyMember(peerId: string): Member {
    this.#port.assertOpen();
    const m = this.#members.get(peerId);
    if (!m || m.status !== 'lobby') throw new DomainError('PEER_NOT_FOUND', '等候区中没有该参与人');
    return m;
  }

  /** Out of the roster now; the room releases its media and caucus place (recorded by the returned step). */
  #drop(m: Member): RecordDeparture {
    if (m.graceTimer) clearTimeout(m.graceTimer);
    m.graceTimer = null;
    this.#members.delete(m.peerId);
    return this.#port.depart(m);
  }
}
