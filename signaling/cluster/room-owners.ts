// Which node owns each live room (its media lives there). The owner holds a Redis key with a
// short TTL and renews it; when a node dies its keys lapse and another node may claim the room.
// The key holds `<nodeId>.<tag>`, the tag binding node and room to the cluster key
// (message-auth.ts): an entry written by anyone else counts as no owner and is cleared on claim.
import type { Redis } from 'ioredis';
import type { MessageAuth } from './message-auth.ts';
import { runDetached, stderrLog, type DetachedLog } from '../detached.ts';

const keyOf = (caseId: string) => `jiefen:room-owner:${caseId}`;

// Renew while we still hold the key (1). A key that is simply gone — Redis restarted empty, or our
// lease lapsed while we were cut off and nobody claimed the room — is taken again (2): the room
// still lives here. Only a key someone else holds means the room is lost (0).
const RENEW = `local v = redis.call('get', KEYS[1])
if v == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
if not v then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// Take over from a node known to be gone (compare-and-set on its id).
const TAKE_OVER = `if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end`;

export interface RoomOwnersOptions {
  ttlMs: number;
  renewEveryMs: number;
  /** Where failed renewals and releases are reported (default: stderr). */
  log?: DetachedLog;
}

export class RoomOwners {
  readonly #held = new Set<string>();
  readonly #timer: NodeJS.Timeout;
  /** Called when a room we held is now someone else's (e.g. we were cut off longer than the TTL). */
  onLost: (caseId: string) => void = () => undefined;
  /** Called when a room's lease had vanished and was taken again (what Redis kept for it may be gone too). */
  onReclaimed: (caseId: string) => void = () => undefined;

  constructor(
    private readonly redis: Redis,
    readonly nodeId: string,
    private readonly options: RoomOwnersOptions,
    private readonly auth: MessageAuth,
  ) {
    this.#timer = setInterval(() => runDetached(options.log ?? stderrLog, 'room owners: renew', () => this.#renewAll()), options.renewEveryMs);
    this.#timer.unref();
  }

  /** The entry a node holds for a room. */
  entry(caseId: string, nodeId: string): string {
    return `${nodeId}.${this.auth.tag(`room-owner\0${caseId}\0${nodeId}`)}`;
  }

  /** The owner's node id, or null (nobody, or an entry no node wrote). */
  async ownerOf(caseId: string): Promise<string | null> {
    return this.#verified(caseId, await this.redis.get(keyOf(caseId)));
  }

  #verified(caseId: string, entry: string | null): string | null {
    if (entry === null) return null;
    const nodeId = entry.slice(0, entry.lastIndexOf('.'));
    if (nodeId && entry === this.entry(caseId, nodeId)) return nodeId;
    this.auth.malformed(keyOf(caseId));
    return null;
  }

  /** Claims the room if nobody owns it; returns the owner either way. */
  async claim(caseId: string): Promise<string> {
    const mine = this.entry(caseId, this.nodeId);
    for (;;) {
      const set = await this.redis.set(keyOf(caseId), mine, 'PX', this.options.ttlMs, 'NX');
      if (set === 'OK') {
        this.#held.add(caseId);
        return this.nodeId;
      }
      const entry = await this.redis.get(keyOf(caseId));
      const owner = this.#verified(caseId, entry);
      if (owner === this.nodeId) this.#held.add(caseId);
      if (owner) return owner;
      // A forged entry is cleared (compare-and-delete); a lapsed one is simply gone: try again.
      if (entry !== null) await this.redis.eval(RELEASE, 1, keyOf(caseId), entry);
    }
  }

  /** Claims a room whose owner is gone; false if someone else already did. */
  async takeOver(caseId: string, goneNodeId: string): Promise<boolean> {
    const done =
      (await this.redis.eval(TAKE_OVER, 1, keyOf(caseId), this.entry(caseId, goneNodeId), this.entry(caseId, this.nodeId), this.options.ttlMs)) === 1;
    if (done) this.#held.add(caseId);
    return done;
  }

  holds(caseId: string): boolean {
    return this.#held.has(caseId);
  }

  async release(caseId: string): Promise<void> {
    if (!this.#held.delete(caseId)) return;
    // Unreleased, the claim lapses with its TTL: worth a line in the log, not a failure.
    await this.redis
      .eval(RELEASE, 1, keyOf(caseId), this.entry(caseId, this.nodeId))
      .catch((err: unknown) => (this.options.log ?? stderrLog).error({ caseId, err }, 'room owners: release failed'));
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all([...this.#held].map((caseId) => this.release(caseId)));
  }

  async #renewAll(): Promise<void> {
    for (const caseId of [...this.#held]) {
      let renewed: unknown;
      try {
        renewed = await this.redis.eval(RENEW, 1, keyOf(caseId), this.entry(caseId, this.nodeId), this.options.ttlMs);
      } catch {
        continue; // Redis unreachable: retry next round; the TTL decides if we lose the room
      }
      if (renewed === 0 && this.#held.delete(caseId)) this.onLost(caseId);
      else if (renewed === 2 && this.#held.has(caseId)) this.onReclaimed(caseId);
    }
  }
}
