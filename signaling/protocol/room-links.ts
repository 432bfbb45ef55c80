// The address of a room page, shared by the server (which sends room.html for it, with the room's
// code preloaded) and the page's first script (which asks for the camera on it). The same paths
// the client's router reads as `/j/:token/room` and `/cases/:id/room` (web-client/src/route-match.ts).
export const ROOM_PAGE_PATH = /^\/+(?:j|cases)\/+[^/]+\/+room\/*$/;
