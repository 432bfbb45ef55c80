// One case's live mediation session: who is in the lobby and in the room, their media
// (through the sfu MediaRoom), chat, and the controls of those who lead it. All state changes
// go through this class; the socket layer only validates input and routes requests here.
//
// Who leads (leadsRoom): the mediator, and in judicial review the questioning judge. Both admit,
// mute, remove, run caucuses and end; only mediators read and write the sides' notepads and
// carry between them — the judge never sees them.
import type { MediaRoom } from '../../sfu/index.ts';
import type { AuditEvent } from '../audit/events.ts';
import type { Actor } from '../audit/log.ts';
import { createHash, randomUUID } from 'node:crypto';
import type { AccessRevoked } from '../access-events.ts';
import { leadsRoom, type Audience, type CaucusInfo, type ChatMessage, type ConsumerParams, type Location, type MediaSource, type Notepad, type RemovalReason } from '../protocol/room.ts';
import { lobbyEntry, newMember, peerInfo, type Member, type MemberIdentity, type MemberSocket } from './member.ts';
import { DomainError } from '../errors.ts';
import { isWaiting, JOINT, mayKnowOf, mayReceive, roomOf, type PolicyState } from './routing-policy.ts';
import type { RoomSnapshot } from '../cluster/room-state-store.ts';

interface Caucus {
  id: string;
  memberPeerIds: Set<string>;
  mediatorPeerIds: Set<string>;
  startedAt: Date;
}

const WAITING_MESSAGE = '调解员正在与对方单独沟通，请稍候';
const WAITING_MESSAGE_JUDGE = '法官正在与对方单独沟通，请稍候';
const KNOCK_COOLDOWN_MS = 10_000;

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

/** What the room needs from the outside world (database), kept narrow for testing. */
export interface RoomPersistence {
  audit(actor: Actor, event: AuditEvent): Promise<void>;
  saveChat(message: { scope: string; senderId: string; senderName: string; text: string }): Promise<ChatMessage>;
  listChat(scope: string): Promise<ChatMessage[]>;
  getNotepad(side: 'A' | 'B'): Promise<Notepad>;
  saveNotepad(side: 'A' | 'B', content: string, by: { peerId: string; displayName: string }): Promise<Notepad>;
}

export interface LiveRoomOptions {
  caseId: string;
  caseNumber: string;
  caseTitle: string;
  media: MediaRoom;
  persistence: RoomPersistence;
  /** How long a disconnected participant keeps their place (and admission). */
  reconnectGraceMs: number;
  /** Timeout for a client to acknowledge a new consumer. */
  consumerAckTimeoutMs?: number;
  onClosed: (reason: string) => void;
  /** State saved by a node that died: admissions, caucuses and mutes carry over. */
  restore?: RoomSnapshot;
  /** Called with the state to keep after every change (several-node mode). */
  onStateChanged?: (snapshot: RoomSnapshot) => void;
}

export class LiveRoom {
  readonly caseId: string;
  readonly startedAt: Date;
  readonly #opts: LiveRoomOptions;
  readonly #members = new Map<string, Member>();
  readonly #caucuses = new Map<string, Caucus>();
  /** Serialises consumer reconciliation so concurrent changes never double-create. */
  #sync: Promise<void> = Promise.resolve();
  #closed = false;
  /** From a restored snapshot: admitted before the failover, not back yet. */
  readonly #restoredAdmitted = new Set<string>();
  readonly #restoredMutes = new Map<string, RoomSnapshot['adminMuted'][string]>();
  #restoreTimer: NodeJS.Timeout | null = null;
  #savedState = '';

  constructor(opts: LiveRoomOptions) {
    this.caseId = opts.caseId;
    this.#opts = opts;
    this.startedAt = opts.restore ? new Date(opts.restore.startedAt) : new Date();
    if (opts.restore) this.#restore(opts.restore);
    opts.media.on('activespeaker', (peerId: string | null) => this.#announceSpeaker(peerId));
  }

  /**
   * Takes over a room whose node died. Caucuses stay closed while their members come back;
   * whoever is not back within the reconnect grace is treated as gone (as for a dropped socket).
   */
  #restore(snapshot: RoomSnapshot): void {
    for (const id of snapshot.admittedPeerIds) this.#restoredAdmitted.add(id);
    for (const [peerId, sources] of Object.entries(snapshot.adminMuted)) this.#restoredMutes.set(peerId, sources);
    for (const c of snapshot.caucuses) {
      this.#caucuses.set(c.id, { id: c.id, memberPeerIds: new Set(c.memberPeerIds), mediatorPeerIds: new Set(c.mediatorPeerIds), startedAt: new Date(c.startedAt) });
    }
    this.#restoreTimer = setTimeout(() => void this.#pruneAbsent(), this.#opts.reconnectGraceMs);
    this.#restoreTimer.unref();
    void this.#opts.persistence.audit({ type: 'system', label: '系统' }, { type: 'ROOM_RESTORED', data: { admitted: snapshot.admittedPeerIds.length, caucuses: snapshot.caucuses.length } });
  }

  async #pruneAbsent(): Promise<void> {
    this.#restoreTimer = null;
    this.#restoredAdmitted.clear();
    this.#restoredMutes.clear();
    if (this.#closed) return;
    const ended: Caucus[] = [];
    for (const c of [...this.#caucuses.values()]) {
      for (const id of [...c.memberPeerIds, ...c.mediatorPeerIds]) {
        if (this.#members.has(id)) continue;
        c.memberPeerIds.delete(id);
        c.mediatorPeerIds.delete(id);
      }
      const mediatorConnected = [...c.mediatorPeerIds].some((id) => this.#members.get(id)?.socket);
      if (c.memberPeerIds.size === 0 || !mediatorConnected) {
        this.#caucuses.delete(c.id);
        ended.push(c);
      }
    }
    if (ended.length > 0) await this.#transition();
    else this.#announce();
    for (const c of ended) await this.#auditCaucusEnd(null, c, 'mediator-disconnected');
    this.#closeIfEmpty();
  }

  /** What another node needs to carry on with this room if this one dies. */
  snapshot(): RoomSnapshot {
    const adminMuted: RoomSnapshot['adminMuted'] = Object.fromEntries(this.#restoredMutes);
    const admittedPeerIds = new Set(this.#restoredAdmitted);
    for (const m of this.members()) {
      if (m.status !== 'admitted') continue;
      admittedPeerIds.add(m.peerId);
      const muted = m.media?.adminMutedSources() ?? [];
      if (muted.length > 0) adminMuted[m.peerId] = muted;
    }
    return {
      admittedPeerIds: [...admittedPeerIds],
      caucuses: [...this.#caucuses.values()].map((c) => ({ id: c.id, memberPeerIds: [...c.memberPeerIds], mediatorPeerIds: [...c.mediatorPeerIds], startedAt: c.startedAt.toISOString() })),
      adminMuted,
      startedAt: this.startedAt.toISOString(),
    };
  }

  #saveState(): void {
    if (!this.#opts.onStateChanged || this.#closed) return;
    const snapshot = this.snapshot();
    const json = JSON.stringify(snapshot);
    if (json === this.#savedState) return;
    this.#savedState = json;
    this.#opts.onStateChanged(snapshot);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get media(): MediaRoom {
    return this.#opts.media;
  }

  member(peerId: string): Member | undefined {
    return this.#members.get(peerId);
  }

  members(): Member[] {
    return [...this.#members.values()];
  }

  // ── joining, leaving, reconnecting ────────────────────────────────────────────

  async join(identity: MemberIdentity, socket: MemberSocket): Promise<{ status: Member['status'] }> {
    this.#assertOpen();
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
      if (existing.status === 'admitted') await this.#audit(existing, { type: 'ROOM_JOINED', data: { peerId: existing.peerId, name: existing.displayName, via: 'reconnect' } });
      this.#announce();
      return { status: existing.status };
    }
    const restored = this.#restoredAdmitted.delete(identity.peerId);
    const member = newMember(identity, leadsRoom(identity.roomRole) || restored ? 'admitted' : 'lobby');
    member.socket = socket;
    this.#members.set(member.peerId, member);
    const via = restored ? 'failover' : member.status === 'admitted' ? 'direct' : 'lobby';
    await this.#audit(member, { type: 'ROOM_JOINED', data: { peerId: member.peerId, name: member.displayName, via } });
    this.#announce();
    return { status: member.status };
  }

  /** The socket went away: keep the place for the grace period, then treat as left. */
  socketClosed(peerId: string, socketId: string): void {
    const m = this.#members.get(peerId);
    if (!m || m.socket?.id !== socketId) return;
    m.socket = null;
    m.graceTimer = setTimeout(() => void this.leave(peerId, 'timeout'), this.#opts.reconnectGraceMs);
    // A caucus never continues without someone connected to lead it: its members go back to the joint session.
    if (leadsRoom(m.roomRole)) {
      for (const c of this.#caucuses.values()) {
        if (c.mediatorPeerIds.has(peerId) && ![...c.mediatorPeerIds].some((id) => this.#members.get(id)?.socket)) void this.#endCaucus(c, 'mediator-disconnected', m);
      }
    }
    this.#announce();
  }

  async leave(peerId: string, reason: 'left' | 'timeout'): Promise<void> {
    const m = this.#members.get(peerId);
    if (!m) return;
    this.#drop(m);
    await this.#audit(m, { type: 'ROOM_LEFT', data: { peerId, name: m.displayName, reason } });
    this.#announce();
    this.#closeIfEmpty();
  }

  // ── controls of those who lead the room (mediators, the judge) ────────────────

  async admit(by: Member, peerId: string): Promise<void> {
    const m = this.#lobbyMember(peerId);
    m.status = 'admitted';
    await this.#audit(by, { type: 'ROOM_ADMITTED', data: { peerId, name: m.displayName, waitedSec: Math.round((Date.now() - m.waitingSince.getTime()) / 1000) } });
    m.socket?.emit('room:admitted', {});
    this.#announce();
  }

  async deny(by: Member, peerId: string, reason: string | undefined): Promise<void> {
    const m = this.#lobbyMember(peerId);
    this.#drop(m);
    m.socket?.emit('room:denied', { message: reason ? `${by.roleLabel}未准许进入：${reason}` : `${by.roleLabel}未准许您进入调解室` });
    m.socket?.detach();
    await this.#audit(by, { type: 'ROOM_DENIED', data: { peerId, name: m.displayName, ...(reason ? { reason } : {}) } });
    this.#announce();
  }

  async mute(by: Member, peerId: string, kind: 'audio' | 'video', muted: boolean): Promise<void> {
    const m = this.#admittedMember(peerId);
    const producers = (m.media?.producers() ?? []).filter((p) => p.kind === kind);
    for (const p of producers) {
      if (muted) await m.media!.adminMute(p.id);
      else await m.media!.adminUnmute(p.id);
      m.socket?.emit('media:adminMuted', { producerId: p.id, kind, muted });
    }
    await this.#audit(by, { type: 'ROOM_MUTED', data: { peerId, name: m.displayName, kind, muted } });
    this.#announce();
  }

  async remove(by: Member, peerId: string): Promise<void> {
    const m = this.#members.get(peerId);
    if (!m) throw new DomainError('PEER_NOT_FOUND', '该参与人不在调解室中');
    if (leadsRoom(m.roomRole)) throw new DomainError('CANNOT_REMOVE_MEDIATOR', m.roomRole === 'judge' ? '不能移出法官' : undefined);
    this.#drop(m);
    m.socket?.emit('room:removed', { message: `${by.roleLabel}已将您移出调解室`, reason: 'removed' });
    m.socket?.detach();
    await this.#audit(by, { type: 'ROOM_REMOVED', data: { peerId, name: m.displayName } });
    this.#announce();
  }

  /**
   * The member's access was taken away (its link revoked, its account deactivated, the participant
   * deleted): out of the room at once, whoever it is. The revocation itself is audited where it happened.
   */
  async revokeAccess(peerId: string, notice: RemovalNotice): Promise<void> {
    const m = this.#members.get(peerId);
    if (!m) return;
    this.#drop(m);
    m.socket?.emit('room:removed', notice);
    m.socket?.detach();
    this.#announce();
    this.#closeIfEmpty();
    await this.#audit(null, { type: 'ROOM_LEFT', data: { peerId, name: m.displayName, reason: 'access-revoked' } });
  }

  async end(by: Member): Promise<void> {
    await this.#audit(by, { type: 'ROOM_ENDED', data: { durationSec: Math.round((Date.now() - this.startedAt.getTime()) / 1000) } });
    for (const m of this.members()) {
      m.socket?.emit('room:ended', { message: `${by.roleLabel}已结束本次在线调解` });
      m.socket?.detach();
    }
    this.close('ended');
  }

  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#restoreTimer) clearTimeout(this.#restoreTimer);
    for (const m of this.members()) if (m.graceTimer) clearTimeout(m.graceTimer);
    this.#members.clear();
    this.#opts.media.close(reason);
    this.#opts.onClosed(reason);
  }

  // ── media ─────────────────────────────────────────────────────────────────────

  rtpCapabilities(peerId: string): unknown {
    this.#admittedMember(peerId);
    return this.#opts.media.rtpCapabilities;
  }

  /** `plain`: a plain RTP transport for the load generator (the socket layer checks it is allowed). */
  async createTransport(peerId: string, direction: 'send' | 'recv', options: { plain?: boolean } = {}) {
    const m = this.#admittedMember(peerId);
    m.media ??= this.#createMediaPeer(m);
    // A second transport in the same direction (page reload, new device) replaces the first.
    const previous = direction === 'send' ? m.sendTransportId : m.recvTransportId;
    if (previous) {
      m.media.getTransport(previous)?.close('replaced');
      if (direction === 'recv') m.consumers.clear();
    }
    const params = options.plain ? await m.media.createPlainTransport(direction) : await m.media.createTransport(direction);
    if (direction === 'send') m.sendTransportId = params.id;
    else m.recvTransportId = params.id;
    if (direction === 'send') this.#announce();
    return params;
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: unknown): Promise<void> {
    await this.#mediaOf(peerId).connectTransport(transportId, dtlsParameters as never);
  }

  async connectPlainTransport(peerId: string, transportId: string, remote: { ip: string; port: number }): Promise<void> {
    await this.#mediaOf(peerId).connectPlainTransport(transportId, remote);
  }

  async restartIce(peerId: string, transportId: string): Promise<unknown> {
    return this.#mediaOf(peerId).restartIce(transportId);
  }

  async produce(peerId: string, transportId: string, kind: 'audio' | 'video', rtpParameters: unknown, source: MediaSource, paused = false): Promise<string> {
    const media = this.#mediaOf(peerId);
    const { producerId } = await media.produce({ transportId, kind, rtpParameters: rtpParameters as never, source, paused });
    this.#announce();
    await this.syncConsumers();
    return producerId;
  }

  async closeProducer(peerId: string, producerId: string): Promise<void> {
    this.#mediaOf(peerId).closeProducer(producerId);
    this.#announce();
  }

  async setProducerPaused(peerId: string, producerId: string, paused: boolean): Promise<void> {
    const ok = await this.#mediaOf(peerId).setProducerPausedByPeer(producerId, paused);
    if (!ok) throw new DomainError('ADMIN_MUTED', '调解员已将您静音，暂时无法自行开启');
    this.#announce();
  }

  /** The client can now receive: (re)create every consumer it is entitled to. */
  async ready(peerId: string, rtpCapabilities: unknown): Promise<void> {
    const m = this.#admittedMember(peerId);
    if (!m.recvTransportId) throw new DomainError('INVALID_STATE', '请先创建接收通道');
    // After a reconnect the client may have missed consumer events: start from a clean slate.
    // Each close is reported to the client through the peer's 'consumerclosed' event.
    const stale = [...m.consumers.values()];
    m.consumers.clear();
    for (const c of stale) m.media?.getConsumer(c.consumerId)?.close('resync');
    m.rtpCapabilities = rtpCapabilities;
    await this.syncConsumers();
  }

  setPreferredLayers(peerId: string, consumerId: string, spatialLayer: number): Promise<void> {
    return this.#mediaOf(peerId).setPreferredLayers(consumerId, { spatialLayer });
  }

  /**
   * Makes live consumers match what the routing policy allows, break before make: every
   * consumer that became forbidden is paused on the server (or closed if its sender left)
   * before any newly allowed one is resumed or created. Resolves with the break time.
   */
  syncConsumers(): Promise<{ breakMs: number }> {
    const run = this.#sync.then(() => this.#reconcile());
    this.#sync = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async #reconcile(): Promise<{ breakMs: number }> {
    const started = performance.now();
    if (this.#closed) return { breakMs: 0 };
    const state = this.policyState();
    const members = this.members();
    const owners = new Map<string, Member>();
    for (const sender of members) for (const p of sender.media?.producers() ?? []) owners.set(p.id, sender);

    // Break: stop everything that is no longer allowed, all at once, and wait for the worker.
    const stops: Promise<unknown>[] = [];
    for (const receiver of members) {
      for (const [producerId, c] of receiver.consumers) {
        const sender = owners.get(producerId);
        if (!sender) {
          receiver.consumers.delete(producerId);
          receiver.media?.getConsumer(c.consumerId)?.close('producer-closed');
        } else if (c.resumed && !mayReceive(state, receiver.peerId, sender.peerId)) {
          c.resumed = false;
          stops.push(receiver.media!.pauseConsumer(c.consumerId).catch(() => undefined));
          receiver.socket?.emit('media:consumerPaused', { consumerId: c.consumerId, paused: true });
        }
      }
    }
    await Promise.all(stops);
    const breakMs = performance.now() - started;

    // Make: resume what is allowed again, create what is newly allowed.
    const starts: Promise<unknown>[] = [];
    for (const receiver of members) {
      if (!receiver.media || !receiver.recvTransportId || !receiver.rtpCapabilities || !receiver.socket) continue;
      for (const [producerId, sender] of owners) {
        if (!mayReceive(state, receiver.peerId, sender.peerId)) continue;
        const c = receiver.consumers.get(producerId);
        if (!c) starts.push(this.#startConsumer(receiver, producerId, sender.peerId));
        else if (c.acked && !c.resumed) {
          c.resumed = true;
          starts.push(this.#resume(receiver, c));
        }
      }
    }
    await Promise.all(starts);
    this.#emitAudiences();
    return { breakMs };
  }

  async #resume(receiver: Member, c: { consumerId: string }): Promise<void> {
    await receiver.media?.resumeConsumer(c.consumerId).catch(() => undefined);
    const producerPaused = receiver.media?.getConsumer(c.consumerId)?.producerPaused ?? false;
    receiver.socket?.emit('media:consumerPaused', { consumerId: c.consumerId, paused: producerPaused });
  }

  async #startConsumer(receiver: Member, producerId: string, senderPeerId: string): Promise<void> {
    const media = receiver.media!;
    let c;
    try {
      c = await media.consume({ transportId: receiver.recvTransportId!, producerId, rtpCapabilities: receiver.rtpCapabilities as never });
    } catch (err) {
      if ((err as { code?: string }).code === 'CANNOT_CONSUME') return; // e.g. H264-only device and VP8 producer
      throw err;
    }
    const state = { consumerId: c.consumerId, acked: false, resumed: false };
    receiver.consumers.set(producerId, state);
    const params: ConsumerParams = {
      consumerId: c.consumerId,
      producerId,
      peerId: senderPeerId,
      kind: c.kind,
      source: c.source,
      rtpParameters: c.rtpParameters as Record<string, unknown>,
      producerPaused: c.producerPaused,
    };
    // Resume once the client has the consumer — if it is still allowed by then. The decision
    // goes through the same queue as transitions, so a caucus move cannot interleave with it.
    receiver.socket!
      .request('media:newConsumer', params, this.#opts.consumerAckTimeoutMs ?? 10_000)
      .then((reply) => {
        if ((reply as { ok?: unknown } | null)?.ok !== true) throw new Error('client could not consume');
        state.acked = true;
        return this.syncConsumers();
      })
      .catch(() => {
        if (receiver.consumers.get(producerId) === state) {
          receiver.consumers.delete(producerId);
          media.getConsumer(c.consumerId)?.close('not-acknowledged');
        }
      });
  }

  #createMediaPeer(m: Member) {
    const media = this.#opts.media.addPeer(m.peerId);
    media.presetAdminMute(this.#restoredMutes.get(m.peerId) ?? []);
    this.#restoredMutes.delete(m.peerId);
    media.on('consumerclosed', ({ consumerId, producerId }: { consumerId: string; producerId: string }) => {
      if (m.consumers.get(producerId)?.consumerId === consumerId) m.consumers.delete(producerId);
      m.socket?.emit('media:consumerClosed', { consumerId });
    });
    const forwardPause = ({ consumerId, paused }: { consumerId: string; paused: boolean }) => m.socket?.emit('media:consumerPaused', { consumerId, paused });
    media.on('consumerpaused', forwardPause);
    media.on('consumerresumed', forwardPause);
    media.on('producerclosed', () => this.#announce());
    return media;
  }

  // ── chat ──────────────────────────────────────────────────────────────────────

  /** Chat is scoped to the room the sender is in; waiting participants have nobody to talk to. */
  async chat(peerId: string, text: string): Promise<ChatMessage> {
    const m = this.#admittedMember(peerId);
    const state = this.policyState();
    if (isWaiting(state, peerId)) throw new DomainError('WAITING_FOR_MEDIATOR');
    const message = await this.#opts.persistence.saveChat({ scope: this.#chatScope(state, peerId), senderId: m.peerId, senderName: m.displayName, text });
    for (const receiver of this.members()) if (mayReceive(state, receiver.peerId, peerId)) receiver.socket?.emit('chat:message', message);
    return message;
  }

  async chatHistory(peerId: string): Promise<ChatMessage[]> {
    this.#admittedMember(peerId);
    const state = this.policyState();
    if (isWaiting(state, peerId)) return [];
    return this.#opts.persistence.listChat(this.#chatScope(state, peerId));
  }

  #chatScope(state: PolicyState, peerId: string): string {
    const room = roomOf(state, peerId);
    return room === JOINT ? 'joint' : `caucus:${room}`;
  }

  // ── caucus (背对背) ───────────────────────────────────────────────────────────

  policyState(): PolicyState {
    return {
      members: this.members().map((m) => ({ peerId: m.peerId, status: m.status, roomRole: m.roomRole })),
      caucuses: [...this.#caucuses.values()].map((c) => ({ id: c.id, memberPeerIds: [...c.memberPeerIds], mediatorPeerIds: [...c.mediatorPeerIds] })),
    };
  }

  caucuses(): CaucusInfo[] {
    return [...this.#caucuses.values()].map((c) => ({ caucusId: c.id, memberPeerIds: [...c.memberPeerIds], mediatorPeerIds: [...c.mediatorPeerIds], startedAt: c.startedAt.toISOString() }));
  }

  /**
   * Moves the given participants and mediators into a new caucus in one transition. They leave
   * any caucus they were in; caucuses left without a mediator or without participants end.
   */
  async startCaucus(by: Member, peerIds: string[], mediatorPeerIds: string[] = [by.peerId]): Promise<{ caucusId: string; breakMs: number }> {
    this.#assertOpen();
    const parties = [...new Set(peerIds)];
    const mediators = [...new Set(mediatorPeerIds)];
    for (const id of parties) {
      const m = this.#members.get(id);
      if (!m || m.status !== 'admitted') throw new DomainError('PEER_NOT_FOUND', '所选参与人不在调解室中');
      if (m.roomRole !== 'party') throw new DomainError('VALIDATION', '调解员或法官请通过“调解员”一项指派');
    }
    // Led by mediators or the judge (a judge questions one side alone, without the mediator).
    for (const id of mediators) {
      const m = this.#members.get(id);
      if (!m || m.status !== 'admitted' || !leadsRoom(m.roomRole)) throw new DomainError('PEER_NOT_FOUND', '所指派的调解员不在调解室中');
    }
    const moving = new Set([...parties, ...mediators]);
    for (const c of this.#caucuses.values()) for (const id of moving) c.memberPeerIds.delete(id), c.mediatorPeerIds.delete(id);
    const caucus: Caucus = { id: randomUUID().slice(0, 8), memberPeerIds: new Set(parties), mediatorPeerIds: new Set(mediators), startedAt: new Date() };
    const ended = [...this.#caucuses.values()].filter((c) => c.memberPeerIds.size === 0 || c.mediatorPeerIds.size === 0);
    for (const c of ended) this.#caucuses.delete(c.id);
    this.#caucuses.set(caucus.id, caucus);
    const { breakMs } = await this.#transition();
    for (const c of ended) await this.#auditCaucusEnd(by, c, 'switched');
    await this.#audit(by, { type: 'CAUCUS_STARTED', data: { caucusId: caucus.id, ...this.#describe(caucus), mediators: mediators.map((id) => this.#members.get(id)!.displayName) } });
    return { caucusId: caucus.id, breakMs };
  }

  async endCaucus(by: Member, caucusId: string): Promise<{ breakMs: number }> {
    const c = this.#caucuses.get(caucusId);
    if (!c) throw new DomainError('CAUCUS_ENDED');
    return this.#endCaucus(c, 'ended', by);
  }

  async endAllCaucuses(by: Member): Promise<{ breakMs: number }> {
    const all = [...this.#caucuses.values()];
    for (const c of all) this.#caucuses.delete(c.id);
    const result = await this.#transition();
    for (const c of all) await this.#auditCaucusEnd(by, c, 'ended');
    return result;
  }

  async #endCaucus(c: Caucus, reason: string, by: Member): Promise<{ breakMs: number }> {
    if (!this.#caucuses.delete(c.id)) return { breakMs: 0 };
    const result = await this.#transition();
    await this.#auditCaucusEnd(by, c, reason);
    return result;
  }

  /** Applies a state change: media first (break before make), then presence and locations. */
  async #transition(): Promise<{ breakMs: number }> {
    this.#announce(false);
    return this.syncConsumers();
  }

  async knock(peerId: string): Promise<void> {
    const m = this.#admittedMember(peerId);
    if (!isWaiting(this.policyState(), peerId)) throw new DomainError('NOT_WAITING');
    if (Date.now() - m.lastKnockAt < KNOCK_COOLDOWN_MS) return;
    m.lastKnockAt = Date.now();
    const payload = { peerId, displayName: m.displayName, at: new Date().toISOString() };
    for (const x of this.members()) if (leadsRoom(x.roomRole)) x.socket?.emit('room:knock', payload);
    await this.#audit(m, { type: 'CAUCUS_KNOCK', data: { peerId, name: m.displayName } });
  }

  // ── notepads (one private notepad per side: mediators + that side only, never the judge) ──

  async getNotepad(peerId: string, side: 'A' | 'B'): Promise<Notepad> {
    this.#assertNotepadAccess(peerId, side);
    return this.#opts.persistence.getNotepad(side);
  }

  /** `baseUpdatedAt`: the version the editor started from; a newer stored version is a conflict. */
  async updateNotepad(peerId: string, side: 'A' | 'B', content: string, baseUpdatedAt?: string | null): Promise<Notepad> {
    const m = this.#assertNotepadAccess(peerId, side);
    if (baseUpdatedAt !== undefined) {
      const current = await this.#opts.persistence.getNotepad(side);
      if (current.updatedAt !== baseUpdatedAt) throw new DomainError('STALE_STATE', '记事本已被他人修改，请载入最新内容后再保存');
    }
    const notepad = await this.#opts.persistence.saveNotepad(side, content, m);
    this.#broadcastNotepad(notepad, peerId);
    return notepad;
  }

  async carry(by: Member, fromSide: 'A' | 'B', toSide: 'A' | 'B', text: string): Promise<Notepad> {
    if (by.roomRole !== 'mediator') throw new DomainError('FORBIDDEN', '只有调解员可以转达双方意见');
    if (fromSide === toSide) throw new DomainError('VALIDATION', '请选择对方的记事本');
    const target = await this.#opts.persistence.getNotepad(toSide);
    const header = `【调解员转达${fromSide === 'A' ? '甲方' : '乙方'}意见 ${new Date().toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}】`;
    const content = `${target.content}${target.content ? '\n\n' : ''}${header}\n${text}`;
    const notepad = await this.#opts.persistence.saveNotepad(toSide, content, by);
    this.#broadcastNotepad(notepad, null);
    await this.#audit(by, { type: 'CAUCUS_CARRIED', data: { fromSide, toSide, chars: [...text].length, sha256: createHash('sha256').update(text).digest('hex') } });
    return notepad;
  }

  #assertNotepadAccess(peerId: string, side: 'A' | 'B'): Member {
    const m = this.#admittedMember(peerId);
    // The judge is refused before (grants: room.notepad); the room refuses it too, whatever asks.
    if (m.roomRole === 'judge') throw new DomainError('FORBIDDEN', '记事本只供调解员和本方当事人使用');
    if (!mayUseNotepad(m, side)) throw new DomainError('OTHER_SIDE_NOTEPAD');
    return m;
  }

  #broadcastNotepad(notepad: Notepad, exceptPeerId: string | null): void {
    for (const x of this.members()) {
      if (x.peerId === exceptPeerId || x.status !== 'admitted') continue;
      if (mayUseNotepad(x, notepad.side)) x.socket?.emit('notepad:updated', notepad);
    }
  }

  #describe(c: Caucus): { sides: string[]; names: string[] } {
    const members = [...c.memberPeerIds].map((id) => this.#members.get(id)).filter((m): m is Member => m !== undefined);
    return { sides: [...new Set(members.map((m) => m.side))].sort(), names: members.map((m) => m.displayName) };
  }

  async #auditCaucusEnd(by: Member | null, c: Caucus, reason: string): Promise<void> {
    await this.#audit(by, {
      type: 'CAUCUS_ENDED',
      data: { caucusId: c.id, ...this.#describe(c), durationSec: Math.round((Date.now() - c.startedAt.getTime()) / 1000), reason },
    });
  }

  /** Who receives each member's audio and video right now (resumed consumers of unpaused producers). */
  #emitAudiences(): void {
    const members = this.members();
    for (const m of members) {
      const audience: Audience = { audio: [], video: [] };
      for (const p of m.media?.producers() ?? []) {
        if (p.paused) continue;
        for (const r of members) {
          if (r.consumers.get(p.id)?.resumed) audience[p.kind].push({ peerId: r.peerId, displayName: r.displayName });
        }
      }
      const json = JSON.stringify(audience);
      if (json !== m.sentAudience && m.socket) {
        m.sentAudience = json;
        m.socket.emit('room:audience', audience);
      }
    }
  }

  // ── helpers ───────────────────────────────────────────────────────────────────

  #assertOpen(): void {
    if (this.#closed) throw new DomainError('ROOM_ENDED', '本次在线调解已结束');
  }

  #admittedMember(peerId: string): Member {
    this.#assertOpen();
    const m = this.#members.get(peerId);
    if (!m) throw new DomainError('NOT_JOINED', '您尚未进入调解室');
    if (m.status !== 'admitted') throw new DomainError('NOT_ADMITTED', '请在等候区等待调解员准许进入');
    return m;
  }

  #lobbyMember(peerId: string): Member {
    this.#assertOpen();
    const m = this.#members.get(peerId);
    if (!m || m.status !== 'lobby') throw new DomainError('PEER_NOT_FOUND', '等候区中没有该参与人');
    return m;
  }

  #mediaOf(peerId: string) {
    const m = this.#admittedMember(peerId);
    if (!m.media) throw new DomainError('TRANSPORT_NOT_FOUND', '请先创建媒体通道');
    return m.media;
  }

  /** Removes a member and every media object it owns (the sfu cascades to others' consumers). */
  #drop(m: Member): void {
    if (m.graceTimer) clearTimeout(m.graceTimer);
    m.graceTimer = null;
    this.#members.delete(m.peerId);
    m.media?.close('left');
    m.media = null;
    for (const c of [...this.#caucuses.values()]) {
      c.memberPeerIds.delete(m.peerId);
      c.mediatorPeerIds.delete(m.peerId);
      if (c.memberPeerIds.size === 0 || c.mediatorPeerIds.size === 0) {
        this.#caucuses.delete(c.id);
        void this.#auditCaucusEnd(m, c, leadsRoom(m.roomRole) ? 'mediator-disconnected' : 'ended');
      }
    }
  }

  #closeIfEmpty(): void {
    if ([...this.#members.values()].every((m) => m.status === 'lobby' && m.socket === null)) this.close('empty');
  }

  /**
   * Sends each participant what they may know: the roster they may see, the lobby and the
   * caucuses (those who lead the room), and their own location. Then reconciles media (unless the caller does).
   */
  #announce(reconcile = true): void {
    if (this.#closed) return;
    this.#saveState();
    const state = this.policyState();
    const members = this.members();
    const admitted = members.filter((m) => m.status === 'admitted');
    const waiting = members.filter((m) => m.status === 'lobby').map(lobbyEntry);
    const caucuses = this.caucuses();
    for (const m of admitted) {
      if (!m.socket) continue;
      // Location first, so a client can tell a caucus move from people leaving.
      this.#emitLocation(m, state);
      m.socket.emit('room:peers', { peers: admitted.filter((x) => mayKnowOf(state, m.peerId, x.peerId)).map(peerInfo) });
      if (leadsRoom(m.roomRole)) {
        m.socket.emit('room:lobby', { waiting });
        m.socket.emit('room:caucuses', { caucuses });
      }
    }
    if (reconcile) void this.syncConsumers().catch(() => undefined);
  }

  #emitLocation(m: Member, state: PolicyState): void {
    const room = roomOf(state, m.peerId);
    const waiting = isWaiting(state, m.peerId);
    const key = `${room}|${waiting}`;
    if (key !== m.sentLocation) {
      m.locationSince = new Date();
      m.sentLocation = key;
    }
    const location: Location = { room, waiting, since: m.locationSince.toISOString(), message: waiting ? this.#waitingMessage() : null };
    m.socket?.emit('room:location', location);
  }

  /** Who the waiting are told is away: the judge when only judges lead the caucuses, else the mediator. */
  #waitingMessage(): string {
    const leaders = [...this.#caucuses.values()].flatMap((c) => [...c.mediatorPeerIds]).map((id) => this.#members.get(id));
    return leaders.length > 0 && leaders.every((m) => m?.roomRole === 'judge') ? WAITING_MESSAGE_JUDGE : WAITING_MESSAGE;
  }

  /** Only those who may know of the speaker learn who is speaking. */
  #announceSpeaker(peerId: string | null): void {
    const state = this.policyState();
    for (const m of this.members()) {
      if (m.status !== 'admitted') continue;
      m.socket?.emit('room:activeSpeaker', { peerId: peerId && mayKnowOf(state, m.peerId, peerId) ? peerId : null });
    }
  }


  /** `null`: the system acted (e.g. ending a caucus nobody came back to after a failover). */
  async #audit(actorMember: Member | null, event: AuditEvent): Promise<void> {
    const actor: Actor = actorMember
      ? { type: actorMember.roomRole === 'party' ? 'party' : 'user', id: actorMember.peerId, label: `${actorMember.displayName}（${actorMember.roleLabel}）` }
      : { type: 'system', label: '系统' };
    await this.#opts.persistence.audit(actor, event);
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
