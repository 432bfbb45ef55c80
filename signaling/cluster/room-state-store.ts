// The part of a live room's state that must survive its node: who was admitted, the caucuses
// and the mediator's mutes. The owner writes it on every change; a node taking the room over
// after a failure reads it, so nobody waits in the lobby again and no caucus opens up.
import type { Redis } from 'ioredis';
import { z } from 'zod';

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

export class RoomStateStore {
  constructor(private readonly redis: Redis) {}

  async save(caseId: string, snapshot: RoomSnapshot): Promise<void> {
    await this.redis.set(keyOf(caseId), JSON.stringify(snapshot), 'EX', TTL_SEC);
  }

  /** The last saved state, or null (none, or unreadable — then the room starts fresh). */
  async load(caseId: string): Promise<RoomSnapshot | null> {
    const raw = await this.redis.get(keyOf(caseId));
    if (!raw) return null;
    const parsed = RoomSnapshot.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  async remove(caseId: string): Promise<void> {
    await this.redis.del(keyOf(caseId));
  }
}
