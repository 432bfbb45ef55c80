// One node (no REDIS_URL): live rooms' state is kept in SQLite so a restart brings them back.
// At start the rows of rooms the server was away from for too long are dropped.
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.ts';
import type { RoomRegistryOptions } from './room-registry.ts';
import { SqliteRoomStateStore } from './sqlite-room-state-store.ts';

export async function singleNodeRoomStates(ctx: AppContext, log: FastifyBaseLogger): Promise<Pick<RoomRegistryOptions, 'stateStore' | 'touchEveryMs'>> {
  const store = new SqliteRoomStateStore(ctx.db, { maxAgeMs: ctx.config.roomStateMaxAgeMs });
  const stale = await store.purgeStale();
  if (stale > 0) log.info({ rooms: stale }, 'dropped the kept state of rooms the server was away from for too long');
  const kept = await ctx.db.roomState.count();
  if (kept > 0) log.info({ rooms: kept }, 'live rooms kept from before the restart come back on their first join');
  return { stateStore: store, touchEveryMs: store.touchEveryMs };
}
