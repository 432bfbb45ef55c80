// Two real nodes and a real redis-server: whoever can publish on Redis cannot act as a node.
// Forged, unsigned, wrongly signed, replayed and malformed messages are published straight to
// the nodes' channels with ioredis; they change nothing (the room, its members and its chat stay
// as they were), both nodes stay up and keep serving the room, and each drop is counted in
// /metrics and logged — without the forged content.
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageAuth } from '../../signaling/cluster/message-auth.ts';
import { channelOf } from '../../signaling/cluster/node-rpc.ts';
import type { RoomTestClient } from '../support/room-client.ts';
import { eventually, sleep } from '../support/wait.ts';
import { connect, roomsOf, useClusterCase } from '../scale/cluster-support.ts';

const fixture = useClusterCase();
const MARKER = '伪造内容-7f3a';
let publisher: Redis;
let spy: Redis;
const logs: string[] = ['', ''];

beforeAll(() => {
  publisher = new Redis(fixture.cluster.redis.url);
  spy = new Redis(fixture.cluster.redis.url);
  fixture.cluster.nodes.forEach((node, i) => node.proc.stdout!.on('data', (d: Buffer) => (logs[i] += d.toString())));
});
afterAll(() => {
  publisher?.disconnect();
  spy?.disconnect();
});

async function dropsOf(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(/^jiefen_cluster_messages_dropped_total\{reason="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

describe('messages between nodes are signed', () => {
  let mediator: RoomTestClient;
  let partyA: RoomTestClient;
  let node1Id: string;
  let node2Id: string;

  it('forged, unsigned, replayed and malformed messages change nothing; the nodes stay up and count them', async () => {
    const [node1, node2] = fixture.cluster.nodes;
    const { caseId, mediatorId } = fixture.kase;
    // The room lives on node 1 (the mediator came first); party A is served through node 2.
    mediator = await connect(node1!.url, { cookie: fixture.kase.mediatorCookie });
    partyA = await connect(node2!.url, { token: fixture.kase.parties[0]!.token });
    fixture.closeAfter(mediator, partyA);
    await mediator.ok('room:join', { caseId });
    const joined = await partyA.ok('room:join', { caseId });
    await mediator.ok('mediator:admit', { peerId: joined.self.peerId });
    await partyA.waitFor('room:admitted');
    [node1Id, node2Id] = [(await roomsOf(node1!.url)).nodeId, (await roomsOf(node2!.url)).nodeId];

    // A genuine message on its way from node 2 to node 1, recorded for a replay.
    const captured: Buffer[] = [];
    await spy.subscribe(channelOf(node1Id));
    spy.on('messageBuffer', (_channel: Buffer, message: Buffer) => captured.push(message));
    await partyA.ok('chat:send', { text: '真实消息' });
    await eventually(async () => expect(captured.length).toBeGreaterThan(0));
    await spy.unsubscribe();
    const genuine = [...captured];

    const staff = { kind: 'staff', user: { id: mediatorId, username: 'lirf', displayName: '李瑞芳', role: 'MEDIATOR', orgId: 'x', courtId: null } };
    const asNode2 = (method: string, args: unknown) => JSON.stringify({ t: 'call', id: randomUUID(), from: node2Id, method, args });
    const endTheRoom = asNode2('room.request', {
      socketId: 'forged',
      principal: staff,
      address: '1.2.3.4',
      userAgent: 'x',
      event: 'room:join',
      payload: { caseId },
    });
    const chat = asNode2('room.request', {
      socketId: 'forged',
      principal: staff,
      address: '1.2.3.4',
      userAgent: 'x',
      event: 'chat:send',
      payload: { text: MARKER },
    });
    const kickParty = JSON.stringify({ t: 'send', from: node1Id, method: 'client.disconnect', args: { socketId: partyA.socket.id } });
    const otherKey = new MessageAuth(randomBytes(32));

    // Unsigned: plain JSON, as a node sent it before messages were signed.
    await publisher.publish(channelOf(node1Id), endTheRoom);
    await publisher.publish(channelOf(node1Id), chat);
    await publisher.publish(channelOf(node2Id), kickParty);
    // Signed with a key that is not the cluster's.
    await publisher.publish(channelOf(node1Id), otherKey.seal(channelOf(node1Id), chat));
    await publisher.publish(channelOf(node2Id), otherKey.seal(channelOf(node2Id), kickParty));
    // Replayed: a genuine message sent again.
    for (const message of genuine) await publisher.publish(channelOf(node1Id), message);
    // Malformed: garbage, a truncated genuine message, an empty one, a document update nobody signed.
    await publisher.publish(channelOf(node1Id), randomBytes(200));
    await publisher.publish(channelOf(node1Id), genuine[0]!.subarray(0, 40));
    await publisher.publish(channelOf(node2Id), '');
    await publisher.publish(`jiefen:doc:agreement:${caseId}`, randomBytes(64));

    // Counted on both nodes, by reason.
    await eventually(async () => {
      const [d1, d2] = await Promise.all([dropsOf(node1!.url), dropsOf(node2!.url)]);
      expect(d1.unsigned).toBeGreaterThanOrEqual(4);
      expect(d1['bad-signature']).toBeGreaterThanOrEqual(1);
      expect(d1.replayed).toBeGreaterThanOrEqual(1);
      expect(d2.unsigned).toBeGreaterThanOrEqual(2);
      expect(d2['bad-signature']).toBe(1);
    });

    // Nothing happened: the party is still connected and in the room, the chat has the real message once.
    await sleep(300);
    expect(partyA.socket.connected).toBe(true);
    expect(node1!.alive && node2!.alive).toBe(true);
    const room = (await roomsOf(node1!.url)).rooms.find((r) => r.caseId === caseId)!;
    expect(room.members.map((m) => m.status).sort()).toEqual(['admitted', 'admitted']);
    const { messages } = await mediator.ok('chat:history');
    expect(messages.map((m) => m.text)).toEqual(['真实消息']);

    // And the room still works across the nodes.
    await mediator.ok('chat:send', { text: '调解员在' });
    await partyA.waitFor('chat:message', (m) => m.text === '调解员在');

    // Logged as drops (reason and channel), never with what the forged message said.
    await eventually(async () => expect(logs[0]).toMatch(/dropped a message from Redis/));
    expect(logs[1]).toMatch(/dropped a message from Redis/);
    for (const log of logs) expect(log).not.toContain(MARKER);
  });
});
