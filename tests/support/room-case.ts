// The set-up the socket-level room tests share: a mediator's case with invited parties who have
// acknowledged the 权利义务告知书; a room where everyone has joined, been admitted and sends a
// microphone and a camera; and a fresh room after each test.
import { RoomTestClient, produceAudioVideo, readyToReceive } from './room-client.ts';
import { acknowledgeNotice, addInvitedParty, createStaffUser, StaffClient, type PartySpec, type TestServer } from './server.ts';

export interface RoomCase<K extends string> {
  mediatorId: string;
  mediatorCookie: string;
  caseId: string;
  party: Record<K, { id: string; token: string }>;
}

/** A new mediator, a case of theirs, and `parties` invited (in the given order), each having acknowledged the notice. */
export async function setUpRoomCase<K extends string>(
  server: TestServer,
  spec: { mediator: { username: string; displayName: string }; case: { title: string; summary: string }; parties: Record<K, PartySpec> },
): Promise<RoomCase<K>> {
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  const { id: mediatorId, client: mediator } = await createStaffUser(admin, { ...spec.mediator, role: 'MEDIATOR', password: 'mediator-pass-1' });
  const caseId = (await mediator.json('POST', '/api/cases', { ...spec.case, disputeType: 'NEIGHBOUR' }, 201)).case.id as string;
  const party = {} as RoomCase<K>['party'];
  for (const [key, p] of Object.entries(spec.parties) as [K, PartySpec][]) {
    const { id, token } = await addInvitedParty(mediator, caseId, p);
    party[key] = { id, token };
    await acknowledgeNotice(server.url, caseId, token);
  }
  return { mediatorId, mediatorCookie: mediator.cookie, caseId, party };
}

/**
 * After each test: the clients disconnected and the room gone, its kept state included (a room
 * closed as 'shutdown' keeps its state for a restart), so the next test starts from nothing.
 */
export async function freshRoom(server: TestServer, caseId: string, clients: RoomTestClient[]): Promise<void> {
  for (const c of clients.splice(0)) c.close();
  await new Promise((r) => setTimeout(r, 50));
  const room = server.rooms.get(caseId);
  room?.close('shutdown');
  await room?.stateKept();
  await server.ctx.db.roomState.deleteMany({});
}

/**
 * The mediator and the parties `keys` joined and admitted (each client also pushed onto
 * `clients`), then each given media by `withMedia` (default: a microphone and a camera, ready to
 * receive), and the consumers settled.
 */
export async function joinAll<K extends string>(
  server: TestServer,
  rc: RoomCase<K>,
  keys: readonly K[],
  clients: RoomTestClient[],
  withMedia: (c: RoomTestClient) => Promise<unknown> = sendAndReceive(),
): Promise<Record<'m' | K, RoomTestClient>> {
  const m = new RoomTestClient(server.url, { cookie: rc.mediatorCookie });
  clients.push(m);
  await m.connected();
  await m.ok('room:join', { caseId: rc.caseId });
  const out = { m } as Record<'m' | K, RoomTestClient>;
  for (const key of keys) {
    const c = new RoomTestClient(server.url, { token: rc.party[key].token });
    clients.push(c);
    await c.connected();
    await c.ok('room:join', { caseId: rc.caseId });
    await m.ok('mediator:admit', { peerId: rc.party[key].id });
    await c.waitFor('room:admitted');
    out[key] = c;
  }
  for (const c of Object.values(out) as RoomTestClient[]) await withMedia(c);
  await settleConsumers(server, rc.caseId);
  return out;
}

/** Media for each client in turn: a microphone and a camera (SSRCs from `firstSsrc` on), then ready to receive. */
export function sendAndReceive(firstSsrc = 10_000, opts: { simulcast?: boolean } = {}): (c: RoomTestClient) => Promise<string> {
  let ssrc = firstSsrc;
  return async (c) => {
    const { sendTransportId } = await produceAudioVideo(c, ssrc, opts);
    ssrc += 3;
    await readyToReceive(c);
    return sendTransportId;
  };
}

/** A few rounds of consumer synchronisation, so every test starts from a settled room. */
export async function settleConsumers(server: TestServer, caseId: string): Promise<void> {
  const room = server.rooms.get(caseId)!;
  for (let i = 0; i < 5; i++) {
    await room.syncConsumers();
    await new Promise((r) => setTimeout(r, 30));
  }
}
