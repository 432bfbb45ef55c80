// The address of a room page, for which the server sends room.html (the room's code preloaded):
// the paths the client's router reads as `/j/:token/room` and `/cases/:id/room`
// (web-client/src/route-match.ts; web-client/src/room-page-path.test.ts holds them together).
export const ROOM_PAGE_PATH = /^\/+(?:j|cases)\/+[^/]+\/+room\/*$/;
