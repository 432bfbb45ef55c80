// A single node (no Redis) is killed with SIGKILL in the middle of a 背对背 and started again on
// the same data folder. Three real browsers reconnect by themselves: nobody goes back to the
// lobby, the caucus is still in force (side B receives neither media nor chat from it), and the
// mediator's mute of side B's microphone is still on.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../signaling/db.ts';
import { openSqlite } from '../../signaling/sqlite-binding.ts';
import { expectReceivingFrom, inboundStats, openRoomPage, totals, type RoomPage } from '../support/room-pages.ts';
import { seedLeakCase, type SeededParty } from '../support/server.ts';
import { eventually } from '../support/wait.ts';
import { roomsOf } from '../scale/cluster-support.ts';
import { SingleNode } from './single-node-process.ts';

/** Over `ms`, `page` receives nothing more of `kinds` from `peerId`. */
async function expectFrozenFrom(page: Page, peerId: string, kinds: Array<'audio' | 'video'>, ms = 1500) {
  const before = totals(await inboundStats(page), 'packetsReceived');
  await new Promise((r) => setTimeout(r, ms));
  const after = totals(await inboundStats(page), 'packetsReceived');
  for (const kind of kinds) expect(after.get(`${peerId}/${kind}`) ?? 0, `${kind} packets from ${peerId}`).toBe(before.get(`${peerId}/${kind}`) ?? 0);
}

const sendChat = (page: Page, text: string) => page.evaluate((t) => (window as any).__jiefenRoom.socket.emitWithAck('chat:send', { text: t }), text);

describe('kill -9 of a single node and a restart on the same data folder', () => {
  let node: SingleNode;
  let caseId: string;
  let mediatorId: string;
  let a: SeededParty, b: SeededParty;
  let m: RoomPage, pageA: RoomPage, pageB: RoomPage;

  beforeAll(async () => {
    node = await SingleNode.create();
    const seeded = await seedLeakCase({ url: node.url, admin: node.admin });
    ({ caseId, mediatorId } = seeded);
    [a, b] = seeded.parties as [SeededParty, SeededParty];
    m = await openRoomPage(`${node.url}/cases/${caseId}/room`, seeded.mediator);
    pageA = await openRoomPage(`${node.url}/j/${a.token}/room`);
    pageB = await openRoomPage(`${node.url}/j/${b.token}/room`);
  }, 120_000);

  afterAll(async () => {
    for (const p of [m, pageA, pageB]) await p?.close();
    await node?.destroy();
  });

  it('everyone comes straight back into the room, the caucus stays closed and the mute stays on', async () => {
    await eventually(async () => expect((await roomsOf(node.url)).rooms[0]?.members.filter((x) => x.status === 'lobby')).toHaveLength(2), 20_000);
    for (const p of [a, b]) await m.page.evaluate((peerId) => (window as any).__jiefenRoom.socket.emitWithAck('mediator:admit', { peerId }), p.id);
    await expectReceivingFrom(m.page, [a.id, b.id]);
    await expectReceivingFrom(pageB.page, [mediatorId, a.id]);
    // The mediator mutes B's microphone, then starts a caucus with side A.
    await m.page.locator(`[data-testid="room-tile"][data-peer-id="${b.id}"] [data-testid="tile-mute"]`).click();
    await pageB.page.getByTestId('admin-muted-banner').waitFor();
    if (!(await m.page.getByTestId('caucus-side-A').isVisible())) await m.page.getByTestId('toolbar-caucus').click();
    await m.page.getByTestId('caucus-side-A').click();
    await pageB.page.getByTestId('caucus-waiting').waitFor();

    // Others see the caucus as soon as it starts; the mediator's request is acknowledged once the
    // room state holding it is committed. The crash comes after that, as for any acknowledged change.
    await eventually(async () => expect(keptCaucuses(node.dataDir, caseId)).toBe(1), 10_000);
    const killedAt = Date.now();
    await node.kill();
    await node.start();
    const restartedMs = Date.now() - killedAt;

    // The pages reconnect and re-join by themselves; nobody is admitted again.
    await eventually(async () => {
      const room = (await roomsOf(node.url)).rooms[0];
      expect(
        room?.members
          .filter((x) => x.connected)
          .map((x) => `${x.peerId}:${x.status}`)
          .sort(),
      ).toEqual([`${a.id}:admitted`, `${b.id}:admitted`, `${mediatorId}:admitted`].sort());
    }, 30_000);
    const room = (await roomsOf(node.url)).rooms[0]!;
    expect(room.caucuses).toEqual([expect.objectContaining({ memberPeerIds: [a.id], mediatorPeerIds: [mediatorId] })]);
    await expectReceivingFrom(pageA.page, [mediatorId]);
    await expectReceivingFrom(m.page, [a.id]);
    const recoveredMs = Date.now() - killedAt;
    for (const p of [pageA, pageB]) expect(await p.page.getByTestId('lobby-waiting').count()).toBe(0);

    // Side B still waits outside the caucus: no media from the mediator or side A, no caucus chat.
    await pageB.page.getByTestId('caucus-waiting').waitFor();
    await expectFrozenFrom(pageB.page, mediatorId, ['audio', 'video']);
    await expectFrozenFrom(pageB.page, a.id, ['audio', 'video']);
    await sendChat(pageA.page, '甲方底线：八千元');
    await m.page.getByTestId('toolbar-chat').click();
    await m.page.getByTestId('chat-message').filter({ hasText: '甲方底线' }).first().waitFor();
    await m.page.getByTestId('toolbar-chat').click();
    expect(await pageB.page.content()).not.toContain('甲方底线');

    // The mute is still on: B is told so, cannot unmute, and after the caucus the others get B's video but not B's audio.
    await pageB.page.getByTestId('admin-muted-banner').waitFor();
    expect(await pageB.page.getByTestId('toolbar-mic').isDisabled()).toBe(true);
    if (!(await m.page.getByTestId('caucus-end-all').isVisible())) await m.page.getByTestId('toolbar-caucus').click();
    await m.page.getByTestId('caucus-end-all').click();
    await expectReceivingFrom(pageB.page, [mediatorId, a.id]);
    await eventually(async () => {
      const frames0 = totals(await inboundStats(m.page), 'framesDecoded').get(`${b.id}/video`) ?? 0;
      await new Promise((r) => setTimeout(r, 1000));
      expect((totals(await inboundStats(m.page), 'framesDecoded').get(`${b.id}/video`) ?? 0) - frames0).toBeGreaterThan(0);
    });
    await expectFrozenFrom(m.page, b.id, ['audio']);
    await expectFrozenFrom(pageA.page, b.id, ['audio']);

    const db = openDb(path.join(node.dataDir, 'jiefen.db'));
    try {
      const restored = await db.auditEntry.findFirst({ where: { caseId, type: 'ROOM_RESTORED' }, orderBy: { seq: 'desc' } });
      expect(restored).not.toBeNull();
      expect(await db.auditEntry.count({ where: { caseId, type: 'ROOM_ADMITTED', seq: { gt: restored!.seq } } })).toBe(0);
    } finally {
      await db.$disconnect();
    }
    console.log(`[restart] server listening again ${restartedMs} ms after kill -9; all three back in the room with media ${recoveredMs} ms after it`);
  }, 180_000);
});

/** How many caucuses the committed room state of the case holds (read straight from SQLite). */
function keptCaucuses(dataDir: string, caseId: string): number {
  const db = openSqlite(path.join(dataDir, 'jiefen.db'), { readonly: true });
  try {
    const row = db.prepare('SELECT snapshot FROM RoomState WHERE caseId = ?').get(caseId) as { snapshot: string } | undefined;
    return row ? (JSON.parse(row.snapshot) as { caucuses: unknown[] }).caucuses.length : 0;
  } finally {
    db.close();
  }
}
