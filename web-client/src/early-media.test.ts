import { describe, expect, it } from 'vitest';
import { ROOM_PAGE_PATH } from '../../signaling/protocol/room-links.ts';
import { matchRoute } from './route-match.ts';

// The page's first script asks for the camera on ROOM_PAGE_PATH and the server sends room.html for
// it; the app reads the same addresses with matchRoute. If they disagreed, a room link would miss
// its early camera, or another page would open the camera for nothing.
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
  it.each(paths)('%s: the first script and the app agree', (path) => {
    expect(ROOM_PAGE_PATH.test(path)).toBe(isRoom(path));
  });
});
