// A room link's slow first steps, started by main.tsx the moment the address says "room" —
// before React renders, before the room chunk arrives: the chunk's download, the camera and
// microphone (the pre-join check takes them instead of asking again), a party's own data, and,
// once the chunk is in, the room socket (connected, not joined). Whatever is not taken is let go
// when the page leaves the room's address or shows an error instead of the pre-join check.
// In the main bundle, so small: nothing from the room chunk is imported here.
import { partyApi, type PartyView } from '../api.ts';
import { matchRoute } from '../router.tsx';
import { openMedia, stopStream, type OpenedMedia } from './media-devices.ts';

interface EarlyRoom {
  path: string;
  /** Party link token; undefined for staff (session cookie). */
  token: string | undefined;
  media: Promise<OpenedMedia> | null;
  partyView: Promise<PartyView> | null;
  /** Set by the room chunk once its socket is connecting. */
  dropSocket: (() => void) | null;
}

let early: EarlyRoom | null = null;

/** The room chunk: the same promise React.lazy's import gets, so it downloads once. */
export const loadRoomChunk = () => import('./entry.tsx');

export function startRoomEarly(path: string): void {
  const party = matchRoute('/j/:token/room', path);
  const staff = matchRoute('/cases/:id/room', path);
  if (!party && !staff) return;
  const token = party?.token;
  const partyView = token ? partyApi(token).me() : null;
  // Read later by the page, which shows its own error: here only the unhandled rejection is kept quiet.
  partyView?.catch(() => undefined);
  const room: EarlyRoom = { path, token, media: openMedia(), partyView, dropSocket: null };
  early = room;
  loadRoomChunk().then(
    (chunk) => {
      if (early === room) room.dropSocket = chunk.preconnectRoomSocket(token);
    },
    () => undefined, // React.lazy imports it again and shows the failure
  );
  const left = () => {
    if (window.location.pathname === room.path) return;
    window.removeEventListener('popstate', left);
    window.removeEventListener('jiefen:navigate', left);
    if (early === room) releaseEarlyRoom();
  };
  window.addEventListener('popstate', left);
  window.addEventListener('jiefen:navigate', left);
}

/** The camera and microphone opened early (once; null when none was or it was taken). */
export function takeEarlyMedia(): Promise<OpenedMedia> | null {
  const media = early?.media ?? null;
  if (early) early.media = null;
  return media;
}

/** The party's own data fetched early for this token (once). */
export function takeEarlyPartyView(token: string): Promise<PartyView> | null {
  if (!early || early.token !== token) return null;
  const view = early.partyView;
  early.partyView = null;
  return view;
}

/** Lets go of what nobody took: the camera light goes off, the idle socket closes. */
export function releaseEarlyRoom(): void {
  const room = early;
  early = null;
  if (!room) return;
  void room.media?.then((m) => stopStream(m.stream));
  room.dropSocket?.();
}
