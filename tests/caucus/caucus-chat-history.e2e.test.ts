// The caucus chat stays in the mediator's own chat history after the caucus ends (issue 13,
// item 10), while the other side never receives it — checked in the mediator's Chromium and on
// the wire of both parties (Node socket clients), including each party's own chat history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomTestClient } from '../support/room-client.ts';
import { openRoomPage, type RoomPage } from '../support/room-pages.ts';
import { seedLeakCase, startTestServer, type SeededParty, type StaffClient, type TestServer } from '../support/server.ts';
import { eventually } from '../support/wait.ts';

describe('caucus chat in the mediator history', () => {
  let server: TestServer;
  let mediator: StaffClient;
  let caseId: string;
  let parties: SeededParty[];
  let m: RoomPage;
  let a: RoomTestClient;
  let b: RoomTestClient;

  beforeAll(async () => {
    server = await startTestServer({ ROOM_RECONNECT_GRACE_SEC: '30' });
    ({ mediator, caseId, parties } = await seedLeakCase(server));
    m = await openRoomPage(`${server.url}/cases/${caseId}/room`, mediator);
    await m.page.getByTestId('room').waitFor({ timeout: 20_000 });
    a = new RoomTestClient(server.url, { token: parties[0]!.token });
    b = new RoomTestClient(server.url, { token: parties[1]!.token });
    for (const c of [a, b]) {
      await c.connected();
      await c.ok('room:join', { caseId });
    }
    for (const p of parties) await m.page.evaluate((peerId) => (window as any).__jiefenRoom.socket.emitWithAck('mediator:admit', { peerId }), p.id);
    for (const c of [a, b]) await c.waitFor('room:admitted');
  });

  afterAll(async () => {
    a?.close();
    b?.close();
    await m?.close();
    await server?.close();
  });

  const chatTexts = async () => (await m.page.getByTestId('chat-message').allInnerTexts()).join('\n');

  it("keeps side A's caucus chat in the mediator's history; side B never gets it", async () => {
    await a.ok('chat:send', { text: '联合调解：大家好' });
    await m.page.getByTestId('toolbar-caucus').click();
    await m.page.getByTestId('caucus-side-A').click();
    const closePanel = m.page.getByTestId('caucus-panel-close');
    if (await closePanel.isVisible()) await closePanel.click();
    await b.waitFor('room:location', (l) => l.waiting === true);

    await a.ok('chat:send', { text: '甲方底线：八千元' });
    await m.page.getByTestId('toolbar-chat').click();
    await m.page.getByTestId('chat-input').fill('调解员：收到，我会斟酌');
    await m.page.getByTestId('chat-send').click();
    await m.page.getByTestId('chat-message').filter({ hasText: '调解员：收到' }).waitFor();
    await m.page.getByTestId('toolbar-chat').click();

    // Back to the joint session.
    await m.page.getByTestId('location-return').click();
    await b.waitFor('room:location', (l) => l.waiting === false && l.room === 'joint');

    await m.page.getByTestId('toolbar-chat').click();
    await eventually(async () => {
      const texts = await chatTexts();
      expect(texts).toContain('联合调解：大家好');
      expect(texts).toContain('甲方底线：八千元');
      expect(texts).toContain('调解员：收到，我会斟酌');
    });
    // Marked as written in a caucus.
    const caucusLine = m.page.getByTestId('chat-message').filter({ hasText: '甲方底线' });
    expect(await caucusLine.getByTestId('chat-message-caucus').count()).toBe(1);
    expect(await m.page.getByTestId('chat-message').filter({ hasText: '联合调解：大家好' }).getByTestId('chat-message-caucus').count()).toBe(0);

    // Side B: never received it live, and its history (joint) does not hold it.
    const bReceived = b.events.filter((e) => e.event === 'chat:message').map((e) => e.payload.text as string);
    expect(bReceived).toEqual(['联合调解：大家好']);
    const bHistory = (await b.ok('chat:history', {})).messages.map((x) => x.text);
    expect(bHistory).toEqual(['联合调解：大家好']);
    // Side A, back in the joint session, sees the joint chat only (its caucus was its own room).
    const aHistory = (await a.ok('chat:history', {})).messages.map((x) => x.text);
    expect(aHistory).toEqual(['联合调解：大家好']);
  });
});
