// 背对背 (caucus): where I am (`room:location`: the joint session, a caucus, or waiting), the
// caucuses in progress and the knocks of waiting participants (for those who lead), and the
// requests that start, end and knock. Moving to another room empties the chat and reloads it.
import { addKnock, leaderWord, locationNotice, pruneKnocks, sameLocation } from './caucus-state.ts';
import type { ChatSlice } from './chat-slice.ts';
import type { Location, RoomRequest, ServerEventHandlers } from './protocol.ts';
import type { RosterSlice } from './roster-slice.ts';
import type { RoomStore } from './room-store.ts';

export class CaucusSlice {
  readonly #store: RoomStore;
  readonly #request: RoomRequest;
  readonly #chat: ChatSlice;
  readonly #roster: RosterSlice;

  constructor(store: RoomStore, request: RoomRequest, chat: ChatSlice, roster: RosterSlice) {
    this.#store = store;
    this.#request = request;
    this.#chat = chat;
    this.#roster = roster;
  }

  readonly handlers: Pick<ServerEventHandlers, 'room:location' | 'room:caucuses' | 'room:knock'> = {
    'room:location': (e) => this.#onLocation(e),
    'room:caucuses': (e) => {
      const { knocks, peers } = this.#store.state;
      this.#store.patch({ caucuses: e.caucuses, knocks: pruneKnocks(knocks, peers, e.caucuses) });
    },
    'room:knock': (e) => {
      if (this.#store.leads) this.#store.patch({ knocks: addKnock(this.#store.state.knocks, e) });
    },
  };

  #onLocation(e: Location): void {
    const prev = this.#store.state.location;
    if (sameLocation(prev, e)) {
      if (prev && (prev.since !== e.since || prev.message !== e.message)) this.#store.patch({ location: e });
      return;
    }
    // Moved to another room: the visible chat and the held-back roster notices belonged to the previous one.
    this.#chat.moved();
    this.#roster.clearNotices();
    const text = locationNotice(prev, e, this.#store.leads, leaderWord(this.#store.state.peers));
    this.#store.patch({ location: e });
    if (text) this.#store.notice(text, 'info');
    if (this.#store.state.status === 'admitted' && !e.waiting) void this.#chat.load();
  }

  /**
   * Those who lead: moves these participants (and the given mediators, by default me) into a new
   * caucus. Media follows on the server (consumers paused/resumed); transports stay as they are.
   */
  async start(peerIds: string[], mediatorPeerIds?: string[]): Promise<string> {
    const { caucusId } = await this.#request('caucus:start', mediatorPeerIds ? { peerIds, mediatorPeerIds } : { peerIds });
    return caucusId;
  }

  async end(caucusId: string): Promise<void> {
    await this.#request('caucus:end', { caucusId });
  }

  /** Everyone back to the joint session. */
  async endAll(): Promise<void> {
    await this.#request('caucus:endAll', {});
  }

  /** Waiting participant: asks the mediators to come back. */
  async knock(): Promise<void> {
    await this.#request('caucus:knock', {});
  }

  /** Those who lead: forget a knock once seen (all of them without a peer). */
  dismissKnock(peerId?: string): void {
    const { knocks } = this.#store.state;
    const left = peerId ? knocks.filter((k) => k.peerId !== peerId) : [];
    if (left.length !== knocks.length) this.#store.patch({ knocks: left });
  }
}
