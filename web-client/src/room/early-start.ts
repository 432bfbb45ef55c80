// A room link's slow first steps, started by main.tsx the moment the address says "room" —
// before React renders, before the room chunk arrives: the chunk's download, the camera and
// microphone (the pre-join check takes them instead of asking again), a party's own data — or a
// staff member's session and case —, and the room socket (connected, not joined) from a small
// chunk of its own, beside the big one. Whatever is not taken is let go when the page leaves the
// room's address or shows an error instead of the pre-join check.
// In the main bundle, so small: nothing from the room chunk is imported here.
import { api, partyApi, type CaseDetail, type PartyView, type Session } from '../api.ts';
import { matchRoute } from '../route-match.ts';
import { openMedia, stopStream, type OpenedMedia } from './media-devices.ts';
import { warmUpRoom } from './warm-up.ts';

interface EarlyRoom {
  path: string;
  /** Party link token; undefined for staff (session cookie). */
  token: string | undefined;
  media: Promise<OpenedMedia> | null;
  partyView: Promise<PartyView> | null;
  /** Staff: the session (/api/auth/me) and the case, fetched beside each other instead of one after the other. */
  session: Promise<Session | null> | null;
  caseId: string | undefined;
  kase: Promise<CaseDetail> | null;
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
  const caseId = staff?.id;
  const partyView = token ? partyApi(token).me() : null;
  const session = staff ? api.me() : null;
  const kase = caseId ? api.getCase(caseId) : null;
  // Read later by the pages, which show their own errors: here only unhandled rejections are kept quiet.
  for (const p of [partyView, session, kase]) p?.catch(() => undefined);
  const room: EarlyRoom = { path, token, media: openMedia(), partyView, session, caseId, kase, dropSocket: null };
  early = room;
  // The small socket chunk first: its requests go out ahead of the big chunk's.
  import('./early-socket.ts').then(
    (m) => {
      if (early === room) room.dropSocket = m.preconnectRoomSocket(token);
    },
    () => undefined, // the room client connects its own socket
  );
  void loadRoomChunk().catch(() => undefined); // React.lazy imports it again and shows the failure
  // After the camera, not beside it: the first RTCPeerConnection blocks the page's main thread
  // while the browser is busiest, and the camera's answer waits behind it.
  void room.media?.then(() => warmUpRoom());
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

/** The staff session fetched early (once; the first look only — a retry asks again). */
export function takeEarlySession(): Promise<Session | null> | null {
  const session = early?.session ?? null;
  if (early) early.session = null;
  return session;
}

/** The case fetched early for this room (once). */
export function takeEarlyCase(caseId: string): Promise<CaseDetail> | null {
  if (!early || early.caseId !== caseId) return null;
  const kase = early.kase;
  early.kase = null;
  return kase;
}

/** Lets go of what nobody took: the camera light goes off, the idle socket closes. */
export function releaseEarlyRoom(): void {
  const room = early;
  early = null;
  if (!room) return;
  void room.media?.then((m) => stopStream(m.stream));
  room.dropSocket?.();
}
