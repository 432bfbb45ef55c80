// One case's live mediation session, as a coordinator: it owns the room's lifecycle (open →
// closed, with a typed reason) and wires the parts that each do one job —
//   lobby.ts          who is in the lobby and in the room, every way in and out
//   caucuses.ts       背对背: who is in which caucus, the leaders' moves, knocks
//   member-media.ts   members' own media in the sfu MediaRoom (transports, producers, mutes)
//   media-sync.ts     consumers always equal to what the routing policy allows
//   receiver-layers.ts each receiver's simulcast layer from its downlink estimate
//   announcements.ts  what each member is told about the others
//   chat-notepads.ts  chat and the sides' private notepads
//   failover.ts       the state another node needs to take the room over, and taking it over
// All state changes go through this class; the socket layer only validates input and routes
// requests here. When its media closes under it (a worker died) the room moves to a new router
// on a live worker: members, admissions, caucuses and mutes stay, and every admitted member's
// client sets its media up again by itself (`media:restart`). Only when no worker comes back in
// time does the room close: members are told.
//
// Who leads (leadsRoom): the mediator, and in judicial review the questioning judge. Both admit,
// mute, remove, run caucuses and end; only mediators read and write the sides' notepads and
// carry between them — the judge never sees them.
import { TypedEmitter, type CloseReason as MediaCloseReason, type MediaRoom } from '../../sfu/index.ts';
import type { RoomSnapshot } from '../cluster/room-state-store.ts';
import { DomainError } from '../errors.ts';
import type { CaucusInfo, ChatMessage, MediaMode, MediaSource, Notepad } from '../protocol/room.ts';
import { leadsRoom } from '../protocol/room.ts';
import { Announcements } from './announcements.ts';
import { BackgroundTasks, consoleTaskLog, type TaskLog } from './background-tasks.ts';
import { Caucuses } from './caucuses.ts';
import { Notepads, RoomChat } from './chat-notepads.ts';
import { Failover } from './failover.ts';
import { Lobby, type RemovalNotice } from './lobby.ts';
import { MediaSync } from './media-sync.ts';
import { MemberMedia } from './member-media.ts';
import { ReceiverLayers } from './receiver-layers.ts';
import type { Member, MemberIdentity, MemberSocket } from './member.ts';
import { roomAudit, type RoomAudit, type RoomPersistence } from './room-ports.ts';
import type { PolicyState } from './routing-policy.ts';

export { removalNotice, type RemovalNotice } from './lobby.ts';
export type { RoomPersistence } from './room-ports.ts';

/** Why a live room closed. */
export type LiveRoomCloseReason =
  /** A leader ended the session (members were told `room:ended`). */
  | 'ended'
  /** Nobody is left but people waiting offline in the lobby. */
  | 'empty'
  /** Several nodes: this node lost the room to another (its clients reconnect there). */
  | 'moved'
  /** This server is stopping. */
  | 'shutdown'
  /** Its media closed under it (a mediasoup worker died) and no live worker came back in time (members were told `room:ended`). */
  | 'media-closed';

export type LiveRoomEvents = {
  /** Once, when the room closed; it is then out of use (`closed` is true). */
  closed: [reason: LiveRoomCloseReason];
};

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
  /**
   * A new MediaRoom on a live worker, for when this one's worker dies (rejects when none comes
   * back in time). Without it the room ends with its media.
   */
  replaceMedia?: () => Promise<MediaRoom>;
  /** Same as listening to 'closed'. */
  onClosed?: (reason: LiveRoomCloseReason) => void;
  /** State saved by a node that died: admissions, caucuses and mutes carry over. */
  restore?: RoomSnapshot;
  /** Called with the state to keep after every change (Redis with several nodes, SQLite on one); resolves once it is stored. */
  onStateChanged?: (snapshot: RoomSnapshot) => Promise<void>;
  /** Requests that changed the state are acknowledged only once it is stored (`stateKept`). */
  acknowledgeAfterKept?: boolean;
  /** Where failures of work nobody waits for are reported (default: the console). */
  log?: TaskLog;
}

const MEDIA_LOST_MESSAGE = '音视频服务出现故障，本次在线调解已中断，请重新进入调解室';
const MEDIA_MOVED_MESSAGE = '音视频服务刚才出现故障，正在自动重新连接…';

export class LiveRoom extends TypedEmitter<LiveRoomEvents> {
  readonly caseId: string;
  readonly startedAt: Date;
  readonly #opts: LiveRoomOptions;
  #closed = false;
  #media: MediaRoom;
  /** A move to a new router is under way (its worker died). */
  #moving = false;
  readonly #tasks: BackgroundTasks;
  readonly #audit: RoomAudit;
  readonly #failover: Failover;
  readonly #lobby: Lobby;
  readonly #caucuses: Caucuses;
  readonly #memberMedia: MemberMedia;
  readonly #mediaSync: MediaSync;
  readonly #receiverLayers: ReceiverLayers;
  readonly #announcements: Announcements;
  readonly #chat: RoomChat;
  readonly #notepads: Notepads;

  constructor(opts: LiveRoomOptions) {
    super();
    this.caseId = opts.caseId;
    this.#opts = opts;
    this.#media = opts.media;
    this.startedAt = opts.restore ? new Date(opts.restore.startedAt) : new Date();
    this.#tasks = new BackgroundTasks(opts.log ?? consoleTaskLog, { caseId: opts.caseId });
    const audit = (this.#audit = roomAudit(opts.persistence));
    const admitted = (peerId: string) => this.#lobby.admitted(peerId);
    const member = (peerId: string) => this.#lobby.get(peerId);
    const members = () => this.#lobby.all();
    const policyState = () => this.policyState();
    const assertOpen = () => this.#assertOpen();

    this.#failover = new Failover(opts.restore, opts.onStateChanged, (what, write) => this.#tasks.run(what, write));
    this.#lobby = new Lobby(
      {
        assertOpen,
        audit,
        takeRestoredAdmission: (peerId) => this.#failover.takeAdmission(peerId),
        depart: (m) => this.#depart(m),
        leaderDisconnected: (m) => this.#caucuses.leaderDisconnected(m),
        rtpCapabilities: () => this.#media.rtpCapabilities,
        announce: () => this.#announce(),
        emptied: () => this.close('empty'),
      },
      this.#tasks,
      opts.reconnectGraceMs,
    );
    this.#caucuses = new Caucuses({ member, members, admitted, assertOpen, policyState, transition: () => this.#transition(), audit }, opts.restore?.caucuses);
    this.#memberMedia = new MemberMedia(opts.media, {
      admitted,
      members,
      takeRestoredMutes: (peerId) => this.#failover.takeMutes(peerId),
      announce: () => this.#announce(),
      sync: () => this.syncConsumers(),
      syncInBackground: () => this.#tasks.run('reconcile consumers', () => this.syncConsumers()),
      audit,
    });
    this.#announcements = new Announcements({ members, policyState, caucuses: () => this.caucuses(), waitingMessage: () => this.#caucuses.waitingMessage() });
    this.#mediaSync = new MediaSync(
      { members, policyState, closed: () => this.#closed || this.#media.closed, audiencesChanged: () => this.#announcements.audiences() },
      this.#tasks,
      opts.consumerAckTimeoutMs ?? 10_000,
    );
    this.#receiverLayers = new ReceiverLayers({ members, closed: () => this.#closed || this.#media.closed }, this.#tasks);
    this.#receiverLayers.start();
    this.#chat = new RoomChat({ admitted, members, policyState, persistence: opts.persistence });
    this.#notepads = new Notepads({ admitted, members, policyState, persistence: opts.persistence });

    this.#watchMedia(opts.media);
    if (opts.restore) this.#restored(opts.restore);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get media(): MediaRoom {
    return this.#media;
  }

  member(peerId: string): Member | undefined {
    return this.#lobby.get(peerId);
  }

  members(): Member[] {
    return this.#lobby.all();
  }

  policyState(): PolicyState {
    return {
      members: this.members().map((m) => ({ peerId: m.peerId, status: m.status, roomRole: m.roomRole })),
      caucuses: this.#caucuses.policy(),
    };
  }

  caucuses(): CaucusInfo[] {
    return this.#caucuses.info();
  }

  /** What another node needs to carry on with this room if this one dies. */
  snapshot(): RoomSnapshot {
    return this.#failover.snapshot(this.members(), this.#caucuses.snapshot(), this.startedAt, (m) => this.#memberMedia.adminMutedSources(m));
  }

  /** Resolves once the state after every change so far is stored (for the room's last writes before it goes). */
  stateKept(): Promise<void> {
    return this.#failover.kept();
  }

  /** What a request's acknowledgement waits for: the state it changed stored, where the store is durable. */
  acknowledgeable(): Promise<void> {
    return this.#opts.acknowledgeAfterKept ? this.#failover.kept() : Promise.resolve();
  }

  // ── the lobby: joining, leaving, admission (lobby.ts) ─────────────────────────

  join(identity: MemberIdentity, socket: MemberSocket, mode: MediaMode | null = null): Promise<{ status: Member['status'] }> {
    return this.#lobby.join(identity, socket, mode);
  }

  /** The socket went away: keep the place for the grace period, then treat as left. */
  socketClosed(peerId: string, socketId: string): void {
    this.#lobby.socketClosed(peerId, socketId);
  }

  leave(peerId: string, reason: 'left' | 'timeout'): Promise<void> {
    return this.#lobby.leave(peerId, reason);
  }

  admit(by: Member, peerId: string): Promise<void> {
    return this.#lobby.admit(by, peerId);
  }

  deny(by: Member, peerId: string, reason: string | undefined): Promise<void> {
    return this.#lobby.deny(by, peerId, reason);
  }

  remove(by: Member, peerId: string): Promise<void> {
    return this.#lobby.remove(by, peerId);
  }

  /** Access taken away (a revoked link, a deactivated account, a deleted participant): out at once. */
  revokeAccess(peerId: string, notice: RemovalNotice): Promise<void> {
    return this.#lobby.revokeAccess(peerId, notice);
  }

  mute(by: Member, peerId: string, kind: 'audio' | 'video', muted: boolean): Promise<void> {
    return this.#memberMedia.mute(by, peerId, kind, muted);
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────────

  async end(by: Member): Promise<void> {
    await this.#audit(by, { type: 'ROOM_ENDED', data: { durationSec: Math.round((Date.now() - this.startedAt.getTime()) / 1000) } });
    this.#tellEnded(`${by.roleLabel}已结束本次在线调解`);
    this.close('ended');
  }

  /** Closes the room and its media. Idempotent; emits 'closed' once. */
  close(reason: LiveRoomCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#receiverLayers.stop();
    this.#failover.stop();
    this.#lobby.clear();
    this.#media.close(reason);
    this.#opts.onClosed?.(reason);
    this.safeEmit('closed', reason);
  }

  #watchMedia(media: MediaRoom): void {
    media.on('activespeaker', (peerId) => {
      if (media === this.#media) this.#announcements.speaker(peerId);
    });
    // The cascade goes on up: a room whose media died moves, or closes (no zombie room).
    media.on('closed', (reason) => {
      if (media === this.#media) this.#mediaClosed(reason);
    });
  }

  /** The media closed without the room asking (its worker died): move to a live worker, else end. */
  #mediaClosed(reason: MediaCloseReason): void {
    if (this.#closed || this.#moving) return;
    const replaceMedia = this.#opts.replaceMedia;
    if (!replaceMedia) {
      this.#mediaLost(reason);
      return;
    }
    this.#moving = true;
    this.#memberMedia.mediaLost();
    const started = performance.now();
    this.#tasks.log.warn({ caseId: this.caseId, mediaReason: reason }, 'live room: its media closed; moving it to a live worker');
    this.#tasks.run('move the room to a live worker', async () => {
      let media: MediaRoom;
      try {
        media = await replaceMedia();
      } catch (err) {
        this.#tasks.log.error({ caseId: this.caseId, err }, 'live room: no live worker to move to');
        this.#moving = false;
        this.#mediaLost(reason);
        return;
      }
      this.#moving = false;
      if (this.#closed) {
        media.close();
        return;
      }
      this.#media = media;
      this.#memberMedia.moveTo(media);
      this.#watchMedia(media);
      const ms = Math.round(performance.now() - started);
      this.#tasks.log.warn({ caseId: this.caseId, workerPid: media.router.appData.workerPid, ms }, 'live room: moved to a live worker');
      // Every admitted client builds its transports, producers and consumers again; caucus
      // routing and mutes apply to them as they come (media sync, presetAdminMute).
      for (const m of this.members()) if (m.status === 'admitted') m.socket?.emit('media:restart', { message: MEDIA_MOVED_MESSAGE });
      this.#announce();
      await this.#audit(null, { type: 'ROOM_MEDIA_MOVED', data: { ms } });
    });
  }

  /** No media to go on with: the session ends. */
  #mediaLost(reason: MediaCloseReason): void {
    if (this.#closed) return;
    this.#tasks.log.warn({ caseId: this.caseId, mediaReason: reason, members: this.#lobby.all().length }, 'live room: its media closed; ending the room');
    this.#tellEnded(MEDIA_LOST_MESSAGE);
    this.close('media-closed');
  }

  #tellEnded(message: string): void {
    for (const m of this.members()) {
      m.socket?.emit('room:ended', { message });
      m.socket?.detach();
    }
  }

  // ── media (member-media.ts, media-sync.ts) ────────────────────────────────────

  rtpCapabilities(peerId: string): unknown {
    return this.#memberMedia.rtpCapabilities(peerId);
  }

  /** `plain`: a plain RTP transport for the load generator (the socket layer checks it is allowed). */
  createTransport(peerId: string, direction: 'send' | 'recv', options: { plain?: boolean } = {}) {
    return this.#memberMedia.createTransport(peerId, direction, options);
  }

  connectTransport(peerId: string, transportId: string, dtlsParameters: unknown): Promise<void> {
    return this.#memberMedia.connectTransport(peerId, transportId, dtlsParameters);
  }

  connectPlainTransport(peerId: string, transportId: string, remote: { ip: string; port: number }): Promise<void> {
    return this.#memberMedia.connectPlainTransport(peerId, transportId, remote);
  }

  restartIce(peerId: string, transportId: string): Promise<unknown> {
    return this.#memberMedia.restartIce(peerId, transportId);
  }

  produce(peerId: string, transportId: string, kind: 'audio' | 'video', rtpParameters: unknown, source: MediaSource, paused = false): Promise<string> {
    return this.#memberMedia.produce(peerId, transportId, kind, rtpParameters, source, paused);
  }

  closeProducer(peerId: string, producerId: string): Promise<void> {
    return this.#memberMedia.closeProducer(peerId, producerId);
  }

  setProducerPaused(peerId: string, producerId: string, paused: boolean): Promise<void> {
    return this.#memberMedia.setProducerPaused(peerId, producerId, paused);
  }

  /** The client can now receive: (re)create every consumer it is entitled to. */
  ready(peerId: string, rtpCapabilities: unknown): Promise<void> {
    return this.#memberMedia.ready(peerId, rtpCapabilities);
  }

  /** 仅语音 on ('manual' | 'auto') or off (null): no video reaches this member meanwhile. */
  setAudioOnly(peerId: string, audioOnly: 'manual' | 'auto' | null): Promise<void> {
    return this.#memberMedia.setAudioOnly(peerId, audioOnly);
  }

  /** The client's wish for one of its consumers; the receiver's downlink may cap it (receiver-layers.ts). */
  async setPreferredLayers(peerId: string, consumerId: string, spatialLayer: number): Promise<void> {
    const m = this.#lobby.admitted(peerId);
    if (!m.media) throw new DomainError('TRANSPORT_NOT_FOUND', '请先创建媒体通道');
    return this.#receiverLayers.ask(m, consumerId, spatialLayer);
  }

  /** Each receiver's simulcast layers from its downlink estimate (run by a timer; tests call it). */
  get receiverLayers(): ReceiverLayers {
    return this.#receiverLayers;
  }

  /** Makes live consumers match the routing policy, break before make; resolves with the break time. */
  syncConsumers(): Promise<{ breakMs: number }> {
    return this.#mediaSync.sync();
  }

  // ── chat and notepads (chat-notepads.ts) ──────────────────────────────────────

  chat(peerId: string, text: string): Promise<ChatMessage> {
    return this.#chat.send(peerId, text);
  }

  chatHistory(peerId: string): Promise<ChatMessage[]> {
    return this.#chat.history(peerId);
  }

  getNotepad(peerId: string, side: 'A' | 'B'): Promise<Notepad> {
    return this.#notepads.get(peerId, side);
  }

  /** `baseUpdatedAt`: the version the editor started from; a newer stored version is a conflict. */
  updateNotepad(peerId: string, side: 'A' | 'B', content: string, baseUpdatedAt?: string | null): Promise<Notepad> {
    return this.#notepads.update(peerId, side, content, baseUpdatedAt);
  }

  carry(by: Member, fromSide: 'A' | 'B', toSide: 'A' | 'B', text: string): Promise<Notepad> {
    return this.#notepads.carry(by, fromSide, toSide, text);
  }

  // ── caucus (caucuses.ts) ──────────────────────────────────────────────────────

  /** Moves participants and leaders into a new caucus in one transition (see Caucuses.start). */
  startCaucus(by: Member, peerIds: string[], mediatorPeerIds: string[] = [by.peerId]): Promise<{ caucusId: string; breakMs: number }> {
    return this.#caucuses.start(by, peerIds, mediatorPeerIds);
  }

  endCaucus(by: Member, caucusId: string): Promise<{ breakMs: number }> {
    return this.#caucuses.end(by, caucusId);
  }

  endAllCaucuses(by: Member): Promise<{ breakMs: number }> {
    return this.#caucuses.endAll(by);
  }

  knock(peerId: string): Promise<void> {
    return this.#caucuses.knock(peerId);
  }

  // ── wiring ────────────────────────────────────────────────────────────────────

  #assertOpen(): void {
    if (this.#closed) throw new DomainError('ROOM_ENDED', '本次在线调解已结束');
  }

  /** A member left the roster: its media and caucus place go now; the returned step records the caucuses that ended. */
  #depart(m: Member): () => Promise<void> {
    this.#memberMedia.release(m);
    const ended = this.#caucuses.memberGone(m.peerId);
    return () => this.#caucuses.recordEnded(m, ended, leadsRoom(m.roomRole) ? 'mediator-disconnected' : 'ended');
  }

  /**
   * Applies a change of who is where: presence and locations, then media (break before make),
   * then the state kept for failover. Kept after the media, not before: its SQLite commit blocks
   * this process until it is on disk (up to ~100 ms with the disk busy, in a CPU profile of the
   * caucus bench), and before the media requests it held every switch up by as long.
   */
  #transition(): Promise<{ breakMs: number }> {
    if (!this.#closed && !this.#media.closed) this.#announcements.presence();
    const synced = this.syncConsumers();
    const keep = () => this.#keepState();
    synced.then(keep, keep);
    return synced;
  }

  #keepState(): void {
    if (this.#closed || this.#media.closed) return;
    this.#failover.save(() => this.snapshot());
  }

  /** The store lost this room's state (Redis restarted empty): keep it there again. */
  keepStateAgain(): void {
    if (this.#closed || this.#media.closed) return;
    this.#failover.saveAgain(() => this.snapshot());
  }

  /** Tells everyone what they may know, keeps the state for failover, then reconciles media. */
  #announce(): void {
    if (this.#closed || this.#media.closed) return;
    this.#keepState();
    this.#announcements.presence();
    this.#tasks.run('reconcile consumers', () => this.syncConsumers());
  }

  /**
   * Took over a room whose node died. Caucuses stay closed while their members come back;
   * whoever is not back within the reconnect grace is treated as gone (as for a dropped socket).
   */
  #restored(snapshot: RoomSnapshot): void {
    this.#failover.startGrace(this.#opts.reconnectGraceMs, () => this.#tasks.run('end what nobody came back to after a failover', () => this.#pruneAbsent()));
    this.#tasks.run('record the room restored', () =>
      this.#audit(null, { type: 'ROOM_RESTORED', data: { admitted: snapshot.admittedPeerIds.length, caucuses: snapshot.caucuses.length } }),
    );
  }

  async #pruneAbsent(): Promise<void> {
    if (this.#closed) return;
    const ended = this.#caucuses.pruneAbsent();
    if (ended.length > 0) await this.#transition();
    else this.#announce();
    await this.#caucuses.recordEnded(null, ended, 'mediator-disconnected');
    this.#lobby.closeIfEmpty();
  }
}
