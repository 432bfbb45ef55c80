// Who is in the room: the admitted peers I may see, the lobby (for those who lead), the active
// speaker, and the join/leave notices — held back briefly for parties, whose roster also changes
// when a caucus moves them (the location that follows announces that instead).
import { pruneKnocks } from './caucus-state.ts';
import type { PeerInfo, ServerEventHandlers } from './protocol.ts';
import { newArrivals, rosterChanges } from './room-state.ts';
import type { RoomStore } from './room-store.ts';

const ROSTER_NOTICE_DELAY_MS = 600;

export class RosterSlice {
  readonly #store: RoomStore;
  readonly #closed: () => boolean;
  /** My own entry in a new roster (the media session takes my mediator-mute state from it). */
  readonly #onSelf: (me: PeerInfo) => void;
  #pending: string[] = [];
  #timer = 0;

  constructor(store: RoomStore, closed: () => boolean, onSelf: (me: PeerInfo) => void) {
    this.#store = store;
    this.#closed = closed;
    this.#onSelf = onSelf;
  }

  readonly handlers: Pick<ServerEventHandlers, 'room:peers' | 'room:lobby' | 'room:activeSpeaker'> = {
    'room:peers': (e) => this.#onPeers(e.peers),
    'room:lobby': (e) => {
      for (const a of newArrivals(this.#store.state.lobby, e.waiting)) this.#store.notice(`${a.displayName}（${a.roleLabel}）正在等候区等待进入`, 'info');
      this.#store.patch({ lobby: e.waiting });
    },
    'room:activeSpeaker': (e) => {
      if (e.peerId !== this.#store.state.activeSpeaker) this.#store.patch({ activeSpeaker: e.peerId });
    },
  };

  #onPeers(peers: PeerInfo[]): void {
    const state = this.#store.state;
    const selfId = state.self?.peerId ?? null;
    if (state.status === 'admitted' && state.peers.length > 0) {
      const { joined, left } = rosterChanges(state.peers, peers, selfId);
      if (this.#store.leads) {
        // Mediators and the judge see everyone wherever they are: a change is a real arrival or departure.
        for (const j of joined) this.#store.notice(`${j.displayName}（${j.roleLabel}）已进入调解室`, 'info');
        for (const l of left) this.#store.notice(`${l.displayName}（${l.roleLabel}）已离开调解室`, 'info');
      } else {
        // Parties see only who is with them: a change may be a caucus move, announced by the location.
        this.#queue([
          ...joined.map((j) => `${j.displayName}（${j.roleLabel}）已加入当前会话`),
          ...left.map((l) => `${l.displayName}（${l.roleLabel}）已离开当前会话`),
        ]);
      }
    }
    this.#store.patch({ peers, knocks: pruneKnocks(state.knocks, peers, state.caucuses) });
    const me = selfId ? peers.find((x) => x.peerId === selfId) : undefined;
    if (me) this.#onSelf(me);
  }

  #queue(texts: string[]): void {
    if (!texts.length) return;
    this.#pending.push(...texts);
    window.clearTimeout(this.#timer);
    this.#timer = window.setTimeout(() => {
      const list = this.#pending;
      this.#pending = [];
      if (!this.#closed()) for (const t of list) this.#store.notice(t, 'info');
    }, ROSTER_NOTICE_DELAY_MS);
  }

  /** Drops the held-back notices (a move explains them; or the session is over). */
  clearNotices(): void {
    window.clearTimeout(this.#timer);
    this.#pending = [];
  }
}
