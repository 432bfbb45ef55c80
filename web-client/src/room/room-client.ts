// The live mediation room, without React: the /room socket, the mediasoup-client Device,
// send/recv transports, local producers, server-initiated consumers, chat, mediator
// controls and reconnection. The UI reads an immutable snapshot (subscribe/getState) and
// calls the public methods; nothing here touches the DOM except `window.__jiefenRoom`.
import { isErrorCode, isRetryable } from '../../../signaling/errors.ts';
import { io, type Socket } from 'socket.io-client';
import { Device, type types as ms } from 'mediasoup-client';
import {
  errorMessage,
  leadsRoom,
  parseServerEvent,
  roomRequest,
  RoomRequestError,
  ROOM_NAMESPACE,
  type Audience,
  type CaucusInfo,
  type ChatMessage,
  type ClientRequestName,
  type Location,
  type Notepad,
  type LobbyEntry,
  type MediaSource,
  type PeerInfo,
  type RemovalReason,
  type RequestOf,
  type ResponseOf,
  type ServerEventPayload,
} from './protocol.ts';
import { parseConsumerRtpParameters, parseIceParameters, parseRouterRtpCapabilities, parseTransportOptions } from './media-params.ts';
import { QualityTracker, sampleFromStats, type Quality } from './quality.ts';
import { mergeChat, newArrivals, rosterChanges } from './room-state.ts';
import { addKnock, leaderWord, locationNotice, pruneKnocks, sameLocation, type Knock, type NotepadSideName } from './caucus-state.ts';

export type RoomStatus = 'connecting' | 'lobby' | 'admitted' | 'ended' | 'denied' | 'removed' | 'left' | 'error';
export type MediaStatus = 'idle' | 'connecting' | 'ready' | 'failed';
export type Kind = 'audio' | 'video';
export type Self = ResponseOf<'room:join'>['self'];

export interface RemoteMedia {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: Kind;
  source: MediaSource;
  track: MediaStreamTrack;
  /** The sender paused it (self-mute, camera off or mediator mute). */
  paused: boolean;
}

export interface LocalMedia {
  audioTrack: MediaStreamTrack | null;
  videoTrack: MediaStreamTrack | null;
  micProducerId: string | null;
  camProducerId: string | null;
  /** Turned off by the participant. */
  micMuted: boolean;
  camOff: boolean;
  /** Turned off by the mediator (the participant cannot undo it). */
  audioAdminMuted: boolean;
  videoAdminMuted: boolean;
}

/** What a removed participant is told when the server gave no message. */
const REMOVED_MESSAGE: Record<RemovalReason, string> = {
  removed: '调解员已将您移出调解室',
  replaced: '您已在其他窗口或设备上进入调解室',
  'link-revoked': '您的邀请链接已被撤销，请联系调解员获取新链接',
  'access-revoked': '您参加本案调解的权限已被收回，无法继续留在调解室',
};

export interface RoomState {
  status: RoomStatus;
  /** The socket is connected. */
  online: boolean;
  /** Was in the room/lobby and lost the socket; socket.io is reconnecting. */
  reconnecting: boolean;
  mediaStatus: MediaStatus;
  mediaError: string | null;
  /** A transport's ICE is failed/disconnected and being restarted. */
  mediaUnstable: boolean;
  self: Self | null;
  peers: PeerInfo[];
  lobby: LobbyEntry[];
  activeSpeaker: string | null;
  remote: RemoteMedia[];
  local: LocalMedia;
  chat: ChatMessage[];
  chatUnread: number;
  quality: Quality;
  /** When the current lobby wait started (client clock). */
  lobbySince: number | null;
  /** Message for ended / denied / removed / error. */
  message: string;
  errorCode: string | null;
  /** Why I was removed (`room:removed`): by the mediator, replaced, or my access was taken away. */
  removalReason: RemovalReason | null;
  /** Where I am (last `room:location`): the joint session or a caucus; null until the server says. */
  location: Location | null;
  /** Caucuses in progress (mediators and the judge only). */
  caucuses: CaucusInfo[];
  /** Waiting participants asking for a mediator (mediators and the judge only), newest last. */
  knocks: Knock[];
  /** Who receives my audio / video right now (last `room:audience`). */
  audience: Audience | null;
  /** The side notepads I have loaded (parties: their own side; mediators: both; the judge: none). */
  notepads: Partial<Record<NotepadSideName, Notepad>>;
  /** Someone else changed a notepad I can see while my notepad sheet was closed. */
  notepadUnseen: boolean;
}

export interface InboundStat {
  peerId: string;
  kind: Kind;
  consumerId: string;
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
}

/** Debug handle for end-to-end tests (data only). */
export interface RoomDebugHandle {
  readonly socket: Socket;
  readonly status: RoomStatus;
  readonly peerId: string | null;
  readonly sendTransportId: string | null;
  readonly recvTransportId: string | null;
  readonly mediaStatus: MediaStatus;
  readonly quality: Quality;
  /** Last `room:location`. */
  readonly location: Location | null;
  /** Last `room:audience`. */
  readonly audience: Audience | null;
  /** Last `room:caucuses` (mediators). */
  readonly caucuses: CaucusInfo[];
  /** ICE restarts this client has asked for (watchdog or reconnect) — caucus moves never add to it. */
  readonly iceRestarts: number;
  inboundStats(): Promise<InboundStat[]>;
  /** The transports' connection (ICE + DTLS) states; null when the transport does not exist. */
  iceStates(): Promise<{ send: string | null; recv: string | null }>;
}

declare global {
  interface Window {
    __jiefenRoom?: RoomDebugHandle;
  }
}

export type NoticeKind = 'success' | 'info' | 'error';

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

/** Two simulcast layers for a 640×480 camera. */
export const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 2, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 600_000 },
];

const ICE_RESTART_DELAY_MS = 2_000;
const ICE_RETRY_MS = 6_000;
const QUALITY_INTERVAL_MS = 3_000;
const ROSTER_NOTICE_DELAY_MS = 600;
const NO_CAUCUS = { location: null, caucuses: [], knocks: [], audience: null, notepadUnseen: false } satisfies Partial<RoomState>;

export function connectRoomSocket(token?: string): Socket {
  return io(ROOM_NAMESPACE, {
    path: '/socket.io',
    autoConnect: false,
    auth: token ? { token } : {},
    withCredentials: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 3_000,
  });
}

export const CONNECT_RETRY_MESSAGE = '暂时无法连接服务器，正在重试…';
const hasCjk = (s: string) => /[\u3400-\u9fff]/.test(s);

export class RoomClient {
  readonly socket: Socket;
  readonly caseId: string;
  /** Party link token (undefined for staff): also opens the agreement draft. */
  readonly token: string | undefined;

  #state: RoomState;
  readonly #listeners = new Set<() => void>();
  readonly #noticeListeners = new Set<(text: string, kind: NoticeKind) => void>();

  #device: Device | null = null;
  #send: ms.Transport | null = null;
  #recv: ms.Transport | null = null;
  #mic: ms.Producer | null = null;
  #cam: ms.Producer | null = null;
  readonly #consumers = new Map<string, ms.Consumer>();
  /** Bumped whenever media is torn down, so in-flight setup steps notice they are stale. */
  #mediaGen = 0;

  #started = false;
  #everConnected = false;
  #everJoined = false;
  #leaving = false;
  #finished = false;
  #chatOpen = false;
  #notepadOpen = false;
  #preferredLayer = 1;
  readonly #toggleChain: Record<Kind, Promise<void>> = { audio: Promise.resolve(), video: Promise.resolve() };
  readonly #iceTimers = new Map<string, number>();
  #joinRetry = 0;
  /** A re-join (and its ICE restarts) is in progress. */
  #resuming = false;
  #qualityTimer = 0;
  readonly #quality = new QualityTracker();
  /** Bumped when I move to another room, so chat answers about the previous room are dropped. */
  #chatGen = 0;
  #iceRestarts = 0;
  /** Parties' join/leave notices wait briefly: a caucus move changes the roster just before the location. */
  #rosterNotices: string[] = [];
  #rosterTimer = 0;

  constructor(opts: RoomClientOptions) {
    this.caseId = opts.caseId;
    this.token = opts.token;
    this.socket = opts.socket ?? connectRoomSocket(opts.token);
    this.#state = {
      status: 'connecting',
      online: false,
      reconnecting: false,
      mediaStatus: 'idle',
      mediaError: null,
      mediaUnstable: false,
      self: null,
      peers: [],
      lobby: [],
      activeSpeaker: null,
      remote: [],
      local: {
        audioTrack: opts.audioTrack,
        videoTrack: opts.videoTrack,
        micProducerId: null,
        camProducerId: null,
        micMuted: !!opts.micMuted,
        camOff: !!opts.camOff,
        audioAdminMuted: false,
        videoAdminMuted: false,
      },
      chat: [],
      chatUnread: 0,
      quality: 'unknown',
      lobbySince: null,
      message: '',
      errorCode: null,
      removalReason: null,
      location: null,
      caucuses: [],
      knocks: [],
      audience: null,
      notepads: {},
      notepadUnseen: false,
    };
  }

  // ── store ──────────────────────────────────────────────────────────────────

  getState = (): RoomState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  onNotice(listener: (text: string, kind: NoticeKind) => void): () => void {
    this.#noticeListeners.add(listener);
    return () => this.#noticeListeners.delete(listener);
  }

  #patch(partial: Partial<RoomState>): void {
    this.#state = { ...this.#state, ...partial };
    for (const l of this.#listeners) l();
  }

  #patchLocal(partial: Partial<LocalMedia>): void {
    this.#patch({ local: { ...this.#state.local, ...partial } });
  }

  #notice(text: string, kind: NoticeKind = 'info'): void {
    for (const l of this.#noticeListeners) l(text, kind);
  }

  #request<E extends ClientRequestName>(event: E, payload: RequestOf<E>, timeoutMs?: number): Promise<ResponseOf<E>> {
    return roomRequest(this.socket, event, payload, timeoutMs);
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const s = this.socket;
    s.on('connect', () => void this.#onConnect());
    s.on('disconnect', (reason) => this.#onDisconnect(reason));
    s.on('connect_error', (err: Error & { data?: { code?: string } }) => this.#onConnectError(err));
    s.on('room:peers', (p: unknown) => this.#onPeers(p));
    s.on('room:lobby', (p: unknown) => this.#onLobby(p));
    s.on('room:admitted', (p: unknown) => this.#onAdmitted(p));
    s.on('room:denied', (p: unknown) => this.#onFinal('room:denied', 'denied', p));
    s.on('room:removed', (p: unknown) => this.#onFinal('room:removed', 'removed', p));
    s.on('room:ended', (p: unknown) => this.#onFinal('room:ended', 'ended', p));
    s.on('room:activeSpeaker', (p: unknown) => {
      const e = parseServerEvent('room:activeSpeaker', p);
      if (e && e.peerId !== this.#state.activeSpeaker) this.#patch({ activeSpeaker: e.peerId });
    });
    s.on('media:newConsumer', (p: unknown, ack?: unknown) => void this.#onNewConsumer(p, ack));
    s.on('media:consumerClosed', (p: unknown) => {
      const e = parseServerEvent('media:consumerClosed', p);
      if (e) this.#closeConsumer(e.consumerId);
    });
    s.on('media:consumerPaused', (p: unknown) => {
      const e = parseServerEvent('media:consumerPaused', p);
      if (e) this.#patch({ remote: this.#state.remote.map((r) => (r.consumerId === e.consumerId ? { ...r, paused: e.paused } : r)) });
    });
    s.on('media:adminMuted', (p: unknown) => this.#onAdminMuted(p));
    s.on('chat:message', (p: unknown) => {
      const m = parseServerEvent('chat:message', p);
      if (!m) return;
      this.#patch({ chat: mergeChat(this.#state.chat, [m]), chatUnread: this.#chatOpen ? 0 : this.#state.chatUnread + 1 });
    });
    s.on('room:location', (p: unknown) => this.#onLocation(p));
    s.on('room:caucuses', (p: unknown) => {
      const e = parseServerEvent('room:caucuses', p);
      if (!e || this.#finished) return;
      this.#patch({ caucuses: e.caucuses, knocks: pruneKnocks(this.#state.knocks, this.#state.peers, e.caucuses) });
    });
    s.on('room:knock', (p: unknown) => {
      const e = parseServerEvent('room:knock', p);
      if (!e || this.#finished || !this.#leads()) return;
      this.#patch({ knocks: addKnock(this.#state.knocks, e) });
    });
    s.on('room:audience', (p: unknown) => {
      const e = parseServerEvent('room:audience', p);
      if (e && !this.#finished) this.#patch({ audience: e });
    });
    s.on('notepad:updated', (p: unknown) => {
      const e = parseServerEvent('notepad:updated', p);
      if (!e || this.#finished) return;
      this.#setNotepad(e);
      if (!this.#notepadOpen && !this.#state.notepadUnseen) this.#patch({ notepadUnseen: true });
    });
    this.#exposeDebug();
    this.#qualityTimer = window.setInterval(() => void this.#sampleQuality(), QUALITY_INTERVAL_MS);
    s.connect();
  }

  /** Leaves the room (tells the server) and stops everything. Local tracks are left to the caller. */
  async leave(): Promise<void> {
    if (this.#finished || this.#leaving) return;
    this.#leaving = true;
    if (this.socket.connected && this.#everJoined) {
      try {
        await this.#request('room:leave', {}, 3_000);
      } catch {
        // Leaving anyway: the server drops us after its grace period.
      }
    }
    this.#finish('left', '');
  }

  /**
   * Page unmount (in-app navigation away): leaves without waiting for the answer. A reload or
   * closed tab never gets here, so the server keeps the place for its grace period then.
   */
  destroy(): void {
    if (!this.#finished && this.#everJoined && this.socket.connected) this.socket.emit('room:leave', {}, () => undefined);
    if (!this.#finished) this.#finish(this.#state.status, this.#state.message);
    this.socket.removeAllListeners();
    if (window.__jiefenRoom && this.#debug && window.__jiefenRoom === this.#debug) delete window.__jiefenRoom;
  }

  #finish(status: RoomStatus, message: string, errorCode: string | null = null): void {
    if (this.#finished) return;
    this.#finished = true;
    window.clearInterval(this.#qualityTimer);
    this.#clearRosterNotices();
    this.#teardownMedia();
    this.socket.disconnect();
    this.#patch({ status, message, errorCode, reconnecting: false, online: false, peers: [], lobby: [], activeSpeaker: null, ...NO_CAUCUS });
  }

  get finished(): boolean {
    return this.#finished;
  }

  // ── socket connection ──────────────────────────────────────────────────────

  async #onConnect(): Promise<void> {
    if (this.#finished || this.#leaving) return;
    this.#everConnected = true;
    this.#patch({ online: true });
    await this.#join();
  }

  #onDisconnect(reason: Socket.DisconnectReason): void {
    if (this.#finished) return;
    this.#patch({ online: false, reconnecting: this.#everJoined });
    // The server closed the socket: socket.io does not retry by itself in that case.
    if (reason === 'io server disconnect' && !this.#leaving) this.socket.connect();
  }

  #onConnectError(err: Error & { data?: { code?: string } }): void {
    if (this.#finished) return;
    if (!this.socket.active) {
      // Refused by the server's auth middleware: retrying will not help.
      const msg = err.message && hasCjk(err.message) ? err.message : '无法进入调解室，请确认链接有效或重新登录';
      this.#finish('error', msg, err.data?.code ?? 'NOT_AUTHENTICATED');
    } else if (!this.#everConnected && this.#state.message !== CONNECT_RETRY_MESSAGE) {
      this.#patch({ message: CONNECT_RETRY_MESSAGE });
    }
  }

  async #join(): Promise<void> {
    this.#resuming = true;
    try {
      await this.#joinNow();
    } finally {
      this.#resuming = false;
    }
  }

  /**
   * `room:admitted` can be decoded in the same socket.io batch as the join reply, before the
   * reply's continuation runs; remember it so the page does not wait in the lobby forever.
   */
  #joinInFlight = false;
  #admittedDuringJoin = false;

  async #joinNow(): Promise<void> {
    window.clearTimeout(this.#joinRetry);
    let res: ResponseOf<'room:join'>;
    this.#joinInFlight = true;
    this.#admittedDuringJoin = false;
    try {
      res = await this.#request('room:join', { caseId: this.caseId });
    } catch (err) {
      this.#joinInFlight = false;
      if (this.#finished || this.#leaving) return;
      const e = err instanceof RoomRequestError ? err : new RoomRequestError('UNKNOWN', '进入调解室失败');
      if (e.code === 'ROOM_ENDED') return this.#finish('ended', e.message, e.code);
      // A refusal from the server's table that waiting cannot change ends the attempt; transport
      // trouble (offline, timeout, unknown) and retryable codes are tried again.
      if (isErrorCode(e.code) && !isRetryable(e.code)) return this.#finish('error', e.message, e.code);
      // Transient (timeout, server error): try again while connected.
      this.#joinRetry = window.setTimeout(() => {
        if (this.socket.connected && !this.#finished) void this.#join();
      }, 2_000);
      return;
    }
    this.#joinInFlight = false;
    if (this.#finished || this.#leaving) return;
    if (res.status === 'lobby' && this.#admittedDuringJoin) res = { ...res, status: 'admitted' };
    const wasAdmitted = this.#state.status === 'admitted';
    this.#everJoined = true;
    this.#patch({ self: res.self, reconnecting: false, message: '' });

    if (res.status === 'lobby') {
      if (wasAdmitted) this.#notice('网络中断时间较长，请重新等待调解员准许进入', 'info');
      this.#teardownMedia();
      this.#patch({
        status: 'lobby',
        lobbySince: this.#state.status === 'lobby' && this.#state.lobbySince ? this.#state.lobbySince : Date.now(),
        peers: [],
        lobby: [],
        activeSpeaker: null,
        mediaStatus: 'idle',
        ...NO_CAUCUS,
      });
      return;
    }
    this.#patch({ status: 'admitted', lobbySince: null });
    if (wasAdmitted && this.#state.mediaStatus === 'ready' && this.#recv && !this.#recv.closed) await this.#resumeMedia();
    else await this.#startMedia();
  }

  // ── server events ──────────────────────────────────────────────────────────

  #onAdmitted(p: unknown): void {
    if (!parseServerEvent('room:admitted', p) || this.#finished) return;
    if (this.#joinInFlight) {
      this.#admittedDuringJoin = true;
      return;
    }
    if (this.#state.status !== 'lobby') return;
    this.#patch({ status: 'admitted', lobbySince: null });
    void this.#startMedia();
  }

  /** I lead the room (a mediator, or the judge questioning the parties). */
  #leads(): boolean {
    return !!this.#state.self && leadsRoom(this.#state.self.roomRole);
  }

  #onFinal(event: 'room:denied' | 'room:removed' | 'room:ended', status: RoomStatus, p: unknown): void {
    const e = parseServerEvent(event, p);
    const reason = e && 'reason' in e ? e.reason : null;
    const fallback = { denied: '调解员未准许您进入调解室', removed: '您已被移出调解室', ended: '本次在线调解已结束' } as Record<string, string>;
    if (reason && !this.#finished) this.#patch({ removalReason: reason });
    this.#finish(status, e?.message || (reason ? REMOVED_MESSAGE[reason] : fallback[status]) || '', null);
  }

  #onPeers(p: unknown): void {
    const e = parseServerEvent('room:peers', p);
    if (!e || this.#finished) return;
    const selfId = this.#state.self?.peerId ?? null;
    if (this.#state.status === 'admitted' && this.#state.peers.length > 0) {
      const { joined, left } = rosterChanges(this.#state.peers, e.peers, selfId);
      if (this.#leads()) {
        // Mediators and the judge see everyone wherever they are: a change is a real arrival or departure.
        for (const j of joined) this.#notice(`${j.displayName}（${j.roleLabel}）已进入调解室`, 'info');
        for (const l of left) this.#notice(`${l.displayName}（${l.roleLabel}）已离开调解室`, 'info');
      } else {
        // Parties see only who is with them: a change may be a caucus move, announced by the location.
        this.#queueRosterNotices([
          ...joined.map((j) => `${j.displayName}（${j.roleLabel}）已加入当前会话`),
          ...left.map((l) => `${l.displayName}（${l.roleLabel}）已离开当前会话`),
        ]);
      }
    }
    this.#patch({ peers: e.peers, knocks: pruneKnocks(this.#state.knocks, e.peers, this.#state.caucuses) });
    // The roster is authoritative for my own mediator-mute state (covers missed events).
    const me = selfId ? e.peers.find((x) => x.peerId === selfId) : undefined;
    if (me) {
      for (const prod of me.producers) {
        if (prod.producerId === this.#mic?.id && prod.adminMuted !== this.#state.local.audioAdminMuted) this.#setAdminMuted('audio', prod.adminMuted, false);
        if (prod.producerId === this.#cam?.id && prod.adminMuted !== this.#state.local.videoAdminMuted) this.#setAdminMuted('video', prod.adminMuted, false);
      }
    }
  }

  #onLobby(p: unknown): void {
    const e = parseServerEvent('room:lobby', p);
    if (!e || this.#finished) return;
    for (const a of newArrivals(this.#state.lobby, e.waiting)) this.#notice(`${a.displayName}（${a.roleLabel}）正在等候区等待进入`, 'info');
    this.#patch({ lobby: e.waiting });
  }

  #onLocation(p: unknown): void {
    const e = parseServerEvent('room:location', p);
    if (!e || this.#finished) return;
    const prev = this.#state.location;
    if (sameLocation(prev, e)) {
      if (prev && (prev.since !== e.since || prev.message !== e.message)) this.#patch({ location: e });
      return;
    }
    // Moved to another room: the visible chat belonged to the previous one.
    this.#chatGen++;
    this.#clearRosterNotices();
    const text = locationNotice(prev, e, this.#leads(), leaderWord(this.#state.peers));
    this.#patch({ location: e, chat: [], chatUnread: 0 });
    if (text) this.#notice(text, 'info');
    if (this.#state.status === 'admitted' && !e.waiting) void this.#loadChat();
  }

  #queueRosterNotices(texts: string[]): void {
    if (!texts.length) return;
    this.#rosterNotices.push(...texts);
    window.clearTimeout(this.#rosterTimer);
    this.#rosterTimer = window.setTimeout(() => {
      const list = this.#rosterNotices;
      this.#rosterNotices = [];
      if (!this.#finished) for (const t of list) this.#notice(t, 'info');
    }, ROSTER_NOTICE_DELAY_MS);
  }

  #clearRosterNotices(): void {
    window.clearTimeout(this.#rosterTimer);
    this.#rosterNotices = [];
  }

  #setNotepad(n: Notepad): void {
    const cur = this.#state.notepads[n.side];
    // An older answer must not overwrite a newer live update.
    if (cur?.updatedAt && n.updatedAt && Date.parse(n.updatedAt) < Date.parse(cur.updatedAt)) return;
    this.#patch({ notepads: { ...this.#state.notepads, [n.side]: n } });
  }

  #onAdminMuted(p: unknown): void {
    const e = parseServerEvent('media:adminMuted', p);
    if (!e) return;
    const producer = e.kind === 'audio' ? this.#mic : this.#cam;
    if (producer && producer.id !== e.producerId) return; // about an old producer
    this.#setAdminMuted(e.kind, e.muted, true);
  }

  #setAdminMuted(kind: Kind, muted: boolean, announce: boolean): void {
    this.#patchLocal(kind === 'audio' ? { audioAdminMuted: muted } : { videoAdminMuted: muted });
    this.#applyPause(kind);
    if (!announce) return;
    // Muting is shown by a persistent banner; only the release needs a notice.
    if (!muted) this.#notice(kind === 'audio' ? '调解员已解除对您的静音' : '调解员已允许您开启摄像头', 'info');
  }

  // ── media setup ────────────────────────────────────────────────────────────

  async #startMedia(): Promise<void> {
    this.#teardownMedia();
    const gen = this.#mediaGen;
    const stale = () => gen !== this.#mediaGen || this.#finished || this.#leaving;
    this.#patch({ mediaStatus: 'connecting', mediaError: null });
    void this.#loadChat();
    try {
      if (!this.#device) {
        const { rtpCapabilities } = await this.#request('media:getRouterRtpCapabilities', {});
        if (stale()) return;
        let device: Device;
        try {
          device = await Device.factory();
          await device.load({ routerRtpCapabilities: parseRouterRtpCapabilities(rtpCapabilities) });
        } catch (err) {
          console.warn('[room] device unsupported', err);
          throw new RoomRequestError('UNSUPPORTED', '当前浏览器不支持音视频通话，请使用最新版的微信、Safari 或 Chrome。您仍可以通过文字聊天参与调解。');
        }
        this.#device = device;
        if (stale()) return;
      }
      const device = this.#device;
      const { audioTrack, videoTrack } = this.#state.local;
      const wantAudio = !!audioTrack && audioTrack.readyState === 'live' && device.canProduce('audio');
      const wantVideo = !!videoTrack && videoTrack.readyState === 'live' && device.canProduce('video');

      if (wantAudio || wantVideo) {
        const params = await this.#request('media:createTransport', { direction: 'send' });
        if (stale()) return;
        this.#send = this.#makeTransport(device, 'send', params);
      }
      const recvParams = await this.#request('media:createTransport', { direction: 'recv' });
      if (stale()) return;
      this.#recv = this.#makeTransport(device, 'recv', recvParams);

      if (wantAudio && audioTrack) await this.#produce('audio', audioTrack, gen);
      if (stale()) return;
      if (wantVideo && videoTrack) await this.#produce('video', videoTrack, gen);
      if (stale()) return;

      await this.#request('media:ready', { rtpCapabilities: device.recvRtpCapabilities });
      if (stale()) return;
      this.#patch({ mediaStatus: 'ready' });
    } catch (err) {
      if (stale()) return;
      console.warn('[room] media setup failed', err);
      this.#patch({ mediaStatus: 'failed', mediaError: errorMessage(err, '音视频连接失败，您仍可以通过文字聊天参与调解') });
    }
  }

  /** After a socket reconnect with our place kept: restart ICE, then let the server recreate consumers. */
  async #resumeMedia(): Promise<void> {
    const gen = this.#mediaGen;
    try {
      for (const t of [this.#send, this.#recv]) {
        if (!t || t.closed) continue;
        this.#iceRestarts++;
        const { iceParameters } = await this.#request('media:restartIce', { transportId: t.id });
        if (gen !== this.#mediaGen) return;
        await t.restartIce({ iceParameters: parseIceParameters(iceParameters) });
      }
      this.#closeAllConsumers();
      await this.#request('media:ready', { rtpCapabilities: this.#device!.recvRtpCapabilities });
      if (gen !== this.#mediaGen) return;
      void this.#loadChat();
      await this.#syncPausedToServer();
    } catch (err) {
      if (gen !== this.#mediaGen || this.#finished) return;
      // The server no longer has our transports (e.g. restarted): build everything again.
      console.warn('[room] resume failed, restarting media', err);
      await this.#startMedia();
    }
  }

  #makeTransport(device: Device, direction: 'send' | 'recv', params: ResponseOf<'media:createTransport'>): ms.Transport {
    const options = parseTransportOptions(params);
    const t = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    t.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#request('media:connectTransport', { transportId: t.id, dtlsParameters }).then(
        () => callback(),
        (err: unknown) => errback(err instanceof Error ? err : new Error(String(err))),
      );
    });
    if (direction === 'send') {
      t.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source: MediaSource = appData.source === 'camera' || appData.source === 'screen' ? appData.source : 'microphone';
        this.#request('media:produce', {
          transportId: t.id,
          kind,
          rtpParameters,
          source,
          paused: appData.paused === true,
        }).then(
          ({ producerId }) => callback({ id: producerId }),
          (err: unknown) => errback(err instanceof Error ? err : new Error(String(err))),
        );
      });
    }
    t.on('connectionstatechange', (state) => {
      if (state === 'failed' || state === 'disconnected') this.#scheduleIceRestart(t, ICE_RESTART_DELAY_MS);
      else if (state === 'connected' || state === 'closed') this.#clearIceTimer(t.id);
      this.#updateUnstable();
    });
    return t;
  }

  async #produce(kind: Kind, track: MediaStreamTrack, gen: number): Promise<void> {
    const send = this.#send;
    if (!send) return;
    // Joining with mic/camera off publishes paused on the server from the start.
    const startOff = kind === 'audio' ? this.#state.local.micMuted : this.#state.local.camOff;
    let producer: ms.Producer;
    try {
      producer =
        kind === 'audio'
          ? await send.produce({ track, stopTracks: false, codecOptions: { opusStereo: false, opusDtx: true, opusFec: true }, appData: { source: 'microphone', paused: startOff } })
          : await send.produce({ track, stopTracks: false, encodings: CAMERA_ENCODINGS, codecOptions: { videoGoogleStartBitrate: 1000 }, appData: { source: 'camera', paused: startOff } });
    } catch (err) {
      if (gen !== this.#mediaGen) return;
      console.warn(`[room] produce ${kind} failed`, err);
      this.#notice(kind === 'audio' ? '麦克风声音发送失败' : '摄像头画面发送失败', 'error');
      return;
    }
    if (gen !== this.#mediaGen) {
      producer.close();
      return;
    }
    if (kind === 'audio') this.#mic = producer;
    else this.#cam = producer;
    producer.on('trackended', () => this.#notice(kind === 'audio' ? '麦克风已断开' : '摄像头已断开', 'error'));
    producer.on('transportclose', () => {
      if (kind === 'audio' && this.#mic === producer) this.#mic = null;
      if (kind === 'video' && this.#cam === producer) this.#cam = null;
    });
    this.#patchLocal(kind === 'audio' ? { micProducerId: producer.id, audioAdminMuted: false } : { camProducerId: producer.id, videoAdminMuted: false });
    const selfOff = kind === 'audio' ? this.#state.local.micMuted : this.#state.local.camOff;
    if (selfOff) this.#applyPause(kind);
    // Toggled while the producer was being created: tell the server the current choice.
    if (selfOff !== startOff) await this.#request('media:setProducerPaused', { producerId: producer.id, paused: selfOff }).catch(() => undefined);
  }

  /** Local producer paused ⇔ turned off by self or by the mediator. */
  #applyPause(kind: Kind): void {
    const L = this.#state.local;
    const producer = kind === 'audio' ? this.#mic : this.#cam;
    const off = kind === 'audio' ? L.micMuted || L.audioAdminMuted : L.camOff || L.videoAdminMuted;
    if (producer && !producer.closed) {
      if (off && !producer.paused) producer.pause();
      else if (!off && producer.paused) producer.resume();
    } else {
      const track = kind === 'audio' ? L.audioTrack : L.videoTrack;
      if (track) track.enabled = !off;
    }
  }

  async #syncPausedToServer(): Promise<void> {
    const L = this.#state.local;
    const items: [ms.Producer | null, boolean][] = [
      [this.#mic, L.micMuted],
      [this.#cam, L.camOff],
    ];
    for (const [producer, paused] of items) {
      if (!producer || producer.closed) continue;
      await this.#request('media:setProducerPaused', { producerId: producer.id, paused }).catch(() => undefined);
    }
  }

  async #onNewConsumer(payload: unknown, ack: unknown): Promise<void> {
    const reply = (r: { ok: true } | { ok: false; code: string; message: string }) => {
      if (typeof ack === 'function') (ack as (r: unknown) => void)(r);
    };
    const p = parseServerEvent('media:newConsumer', payload);
    if (!p) return reply({ ok: false, code: 'VALIDATION', message: 'invalid consumer parameters' });
    const recv = this.#recv;
    if (!recv || recv.closed || this.#finished) return reply({ ok: false, code: 'TRANSPORT_NOT_FOUND', message: 'no receive transport' });
    let consumer: ms.Consumer;
    try {
      consumer = await recv.consume({
        id: p.consumerId,
        producerId: p.producerId,
        kind: p.kind,
        rtpParameters: parseConsumerRtpParameters(p.rtpParameters),
        appData: { peerId: p.peerId, source: p.source },
      });
    } catch (err) {
      console.warn('[room] consume failed', err);
      return reply({ ok: false, code: 'CANNOT_CONSUME', message: String(err) });
    }
    if (recv !== this.#recv || recv.closed) {
      consumer.close();
      return reply({ ok: false, code: 'TRANSPORT_NOT_FOUND', message: 'receive transport replaced' });
    }
    this.#consumers.set(consumer.id, consumer);
    const drop = () => this.#closeConsumer(consumer.id);
    consumer.on('transportclose', drop);
    consumer.on('trackended', drop);
    const entry: RemoteMedia = {
      consumerId: consumer.id,
      producerId: p.producerId,
      peerId: p.peerId,
      kind: p.kind,
      source: p.source,
      track: consumer.track,
      paused: p.producerPaused,
    };
    this.#patch({ remote: [...this.#state.remote.filter((r) => r.consumerId !== consumer.id), entry] });
    reply({ ok: true });
    if (p.kind === 'video' && this.#preferredLayer !== 1) {
      void this.#request('media:setPreferredLayers', { consumerId: consumer.id, spatialLayer: this.#preferredLayer }).catch(() => undefined);
    }
  }

  #closeConsumer(consumerId: string): void {
    const c = this.#consumers.get(consumerId);
    this.#consumers.delete(consumerId);
    if (c && !c.closed) c.close();
    if (this.#state.remote.some((r) => r.consumerId === consumerId)) {
      this.#patch({ remote: this.#state.remote.filter((r) => r.consumerId !== consumerId) });
    }
  }

  #closeAllConsumers(): void {
    for (const c of this.#consumers.values()) if (!c.closed) c.close();
    this.#consumers.clear();
    if (this.#state.remote.length) this.#patch({ remote: [] });
  }

  /** Closes transports, producers and consumers (never the local tracks). */
  #teardownMedia(): void {
    this.#mediaGen++;
    for (const id of this.#iceTimers.keys()) this.#clearIceTimer(id);
    this.#closeAllConsumers();
    for (const p of [this.#mic, this.#cam]) if (p && !p.closed) p.close();
    this.#mic = null;
    this.#cam = null;
    for (const t of [this.#send, this.#recv]) if (t && !t.closed) t.close();
    this.#send = null;
    this.#recv = null;
    this.#quality.reset();
    const L = this.#state.local;
    if (L.micProducerId || L.camProducerId || L.audioAdminMuted || L.videoAdminMuted || this.#state.mediaUnstable) {
      this.#patch({
        mediaUnstable: false,
        local: { ...L, micProducerId: null, camProducerId: null, audioAdminMuted: false, videoAdminMuted: false },
      });
    }
    // Keep the local tracks' enabled flag in line with the participant's own choice.
    this.#applyPause('audio');
    this.#applyPause('video');
  }

  // ── ICE watchdog ───────────────────────────────────────────────────────────

  #scheduleIceRestart(t: ms.Transport, delayMs: number): void {
    if (this.#iceTimers.has(t.id)) return;
    const timer = window.setTimeout(async () => {
      this.#iceTimers.delete(t.id);
      const bad = () => !t.closed && (t.connectionState === 'failed' || t.connectionState === 'disconnected');
      if (!bad() || this.#finished) return;
      // A socket re-join restarts ICE itself.
      if (this.socket.connected && this.#state.status === 'admitted' && !this.#resuming) {
        try {
          this.#iceRestarts++;
          const { iceParameters } = await this.#request('media:restartIce', { transportId: t.id });
          if (!t.closed) await t.restartIce({ iceParameters: parseIceParameters(iceParameters) });
        } catch (err) {
          console.warn('[room] ICE restart failed', err);
        }
      }
      if (bad()) this.#scheduleIceRestart(t, ICE_RETRY_MS);
    }, delayMs);
    this.#iceTimers.set(t.id, timer);
  }

  #clearIceTimer(id: string): void {
    const timer = this.#iceTimers.get(id);
    if (timer !== undefined) window.clearTimeout(timer);
    this.#iceTimers.delete(id);
  }

  #updateUnstable(): void {
    const unstable = [this.#send, this.#recv].some((t) => !!t && !t.closed && (t.connectionState === 'failed' || t.connectionState === 'disconnected'));
    if (unstable !== this.#state.mediaUnstable) this.#patch({ mediaUnstable: unstable });
  }

  // ── quality ────────────────────────────────────────────────────────────────

  async #sampleQuality(): Promise<void> {
    if (this.#state.status !== 'admitted') return;
    if (!this.#state.online) {
      if (this.#state.quality !== 'poor') this.#patch({ quality: 'poor' });
      return;
    }
    const t = this.#send && !this.#send.closed ? this.#send : this.#recv && !this.#recv.closed ? this.#recv : null;
    if (!t) return;
    try {
      const report = await t.getStats();
      const q = this.#quality.push(sampleFromStats(report.values()));
      if (q !== this.#state.quality) this.#patch({ quality: q });
    } catch {
      // Transport closing; the next tick will tell.
    }
  }

  // ── participant actions ────────────────────────────────────────────────────

  toggleMic(): Promise<void> {
    return this.#toggle('audio');
  }

  toggleCamera(): Promise<void> {
    return this.#toggle('video');
  }

  /** Clicks are applied one after another (each flips the state as it is then). */
  #toggle(kind: Kind): Promise<void> {
    const run = this.#toggleChain[kind].then(() => this.#toggleNow(kind));
    this.#toggleChain[kind] = run.catch(() => undefined);
    return run;
  }

  async #toggleNow(kind: Kind): Promise<void> {
    const L = this.#state.local;
    if (kind === 'audio' ? L.audioAdminMuted : L.videoAdminMuted) {
      this.#notice(kind === 'audio' ? '调解员已将您静音，暂时无法自行开启麦克风' : '调解员已关闭您的摄像头，暂时无法自行开启', 'info');
      return;
    }
    const turnOff = !(kind === 'audio' ? L.micMuted : L.camOff);
    const flag = (off: boolean): Partial<LocalMedia> => (kind === 'audio' ? { micMuted: off } : { camOff: off });
    const producer = kind === 'audio' ? this.#mic : this.#cam;
    if (!producer || producer.closed) {
      this.#patchLocal(flag(turnOff));
      this.#applyPause(kind);
      return;
    }
    if (turnOff) {
      // Privacy first: stop sending locally before asking the server.
      this.#patchLocal(flag(true));
      this.#applyPause(kind);
      await this.#request('media:setProducerPaused', { producerId: producer.id, paused: true }).catch((err: unknown) => {
        if (!(err instanceof RoomRequestError && err.code === 'OFFLINE')) this.#notice(errorMessage(err), 'error');
      });
    } else {
      try {
        await this.#request('media:setProducerPaused', { producerId: producer.id, paused: false });
      } catch (err) {
        if (err instanceof RoomRequestError && err.code === 'ADMIN_MUTED') {
          this.#setAdminMuted(kind, true, false);
          this.#notice(kind === 'audio' ? '调解员已将您静音，暂时无法自行开启麦克风' : '调解员已关闭您的摄像头，暂时无法自行开启', 'info');
        } else {
          this.#notice(errorMessage(err), 'error');
        }
        return;
      }
      this.#patchLocal(flag(false));
      this.#applyPause(kind);
    }
  }

  /** Tries the audio/video setup again after a failure (chat keeps working meanwhile). */
  retryMedia(): void {
    if (this.#state.status === 'admitted' && this.socket.connected && !this.#finished) void this.#startMedia();
  }

  async sendChat(text: string): Promise<void> {
    const gen = this.#chatGen;
    const { message } = await this.#request('chat:send', { text });
    if (gen === this.#chatGen) this.#patch({ chat: mergeChat(this.#state.chat, [message]) });
  }

  setChatOpen(open: boolean): void {
    this.#chatOpen = open;
    if (open && this.#state.chatUnread) this.#patch({ chatUnread: 0 });
  }

  setNotepadOpen(open: boolean): void {
    this.#notepadOpen = open;
    if (open && this.#state.notepadUnseen) this.#patch({ notepadUnseen: false });
  }

  async #loadChat(): Promise<void> {
    const gen = this.#chatGen;
    try {
      const { messages } = await this.#request('chat:history', {});
      if (gen !== this.#chatGen || this.#finished) return; // answered about the room I just left
      this.#patch({ chat: mergeChat(this.#state.chat, messages) });
    } catch (err) {
      console.warn('[room] chat history failed', err);
    }
  }

  /** 0 = low simulcast layer (small tiles), 1 = high. */
  setPreferredLayer(layer: 0 | 1): void {
    if (layer === this.#preferredLayer) return;
    this.#preferredLayer = layer;
    if (!this.socket.connected) return;
    for (const c of this.#consumers.values()) {
      if (c.kind !== 'video' || c.closed) continue;
      void this.#request('media:setPreferredLayers', { consumerId: c.id, spatialLayer: layer }).catch(() => undefined);
    }
  }

  // ── mediator controls (errors are thrown as RoomRequestError for the UI) ──────

  async admit(peerId: string): Promise<void> {
    await this.#request('mediator:admit', { peerId });
  }

  async deny(peerId: string, reason?: string): Promise<void> {
    await this.#request('mediator:deny', reason ? { peerId, reason } : { peerId });
  }

  async mute(peerId: string, kind: Kind, muted: boolean): Promise<void> {
    await this.#request('mediator:mute', { peerId, kind, muted });
  }

  async remove(peerId: string): Promise<void> {
    await this.#request('mediator:remove', { peerId });
  }

  async end(): Promise<void> {
    await this.#request('mediator:end', {});
    this.#finish('ended', '本次在线调解已结束');
  }

  // ── 背对背 (caucus) ─────────────────────────────────────────────────────────

  /**
   * Mediator: moves these participants (and the given mediators, by default me) into a new
   * caucus. Media follows on the server (consumers paused/resumed); transports stay as they are.
   */
  async startCaucus(peerIds: string[], mediatorPeerIds?: string[]): Promise<string> {
    const { caucusId } = await this.#request('caucus:start', mediatorPeerIds ? { peerIds, mediatorPeerIds } : { peerIds });
    return caucusId;
  }

  async endCaucus(caucusId: string): Promise<void> {
    await this.#request('caucus:end', { caucusId });
  }

  /** Everyone back to the joint session. */
  async endAllCaucuses(): Promise<void> {
    await this.#request('caucus:endAll', {});
  }

  /** Waiting participant: asks the mediators to come back. */
  async knock(): Promise<void> {
    await this.#request('caucus:knock', {});
  }

  /** Mediator: forgets a knock once seen. */
  dismissKnock(peerId?: string): void {
    const knocks = peerId ? this.#state.knocks.filter((k) => k.peerId !== peerId) : [];
    if (knocks.length !== this.#state.knocks.length) this.#patch({ knocks });
  }

  async loadNotepad(side: NotepadSideName): Promise<Notepad> {
    const n = await this.#request('notepad:get', { side });
    this.#setNotepad(n);
    return n;
  }

  async saveNotepad(side: NotepadSideName, content: string): Promise<Notepad> {
    const n = await this.#request('notepad:update', { side, content });
    this.#setNotepad(n);
    return n;
  }

  /** Mediator: appends a note or proposal to the other side's notepad (logged on the server). */
  async carry(fromSide: NotepadSideName, toSide: NotepadSideName, text: string): Promise<Notepad> {
    const n = await this.#request('caucus:carry', { fromSide, toSide, text });
    this.#setNotepad(n);
    return n;
  }

  // ── test support ───────────────────────────────────────────────────────────

  async inboundStats(): Promise<InboundStat[]> {
    const out: InboundStat[] = [];
    for (const c of [...this.#consumers.values()]) {
      if (c.closed) continue;
      let report: RTCStatsReport;
      try {
        report = await c.getStats();
      } catch {
        continue;
      }
      let inbound: Record<string, unknown> | undefined;
      report.forEach((s: Record<string, unknown>) => {
        if (!inbound && s.type === 'inbound-rtp') inbound = s;
      });
      const n = (v: unknown) => (typeof v === 'number' ? v : 0);
      out.push({
        peerId: String(c.appData.peerId ?? ''),
        kind: c.kind,
        consumerId: c.id,
        framesDecoded: n(inbound?.framesDecoded),
        packetsReceived: n(inbound?.packetsReceived),
        bytesReceived: n(inbound?.bytesReceived),
      });
    }
    return out;
  }

  #debug: RoomDebugHandle | null = null;

  #exposeDebug(): void {
    const client = this;
    const handle: RoomDebugHandle = {
      get socket() {
        return client.socket;
      },
      get status() {
        return client.#state.status;
      },
      get peerId() {
        return client.#state.self?.peerId ?? null;
      },
      get sendTransportId() {
        return client.#send?.id ?? null;
      },
      get recvTransportId() {
        return client.#recv?.id ?? null;
      },
      get mediaStatus() {
        return client.#state.mediaStatus;
      },
      get quality() {
        return client.#state.quality;
      },
      get location() {
        return client.#state.location;
      },
      get audience() {
        return client.#state.audience;
      },
      get caucuses() {
        return client.#state.caucuses;
      },
      get iceRestarts() {
        return client.#iceRestarts;
      },
      inboundStats: () => client.inboundStats(),
      iceStates: async () => ({
        send: client.#send && !client.#send.closed ? client.#send.connectionState : null,
        recv: client.#recv && !client.#recv.closed ? client.#recv.connectionState : null,
      }),
    };
    this.#debug = handle;
    window.__jiefenRoom = handle;
  }
}

export type { ServerEventPayload };
