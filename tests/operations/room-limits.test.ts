// Limits on what one connection may write in a live room (real server, real mediasoup, real
// SQLite): a flood of chat messages, notepad saves or caucus knocks is refused with RATE_LIMITED
// (its Chinese message) while the connection stays usable; and the chat history a member gets on
// joining is the newest messages, not the oldest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomTestClient } from '../support/room-client.ts';
import { seedLeakCase, startTestServer, type SeededParty, type TestServer } from '../support/server.ts';
import { eventually } from '../support/wait.ts';

let server: TestServer;
let caseId: string;
let parties: SeededParty[];
let mediator: RoomTestClient;
let partyAPeer: string;
const clients: RoomTestClient[] = [];

async function connect(auth: { token?: string; cookie?: string }): Promise<RoomTestClient> {
  const c = new RoomTestClient(server.url, auth);
  clients.push(c);
  await c.connected();
  return c;
}

async function admitted(token: string): Promise<{ client: RoomTestClient; peerId: string }> {
  const client = await connect({ token });
  const joined = await client.ok('room:join', { caseId });
  await mediator.ok('mediator:admit', { peerId: joined.self.peerId });
  await client.waitFor('room:admitted');
  return { client, peerId: joined.self.peerId };
}

/** Sends `n` requests at once and counts the answers by code. */
async function burst(c: RoomTestClient, event: Parameters<RoomTestClient['request']>[0], payload: (i: number) => unknown, n: number) {
  const replies = await Promise.all(Array.from({ length: n }, (_, i) => c.request(event, payload(i))));
  const refused = replies.filter((r) => !r.ok) as Array<{ ok: false; code: string; message: string }>;
  return { accepted: replies.length - refused.length, refused };
}

beforeAll(async () => {
  server = await startTestServer();
  const seeded = await seedLeakCase(server);
  caseId = seeded.caseId;
  parties = seeded.parties;
  mediator = await connect({ cookie: seeded.mediator.cookie });
  await mediator.ok('room:join', { caseId });
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

describe('per-connection rate limits', () => {
  it('refuses a chat flood with RATE_LIMITED and accepts messages again a moment later', async () => {
    const { accepted, refused } = await burst(mediator, 'chat:send', (i) => ({ text: `第${i}条` }), 30);
    expect(accepted).toBe(10);
    expect(refused).toHaveLength(20);
    for (const r of refused) expect(r.code).toBe('RATE_LIMITED');
    expect(refused[0]!.message).toMatch(/频繁/);
    // The connection is still usable: after the bucket refills, one more message goes through.
    await eventually(async () => expect((await mediator.request('chat:send', { text: '稍后再发' })).ok).toBe(true), 5_000);
  });

  it('refuses a notepad flood, per connection (another member is not affected)', async () => {
    const { client: partyA, peerId } = await admitted(parties[0]!.token);
    partyAPeer = peerId;
    const flood = await burst(partyA, 'notepad:update', (i) => ({ side: 'A', content: `草稿 ${i}` }), 40);
    expect(flood.accepted).toBe(20);
    expect(flood.refused.every((r) => r.code === 'RATE_LIMITED')).toBe(true);
    expect((await mediator.request('notepad:update', { side: 'B', content: '调解员记录' })).ok).toBe(true);
  });

  it('refuses a knock flood from a waiting party', async () => {
    const { client: partyB } = await admitted(parties[1]!.token);
    // A caucus with side A: side B waits in the joint room and may knock.
    await mediator.ok('caucus:start', { peerIds: [partyAPeer] });
    const { accepted, refused } = await burst(partyB, 'caucus:knock', () => ({}), 8);
    expect(accepted).toBe(3);
    expect(refused).toHaveLength(5);
    expect(refused[0]).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/敲门/) });
    await mediator.ok('caucus:endAll');
  });
});

describe('chat history', () => {
  it('returns the newest 500 messages, oldest first', async () => {
    const base = Date.now() - 3_600_000;
    await server.ctx.db.chatMessage.createMany({
      data: Array.from({ length: 600 }, (_, i) => ({
        caseId,
        scope: 'joint',
        senderId: 'seed',
        senderName: '种子',
        text: `旧消息${i}`,
        at: new Date(base + i * 1000),
      })),
    });
    const { messages } = await mediator.ok('chat:history');
    expect(messages).toHaveLength(500);
    // The messages sent by the tests above are the newest of all.
    expect(messages.at(-1)!.text).toBe('稍后再发');
    expect(messages.some((m) => m.text === '旧消息0')).toBe(false);
    expect(messages.some((m) => m.text === '旧消息599')).toBe(true);
    const times = messages.map((m) => Date.parse(m.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
