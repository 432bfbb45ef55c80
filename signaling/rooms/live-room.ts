// One case's live mediation session: who is in the lobby and in the room, their media
// (through the sfu MediaRoom), chat, and the mediator's controls. All state changes go
// through this class; the socket layer only validates input and routes requests here.
import type { MediaRoom } from '../../sfu/index.ts';
import type { AuditEvent } from '../audit/events.ts';
import type { Actor } from '../audit/log.ts';
import type { ChatMessage, ConsumerParams, MediaSource } from '../protocol/room.ts';
import { lobbyEntry, newMember, peerInfo, type Member, type MemberIdentity, type MemberSocket } from './member.ts';
import { RoomError } from './room-errors.ts';
import { mayReceive } from './routing-policy.ts';

/** What the room needs from the outside world (database), kept narrow for testing. */
export interface RoomPersistence {
  audit(actor: Actor, event: AuditEvent): Promise<void>;
  saveChat(message: { scope: string; senderId: string; senderName: string; text: string }): Promise<ChatMessage>;
  listChat(scope: string): Promise<ChatMessage[]>;
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
  onClosed: () => void;
}

export class LiveRoom {
  readonly caseId: string;
  readonly startedAt = new Date();
  readonly #opts: LiveRoomOptions;
  readonly #members = new Map<string, Member>();
  /** Serialises consumer reconciliation so concurrent changes never double-create. */
  #sync: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(opts: LiveRoomOptions) {
    this.caseId = opts.caseId;
    this.#opts = opts;
    opts.media.on('activespeaker', (peerId: string | null) => this.#broadcastAdmitted('room:activeSpeaker', { peerId }));
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
    const member = newMember(identity, identity.roomRole === 'mediator' ? 'admitted' : 'lobby');
    member.socket = socket;
    this.#members.set(member.peerId, member);
    await this.#audit(member, { type: 'ROOM_JOINED', data: { peerId: member.peerId, name: member.displayName, via: member.status === 'admitted' ? 'direct' : 'lobby' } });
    this.#announce();
    return { status: member.status };
  }

  /** The socket went away: keep the place for the grace period, then treat as left. */
  socketClosed(peerId: string, socketId: string): void {
    const m = this.#members.get(peerId);
    if (!m || m.socket?.id !== socketId) return;
    m.socket = null;
    m.graceTimer = setTimeout(() => void this.leave(peerId, 'timeout'), this.#opts.reconnectGraceMs);
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

  // ── mediator controls ────────────────────────────────────────────────────────

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
    m.socket?.emit('room:denied', { message: reason ? `调解员未准许进入：${reason}` : '调解员未准许您进入调解室' });
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
    if (!m) throw new RoomError('PEER_NOT_FOUND', '该参与人不在调解室中');
    if (m.roomRole === 'mediator') throw new RoomError('FORBIDDEN', '不能移出调解员');
    this.#drop(m);
    m.socket?.emit('room:removed', { message: '调解员已将您移出调解室', reason: 'removed' });
    m.socket?.detach();
    await this.#audit(by, { type: 'ROOM_REMOVED', data: { peerId, name: m.displayName } });
    this.#announce();
  }

  async end(by: Member): Promise<void> {
    await this.#audit(by, { type: 'ROOM_ENDED', data: { durationSec: Math.round((Date.now() - this.startedAt.getTime()) / 1000) } });
    for (const m of this.members()) {
      m.socket?.emit('room:ended', { message: '调解员已结束本次在线调解' });
      m.socket?.detach();
    }
    this.close('ended');
  }

  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const m of this.members()) if (m.graceTimer) clearTimeout(m.graceTimer);
    this.#members.clear();
    this.#opts.media.close(reason);
    this.#opts.onClosed();
  }

  // ── media ─────────────────────────────────────────────────────────────────────

  rtpCapabilities(peerId: string): unknown {
    this.#admittedMember(peerId);
    return this.#opts.media.rtpCapabilities;
  }

  async createTransport(peerId: string, direction: 'send' | 'recv') {
    const m = this.#admittedMember(peerId);
    m.media ??= this.#createMediaPeer(m);
    // A second transport in the same direction (page reload, new device) replaces the first.
    const previous = direction === 'send' ? m.sendTransportId : m.recvTransportId;
    if (previous) {
      m.media.getTransport(previous)?.close('replaced');
      if (direction === 'recv') m.consumers.clear();
    }
    const params = await m.media.createTransport(direction);
    if (direction === 'send') m.sendTransportId = params.id;
    else m.recvTransportId = params.id;
    if (direction === 'send') this.#announce();
    return params;
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: unknown): Promise<void> {
    await this.#mediaOf(peerId).connectTransport(transportId, dtlsParameters as never);
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
    if (!ok) throw new RoomError('ADMIN_MUTED', '调解员已将您静音，暂时无法自行开启');
    this.#announce();
  }

  /** The client can now receive: (re)create every consumer it is entitled to. */
  async ready(peerId: string, rtpCapabilities: unknown): Promise<void> {
    const m = this.#admittedMember(peerId);
    if (!m.recvTransportId) throw new RoomError('INVALID_STATE', '请先创建接收通道');
    // After a reconnect the client may have missed consumer events: start from a clean slate.
    // Each close is reported to the client through the peer's 'consumerclosed' event.
    const stale = [...m.consumers.values()];
    m.consumers.clear();
    for (const consumerId of stale) m.media?.getConsumer(consumerId)?.close('resync');
    m.rtpCapabilities = rtpCapabilities;
    await this.syncConsumers();
  }

  setPreferredLayers(peerId: string, consumerId: string, spatialLayer: number): Promise<void> {
    return this.#mediaOf(peerId).setPreferredLayers(consumerId, { spatialLayer });
  }

  /**
   * Makes live consumers equal to what the routing policy allows: forbidden ones are
   * closed first, then missing allowed ones are created (break before make).
   */
  syncConsumers(): Promise<void> {
    const run = this.#sync.then(() => this.#reconcile());
    this.#sync = run.catch(() => undefined);
    return run;
  }

  async #reconcile(): Promise<void> {
    if (this.#closed) return;
    const members = this.members();
    const owners = new Map<string, Member>();
    for (const sender of members) for (const p of sender.media?.producers() ?? []) owners.set(p.id, sender);

    for (const receiver of members) {
      for (const [producerId, consumerId] of receiver.consumers) {
        const sender = owners.get(producerId);
        if (!sender || !mayReceive(receiver, sender)) {
          receiver.consumers.delete(producerId);
          receiver.media?.getConsumer(consumerId)?.close('forbidden');
        }
      }
    }
    for (const receiver of members) {
      if (!receiver.media || !receiver.recvTransportId || !receiver.rtpCapabilities || !receiver.socket) continue;
      for (const [producerId, sender] of owners) {
        if (receiver.consumers.has(producerId) || !mayReceive(receiver, sender)) continue;
        await this.#startConsumer(receiver, producerId, sender.peerId);
      }
    }
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
    receiver.consumers.set(producerId, c.consumerId);
    const params: ConsumerParams = {
      consumerId: c.consumerId,
      producerId,
      peerId: senderPeerId,
      kind: c.kind,
      source: c.source,
      rtpParameters: c.rtpParameters as Record<string, unknown>,
      producerPaused: c.producerPaused,
    };
    const socket = receiver.socket!;
    // Resume once the client has the consumer; don't hold the reconciliation queue for it.
    socket
      .request('media:newConsumer', params, this.#opts.consumerAckTimeoutMs ?? 10_000)
      .then((reply) => {
        if ((reply as { ok?: unknown } | null)?.ok !== true) throw new Error('client could not consume');
        if (receiver.consumers.get(producerId) === c.consumerId) return media.resumeConsumer(c.consumerId);
      })
      .catch(() => {
        if (receiver.consumers.get(producerId) === c.consumerId) {
          receiver.consumers.delete(producerId);
          media.getConsumer(c.consumerId)?.close('not-acknowledged');
        }
      });
  }

  #createMediaPeer(m: Member) {
    const media = this.#opts.media.addPeer(m.peerId);
    media.on('consumerclosed', ({ consumerId, producerId }: { consumerId: string; producerId: string }) => {
      if (m.consumers.get(producerId) === consumerId) m.consumers.delete(producerId);
      m.socket?.emit('media:consumerClosed', { consumerId });
    });
    const forwardPause = ({ consumerId, paused }: { consumerId: string; paused: boolean }) => m.socket?.emit('media:consumerPaused', { consumerId, paused });
    media.on('consumerpaused', forwardPause);
    media.on('consumerresumed', forwardPause);
    media.on('producerclosed', () => this.#announce());
    return media;
  }

  // ── chat ──────────────────────────────────────────────────────────────────────

  async chat(peerId: string, text: string): Promise<ChatMessage> {
    const m = this.#admittedMember(peerId);
    const message = await this.#opts.persistence.saveChat({ scope: 'joint', senderId: m.peerId, senderName: m.displayName, text });
    for (const receiver of this.members()) if (receiver.status === 'admitted' && receiver.peerId !== peerId) receiver.socket?.emit('chat:message', message);
    return message;
  }

  async chatHistory(peerId: string): Promise<ChatMessage[]> {
    this.#admittedMember(peerId);
    return this.#opts.persistence.listChat('joint');
  }

  // ── helpers ───────────────────────────────────────────────────────────────────

  #assertOpen(): void {
    if (this.#closed) throw new RoomError('ROOM_ENDED', '本次在线调解已结束');
  }

  #admittedMember(peerId: string): Member {
    this.#assertOpen();
    const m = this.#members.get(peerId);
    if (!m) throw new RoomError('NOT_JOINED', '您尚未进入调解室');
    if (m.status !== 'admitted') throw new RoomError('NOT_ADMITTED', '请在等候区等待调解员准许进入');
    return m;
  }

  #lobbyMember(peerId: string): Member {
    this.#assertOpen();
    const m = this.#members.get(peerId);
    if (!m || m.status !== 'lobby') throw new RoomError('PEER_NOT_FOUND', '等候区中没有该参与人');
    return m;
  }

  #mediaOf(peerId: string) {
    const m = this.#admittedMember(peerId);
    if (!m.media) throw new RoomError('TRANSPORT_NOT_FOUND', '请先创建媒体通道');
    return m.media;
  }

  /** Removes a member and every media object it owns (the sfu cascades to others' consumers). */
  #drop(m: Member): void {
    if (m.graceTimer) clearTimeout(m.graceTimer);
    m.graceTimer = null;
    this.#members.delete(m.peerId);
    m.media?.close('left');
    m.media = null;
  }

  #closeIfEmpty(): void {
    if ([...this.#members.values()].every((m) => m.status === 'lobby' && m.socket === null)) this.close('empty');
  }

  /** Sends the roster to everyone admitted and the lobby to mediators. */
  #announce(): void {
    if (this.#closed) return;
    const members = this.members();
    const peers = members.filter((m) => m.status === 'admitted').map(peerInfo);
    const waiting = members.filter((m) => m.status === 'lobby').map(lobbyEntry);
    for (const m of members) {
      if (m.status !== 'admitted') continue;
      m.socket?.emit('room:peers', { peers });
      if (m.roomRole === 'mediator') m.socket?.emit('room:lobby', { waiting });
    }
  }

  #broadcastAdmitted(event: string, payload: unknown): void {
    for (const m of this.members()) if (m.status === 'admitted') m.socket?.emit(event, payload);
  }

  async #audit(actorMember: Member, event: AuditEvent): Promise<void> {
    const actor: Actor = { type: actorMember.roomRole === 'mediator' ? 'user' : 'party', id: actorMember.peerId, label: `${actorMember.displayName}（${actorMember.roleLabel}）` };
    await this.#opts.persistence.audit(actor, event);
  }
}
