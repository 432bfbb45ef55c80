// Several-node mode (REDIS_URL set): this node's id and its Redis-backed pieces — requests to
// other nodes, the room-owner registry, kept room state and the agreement relay. Without
// REDIS_URL none of this exists and the server runs as one embedded node.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { DocRelay } from './doc-relay.ts';
import { MessageAuth, type DropReason } from './message-auth.ts';
import { NodeRpc } from './node-rpc.ts';
import { connectRedis, redact, type RedisLink } from './redis-link.ts';
import { RoomOwners } from './room-owners.ts';
import { RedisRoomStateStore, type RoomStateStore } from './room-state-store.ts';

export interface Cluster {
  nodeId: string;
  redis: RedisLink;
  rpc: NodeRpc;
  owners: RoomOwners;
  states: RoomStateStore;
  docs: DocRelay;
  /** Signs and checks every message between nodes; counts the dropped ones. */
  auth: MessageAuth;
  close(): Promise<void>;
}

export interface ClusterTiming {
  /** How long a room stays claimed after its node stops renewing (i.e. died). */
  ownerTtlMs: number;
}

/** A warning per kind of drop at most every 10 s, with how many since (a flood must not flood the log). */
function dropLogger(log: FastifyBaseLogger): (reason: DropReason, channel: string) => void {
  const last = new Map<DropReason, { at: number; since: number }>();
  return (reason, channel) => {
    const entry = last.get(reason) ?? { at: 0, since: 0 };
    entry.since += 1;
    last.set(reason, entry);
    if (Date.now() - entry.at < 10_000) return;
    log.warn({ reason, channel, dropped: entry.since }, 'dropped a message from Redis that no node of this cluster sent (or a malformed one)');
    entry.at = Date.now();
    entry.since = 0;
  };
}

/** `key`: the cluster message key (message-auth.ts clusterKey), the same on every node. */
export async function joinCluster(url: string, log: FastifyBaseLogger, timing: ClusterTiming, key: Buffer): Promise<Cluster> {
  const nodeId = randomUUID();
  const auth = new MessageAuth(key, dropLogger(log));
  const redis = await connectRedis(url);
  redis.command.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection problem'));
  redis.subscriber.on('error', (err: Error) => log.warn({ err: err.message }, 'redis subscriber problem'));
  const rpc = await NodeRpc.start(nodeId, redis.command, redis.subscriber, auth, log);
  const owners = new RoomOwners(redis.command, nodeId, { ttlMs: timing.ownerTtlMs, renewEveryMs: Math.max(200, Math.floor(timing.ownerTtlMs / 4)), log }, auth);
  const docs = new DocRelay(nodeId, redis.command, redis.subscriber, auth, log);
  log.info({ nodeId, redis: redact(url) }, 'joined the cluster');
  return {
    nodeId,
    redis,
    rpc,
    owners,
    states: new RedisRoomStateStore(redis.command, auth),
    docs,
    auth,
    async close() {
      await owners.close();
      docs.close();
      await rpc.close();
      await redis.close();
    },
  };
}
