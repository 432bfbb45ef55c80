// What each member is told about the others, and only what they may know (routing policy):
// the roster, the lobby and the caucuses (those who lead the room), their own location, who is
// speaking, and who receives their own audio and video. Sends only; changes no state.
import { leadsRoom, type Audience, type CaucusInfo, type Location } from '../protocol/room.ts';
import { lobbyEntry, peerInfo, type Member } from './member.ts';
import { isWaiting, mayKnowOf, roomOf, type PolicyState } from './routing-policy.ts';

export interface AnnouncementPort {
  members(): Member[];
  policyState(): PolicyState;
  caucuses(): CaucusInfo[];
  /** What the waiting are told (who is away with the other side). */
  waitingMessage(): string;
}

export class Announcements {
  readonly #port: AnnouncementPort;

  constructor(port: AnnouncementPort) {
    this.#port = port;
  }

  /** Roster, lobby and caucuses (to those who lead the room), and each member's location. */
  presence(): void {
    const state = this.#port.policyState();
    const members = this.#port.members();
    const admitted = members.filter((m) => m.status === 'admitted');
    const waiting = members.filter((m) => m.status === 'lobby').map(lobbyEntry);
    const caucuses = this.#port.caucuses();
    for (const m of admitted) {
      if (!m.socket) continue;
      // Location first, so a client can tell a caucus move from people leaving.
      this.#location(m, state);
      m.socket.emit('room:peers', { peers: admitted.filter((x) => mayKnowOf(state, m.peerId, x.peerId)).map(peerInfo) });
      if (leadsRoom(m.roomRole)) {
        m.socket.emit('room:lobby', { waiting });
        m.socket.emit('room:caucuses', { caucuses });
      }
    }
  }

  /** Only those who may know of the speaker learn who is speaking. */
  speaker(peerId: string | null): void {
    const state = this.#port.policyState();
    for (const m of this.#port.members()) {
      if (m.status !== 'admitted') continue;
      m.socket?.emit('room:activeSpeaker', { peerId: peerId && mayKnowOf(state, m.peerId, peerId) ? peerId : null });
    }
  }

  /** Who receives each member's audio and video right now (resumed consumers of unpaused producers); changes only. */
  audiences(): void {
    const members = this.#port.members();
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

  #location(m: Member, state: PolicyState): void {
    const room = roomOf(state, m.peerId);
    const waiting = isWaiting(state, m.peerId);
    const key = `${room}|${waiting}`;
    if (key !== m.sentLocation) {
      m.locationSince = new Date();
      m.sentLocation = key;
    }
    const location: Location = { room, waiting, since: m.locationSince.toISOString(), message: waiting ? this.#port.waitingMessage() : null };
    m.socket?.emit('room:location', location);
  }
}
