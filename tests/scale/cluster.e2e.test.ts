// Real browsers against two nodes + Redis: a party's page on node 1 and the mediator's page on
// node 2 are in one room and receive each other's audio and video. Then the node owning the
// room is killed: the pages on the surviving node get back into the room — media flowing again,
// nobody sent back to the lobby — without anyone touching them.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../signaling/db.ts';
import { expectReceivingFrom, openRoomPage, type RoomPage } from '../support/room-pages.ts';
import { eventually } from '../support/wait.ts';
import { roomsOf, useClusterCase } from './cluster-support.ts';

const fixture = useClusterCase();
/** The mediator's page on node 2, opened by the first test and used again by the second. */
let mediatorPage: RoomPage;

describe('two nodes in browsers', () => {
  it('a party on node 1 and the mediator on node 2 see and hear each other', async () => {
    const [node1, node2] = fixture.cluster.nodes;
    const partyA = fixture.kase.parties[0]!;
    const pageA = await openRoomPage(`${node1!.url}/j/${partyA.token}/room`);
    fixture.closeAfter(pageA);
    await pageA.page.getByTestId('lobby-waiting').waitFor({ timeout: 20_000 });
    const m = await openRoomPage(`${node2!.url}/cases/${fixture.kase.caseId}/room`, fixture.kase.mediator);
    fixture.closeAfter(m);
    mediatorPage = m;
    await m.page
      .getByTestId('toolbar-lobby')
      .click({ timeout: 20_000 })
      .catch(() => undefined);
    await m.page.locator(`[data-testid="lobby-entry"][data-peer-id="${partyA.id}"] [data-testid="lobby-admit"]`).click({ timeout: 20_000 });
    await expectReceivingFrom(m.page, [partyA.id]);
    await expectReceivingFrom(pageA.page, [fixture.kase.mediatorId]);
    // The room lives on node 1 (the party came first); node 2 only relays the mediator's signaling.
    expect((await roomsOf(node1!.url)).rooms.map((r) => r.caseId)).toEqual([fixture.kase.caseId]);
    expect((await roomsOf(node2!.url)).rooms).toEqual([]);
  });

  it('the owning node dies: the pages on the other node get back in, with media, without re-admission', async () => {
    const [node1, node2] = fixture.cluster.nodes;
    const partyB = fixture.kase.parties[1]!;
    const pageB = await openRoomPage(`${node2!.url}/j/${partyB.token}/room`);
    fixture.closeAfter(pageB);
    const m = mediatorPage;
    await pageB.page.getByTestId('lobby-waiting').waitFor({ timeout: 20_000 });
    const admit = m.page.locator(`[data-testid="lobby-entry"][data-peer-id="${partyB.id}"] [data-testid="lobby-admit"]`);
    // The lobby sheet may still be open from the first admission.
    if (!(await admit.isVisible())) await m.page.getByTestId('toolbar-lobby').click();
    await admit.click({ timeout: 20_000 });
    await expectReceivingFrom(pageB.page, [fixture.kase.mediatorId]);
    await expectReceivingFrom(m.page, [partyB.id]);

    const killedAt = Date.now();
    await node1!.kill();
    // Both pages on node 2 reconnect by themselves; the room is recreated there.
    await eventually(async () => expect((await roomsOf(node2!.url)).rooms.map((r) => r.caseId)).toEqual([fixture.kase.caseId]), 20_000);
    await expectReceivingFrom(m.page, [partyB.id]);
    await expectReceivingFrom(pageB.page, [fixture.kase.mediatorId]);
    const recoveredMs = Date.now() - killedAt;
    expect(await pageB.page.getByTestId('lobby-waiting').count()).toBe(0);
    const room = (await roomsOf(node2!.url)).rooms[0]!;
    expect(
      room.members
        .filter((x) => x.connected)
        .map((x) => [x.peerId, x.status])
        .sort(),
    ).toEqual(
      [
        [fixture.kase.mediatorId, 'admitted'],
        [partyB.id, 'admitted'],
      ].sort(),
    );
    const db = openDb(path.join(fixture.cluster.dataDir, 'jiefen.db'));
    try {
      const restored = await db.auditEntry.findFirst({ where: { caseId: fixture.kase.caseId, type: 'ROOM_RESTORED' }, orderBy: { seq: 'desc' } });
      expect(restored).not.toBeNull();
      const admittedAfter = await db.auditEntry.count({ where: { caseId: fixture.kase.caseId, type: 'ROOM_ADMITTED', seq: { gt: restored!.seq } } });
      expect(admittedAfter).toBe(0);
    } finally {
      await db.$disconnect();
    }
    console.log(`[failover e2e] media flowing again in both directions ${recoveredMs} ms after the kill`);
  }, 120_000);
});
