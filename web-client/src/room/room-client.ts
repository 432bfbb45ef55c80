// The live mediation room, without React: what the UI holds (new RoomClient, start(), getState,
// subscribe, the actions). It puts the parts together and decides what a join or a final event
// means for them: the socket session (socket-session.ts, its lifecycle in room-lifecycle.ts), the
// media session (media-session.ts) and the feature slices (roster, chat, caucus, notepads,
// audience). Nothing here touches the DOM except `window.__jiefenRoom`.
import type { Socket } from 'socket.io-client';
import { audienceHandlers } from './audience-slice.ts';
import type { NotepadSideName } from './caucus-state.ts';
import { CaucusSlice } from './caucus-slice.ts';
import { ChatSlice } from './chat-slice.ts';
import type { InboundStat } from './media-consumers.ts';
import { MediaSession } from './media-session.ts';
import { NotepadSlice } from './notepad-slice.ts';
import {
  onServerEvents,
  type MalformedEventHandlers,
  type Notepad,
  type RemovalReason,
  type ServerEventHandlers,
  type ServerEventPayload,
} from './protocol.ts';
import { exposeRoomDebug, type RoomDebugHandle } from './room-debug.ts';
import { initialState, NO_CAUCUS, RoomStore, type Kind, type NoticeKind, type RoomState, type RoomStatus } from './room-store.ts';
import { RosterSlice } from './roster-slice.ts';
import { takeEarlySocket } from './early-socket.ts';
import { connectRoomSocket } from './room-socket.ts';
import { SocketSession, type JoinReply } from './socket-session.ts';

export type { InboundStat } from './media-consumers.ts';
export { CAMERA_ENCODINGS } from './media-producers.ts';
export type { RoomDebugHandle } from './room-debug.ts';
export type { Kind, LocalMedia, MediaStatus, NoticeKind, RemoteMedia, RoomState, RoomStatus, Self } from './room-store.ts';
export { CONNECT_RETRY_MESSAGE } from './socket-session.ts';
export type { ServerEventPayload };

/** What a removed participant is told when the server gave no message. */
const REMOVED_MESSAGE: Record<RemovalReason, string> = {
  removed: '调解员已将您移出调解室',
  replaced: '您已在其他窗口或设备上进入调解室',
  'link-revoked': '您的邀请链接已被撤销，请联系调解员获取新链接',
  'access-revoked': '您参加本案调解的权限已被收回，无法继续留在调解室',
};

const FINAL_FALLBACK = { denied: '调解员未准许您进入调解室', removed: '您已被移出调解室', ended: '本次在线调解已结束' } as const;

export interface RoomClientOptions {
  caseId: string;
  /** Party link token; staff connect with the session cookie instead. */
  token?: string;
  audioTrack: MediaStreamTrack | null;
  videoTrack: MediaStreamTrack | null;
  micMuted?: boolean;
  camOff?: boolean;
  /** For tests: a ready-made (not yet connected) socket. */
  socket?: Socket;
}

export class RoomClient {
  readonly socket: Socket;
  readonly caseId: string;
  /** Party link token (undefined for staff): also opens the agreement draft. */
  readonly token: string | undefined;

  readonly #store: RoomStore;
  readonly #session: SocketSession;
  readonly #media: MediaSession;
  readonly #roster: RosterSlice;
  readonly #chat: ChatSlice;
  readonly #caucus: CaucusSlice;
  readonly #notepads: NotepadSlice;
  #debug: RoomDebugHandle | null = null;

  constructor(opts: RoomClientOptions) {
    this.caseId = opts.caseId;
    this.token = opts.token;
    this.socket = opts.socket ?? takeEarlySocket(opts.token) ?? connectRoomSocket(opts.token);
    const store = new RoomStore(initialState({ audioTrack: opts.audioTrack, videoTrack: opts.videoTrack, micMuted: !!opts.micMuted, camOff: !!opts.camOff }));
    const session = new SocketSession(this.socket, opts.caseId, store, {
      joined: (reply) => this.#onJoined(reply),
      failed: (status, message, code) => this.#finish(status, message, code),
    });
    const { request } = session;
    const closed = () => session.closed;
    this.#store = store;
    this.#session = session;
    this.#media = new MediaSession({ store, request, alive: () => session.alive, inRoom: () => session.inRoom });
    this.#roster = new RosterSlice(store, closed, (me) => this.#media.producers.syncFromRoster(me));
    this.#chat = new ChatSlice(store, request, closed);
    this.#caucus = new CaucusSlice(store, request, this.#chat, this.#roster);
    this.#notepads = new NotepadSlice(store, request);
  }

  // ── store ──────────────────────────────────────────────────────────────────

  getState = (): RoomState => this.#store.state;

  subscribe = (listener: () => void): (() => void) => this.#store.subscribe(listener);

  onNotice(listener: (text: string, kind: NoticeKind) => void): () => void {
    return this.#store.onNotice(listener);
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────

  start(): void {
    if (!this.#session.start()) return;
    const handlers: ServerEventHandlers = {
      ...this.#roster.handlers,
      ...this.#media.handlers,
      ...this.#chat.handlers,
      ...this.#caucus.handlers,
      ...this.#notepads.handlers,
      ...audienceHandlers(this.#store),
      'room:admitted': (e) => this.#onAdmitted(e.rtpCapabilities),
      'room:denied': (e) => this.#onFinal('denied', e.message, null),
      'room:removed': (e) => this.#onFinal('removed', e.message, e.reason),
      'room:ended': (e) => this.#onFinal('ended', e.message, null),
      'media:restart': (e) => this.#onMediaRestart(e.message),
      'server:restarting': () => this.#store.patch({ serverRestarting: true }),
    };
    // A final event ends the session even when its payload is unreadable.
    const malformed: MalformedEventHandlers = {
      'room:denied': () => this.#onFinal('denied', '', null),
      'room:removed': () => this.#onFinal('removed', '', null),
      'room:ended': () => this.#onFinal('ended', '', null),
    };
    onServerEvents(this.socket, handlers, malformed, () => !this.#session.closed);
    // Before connecting: tests and benchmarks catch the handle (with its socket) as it appears.
    this.#debug = exposeRoomDebug({ socket: this.socket, store: this.#store, media: this.#media });
    this.#media.startSampling();
    // (Unit tests run without a DOM.)
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.#onVisibility);
    const devices = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
    if (devices) {
      devices.addEventListener('devicechange', this.#onDeviceChange);
      this.#onDeviceChange();
    }
    this.#session.connect();
  }

  readonly #onDeviceChange = (): void => {
    this.#media.countCameras().catch((err: unknown) => console.warn('[room] cameras not counted', err));
  };

  /**
   * Back from the background (phone unlocked, app switched back): the socket may have died
   * silently and the system may have taken my camera or microphone. Check both.
   */
  readonly #onVisibility = (): void => {
    if (document.visibilityState !== 'visible' || this.#session.closed) return;
    this.#session.recheck();
    if (this.#store.state.status === 'admitted' && this.#store.state.mediaStatus === 'ready') {
      this.#media.recheck().catch((err: unknown) => console.warn('[room] media recheck failed', err));
    }
  };

  /** Leaves the room (tells the server) and stops everything. Local tracks are left to the caller. */
  async leave(): Promise<void> {
    if (await this.#session.leave()) this.#finish('left', '');
  }

  /**
   * Page unmount (back button, in-app navigation away): the socket closes without a goodbye, as
   * with a reload or a closed tab, so the server keeps the place for its reconnect grace and a
   * return within it skips the lobby. Leaving for real is leave().
   */
  destroy(): void {
    this.#finish(this.#store.state.status, this.#store.state.message);
    this.socket.removeAllListeners();
    if (this.#debug && window.__jiefenRoom === this.#debug) delete window.__jiefenRoom;
  }

  get finished(): boolean {
    return this.#session.closed;
  }

  #finish(status: RoomStatus, message: string, errorCode: string | null = null): void {
    if (!this.#session.close()) return;
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.#onVisibility);
    if (typeof navigator !== 'undefined') navigator.mediaDevices?.removeEventListener('devicechange', this.#onDeviceChange);
    this.#roster.clearNotices();
    this.#media.close();
    this.#store.patch({ status, message, errorCode, reconnecting: false, online: false, peers: [], lobby: [], activeSpeaker: null, ...NO_CAUCUS });
  }

  /** What a join's answer means: back to (or still in) the lobby, or in the room with media. */
  async #onJoined(reply: JoinReply): Promise<void> {
    const store = this.#store;
    const wasAdmitted = store.state.status === 'admitted';
    store.patch({ self: reply.self, reconnecting: false, serverRestarting: false, message: '' });
    this.#media.setRouterCapabilities(reply.rtpCapabilities);
    if (reply.status === 'lobby') {
      if (wasAdmitted) store.notice('网络中断时间较长，请重新等待调解员准许进入', 'info');
      this.#media.teardown();
      const { status, lobbySince } = store.state;
      store.patch({
        status: 'lobby',
        lobbySince: status === 'lobby' && lobbySince ? lobbySince : Date.now(),
        peers: [],
        lobby: [],
        activeSpeaker: null,
        mediaStatus: 'idle',
        ...NO_CAUCUS,
      });
      return;
    }
    store.patch({ status: 'admitted', lobbySince: null });
    if (wasAdmitted && this.#media.resumable) await this.#resumeMedia();
    else await this.#startMedia();
  }

  #onAdmitted(routerCaps: unknown): void {
    this.#media.setRouterCapabilities(routerCaps);
    if (this.#session.noteAdmitted()) return; // the join in flight counts it
    if (this.#store.state.status !== 'lobby') return;
    this.#store.patch({ status: 'admitted', lobbySince: null });
    this.#startMedia().catch((err: unknown) => console.warn('[room] media start failed', err));
  }

  #onFinal(status: 'denied' | 'removed' | 'ended', message: string, reason: RemovalReason | null): void {
    if (reason) this.#store.patch({ removalReason: reason });
    this.#finish(status, message || (reason ? REMOVED_MESSAGE[reason] : FINAL_FALLBACK[status]));
  }

  /** The server moved the room's media (its worker died): set media up again, staying in the room. */
  #onMediaRestart(message: string): void {
    if (this.#session.closed || this.#store.state.status !== 'admitted') return;
    if (message) this.#store.notice(message, 'info');
    this.#media.start().catch((err: unknown) => console.warn('[room] media restart failed', err));
  }

  /**
   * In the room: media from scratch, then the chat history (asked before the media requests, its
   * answer would come first and hold up the first frame).
   */
  async #startMedia(): Promise<void> {
    await this.#media.start();
    void this.#chat.load();
  }

  /** Back in the room with my place kept: media resumes, the chat catches up, the server learns my mutes. */
  async #resumeMedia(): Promise<void> {
    const outcome = await this.#media.resume();
    if (outcome === 'resumed') {
      void this.#chat.load();
      await this.#media.producers.syncPausedToServer();
    } else if (outcome === 'failed' && !this.#session.closed) {
      await this.#startMedia();
    }
  }

  // ── participant actions ────────────────────────────────────────────────────

  toggleMic(): Promise<void> {
    return this.#media.producers.toggle('audio');
  }

  toggleCamera(): Promise<void> {
    return this.#media.producers.toggle('video');
  }

  /** 仅语音 on or off by the participant (the link policy may also turn it on by itself while off). */
  setAudioOnly(on: boolean): Promise<void> {
    return this.#media.audioFirst.setManual(on);
  }

  /** Front ⇄ back camera (shown only when the device has more than one). */
  switchCamera(): Promise<void> {
    return this.#media.switchCamera();
  }

  /** Leaders on desktop browsers: share a screen, window or tab (the server decides who sees it). */
  get canShareScreen(): boolean {
    return this.#media.canShareScreen;
  }

  shareScreen(): Promise<void> {
    return this.#media.shareScreen();
  }

  stopScreen(): Promise<void> {
    return this.#media.stopScreen();
  }

  /** My camera and microphone as they are now (a switch or a re-acquire may have replaced the first ones). */
  stopLocalTracks(): void {
    const L = this.#store.state.local;
    for (const t of [L.audioTrack, L.videoTrack, L.screenTrack]) t?.stop();
  }

  /** Tries the audio/video setup again after a failure (chat keeps working meanwhile). */
  retryMedia(): void {
    if (this.#store.state.status === 'admitted' && this.socket.connected && !this.#session.closed)
      this.#startMedia().catch((err: unknown) => console.warn('[room] media retry failed', err));
  }

  sendChat(text: string): Promise<void> {
    return this.#chat.send(text);
  }

  setChatOpen(open: boolean): void {
    this.#chat.setOpen(open);
  }

  setNotepadOpen(open: boolean): void {
    this.#notepads.setOpen(open);
  }

  /** 0 = low simulcast layer (small tiles), 1 = high. */
  setPreferredLayer(layer: 0 | 1): void {
    this.#media.consumers.setPreferredLayer(layer, this.socket.connected);
  }

  // ── mediator controls (errors are thrown as RoomRequestError for the UI) ──────

  async admit(peerId: string): Promise<void> {
    await this.#session.request('mediator:admit', { peerId });
  }

  async deny(peerId: string, reason?: string): Promise<void> {
    await this.#session.request('mediator:deny', reason ? { peerId, reason } : { peerId });
  }

  async mute(peerId: string, kind: Kind, muted: boolean): Promise<void> {
    await this.#session.request('mediator:mute', { peerId, kind, muted });
  }

  async remove(peerId: string): Promise<void> {
    await this.#session.request('mediator:remove', { peerId });
  }

  async end(): Promise<void> {
    await this.#session.request('mediator:end', {});
    this.#finish('ended', '本次在线调解已结束');
  }

  // ── 背对背 (caucus) and notepads ─────────────────────────────────────────────

  /**
   * Mediator: moves these participants (and the given mediators, by default me) into a new
   * caucus. Media follows on the server (consumers paused/resumed); transports stay as they are.
   */
  startCaucus(peerIds: string[], mediatorPeerIds?: string[]): Promise<string> {
    return this.#caucus.start(peerIds, mediatorPeerIds);
  }

  endCaucus(caucusId: string): Promise<void> {
    return this.#caucus.end(caucusId);
  }

  /** Everyone back to the joint session. */
  endAllCaucuses(): Promise<void> {
    return this.#caucus.endAll();
  }

  /** Waiting participant: asks the mediators to come back. */
  knock(): Promise<void> {
    return this.#caucus.knock();
  }

  /** Mediator: forgets a knock once seen. */
  dismissKnock(peerId?: string): void {
    this.#caucus.dismissKnock(peerId);
  }

  loadNotepad(side: NotepadSideName): Promise<Notepad> {
    return this.#notepads.load(side);
  }

  saveNotepad(side: NotepadSideName, content: string): Promise<Notepad> {
    return this.#notepads.save(side, content);
  }

  /** Mediator: appends a note or proposal to the other side's notepad (logged on the server). */
  carry(fromSide: NotepadSideName, toSide: NotepadSideName, text: string): Promise<Notepad> {
    return this.#notepads.carry(fromSide, toSide, text);
  }

  // ── test support ───────────────────────────────────────────────────────────

  inboundStats(): Promise<InboundStat[]> {
    return this.#media.inboundStats();
  }
}
