// Access taken away takes effect on the connections already open with it, at once:
// - a revoked link: the room socket opened with it gets room:removed (link-revoked) and is cut;
// - a deactivated or re-passworded staff account, a participant deleted from the case: every room
//   socket of that person gets room:removed (access-revoked) and is cut;
// the member leaves the room at once; the drafting WebSocket is closed and cannot reconnect.
// Everyone else in the room and on the draft carries on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import { connectClient, setUpDraftCase, wsUrl, type DraftCase, type DraftClient } from '../drafting/sync-support.ts';
import { waitFor } from '../support/wait.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: StaffClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
});
afterAll(() => server?.close());

const invitationIdOf = (token: string) => token.split('.')[0]!;

/** A draft case with the mediator and both parties admitted in its room, each also on the draft. */
async function liveCase() {
  const kase: DraftCase = await setUpDraftCase(server.url, server.admin);
  const mediatorId = ((await kase.mediator.json('GET', '/api/auth/me')) as { user: { id: string } }).user.id;
  const partyBId = (await server.ctx.db.participant.findFirstOrThrow({ where: { caseId: kase.caseId, name: '王某' } })).id;
  const m = new RoomTestClient(server.url, { cookie: kase.mediator.cookie });
  const a = new RoomTestClient(server.url, { token: kase.tokenA });
  const b = new RoomTestClient(server.url, { token: kase.tokenB });
  const docName = agreementDocName(kase.caseId);
  const draft = {
    m: connectClient({ url: wsUrl(server.url), docName, cookie: kase.mediator.cookie }),
    a: connectClient({ url: wsUrl(server.url), docName, token: kase.tokenA }),
    b: connectClient({ url: wsUrl(server.url), docName, token: kase.tokenB }),
  };
  for (const c of [m, a, b]) await c.connected();
  await m.ok('room:join', { caseId: kase.caseId });
  for (const c of [a, b]) await c.ok('room:join', { caseId: kase.caseId });
  for (const id of [kase.partyAId, partyBId]) await m.ok('mediator:admit', { peerId: id });
  await Promise.all(Object.values(draft).map((d) => d.ready));
  const room = server.rooms.get(kase.caseId)!;
  expect(room.members().filter((x) => x.status === 'admitted')).toHaveLength(3);
  return {
    kase,
    room,
    mediatorId,
    partyBId,
    clients: { m, a, b },
    draft,
    close() {
      for (const c of [m, a, b]) c.close();
      for (const d of Object.values(draft)) d.destroy();
    },
  };
}

/** Records whether a drafting connection closed and why its reconnect was refused. */
function watchDraft(d: DraftClient) {
  const seen = { closed: false, refused: null as string | null };
  d.socket.on('close', () => (seen.closed = true));
  d.provider.on('authenticationFailed', ({ reason }: { reason: string }) => (seen.refused = reason));
  return seen;
}

/** The room socket got room:removed with this reason, was cut, and its member is gone from the room. */
async function expectCut(c: RoomTestClient, reason: string, gone: () => boolean): Promise<string> {
  const removed = await c.waitFor('room:removed', () => true, 3000);
  expect(removed).toMatchObject({ reason });
  await waitFor(() => !c.socket.connected, 3000, 'room socket closed');
  expect(gone()).toBe(true);
  return removed.message as string;
}

async function expectDraftCut(seen: { closed: boolean; refused: string | null }, code: string) {
  await waitFor(() => seen.closed, 3000, 'drafting connection closed');
  await waitFor(() => seen.refused !== null, 5000, 'drafting reconnect refused');
  expect(seen.refused).toBe(code);
}

function expectUntouched(clients: RoomTestClient[], drafts: DraftClient[]) {
  for (const c of clients) {
    expect(c.socket.connected).toBe(true);
    expect(c.events.some((e) => e.event === 'room:removed')).toBe(false);
  }
  for (const d of drafts) expect(d.provider.isSynced).toBe(true);
}

describe('taking access away cuts the open connections at once', () => {
  it('a revoked link: the room socket and the drafting connection opened with it, and nothing else', async () => {
    const live = await liveCase();
    const { kase, room } = live;
    const { m, a, b } = live.clients;
    try {
      const invitations = (await kase.mediator.json('GET', `/api/cases/${kase.caseId}/invitations`)).invitations as Array<{
        id: string;
        participantId: string;
      }>;
      const linkA = invitations.find((i) => i.id === invitationIdOf(kase.tokenA));
      expect(linkA).toBeDefined();
      const draftA = watchDraft(live.draft.a);

      await kase.mediator.json('POST', `/api/cases/${kase.caseId}/invitations/${linkA!.id}/revoke`);

      await expectCut(a, 'link-revoked', () => room.member(kase.partyAId) === undefined);
      await expectDraftCut(draftA, 'TOKEN_REVOKED');
      // Side B and the mediator carry on.
      expectUntouched([m, b], [live.draft.b, live.draft.m]);
      const names = room
        .members()
        .filter((x) => x.status === 'admitted')
        .map((x) => x.displayName);
      expect(names).toHaveLength(2);
      expect(names).toContain('王某');
      expect(names).not.toContain('李某');
    } finally {
      live.close();
    }
  });

  it('a re-issued link (重新生成链接): the previous link of that participant is revoked, audited, and its connections cut', async () => {
    const live = await liveCase();
    const { kase, room } = live;
    const { m, a, b } = live.clients;
    try {
      const draftA = watchDraft(live.draft.a);
      const reissued = (await kase.mediator.json('POST', `/api/cases/${kase.caseId}/invitations`, { participantId: kase.partyAId }, 201)).invitation;
      expect(reissued.replaced).toBe(1);

      await expectCut(a, 'link-revoked', () => room.member(kase.partyAId) === undefined);
      await expectDraftCut(draftA, 'TOKEN_REVOKED');
      expectUntouched([m, b], [live.draft.b, live.draft.m]);

      const party = (token: string) => fetch(`${server.url}/api/party/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await (await party(kase.tokenA)).json()) as { code: string }).code).toBe('TOKEN_REVOKED');
      expect((await party(reissued.url.split('/j/')[1])).status).toBe(200);
      expect((await party(kase.tokenB)).status).toBe(200);

      const invitations = await server.ctx.db.invitation.findMany({ where: { caseId: kase.caseId, participantId: kase.partyAId } });
      expect(invitations.filter((i) => i.revokedAt === null).map((i) => i.id)).toEqual([reissued.id]);
      const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId: kase.caseId, type: 'INVITATION_REVOKED' } });
      expect(audit.map((e) => JSON.parse(e.data) as unknown)).toEqual([
        { invitationId: invitationIdOf(kase.tokenA), participantId: kase.partyAId, reason: 'reissued' },
      ]);
    } finally {
      live.close();
    }
  });

  it('a deactivated mediator: its room socket and drafting connection, and nothing else', async () => {
    const live = await liveCase();
    const { kase, room, mediatorId } = live;
    const { m, a, b } = live.clients;
    try {
      const draftM = watchDraft(live.draft.m);
      await admin.json('PATCH', `/api/users/${mediatorId}`, { active: false });

      expect(await expectCut(m, 'access-revoked', () => room.member(mediatorId) === undefined)).toContain('停用');
      await expectDraftCut(draftM, 'NOT_AUTHENTICATED');
      expectUntouched([a, b], [live.draft.a, live.draft.b]);
      expect(
        room
          .members()
          .map((x) => x.peerId)
          .sort(),
      ).toEqual([kase.partyAId, live.partyBId].sort());
    } finally {
      live.close();
    }
  });

  it('a mediator whose password an administrator reset: its room socket and drafting connection, and nothing else', async () => {
    const live = await liveCase();
    const { room, mediatorId } = live;
    const { m, a, b } = live.clients;
    try {
      const draftM = watchDraft(live.draft.m);
      await admin.json('PATCH', `/api/users/${mediatorId}`, { password: 'another-pass-2' });

      expect(await expectCut(m, 'access-revoked', () => room.member(mediatorId) === undefined)).toContain('重置');
      await expectDraftCut(draftM, 'NOT_AUTHENTICATED');
      expectUntouched([a, b], [live.draft.a, live.draft.b]);
    } finally {
      live.close();
    }
  });

  it('a participant the mediator deleted from the case: its room socket and drafting connection, and nothing else', async () => {
    const live = await liveCase();
    const { kase, room } = live;
    const { m, a, b } = live.clients;
    try {
      const draftA = watchDraft(live.draft.a);
      const res = await kase.mediator.request('DELETE', `/api/cases/${kase.caseId}/participants/${kase.partyAId}`);
      expect(res.status).toBe(204);

      expect(await expectCut(a, 'access-revoked', () => room.member(kase.partyAId) === undefined)).toContain('移除');
      await expectDraftCut(draftA, 'TOKEN_INVALID');
      expectUntouched([m, b], [live.draft.m, live.draft.b]);
      expect(
        room
          .members()
          .map((x) => x.peerId)
          .sort(),
      ).toEqual([live.mediatorId, live.partyBId].sort());

      // Someone away (within the reconnect grace, place kept) loses the place at once too.
      const interpreterId = (await server.ctx.db.participant.findFirstOrThrow({ where: { caseId: kase.caseId, name: '赵译' } })).id;
      const i = new RoomTestClient(server.url, { token: kase.tokenInterpreter });
      await i.connected();
      await i.ok('room:join', { caseId: kase.caseId });
      await m.ok('mediator:admit', { peerId: interpreterId });
      i.close();
      await waitFor(() => room.member(interpreterId)?.socket === null, 3000, 'the interpreter away, its place kept');
      expect((await kase.mediator.request('DELETE', `/api/cases/${kase.caseId}/participants/${interpreterId}`)).status).toBe(204);
      await waitFor(() => room.member(interpreterId) === undefined, 1000, 'the deleted interpreter out of the room');
      expect(
        room
          .members()
          .map((x) => x.peerId)
          .sort(),
      ).toEqual([live.mediatorId, live.partyBId].sort());
    } finally {
      live.close();
    }
  });
});
