// Two nodes + Redis: access taken away through one node cuts the connections another node holds.
// The room lives on node 2 (the mediator entered there first); a party reaches it through node 1.
// - A participant the mediator deletes through node 1 is cut from the room socket it holds on
//   node 1 (served by node 2): room:removed (access-revoked), out of node 2's room.
// - A mediator an administrator deactivates through node 1 is cut from its room socket and its
//   drafting connection on node 2 at once; the parties carry on.
import { describe, expect, it } from 'vitest';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import type { RoomTestClient } from '../support/room-client.ts';
import { StaffClient } from '../support/server.ts';
import { connectClient, wsUrl, type DraftClient } from '../drafting/sync-support.ts';
import { waitFor } from '../support/wait.ts';
import { connect, roomsOf, useClusterCase } from './cluster-support.ts';

const fixture = useClusterCase();

describe('revocations cross nodes', () => {
  let mediator: RoomTestClient;
  let partyA: RoomTestClient;
  let partyB: RoomTestClient;
  let agentA: RoomTestClient;
  let draftM: DraftClient;

  const membersOn = async (url: string) => (await roomsOf(url)).rooms.find((r) => r.caseId === fixture.kase.caseId)?.members.map((m) => m.peerId) ?? [];

  it('set-up: the room on node 2, parties through both nodes, the mediator also on the draft through node 2', async () => {
    const [node1, node2] = fixture.cluster.nodes;
    mediator = await connect(node2!.url, { cookie: fixture.kase.mediatorCookie });
    partyA = await connect(node1!.url, { token: fixture.kase.parties[0]!.token });
    partyB = await connect(node2!.url, { token: fixture.kase.parties[1]!.token });
    agentA = await connect(node1!.url, { token: fixture.kase.parties[2]!.token });
    fixture.closeAfter(mediator, partyA, partyB, agentA);
    await mediator.ok('room:join', { caseId: fixture.kase.caseId });
    for (const c of [partyA, partyB, agentA]) {
      const { self } = await c.ok('room:join', { caseId: fixture.kase.caseId });
      await mediator.waitFor('room:lobby', (p) => p.waiting.some((w: { peerId: string }) => w.peerId === self.peerId));
      await mediator.ok('mediator:admit', { peerId: self.peerId });
      await c.waitFor('room:admitted');
    }
    draftM = connectClient({ url: wsUrl(node2!.url), docName: agreementDocName(fixture.kase.caseId), cookie: fixture.kase.mediatorCookie });
    fixture.closeAfter(draftM);
    await draftM.ready;
    expect((await roomsOf(node1!.url)).rooms).toEqual([]);
    expect((await membersOn(node2!.url)).sort()).toEqual([fixture.kase.mediatorId, ...fixture.kase.parties.map((p) => p.id)].sort());
  });

  it('a participant deleted through node 1 is cut from its room socket (node 1, room on node 2)', async () => {
    const [node1, node2] = fixture.cluster.nodes;
    const agent = fixture.kase.parties[2]!;
    expect(fixture.kase.mediator.baseUrl).toBe(node1!.url);
    expect((await fixture.kase.mediator.request('DELETE', `/api/cases/${fixture.kase.caseId}/participants/${agent.id}`)).status).toBe(204);

    expect(await agentA.waitFor('room:removed', () => true, 3000)).toMatchObject({ reason: 'access-revoked' });
    await waitFor(() => !agentA.socket.connected, 3000, 'the deleted participant’s room socket closed');
    await waitFor(async () => !(await membersOn(node2!.url)).includes(agent.id), 3000, 'the deleted participant out of the room');
    for (const c of [mediator, partyA, partyB]) {
      expect(c.socket.connected).toBe(true);
      expect(c.events.some((e) => e.event === 'room:removed')).toBe(false);
    }
  });

  it('a mediator deactivated through node 1 is cut from its room socket and drafting connection on node 2', async () => {
    const [node1, node2] = fixture.cluster.nodes;
    const admin = new StaffClient(node1!.url);
    await admin.login(fixture.cluster.admin.username, fixture.cluster.admin.password);
    let draftClosed = false;
    let refused: string | null = null;
    draftM.socket.on('close', () => (draftClosed = true));
    draftM.provider.on('authenticationFailed', ({ reason }: { reason: string }) => (refused = reason));

    await admin.json('PATCH', `/api/users/${fixture.kase.mediatorId}`, { active: false });

    expect(await mediator.waitFor('room:removed', () => true, 3000)).toMatchObject({ reason: 'access-revoked' });
    await waitFor(() => !mediator.socket.connected, 3000, 'the mediator’s room socket on node 2 closed');
    await waitFor(async () => !(await membersOn(node2!.url)).includes(fixture.kase.mediatorId), 3000, 'the mediator out of the room');
    await waitFor(() => draftClosed, 3000, 'the mediator’s drafting connection on node 2 closed');
    await waitFor(() => refused !== null, 5000, 'drafting reconnect refused');
    expect(refused).toBe('NOT_AUTHENTICATED');
    for (const c of [partyA, partyB]) {
      expect(c.socket.connected).toBe(true);
      expect(c.events.some((e) => e.event === 'room:removed')).toBe(false);
    }
    expect((await membersOn(node2!.url)).sort()).toEqual([fixture.kase.parties[0]!.id, fixture.kase.parties[1]!.id].sort());
  });
});
