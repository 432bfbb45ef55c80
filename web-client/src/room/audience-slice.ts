// Who receives my audio and video right now (`room:audience`, derived on the server from where
// everyone is), so that every participant can see who hears them.
import type { ServerEventHandlers } from './protocol.ts';
import type { RoomStore } from './room-store.ts';

export function audienceHandlers(store: RoomStore): Pick<ServerEventHandlers, 'room:audience'> {
  return { 'room:audience': (audience) => store.patch({ audience }) };
}
