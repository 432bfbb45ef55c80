// 背对背 in real browsers: during a caucus with side A, side B's page receives no RTP from the
// mediator or side A and no chat from that room, side A hears the mediator; back in the joint
// session everyone receives again. Twenty consecutive switches keep the same transports and
// ICE connected (no reconnect, no reload). A proposal from side A's notepad reaches the joint draft
// as a suggestion side B sees, while A's notepad stays private.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectReceivingFrom, inboundStats, openRoomPage, totals, type RoomPage } from '../support/room-pages.ts';
import { eventually } from '../support/wait.ts';
import { seedLeakCase, startTestServer, type SeededParty, type StaffClient, type TestServer } from '../support/server.ts';

interface Debug {
  sendTransportId: string | null;
  recvTransportId: string | null;
  location?: { room: string; waiting: boolean };
  iceStates(): Promise<{ send: string; recv: string }>;
}
const debug = (page: Page) =>
  page.evaluate(async () => {
    const d = (window as unknown as { __jiefenRoom: Debug }).__jiefenRoom;
    return { send: d.sendTransportId, recv: d.recvTransportId, location: d.location ?? null, ice: await d.iceStates() };
  });

/** Inbound bytes from `peerId` at `page` stay frozen over `ms`. */
async function expectFrozenFrom(page: Page, peerId: string, ms = 1200) {
  const before = totals(await inboundStats(page), 'bytesReceived');
  await new Promise((r) => setTimeout(r, ms));
  const after = totals(await inboundStats(page), 'bytesReceived');
  for (const kind of ['audio', 'video']) {
    expect(after.get(`${peerId}/${kind}`) ?? 0, `${kind} bytes from ${peerId}`).toBe(before.get(`${peerId}/${kind}`) ?? 0);
  }
}

describe('caucus in three browsers', () => {
  let server: TestServer;
  let mediator: StaffClient;
  let mediatorId: string;
  let caseId: string;
  let parties: SeededParty[];
  let m: RoomPage, a: RoomPage, b: RoomPage;

  beforeAll(async () => {
    server = await startTestServer({ ROOM_RECONNECT_GRACE_SEC: '30' });
    ({ mediator, mediatorId, caseId, parties } = await seedLeakCase(server));
    m = await openRoomPage(`${server.url}/cases/${caseId}/room`, mediator);
    a = await openRoomPage(`${server.url}/j/${parties[0]!.token}/room`);
    b = await openRoomPage(`${server.url}/j/${parties[1]!.token}/room`);
    await eventually(async () =>
      expect(
        server.rooms
          .get(caseId)
          ?.members()
          .filter((x) => x.status === 'lobby'),
      ).toHaveLength(2),
    );
    for (const p of parties) await m.page.evaluate((peerId) => (window as any).__jiefenRoom.socket.emitWithAck('mediator:admit', { peerId }), p.id);
    await expectReceivingFrom(b.page, [mediatorId, parties[0]!.id]);
    await expectReceivingFrom(a.page, [mediatorId, parties[1]!.id]);
  });

  afterAll(async () => {
    for (const p of [m, a, b]) await p?.close();
    await server?.close();
  });

  const openCaucusPanel = async () => {
    if (!(await m.page.getByTestId('caucus-side-A').isVisible())) await m.page.getByTestId('toolbar-caucus').click();
  };

  it('side B is cut off from the mediator and side A (media and chat); side A hears the mediator', async () => {
    const [pa, pb] = parties;
    await openCaucusPanel();
    await m.page.getByTestId('caucus-side-A').click();
    await b.page.getByTestId('caucus-waiting').waitFor();
    expect(await b.page.getByTestId('caucus-waiting').textContent()).toContain('调解员正在与对方单独沟通');
    await new Promise((r) => setTimeout(r, 500));
    await expectFrozenFrom(b.page, mediatorId);
    await expectFrozenFrom(b.page, pa!.id);
    await expectReceivingFrom(a.page, [mediatorId]);
    await expectFrozenFrom(a.page, pb!.id);

    // Chat in the caucus does not reach side B.
    await a.page.evaluate(() => (window as any).__jiefenRoom.socket.emitWithAck('chat:send', { text: '甲方底线：八千元' }));
    await m.page.getByTestId('toolbar-chat').click();
    await m.page.getByTestId('chat-message').filter({ hasText: '甲方底线' }).first().waitFor();
    await m.page.getByTestId('toolbar-chat').click();
    expect(await b.page.content()).not.toContain('甲方底线');

    // Knock from the waiting side reaches the mediator.
    await b.page.getByTestId('caucus-knock').click();
    await m.page.getByTestId('knock-toast').first().waitFor();

    await openCaucusPanel();
    await m.page.getByTestId('caucus-end-all').click();
    await expectReceivingFrom(b.page, [mediatorId, pa!.id]);
    await expectReceivingFrom(a.page, [mediatorId, pb!.id]);
  });

  it('20 consecutive switches keep the same transports and ICE connected', async () => {
    const pages = [m, a, b];
    const before = await Promise.all(pages.map((p) => debug(p.page)));
    const transportsBefore = server.rooms.get(caseId)!.media.counts().transports;
    const room = server.rooms.get(caseId)!;
    const me = room.member(mediatorId)!;
    for (let i = 0; i < 20; i++) {
      const target = i % 3 === 2 ? null : parties[i % 3]!.id;
      if (target) await room.startCaucus(me, [target]);
      else await room.endAllCaucuses(me);
      await new Promise((r) => setTimeout(r, 150));
    }
    await room.endAllCaucuses(me);
    const after = await Promise.all(pages.map((p) => debug(p.page)));
    for (let i = 0; i < pages.length; i++) {
      expect(after[i]!.send).toBe(before[i]!.send);
      expect(after[i]!.recv).toBe(before[i]!.recv);
      expect(after[i]!.ice.send).toMatch(/connected|completed/);
      expect(after[i]!.ice.recv).toMatch(/connected|completed/);
    }
    expect(room.media.counts().transports).toBe(transportsBefore);
    await expectReceivingFrom(b.page, [mediatorId, parties[0]!.id]);
    await expectReceivingFrom(a.page, [mediatorId, parties[1]!.id]);
  });

  it("side A's notepad: the mediator quotes it and puts a proposal into the joint draft; side B sees the proposal, never A's notepad", async () => {
    await a.page.getByTestId('toolbar-notepad').click();
    await a.page.getByTestId('notepad-text').fill('底线：乙方赔偿维修费8000元\n私下：6000元也可以接受');
    await a.page.locator('[data-testid="notepad-status"][data-state="saved"]').waitFor({ timeout: 10_000 });

    await m.page.getByTestId('toolbar-notepad').click();
    await m.page.getByTestId('notepad-tab-A').click();
    const notepad = m.page.getByTestId('notepad-text');
    await eventually(async () => expect(await notepad.inputValue()).toContain('6000元'));
    await notepad.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(0, el.value.indexOf('\n')));
    await m.page.getByTestId('carry-from-selection').click();
    expect(await m.page.getByTestId('carry-text').inputValue()).toBe('底线：乙方赔偿维修费8000元');
    await m.page.getByTestId('carry-text').fill('乙方赔偿甲方维修费8000元。');
    await m.page.getByTestId('propose-to-draft').click();
    const dialog = m.page.getByTestId('confirm-dialog');
    await dialog.getByTestId('propose-clause').waitFor();
    expect(await dialog.getByTestId('propose-preview').textContent()).toBe('乙方赔偿甲方维修费8000元。');
    await dialog.getByRole('button', { name: '放入草稿' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await m.page.getByTestId('carry-text').inputValue()).toBe('');

    await b.page.getByTestId('toolbar-agreement').click();
    const suggestion = b.page.getByTestId('suggestion').filter({ hasText: '乙方赔偿甲方维修费8000元。' });
    await suggestion.waitFor({ timeout: 15_000 });
    expect(await suggestion.getAttribute('data-status')).toBe('open');
    expect(await b.page.content()).not.toContain('6000元也可以接受');
    const audit = await server.ctx.db.auditEntry.findFirst({ where: { caseId, type: 'AGREEMENT_SUGGESTION_FROM_NOTEPAD' } });
    expect(JSON.parse(audit!.data)).toMatchObject({ fromSide: 'A', verbatim: false });
  });
});
