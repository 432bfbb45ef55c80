// The sides' private notepads (背对背): the ones I have loaded (parties: their own side; mediators:
// both; the judge: none), live updates, saving, carrying a proposal across, and whether someone
// else changed one while my notepad sheet was closed.
import type { NotepadSideName } from './caucus-state.ts';
import type { Notepad, RoomRequest, ServerEventHandlers } from './protocol.ts';
import type { RoomStore } from './room-store.ts';

export class NotepadSlice {
  readonly #store: RoomStore;
  readonly #request: RoomRequest;
  #open = false;

  constructor(store: RoomStore, request: RoomRequest) {
    this.#store = store;
    this.#request = request;
  }

  readonly handlers: Pick<ServerEventHandlers, 'notepad:updated'> = {
    'notepad:updated': (n) => {
      this.#set(n);
      if (!this.#open && !this.#store.state.notepadUnseen) this.#store.patch({ notepadUnseen: true });
    },
  };

  #set(n: Notepad): void {
    const { notepads } = this.#store.state;
    const cur = notepads[n.side];
    // An older answer must not overwrite a newer live update — nor a never-saved one (no time:
    // a load answered after the first save, which happens when the sheet opens and autosaves at once).
    if (cur?.updatedAt && (!n.updatedAt || Date.parse(n.updatedAt) < Date.parse(cur.updatedAt))) return;
    this.#store.patch({ notepads: { ...notepads, [n.side]: n } });
  }

  async load(side: NotepadSideName): Promise<Notepad> {
    const n = await this.#request('notepad:get', { side });
    this.#set(n);
    return n;
  }

  async save(side: NotepadSideName, content: string): Promise<Notepad> {
    const n = await this.#request('notepad:update', { side, content });
    this.#set(n);
    return n;
  }

  /** Mediator: appends a note or proposal to the other side's notepad (logged on the server). */
  async carry(fromSide: NotepadSideName, toSide: NotepadSideName, text: string): Promise<Notepad> {
    const n = await this.#request('caucus:carry', { fromSide, toSide, text });
    this.#set(n);
    return n;
  }

  setOpen(open: boolean): void {
    this.#open = open;
    if (open && this.#store.state.notepadUnseen) this.#store.patch({ notepadUnseen: false });
  }
}
