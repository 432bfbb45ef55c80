import { describe, expect, it } from 'vitest';
import { ROOM_PAGE_PATH } from '../../signaling/protocol/room-links.ts';
import { matchRoute } from './route-match.ts';

// The server sends room.html (the room's code preloaded) for ROOM_PAGE_PATH; the app reads the same
// addresses with matchRoute. If they disagreed, a room link would load its code a round later, or
// another page would download the room's code for nothing.
describe('a room page address', () => {
  const isRoom = (path: string) => !!(matchRoute('/j/:token/room', path) ?? matchRoute('/cases/:id/room', path));
  const paths = [
    '/j/cmx1.abc_DEF-12/room',
    '/j/cmx1.abc/room/',
    '//j//cmx1//room',
    '/cases/cmxcase01/room',
    '/cases/cmxcase01/room//',
    '/j/cmx1.abc',
    '/j/cmx1.abc/rooms',
    '/j/room',
    '/j//room',
    '/cases/room',
    '/cases/x/room/extra',
    '/x/cases/x/room',
    '/judge/x/room',
    '/cases/x/roomy',
    '/',
    '/login',
  ];
  it.each(paths)('%s: the server and the app agree', (path) => {
    expect(ROOM_PAGE_PATH.test(path)).toBe(isRoom(path));
  });
});
