// The room's chat: the messages of the room I am in (joint session or caucus), the unread count
// while the chat sheet is closed, history loads and sending. A move to another room empties it.
import type { RoomRequest, ServerEventHandlers } from './protocol.ts';
import { mergeChat } from './room-state.ts';
import type { RoomStore } from './room-store.ts';

export class ChatSlice {
  readonly #store: RoomStore;
  readonly #request: RoomRequest;
  readonly #closed: () => boolean;
  #open = false;
  /** Bumped when I move to another room, so answers about the previous room are dropped. */
  #gen = 0;

  constructor(store: RoomStore, request: RoomRequest, closed: () => boolean) {
    this.#store = store;
    this.#request = request;
    this.#closed = closed;
  }

  readonly handlers: Pick<ServerEventHandlers, 'chat:message'> = {
    'chat:message': (m) => {
      const { chat, chatUnread } = this.#store.state;
      this.#store.patch({ chat: mergeChat(chat, [m]), chatUnread: this.#open ? 0 : chatUnread + 1 });
    },
  };

  /** Loads the history of the room I am in (failures are logged: live messages keep coming). */
  async load(): Promise<void> {
    const gen = this.#gen;
    try {
      const { messages } = await this.#request('chat:history', {});
      if (gen !== this.#gen || this.#closed()) return; // answered about the room I just left
      this.#store.patch({ chat: mergeChat(this.#store.state.chat, messages) });
    } catch (err) {
      console.warn('[room] chat history failed', err);
    }
  }

  async send(text: string): Promise<void> {
    const gen = this.#gen;
    const { message } = await this.#request('chat:send', { text });
    if (gen === this.#gen) this.#store.patch({ chat: mergeChat(this.#store.state.chat, [message]) });
  }

  setOpen(open: boolean): void {
    this.#open = open;
    if (open && this.#store.state.chatUnread) this.#store.patch({ chatUnread: 0 });
  }

  /** I moved to another room: what was shown belonged to the previous one. */
  moved(): void {
    this.#gen++;
    this.#store.patch({ chat: [], chatUnread: 0 });
  }
}
