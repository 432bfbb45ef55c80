// Revoking a party's link takes effect on the connections already open with it: the room socket
// gets room:removed (link-revoked) and is cut, the member leaves the room at once; the drafting
// WebSocket is closed and cannot reconnect. The other party, and the same participant's newer
// link, are untouched.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import { connectClient, setUpDraftCase, waitFor, wsUrl, type DraftCase } from '../drafting/sync-support.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let kase: DraftCase;

beforeAll(async () => {
  server = await startTestServer();
  kase = await setUpDraftCase(server.url, server.admin);
});
afterAll(() => server?.close());

const invitationIdOf = (token: string) => token.split('.')[0]!;

it('cuts the room socket and the drafting connection opened with a revoked link, and nothing else', async () => {
  const m = new RoomTestClient(server.url, { cookie: kase.mediator.cookie });
  const a = new RoomTestClient(server.url, { token: kase.tokenA });
  const b = new RoomTestClient(server.url, { token: kase.tokenB });
  const draftA = connectClient({ url: wsUrl(server.url), docName: agreementDocName(kase.caseId), token: kase.tokenA });
  const draftB = connectClient({ url: wsUrl(server.url), docName: agreementDocName(kase.caseId), token: kase.tokenB });
  try {
    for (const c of [m, a, b]) await c.connected();
    await m.ok('room:join', { caseId: kase.caseId });
    for (const c of [a, b]) await c.ok('room:join', { caseId: kase.caseId });
    for (const id of [kase.partyAId, (await server.ctx.db.participant.findFirstOrThrow({ where: { caseId: kase.caseId, name: '王某' } })).id]) await m.ok('mediator:admit', { peerId: id });
    await Promise.all([draftA.ready, draftB.ready]);
    const room = server.rooms.get(kase.caseId)!;
    expect(room.members().filter((x) => x.status === 'admitted')).toHaveLength(3);

    const invitations = (await kase.mediator.json('GET', `/api/cases/${kase.caseId}/invitations`)).invitations as Array<{ id: string; participantId: string }>;
    const linkA = invitations.find((i) => i.id === invitationIdOf(kase.tokenA));
    expect(linkA).toBeDefined();
    let draftClosed = false;
    draftA.socket.on('close', () => (draftClosed = true));
    let refused: string | null = null;
    draftA.provider.on('authenticationFailed', ({ reason }: { reason: string }) => (refused = reason));

    await kase.mediator.json('POST', `/api/cases/${kase.caseId}/invitations/${linkA!.id}/revoke`);

    expect(await a.waitFor('room:removed')).toMatchObject({ reason: 'link-revoked' });
    await waitFor(() => !a.socket.connected, 3000, 'room socket of the revoked link closed');
    expect(room.member(kase.partyAId)).toBeUndefined();
    await waitFor(() => draftClosed, 3000, 'drafting connection of the revoked link closed');
    await waitFor(() => refused !== null, 5000, 'drafting reconnect refused');
    expect(refused).toBe('TOKEN_REVOKED');

    // Side B and the mediator carry on.
    expect(b.socket.connected).toBe(true);
    expect(b.events.some((e) => e.event === 'room:removed')).toBe(false);
    const names = room.members().filter((x) => x.status === 'admitted').map((x) => x.displayName);
    expect(names).toHaveLength(2);
    expect(names).toContain('王某');
    expect(names).not.toContain('李某');
    expect(draftB.provider.isSynced).toBe(true);
  } finally {
    for (const c of [m, a, b]) c.close();
    draftA.destroy();
    draftB.destroy();
  }
});
