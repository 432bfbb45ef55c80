// A single node's kept room state (no Redis): the same snapshot the several-node owner keeps in
// Redis, in the RoomState table, so a server restarted after a crash or an upgrade brings its
// rooms back — admissions, caucuses, mediator's mutes. Each save is committed (WAL, synchronous
// FULL) before it resolves. A row is stale once its room has not been open here for `maxAgeMs`
// (the server was down that long): it is ignored and deleted, and the room starts in the lobby.
import type { Db } from '../db.ts';
import { parseSnapshot, type RoomSnapshot, type RoomStateStore } from '../cluster/room-state-store.ts';

export interface SqliteRoomStateOptions {
  /** How long a room's state outlives the server being away. */
  maxAgeMs: number;
  now?: () => Date;
}

export class SqliteRoomStateStore implements RoomStateStore {
  readonly durable = true;
  readonly #now: () => Date;

  constructor(
    private readonly db: Db,
    private readonly options: SqliteRoomStateOptions,
  ) {
    this.#now = options.now ?? (() => new Date());
  }

  async save(caseId: string, snapshot: RoomSnapshot): Promise<void> {
    const now = this.#now();
    const json = JSON.stringify(snapshot);
    await this.db.roomState.upsert({
      where: { caseId },
      create: { caseId, snapshot: json, savedAt: now, aliveAt: now },
      update: { snapshot: json, savedAt: now, aliveAt: now },
    });
  }

  async load(caseId: string): Promise<RoomSnapshot | null> {
    const row = await this.db.roomState.findUnique({ where: { caseId } });
    if (!row) return null;
    if (row.aliveAt.getTime() < this.#staleBefore().getTime()) {
      await this.remove(caseId);
      return null;
    }
    return parseSnapshot(row.snapshot);
  }

  async remove(caseId: string): Promise<void> {
    await this.db.roomState.deleteMany({ where: { caseId } });
  }

  async touch(caseIds: string[]): Promise<void> {
    if (caseIds.length === 0) return;
    await this.db.roomState.updateMany({ where: { caseId: { in: caseIds } }, data: { aliveAt: this.#now() } });
  }

  /** Deletes every stale row (at start: rooms nobody will come back to); returns how many. */
  async purgeStale(): Promise<number> {
    const { count } = await this.db.roomState.deleteMany({ where: { aliveAt: { lt: this.#staleBefore() } } });
    return count;
  }

  /** How often an open room must be touched so it never looks stale. */
  get touchEveryMs(): number {
    return Math.max(1000, Math.floor(this.options.maxAgeMs / 4));
  }

  #staleBefore(): Date {
    return new Date(this.#now().getTime() - this.options.maxAgeMs);
  }
}
