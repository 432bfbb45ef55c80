// Live rooms by case id: created on first join (one mediasoup router each), dropped when closed.
// Concurrent first joins share one creation (single-flight). A room whose worker dies gets a new
// router on a live worker (waiting up to MEDIA_MOVE_TIMEOUT_MS for the pool to start one again).
import { setTimeout as delay } from 'node:timers/promises';
import type { WorkerPool } from '../../sfu/index.ts';
import type { ChatMessage } from '../protocol/room.ts';
import { MediaRoom } from '../../sfu/index.ts';
import { appendAudit, recordAudit } from '../audit/log.ts';
import type { AppContext } from '../context.ts';
import { BackgroundTasks, type TaskLog } from './background-tasks.ts';
import { LiveRoom, type LiveRoomCloseReason, type RoomPersistence } from './live-room.ts';
import type { RoomSnapshot, RoomStateStore } from '../cluster/room-state-store.ts';

export interface RoomRegistryOptions {
  reconnectGraceMs: number;
  /** Where rooms report failures of work nobody waits for (saving state, releasing a closed room). */
  log: TaskLog;
  /** Where a room's state is kept so another node (Redis) or this server after a restart (SQLite) can take it over. */
  stateStore?: RoomStateStore;
  /** How often open rooms' kept state is marked alive (stores with `touch`). */
  touchEveryMs?: number;
  /** Called after a room closed (several-node mode: give up its ownership). */
  onRoomClosed?: (caseId: string, reason: LiveRoomCloseReason) => Promise<void> | void;
}

// Closed for good: the state is not needed again. Other reasons (shutdown, moved) leave it
// for the node that takes the room over.
// A room whose media died told its members it ended: they start afresh.
const FINAL_CLOSE_REASONS = new Set<LiveRoomCloseReason>(['ended', 'empty', 'media-closed']);

/** How long a room whose worker died waits for a live one before it ends. */
const MEDIA_MOVE_TIMEOUT_MS = 20_000;

export class RoomRegistry {
  readonly #rooms = new Map<string, LiveRoom>();
  readonly #creating = new Map<string, Promise<LiveRoom>>();
  readonly #tasks: BackgroundTasks;

  readonly #touchTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly pool: WorkerPool,
    private readonly options: RoomRegistryOptions,
  ) {
    this.#tasks = new BackgroundTasks(options.log, { component: 'room-registry' });
    const touch = options.stateStore?.touch?.bind(options.stateStore);
    if (touch && options.touchEveryMs) {
      // Open rooms' kept state stays fresh; a row not renewed for long belongs to a server that was down.
      this.#touchTimer = setInterval(() => {
        const open = this.rooms().filter((r) => !r.closed);
        if (open.length > 0) this.#tasks.run('mark the kept room states as alive', () => touch(open.map((r) => r.caseId)));
      }, options.touchEveryMs);
      this.#touchTimer.unref();
    }
  }

  get(caseId: string): LiveRoom | undefined {
    return this.#rooms.get(caseId);
  }

  rooms(): LiveRoom[] {
    return [...this.#rooms.values()];
  }

  async getOrCreate(c: { id: string; number: string; title: string }): Promise<LiveRoom> {
    const live = this.#rooms.get(c.id);
    if (live && !live.closed) return live;
    let pending = this.#creating.get(c.id);
    if (!pending) {
      pending = this.#create(c).finally(() => this.#creating.delete(c.id));
      this.#creating.set(c.id, pending);
    }
    return pending;
  }

  async #create(c: { id: string; number: string; title: string }): Promise<LiveRoom> {
    const store = this.options.stateStore;
    const restore = (await store?.load(c.id)) ?? undefined;
    const media = await MediaRoom.create(this.pool, { roomId: c.id });
    const room: LiveRoom = new LiveRoom({
      caseId: c.id,
      caseNumber: c.number,
      caseTitle: c.title,
      media,
      persistence: this.#persistence(c.id),
      reconnectGraceMs: this.options.reconnectGraceMs,
      log: this.options.log,
      replaceMedia: () => this.#replaceMedia(c.id),
      ...(restore ? { restore } : {}),
      ...(store ? { onStateChanged: (snapshot: RoomSnapshot) => store.save(c.id, snapshot), acknowledgeAfterKept: store.durable } : {}),
    });
    room.on('closed', (reason) => {
      if (this.#rooms.get(c.id) === room) this.#rooms.delete(c.id);
      this.#tasks.run(`release closed room ${c.id}`, async () => {
        try {
          // After the room's last write, so an ended room's state does not come back.
          await room.stateKept();
          if (store && FINAL_CLOSE_REASONS.has(reason)) await store.remove(c.id);
        } finally {
          await this.options.onRoomClosed?.(c.id, reason);
        }
      });
    });
    this.#rooms.set(c.id, room);
    return room;
  }

  /** A new MediaRoom once a worker is alive; a worker dying meanwhile only means trying again. */
  async #replaceMedia(roomId: string): Promise<MediaRoom> {
    const deadline = Date.now() + MEDIA_MOVE_TIMEOUT_MS;
    for (;;) {
      await this.pool.whenWorkerAlive(Math.max(1, deadline - Date.now()));
      try {
        return await MediaRoom.create(this.pool, { roomId });
      } catch (err) {
        if (this.pool.closed || Date.now() >= deadline) throw err;
        await delay(100);
      }
    }
  }

  #persistence(caseId: string): RoomPersistence {
    const db = this.ctx.db;
    return {
      audit: (actor, event) => recordAudit(db, actor, caseId, event),
      async saveChat(m) {
        const row = await db.chatMessage.create({ data: { caseId, ...m } });
        return chatMessage(row);
      },
      async getNotepad(side) {
        const row = await db.caucusNotepad.findUnique({ where: { caseId_side: { caseId, side } } });
        return { side, content: row?.content ?? '', updatedAt: row?.updatedAt.toISOString() ?? null, updatedBy: row?.updatedById ?? null };
      },
      async saveNotepad(side, content, by, audited) {
        const row = await db.$transaction(async (tx) => {
          const saved = await tx.caucusNotepad.upsert({
            where: { caseId_side: { caseId, side } },
            create: { caseId, side, content, updatedById: by.displayName },
            update: { content, updatedById: by.displayName },
          });
          if (audited) await appendAudit(tx, audited.actor, caseId, audited.event);
          return saved;
        });
        return { side, content: row.content, updatedAt: row.updatedAt.toISOString(), updatedBy: row.updatedById };
      },
      async listChat(scope) {
        // The newest 500, oldest first (a long session keeps what was said last).
        const rows = await db.chatMessage.findMany({ where: { caseId, scope }, orderBy: { at: 'desc' }, take: 500 });
        return rows.reverse().map(chatMessage);
      },
      async listChatExcept(scopes) {
        const rows = await db.chatMessage.findMany({ where: { caseId, scope: { notIn: scopes } }, orderBy: { at: 'desc' }, take: 500 });
        return rows.reverse().map(chatMessage);
      },
    };
  }

  closeAll(): void {
    if (this.#touchTimer) clearInterval(this.#touchTimer);
    for (const room of this.rooms()) room.close('shutdown');
  }
}

function chatMessage(row: { id: string; senderId: string; senderName: string; text: string; at: Date; scope: string }): ChatMessage {
  return { id: row.id, fromPeerId: row.senderId, fromName: row.senderName, text: row.text, at: row.at.toISOString(), scope: row.scope };
}
