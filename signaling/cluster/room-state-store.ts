// The part of a live room's state that must survive its node: who was admitted, the caucuses
// and the mediator's mutes. The owner writes it on every change; a node taking the room over
// after a failure reads it, so nobody waits in the lobby again and no caucus opens up.
// Several nodes keep it in Redis (here); a single node in SQLite (rooms/sqlite-room-state-store.ts).
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { MessageAuth } from './message-auth.ts';

export const RoomSnapshot = z.object({
  admittedPeerIds: z.array(z.string()),
  caucuses: z.array(z.object({ id: z.string(), memberPeerIds: z.array(z.string()), mediatorPeerIds: z.array(z.string()), startedAt: z.string() })),
  /** peerId → sources the mediator muted (sticky for new producers). */
  adminMuted: z.record(z.string(), z.array(z.enum(['microphone', 'camera', 'screen']))),
  startedAt: z.string(),
});
export type RoomSnapshot = z.infer<typeof RoomSnapshot>;

const keyOf = (caseId: string) => `jiefen:room-state:${caseId}`;
// A room nobody touched for a day is not coming back.
const TTL_SEC = 24 * 3600;

/** Where a room's snapshot is kept between its node's death (or restart) and the room's next start. */
export interface RoomStateStore {
  /** Saves survive a crash of this machine: requests that changed the state are acknowledged after them. */
  readonly durable: boolean;
  /** Resolves once the snapshot is stored (durably, for the SQLite store). */
  save(caseId: string, snapshot: RoomSnapshot): Promise<void>;
  load(caseId: string): Promise<RoomSnapshot | null>;
  remove(caseId: string): Promise<void>;
  /** The rooms are still open here (so their state is not stale); stores that expire on their own leave it out. */
  touch?(caseIds: string[]): Promise<void>;
}

/** Kept signed (message-auth.ts): a state written into Redis by anyone else is not restored. */
export class RedisRoomStateStore implements RoomStateStore {
  // Kept for another node, not for this one's crash; a Redis outage must not hold up requests.
  readonly durable = false;

  constructor(
    private readonly redis: Redis,
    private readonly auth: MessageAuth,
  ) {}

  async save(caseId: string, snapshot: RoomSnapshot): Promise<void> {
    const key = keyOf(caseId);
    await this.redis.set(key, this.auth.seal(key, JSON.stringify(snapshot)), 'EX', TTL_SEC);
  }

  /** The last saved state, or null (none, or unsigned or unreadable — then the room starts fresh). */
  async load(caseId: string): Promise<RoomSnapshot | null> {
    const key = keyOf(caseId);
    const raw = await this.redis.getBuffer(key);
    if (!raw) return null;
    const opened = this.auth.open(key, raw, true);
    if (!opened.ok) return null;
    const snapshot = parseSnapshot(opened.payload.toString('utf8'));
    if (!snapshot) this.auth.malformed(key);
    return snapshot;
  }

  async remove(caseId: string): Promise<void> {
    await this.redis.del(keyOf(caseId));
  }
}

/** A stored snapshot, or null when there is none or it cannot be read (the room then starts fresh). */
export function parseSnapshot(raw: string | null | undefined): RoomSnapshot | null {
  if (!raw) return null;
  try {
    const parsed = RoomSnapshot.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
