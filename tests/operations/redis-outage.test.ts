// Redis killed for 10 s under two nodes (issue #14 item 3): a live room on its owner node keeps
// working (chat acknowledged, and after Redis is back too), editors of one agreement on node 1 and on node 2 keep editing
// (every edit acknowledged), and once Redis is back the two nodes' documents converge to the
// same content holding every acknowledged edit from both sides — the updates relayed during the
// outage were lost by pub/sub and come back through the catch-up (cluster/doc-relay.ts).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import { startCluster, startRedis, type RedisServer, type TestCluster } from '../support/cluster.ts';
import type { RoomTestClient } from '../support/room-client.ts';
import { StaffClient } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';
import { connectClient, setUpDraftCase, wsUrl, type DraftCase, type DraftClient } from '../drafting/sync-support.ts';
import { connect, roomsOf, seedClusterCase, type ClusterCase } from '../scale/cluster-support.ts';

const OUTAGE_MS = 10_000;

let cluster: TestCluster;
let draft: DraftCase;
let room: ClusterCase;
let restarted: RedisServer | undefined;
const opened: Array<{ close(): unknown } | { destroy(): unknown }> = [];

beforeAll(async () => {
  cluster = await startCluster();
  draft = await setUpDraftCase(cluster.nodes[0]!.url, cluster.admin);
  room = await seedClusterCase(cluster);
}, 120_000);
afterAll(async () => {
  for (const thing of opened) await ('close' in thing ? thing.close() : thing.destroy());
  await cluster?.close();
  await restarted?.stop();
});

function editor(node: number, cookie: string): DraftClient {
  const c = connectClient({ url: wsUrl(cluster.nodes[node]!.url), docName: agreementDocName(draft.caseId), cookie });
  opened.push(c);
  return c;
}

async function live(url: string): Promise<boolean> {
  return (await fetch(`${url}/api/health/live`)).ok;
}

async function redisCheck(url: string): Promise<{ status: number; redis: string | undefined }> {
  const res = await fetch(`${url}/api/health/ready`);
  const body = (await res.json()) as { checks: Record<string, { state: string }> };
  return { status: res.status, redis: body.checks.redis?.state };
}

describe('Redis killed for 10 s under two nodes', () => {
  it('rooms keep working, acknowledged edits on both nodes all reach both nodes once Redis is back', { timeout: 90_000 }, async () => {
    const [node1, node2] = cluster.nodes;
    // Drafting: the mediator on node 1, the same mediator on a second device through node 2.
    const second = new StaffClient(node2!.url);
    await second.login(draft.mediatorLogin.username, draft.mediatorLogin.password);
    const a = editor(0, draft.mediator.cookie);
    const b = editor(1, second.cookie);
    await Promise.all([a.ready, b.ready]);
    const ta = a.doc.getText('outage');
    const tb = b.doc.getText('outage');
    ta.insert(0, '【前】');
    await a.acked();
    await waitFor(() => tb.toString() === '【前】', 5000, 'relay works before the outage');

    // A live room on node 1 (first come owns it): the mediator and a party, both on the owner.
    const mediator: RoomTestClient = await connect(node1!.url, { cookie: room.mediatorCookie });
    const party: RoomTestClient = await connect(node1!.url, { token: room.parties[0]!.token });
    opened.push(mediator, party);
    const joined = await party.ok('room:join', { caseId: room.caseId });
    await mediator.ok('room:join', { caseId: room.caseId });
    if (joined.status === 'lobby') {
      await mediator.waitFor('room:lobby', (p) => p.waiting.some((w: { peerId: string }) => w.peerId === joined.self.peerId));
      await mediator.ok('mediator:admit', { peerId: joined.self.peerId });
      await party.waitFor('room:admitted');
    }
    expect((await roomsOf(node1!.url)).rooms.map((r) => r.caseId)).toEqual([room.caseId]);

    // A real crash: SIGKILL, restarted on the same port once 10 s (measured) have passed.
    const port = cluster.redis.port;
    await cluster.redis.kill();
    const killedAt = Date.now();
    await waitFor(
      async () => (await redisCheck(node1!.url)).redis === 'failing' && (await redisCheck(node2!.url)).redis === 'failing',
      5000,
      'both nodes see Redis down',
    );

    const written: string[] = [];
    let chats = 0;
    for (let i = 0; Date.now() - killedAt < OUTAGE_MS - 1500; i++) {
      const fromA = `[一${i}]`;
      const fromB = `[二${i}]`;
      ta.insert(ta.length, fromA);
      tb.insert(0, fromB);
      await Promise.all([a.acked(), b.acked()]);
      written.push(fromA, fromB);
      // Chat both ways, within the per-connection rate limit (10, then one a second).
      if (i % 2 === 0) {
        const [from, to] = i % 4 === 0 ? [mediator, party] : [party, mediator];
        const text = `停机期间第${i}条`;
        const sent = await from.ok('chat:send', { text });
        expect(sent.message.text).toBe(text);
        await to.waitFor('chat:message', (m) => m.text === text);
        chats++;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    // Nothing crossed while Redis was down: this is what the catch-up has to bring.
    expect(ta.toString()).not.toContain('[二0]');
    expect(tb.toString()).not.toContain('[一0]');
    await waitFor(() => Date.now() - killedAt >= OUTAGE_MS, OUTAGE_MS, 'the outage lasting 10 s', 50);
    restarted = await startRedis(port);
    const outageMs = Date.now() - killedAt;
    expect(outageMs).toBeGreaterThanOrEqual(OUTAGE_MS);

    const converged = Date.now();
    await waitFor(
      () => ta.toString() === tb.toString() && written.every((w) => ta.toString().includes(w)),
      30_000,
      'both nodes converge on every acknowledged edit',
    );
    const convergedMs = Date.now() - converged;
    expect(ta.toString()).toContain('【前】');

    // Relay works again afterwards, and both nodes stayed up and are ready again.
    tb.insert(tb.length, '【后】');
    await b.acked();
    await waitFor(() => ta.toString().endsWith('【后】'), 10_000, 'relay after the outage');
    expect(node1!.alive && node2!.alive).toBe(true);
    expect((await live(node1!.url)) && (await live(node2!.url))).toBe(true);
    await waitFor(async () => (await redisCheck(node1!.url)).status === 200 && (await redisCheck(node2!.url)).status === 200, 15_000, 'both nodes ready');
    // The room lives on: Redis came back empty and the owner's lease lapsed meanwhile, but nobody
    // else claimed the room, so its owner takes the lease again and keeps its state there again.
    const redis = new Redis({ port, lazyConnect: true });
    await redis.connect();
    try {
      await waitFor(
        async () => (await redis.exists(`jiefen:room-owner:${room.caseId}`, `jiefen:room-state:${room.caseId}`)) === 2,
        10_000,
        'lease and room state kept again',
      );
    } finally {
      redis.disconnect();
    }
    const after = await mediator.ok('chat:send', { text: '恢复后的消息' });
    expect(after.message.text).toBe('恢复后的消息');
    await party.waitFor('chat:message', (m) => m.text === '恢复后的消息');
    expect(mediator.socket.connected && party.socket.connected).toBe(true);
    expect((await roomsOf(node1!.url)).rooms.map((r) => r.caseId)).toEqual([room.caseId]);
    console.log(`redis outage ${outageMs} ms: ${written.length} acknowledged edits, ${chats} chats during it; converged ${convergedMs} ms after restart`);
  });
});
