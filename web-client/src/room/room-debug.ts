// `window.__jiefenRoom`: a read-only view of a running room for end-to-end tests and benchmarks
// (data and statistics only — nothing on it changes the room except through its socket).
import type { Socket } from 'socket.io-client';
import type { InboundStat } from './media-consumers.ts';
import type { MediaSession } from './media-session.ts';
import type { Audience, CaucusInfo, Location } from './protocol.ts';
import type { Quality } from './quality.ts';
import type { MediaStatus, RoomStatus, RoomStore } from './room-store.ts';

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
  /** My camera track as it is now (a switch or a re-acquire replaces it): its label and state. */
  localVideoLabel(): string | null;
  localVideoState(): MediaStreamTrackState | null;
  /** The transports' connection (ICE + DTLS) states; null when the transport does not exist. */
  iceStates(): Promise<{ send: string | null; recv: string | null }>;
}

declare global {
  interface Window {
    __jiefenRoom?: RoomDebugHandle;
  }
}

/** Sets `window.__jiefenRoom` to a live view of this room and returns it (to remove it later). */
export function exposeRoomDebug({ socket, store, media }: { socket: Socket; store: RoomStore; media: MediaSession }): RoomDebugHandle {
  const handle: RoomDebugHandle = {
    socket,
    get status() {
      return store.state.status;
    },
    get peerId() {
      return store.state.self?.peerId ?? null;
    },
    get sendTransportId() {
      return media.sendTransportId;
    },
    get recvTransportId() {
      return media.recvTransportId;
    },
    get mediaStatus() {
      return store.state.mediaStatus;
    },
    get quality() {
      return store.state.quality;
    },
    get location() {
      return store.state.location;
    },
    get audience() {
      return store.state.audience;
    },
    get caucuses() {
      return store.state.caucuses;
    },
    get iceRestarts() {
      return media.iceRestarts;
    },
    inboundStats: () => media.inboundStats(),
    localVideoLabel: () => store.state.local.videoTrack?.label ?? null,
    localVideoState: () => store.state.local.videoTrack?.readyState ?? null,
    iceStates: async () => media.iceStates(),
  };
  window.__jiefenRoom = handle;
  return handle;
}
