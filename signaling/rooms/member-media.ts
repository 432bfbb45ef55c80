// Members' own media in the room's MediaRoom: transports, producers, pauses, admin mutes and
// the client's readiness to receive. Checks who asks (an admitted member) and passes the
// request to the sfu; what others then receive is media sync's job.
import type { MediaPeer, MediaRoom } from '../../sfu/index.ts';
import { DomainError } from '../errors.ts';
import { leadsRoom, type MediaSource } from '../protocol/room.ts';
import type { Member } from './member.ts';
import type { RoomAudit } from './room-ports.ts';

export interface MemberMediaPort {
  /** An admitted member of an open room, or why not. */
  admitted(peerId: string): Member;
  /** Everyone in the room (lobby and admitted). */
  members(): Member[];
  /** Sources muted before a failover: a new media peer starts muted on them (once). */
  takeRestoredMutes(peerId: string): MediaSource[];
  /** Producers changed: tell everyone (and reconcile consumers). */
  announce(): void;
  /** Reconcile consumers now and wait for it. */
  sync(): Promise<{ breakMs: number }>;
  /** Reconcile consumers without waiting (a failure is logged). */
  syncInBackground(): void;
  audit: RoomAudit;
}

export class MemberMedia {
  #room: MediaRoom;
  readonly #port: MemberMediaPort;
  /** Admin mutes of members whose media was lost with a dead worker, until their new media peer. */
  readonly #carriedMutes = new Map<string, MediaSource[]>();

  constructor(room: MediaRoom, port: MemberMediaPort) {
    this.#room = room;
    this.#port = port;
  }

  rtpCapabilities(peerId: string): unknown {
    this.#port.admitted(peerId);
    return this.#room.rtpCapabilities;
  }

  /** `plain`: a plain RTP transport for the load generator (the socket layer checks it is allowed). */
  async createTransport(peerId: string, direction: 'send' | 'recv', options: { plain?: boolean } = {}) {
    const m = this.#port.admitted(peerId);
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
    if (direction === 'send') this.#port.announce();
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

  /**
   * A screen is shared only by whoever leads the room (to show evidence or the draft); who then
   * receives it is the routing policy's call, as for any video.
   */
  async produce(peerId: string, transportId: string, kind: 'audio' | 'video', rtpParameters: unknown, source: MediaSource, paused = false): Promise<string> {
    if (source === 'screen' && !leadsRoom(this.#port.admitted(peerId).roomRole)) throw new DomainError('SCREEN_SHARE_NOT_ALLOWED');
    const media = this.#mediaOf(peerId);
    const { producerId } = await media.produce({ transportId, kind, rtpParameters: rtpParameters as never, source, paused });
    this.#port.announce();
    // The answer does not wait for the others' consumers: the sender's next producer (video after
    // audio) goes out at once instead of after every receiver's consumer was made.
    this.#port.syncInBackground();
    return producerId;
  }

  async closeProducer(peerId: string, producerId: string): Promise<void> {
    this.#mediaOf(peerId).closeProducer(producerId);
    this.#port.announce();
  }

  async setProducerPaused(peerId: string, producerId: string, paused: boolean): Promise<void> {
    const ok = await this.#mediaOf(peerId).setProducerPausedByPeer(producerId, paused);
    if (!ok) throw new DomainError('ADMIN_MUTED', '调解员已将您静音，暂时无法自行开启');
    this.#port.announce();
  }

  /** The client can now receive: (re)create every consumer it is entitled to. */
  async ready(peerId: string, rtpCapabilities: unknown): Promise<void> {
    const m = this.#port.admitted(peerId);
    if (!m.recvTransportId) throw new DomainError('INVALID_STATE', '请先创建接收通道');
    // After a reconnect the client may have missed consumer events: start from a clean slate.
    // Each close is reported to the client through the peer's 'consumerclosed' event.
    const stale = [...m.consumers.values()];
    m.consumers.clear();
    for (const c of stale) m.media?.getConsumer(c.consumerId)?.close('resync');
    m.rtpCapabilities = rtpCapabilities;
    await this.#port.sync();
  }

  /**
   * 仅语音 on ('manual' | 'auto') or off (null): media sync then pauses (or resumes) this member's
   * video consumers on the server; the others see the badge through the roster.
   */
  async setAudioOnly(peerId: string, audioOnly: 'manual' | 'auto' | null): Promise<void> {
    const m = this.#port.admitted(peerId);
    if (m.audioOnly === audioOnly) return;
    m.audioOnly = audioOnly;
    this.#port.announce();
    await this.#port.sync();
  }

  /** A leader's mute: a server-side pause the member cannot undo. */
  async mute(by: Member, peerId: string, kind: 'audio' | 'video', muted: boolean): Promise<void> {
    const m = this.#port.admitted(peerId);
    const producers = (m.media?.producers() ?? []).filter((p) => p.kind === kind);
    for (const p of producers) {
      if (muted) await m.media!.adminMute(p.id);
      else await m.media!.adminUnmute(p.id);
      m.socket?.emit('media:adminMuted', { producerId: p.id, kind, muted });
    }
    await this.#port.audit(by, { type: 'ROOM_MUTED', data: { peerId, name: m.displayName, kind, muted } });
    this.#port.announce();
  }

  /** The member left: its media peer closes, and the sfu closes others' consumers of it. */
  release(m: Member): void {
    m.media?.close('left');
    m.media = null;
    this.#carriedMutes.delete(m.peerId);
  }

  /** The sources a leader muted on this member (kept while its media is being moved). */
  adminMutedSources(m: Member): MediaSource[] {
    return m.media?.adminMutedSources() ?? this.#carriedMutes.get(m.peerId) ?? [];
  }

  /**
   * The room's media died with its worker: every member's transports, producers and consumers are
   * gone. Forget them, keeping each member's admin mutes for its next media peer.
   */
  mediaLost(): void {
    for (const m of this.#port.members()) {
      if (!m.media) continue;
      const muted = m.media.adminMutedSources();
      if (muted.length > 0) this.#carriedMutes.set(m.peerId, muted);
      m.media = null;
      m.sendTransportId = null;
      m.recvTransportId = null;
      m.rtpCapabilities = null;
      m.consumers.clear();
    }
  }

  /** From now on members' media lives in this room (after mediaLost). */
  moveTo(room: MediaRoom): void {
    this.#room = room;
  }

  #mediaOf(peerId: string): MediaPeer {
    const m = this.#port.admitted(peerId);
    if (!m.media) throw new DomainError('TRANSPORT_NOT_FOUND', '请先创建媒体通道');
    return m.media;
  }

  #createMediaPeer(m: Member): MediaPeer {
    const media = this.#room.addPeer(m.peerId);
    const carried = this.#carriedMutes.get(m.peerId) ?? [];
    this.#carriedMutes.delete(m.peerId);
    media.presetAdminMute([...new Set([...this.#port.takeRestoredMutes(m.peerId), ...carried])]);
    media.on('consumerclosed', ({ consumerId, producerId }: { consumerId: string; producerId: string }) => {
      if (m.consumers.get(producerId)?.consumerId === consumerId) m.consumers.delete(producerId);
      m.socket?.emit('media:consumerClosed', { consumerId });
    });
    const forwardPause = ({ consumerId, paused }: { consumerId: string; paused: boolean }) => m.socket?.emit('media:consumerPaused', { consumerId, paused });
    media.on('consumerpaused', forwardPause);
    media.on('consumerresumed', forwardPause);
    media.on('producerclosed', () => this.#port.announce());
    return media;
  }
}
