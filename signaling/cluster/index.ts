// Several-node mode (REDIS_URL set): this node's id and its Redis-backed pieces — requests to
// other nodes, the room-owner registry, kept room state and the agreement relay. Without
// REDIS_URL none of this exists and the server runs as one embedded node.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { DocRelay } from './doc-relay.ts';
import { NodeRpc } from './node-rpc.ts';
import { connectRedis, redact, type RedisLink } from './redis-link.ts';
import { RoomOwners } from './room-owners.ts';
import { RoomStateStore } from './room-state-store.ts';

export interface Cluster {
  nodeId: string;
  redis: RedisLink;
  rpc: NodeRpc;
  owners: RoomOwners;
  states: RoomStateStore;
  docs: DocRelay;
  close(): Promise<void>;
}

export interface ClusterTiming {
  /** How long a room stays claimed after its node stops renewing (i.e. died). */
  ownerTtlMs: number;
}

export async function joinCluster(url: string, log: FastifyBaseLogger, timing: ClusterTiming = { ownerTtlMs: 4_000 }): Promise<Cluster> {
  const nodeId = randomUUID();
  const redis = await connectRedis(url);
  redis.command.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection problem'));
  redis.subscriber.on('error', (err: Error) => log.warn({ err: err.message }, 'redis subscriber problem'));
  const rpc = await NodeRpc.start(nodeId, redis.command, redis.subscriber, log);
  const owners = new RoomOwners(redis.command, nodeId, { ttlMs: timing.ownerTtlMs, renewEveryMs: Math.max(200, Math.floor(timing.ownerTtlMs / 4)), log });
  const docs = new DocRelay(nodeId, redis.command, redis.subscriber, log);
  log.info({ nodeId, redis: redact(url) }, 'joined the cluster');
  return {
    nodeId,
    redis,
    rpc,
    owners,
    states: new RoomStateStore(redis.command),
    docs,
    async close() {
      await owners.close();
      docs.close();
      await rpc.close();
      await redis.close();
    },
  };
}
