// The room's one immutable snapshot (what the UI reads through getState/subscribe) and its
// notices (toasts). Every part of the room client writes its own fields here with patch().
import type { Knock, NotepadSideName } from './caucus-state.ts';
import type { Audience, CaucusInfo, ChatMessage, LobbyEntry, Location, MediaSource, Notepad, PeerInfo, RemovalReason, ResponseOf } from './protocol.ts';
import { leadsRoom } from './protocol.ts';
import type { Quality } from './quality.ts';

export type RoomStatus = 'connecting' | 'lobby' | 'admitted' | 'ended' | 'denied' | 'removed' | 'left' | 'error';
export type MediaStatus = 'idle' | 'connecting' | 'ready' | 'failed';
export type Kind = 'audio' | 'video';
export type Self = ResponseOf<'room:join'>['self'];
export type NoticeKind = 'success' | 'info' | 'error';

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
  /** The screen I share (leaders, desktop browsers) and its producer; null when not sharing. */
  screenTrack: MediaStreamTrack | null;
  screenProducerId: string | null;
  /** Cameras this device has (the front/back switch shows only with more than one). */
  cameraCount: number;
}

export interface RoomState {
  status: RoomStatus;
  /** The socket is connected. */
  online: boolean;
  /** Was in the room/lobby and lost the socket; socket.io is reconnecting. */
  reconnecting: boolean;
  /** The server said it is restarting (`server:restarting`); cleared when the room is re-joined. */
  serverRestarting: boolean;
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
  /** The link as the audio-first policy sees it (link-policy.ts); 'unknown' until measured. */
  quality: Quality;
  /**
   * 仅语音: no video sent or received — chosen by me ('manual') or by the link policy on a weak
   * link ('auto'); null: audio and video.
   */
  audioOnly: 'manual' | 'auto' | null;
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

/** What is forgotten on leaving the room's inside (back to the lobby, or the end). */
export const NO_CAUCUS = { location: null, caucuses: [], knocks: [], audience: null, notepadUnseen: false } satisfies Partial<RoomState>;

export function initialState(local: Pick<LocalMedia, 'audioTrack' | 'videoTrack' | 'micMuted' | 'camOff'>): RoomState {
  return {
    status: 'connecting',
    online: false,
    reconnecting: false,
    serverRestarting: false,
    mediaStatus: 'idle',
    mediaError: null,
    mediaUnstable: false,
    self: null,
    peers: [],
    lobby: [],
    activeSpeaker: null,
    remote: [],
    local: {
      ...local,
      micProducerId: null,
      camProducerId: null,
      audioAdminMuted: false,
      videoAdminMuted: false,
      screenTrack: null,
      screenProducerId: null,
      cameraCount: 0,
    },
    chat: [],
    chatUnread: 0,
    quality: 'unknown',
    audioOnly: null,
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

export class RoomStore {
  #state: RoomState;
  readonly #listeners = new Set<() => void>();
  readonly #noticeListeners = new Set<(text: string, kind: NoticeKind) => void>();

  constructor(state: RoomState) {
    this.#state = state;
  }

  get state(): RoomState {
    return this.#state;
  }

  /** I lead the room (a mediator, or the judge questioning the parties). */
  get leads(): boolean {
    return !!this.#state.self && leadsRoom(this.#state.self.roomRole);
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onNotice(listener: (text: string, kind: NoticeKind) => void): () => void {
    this.#noticeListeners.add(listener);
    return () => this.#noticeListeners.delete(listener);
  }

  patch(partial: Partial<RoomState>): void {
    this.#state = { ...this.#state, ...partial };
    for (const l of this.#listeners) l();
  }

  patchLocal(partial: Partial<LocalMedia>): void {
    this.patch({ local: { ...this.#state.local, ...partial } });
  }

  notice(text: string, kind: NoticeKind = 'info'): void {
    for (const l of this.#noticeListeners) l(text, kind);
  }
}
