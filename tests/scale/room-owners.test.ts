// The room-owner registry and node requests against a real redis-server: one owner per room,
// renewal only by the holder, takeover only from the node named gone, a node that lost a room
// is told so, and a request to a node that is not there fails at once.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MessageAuth } from '../../signaling/cluster/message-auth.ts';
import { NodeGoneError, NodeRpc } from '../../signaling/cluster/node-rpc.ts';
import { RoomOwners } from '../../signaling/cluster/room-owners.ts';
import { startRedis, type RedisServer } from '../support/cluster.ts';

let redis: RedisServer;
const connections: Redis[] = [];
const owners: RoomOwners[] = [];
/** The cluster key all these "nodes" share. */
const auth = new MessageAuth(randomBytes(32));

function connection(): Redis {
  const r = new Redis(redis.url);
  connections.push(r);
  return r;
}
function registry(nodeId: string, ttlMs = 400): RoomOwners {
  const o = new RoomOwners(connection(), nodeId, { ttlMs, renewEveryMs: 100 }, auth);
  owners.push(o);
  return o;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const o of owners) await o.close();
  for (const c of connections) c.disconnect();
  await redis?.stop();
});

describe('room owners', () => {
  it('the first claim wins; others learn the owner; renewal keeps it past the TTL', async () => {
    const [n1, n2] = [registry('node-1'), registry('node-2')];
    expect(await n1.claim('case-1')).toBe('node-1');
    expect(await n2.claim('case-1')).toBe('node-1');
    await sleep(1000); // 2.5 TTLs: only renewal keeps the claim
    expect(await n2.ownerOf('case-1')).toBe('node-1');
    expect(n2.holds('case-1')).toBe(false);
  });

  it('release frees the room only for its holder', async () => {
    const [n1, n2] = [registry('node-1'), registry('node-2')];
    await n1.claim('case-2');
    await n2.release('case-2'); // not its room: nothing happens
    expect(await n1.ownerOf('case-2')).toBe('node-1');
    await n1.release('case-2');
    expect(await n1.ownerOf('case-2')).toBeNull();
    expect(await n2.claim('case-2')).toBe('node-2');
  });

  it('a claim lapses when its node stops renewing; takeover is compare-and-set on the gone node', async () => {
    const deadConnection = connection();
    const dead = new RoomOwners(deadConnection, 'node-dead', { ttlMs: 400, renewEveryMs: 100 }, auth);
    await dead.claim('case-3');
    await dead.claim('case-4');
    const n2 = registry('node-2');
    const n3 = registry('node-3');
    expect(await n2.takeOver('case-3', 'node-other')).toBe(false); // wrong node named: refused
    expect(await n2.takeOver('case-3', 'node-dead')).toBe(true);
    expect(await n3.takeOver('case-3', 'node-dead')).toBe(false); // already taken
    expect(await n3.ownerOf('case-3')).toBe('node-2');
    // Cut off from Redis (as a killed process is), the other claim lapses by itself after the TTL.
    deadConnection.disconnect();
    expect(await n3.claim('case-4')).toBe('node-dead');
    await sleep(600);
    expect(await n3.claim('case-4')).toBe('node-3');
    await dead.close();
  });

  it('a node whose room was taken while it was cut off is told, once', async () => {
    const n1 = registry('node-1');
    const lost: string[] = [];
    n1.onLost = (caseId) => lost.push(caseId);
    await n1.claim('case-5');
    await connection().set('jiefen:room-owner:case-5', n1.entry('case-5', 'node-9'), 'PX', 5000); // someone else took it
    await sleep(400);
    expect(lost).toEqual(['case-5']);
    expect(n1.holds('case-5')).toBe(false);
    expect(await n1.ownerOf('case-5')).toBe('node-9');
  });
});

describe('node requests', () => {
  it('calls reach the named node and come back in order; a gone node fails at once', async () => {
    const a = await NodeRpc.start('00000000-0000-4000-8000-00000000000a', connection(), connection(), auth);
    const b = await NodeRpc.start('00000000-0000-4000-8000-00000000000b', connection(), connection(), auth);
    const seen: number[] = [];
    b.handle('echo', z.unknown(), (args, from) => ({ args, from }));
    b.handle('note', z.number(), (args) => void seen.push(args));
    b.handle('fail', z.unknown(), () => {
      throw new Error('refused here');
    });
    expect(await a.call(b.nodeId, 'echo', { x: 1 })).toEqual({ args: { x: 1 }, from: a.nodeId });
    for (let i = 0; i < 50; i++) await a.send(b.nodeId, 'note', i);
    await a.call(b.nodeId, 'echo', null); // the reply comes after every earlier message was handled
    expect(seen).toEqual([...Array(50).keys()]);
    await expect(a.call(b.nodeId, 'fail', null)).rejects.toThrow('refused here');
    expect(await a.isAlive(b.nodeId)).toBe(true);
    await b.close();
    expect(await a.isAlive(b.nodeId)).toBe(false);
    const started = Date.now();
    await expect(a.call(b.nodeId, 'echo', null)).rejects.toBeInstanceOf(NodeGoneError);
    expect(Date.now() - started).toBeLessThan(500);
    await a.close();
  });
});
