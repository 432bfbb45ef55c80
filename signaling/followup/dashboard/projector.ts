// Keeps DashboardFact up to date as a durable consumer of what the rest of jiefen already writes: the
// audit log (every case change — status, caucuses, signing, ratings, judicial steps — is an audit row
// naming its case), the matters' history (MatterEvent) and the obligations' events. Nobody else writes
// facts and no other code path has to remember the dashboard. For each consumer a cursor in the
// database (EventCursor, as the notifier does) says how far it has read; one round reads the rows
// after the cursors, recomputes the facts of the disputes they touch (facts.ts, from the source rows,
// so a round is idempotent) and moves the cursors — in one transaction, conditionally on the cursors
// it read, so two nodes or an overlapping round never interleave.
//
// The first round (no cursors yet: a new install, or the table just added) builds every fact. The
// dashboard catches up before it answers, so a figure always includes every step committed before
// the request.
import type { Db, Tx } from '../../db.ts';
import { loadFacts, type FactOptions, type FactRow } from './facts.ts';
import { sqlInstant } from './queries.ts';

export const CURSORS = { audit: 'dashboard-audit', matter: 'dashboard-matter', obligation: 'dashboard-obligation' } as const;
const BATCH = 2000;
const REBUILD_CHUNK = 500;

class CursorMoved extends Error {}

export interface ProjectorOptions {
  now: () => Date;
  poorRatingAtMost: number;
}

export class DashboardProjector {
  #running: Promise<number> | null = null;

  constructor(
    private readonly db: Db,
    private readonly opts: ProjectorOptions,
  ) {}

  #factOptions(): FactOptions {
    return { now: this.opts.now(), poorRatingAtMost: this.opts.poorRatingAtMost };
  }

  /**
   * One catch-up in the background (at start: after an upgrade this builds every fact). There is no
   * periodic round: the dashboard catches up when asked, so nothing here writes while nobody looks
   * (a background writer reacting to every audit row would also change the database under requests
   * that must change nothing).
   */
  startCatchUp(log: { error(obj: object, msg: string): void }): void {
    this.catchUp().catch((err: unknown) => log.error({ err }, 'dashboard: the catch-up at start failed (retried at the first request)'));
  }

  /** Waits for a round in progress (before the database closes). */
  async stop(): Promise<void> {
    await this.#running?.catch(() => 0);
  }

  /** Brings every fact up to date with what is committed now; concurrent callers share one run. Returns the facts rewritten. */
  catchUp(): Promise<number> {
    this.#running ??= this.#catchUp().finally(() => (this.#running = null));
    return this.#running;
  }

  /** Every fact from scratch (after a catch-up in progress, never beside one). */
  async rebuildAll(): Promise<number> {
    while (this.#running) await this.#running.catch(() => 0);
    this.#running = this.#rebuildAll().finally(() => (this.#running = null));
    return this.#running;
  }

  async #catchUp(): Promise<number> {
    const cursors = await this.db.eventCursor.findMany({ where: { consumer: { in: Object.values(CURSORS) } } });
    let total = cursors.length < Object.keys(CURSORS).length ? await this.#rebuildAll() : 0;
    for (;;) {
      const round = await this.#round();
      total += round.facts;
      if (!round.more) return total;
    }
  }

  /** One batch of rows after the cursors: their disputes' facts rewritten, the cursors moved. */
  async #round(): Promise<{ facts: number; more: boolean }> {
    try {
      return await this.db.$transaction(async (tx) => {
        const at = Object.fromEntries(
          (await tx.eventCursor.findMany({ where: { consumer: { in: Object.values(CURSORS) } } })).map((c) => [c.consumer, c.lastEventId]),
        ) as Record<string, number>;
        const [audit, matter, obligation] = await Promise.all([
          tx.auditEntry.findMany({ where: { seq: { gt: at[CURSORS.audit] ?? 0 } }, orderBy: { seq: 'asc' }, take: BATCH, select: { seq: true, caseId: true } }),
          tx.matterEvent.findMany({
            where: { id: { gt: at[CURSORS.matter] ?? 0 } },
            orderBy: { id: 'asc' },
            take: BATCH,
            select: { id: true, matterId: true },
          }),
          tx.obligationEvent.findMany({
            where: { id: { gt: at[CURSORS.obligation] ?? 0 } },
            orderBy: { id: 'asc' },
            take: BATCH,
            select: { id: true, obligation: { select: { caseId: true } } },
          }),
        ]);
        if (audit.length + matter.length + obligation.length === 0) return { facts: 0, more: false };
        const caseIds = new Set<string>();
        for (const a of audit) if (a.caseId) caseIds.add(a.caseId);
        for (const o of obligation) caseIds.add(o.obligation.caseId);
        const matterIds = new Set(matter.map((e) => e.matterId));
        const written = await this.#write(tx, { caseIds: [...caseIds], matterIds: [...matterIds] });
        await moveCursor(tx, CURSORS.audit, at[CURSORS.audit]!, audit.at(-1)?.seq);
        await moveCursor(tx, CURSORS.matter, at[CURSORS.matter]!, matter.at(-1)?.id);
        await moveCursor(tx, CURSORS.obligation, at[CURSORS.obligation]!, obligation.at(-1)?.id);
        return { facts: written, more: audit.length === BATCH || matter.length === BATCH || obligation.length === BATCH };
      });
    } catch (err) {
      // Another node (or an overlapping process) moved the cursors first: it wrote these facts.
      if (err instanceof CursorMoved) return { facts: 0, more: false };
      throw err;
    }
  }

  async #write(tx: Tx, touched: { caseIds: string[]; matterIds: string[] }): Promise<number> {
    const { facts, replaces } = await loadFacts(tx, touched, this.#factOptions());
    await tx.dashboardFact.deleteMany({ where: { id: { in: replaces } } });
    await insertFacts(tx, facts);
    return facts.length;
  }

  /**
   * Every fact from scratch: the cursors are set to the newest rows first, so whatever is written
   * while the rebuild runs is read again by the next round (facts are recomputed, never added to).
   */
  async #rebuildAll(): Promise<number> {
    const [audit, matter, obligation] = await Promise.all([
      this.db.auditEntry.aggregate({ _max: { seq: true } }),
      this.db.matterEvent.aggregate({ _max: { id: true } }),
      this.db.obligationEvent.aggregate({ _max: { id: true } }),
    ]);
    await this.db.dashboardFact.deleteMany({});
    let total = 0;
    let after = '';
    for (;;) {
      const cases = await this.db.case.findMany({ where: { id: { gt: after } }, orderBy: { id: 'asc' }, take: REBUILD_CHUNK, select: { id: true } });
      if (cases.length === 0) break;
      after = cases.at(-1)!.id;
      total += await this.db.$transaction((tx) => this.#write(tx, { caseIds: cases.map((c) => c.id), matterIds: [] }));
    }
    after = '';
    for (;;) {
      const matters = await this.db.matter.findMany({
        where: { id: { gt: after }, caseId: null },
        orderBy: { id: 'asc' },
        take: REBUILD_CHUNK,
        select: { id: true },
      });
      if (matters.length === 0) break;
      after = matters.at(-1)!.id;
      total += await this.db.$transaction((tx) => this.#write(tx, { caseIds: [], matterIds: matters.map((m) => m.id) }));
    }
    await this.db.$transaction(async (tx) => {
      for (const [consumer, last] of [
        [CURSORS.audit, audit._max.seq ?? 0],
        [CURSORS.matter, matter._max.id ?? 0],
        [CURSORS.obligation, obligation._max.id ?? 0],
      ] as const) {
        await tx.eventCursor.upsert({ where: { consumer }, create: { consumer, lastEventId: last }, update: { lastEventId: last } });
      }
    });
    return total;
  }
}

async function moveCursor(tx: Tx, consumer: string, from: number, to: number | undefined): Promise<void> {
  if (to === undefined) return;
  const moved = await tx.eventCursor.updateMany({ where: { consumer, lastEventId: from }, data: { lastEventId: to } });
  if (moved.count !== 1) throw new CursorMoved();
}

const FACT_COLUMNS = [
  'id',
  'caseId',
  'matterId',
  'unitId',
  'channel',
  'disputeType',
  'areaCode',
  'mediatorId',
  'receivedDay',
  'receivedMonth',
  'outcome',
  'mediated',
  'currentDueAt',
  'registeredSec',
  'routedSec',
  'acceptedSec',
  'mediationSec',
  'judicialSec',
  'totalSec',
  'registeredOnTime',
  'routedOnTime',
  'acceptedOnTime',
  'mediationOnTime',
  'signed',
  'judicialApplied',
  'judicialConfirmed',
  'obligations',
  'obligationsDue',
  'obligationsPerformed',
  'obligationsOverdue',
  'ratings',
  'ratingSum',
  'ratingsSatisfied',
  'ratingsPoor',
  'caucuses',
  'caucusSec',
  'projectedAt',
] as const satisfies readonly (keyof FactRow)[];
const ROWS_PER_INSERT = 200;

/** As Prisma stores them in SQLite: booleans 1/0, instants ISO 8601 with an offset. */
function sqlValue(v: FactRow[keyof FactRow]): unknown {
  if (v instanceof Date) return sqlInstant(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

/** Multi-row INSERTs (Prisma's createMany writes a row at a time through the adapter: 100× slower here). */
async function insertFacts(tx: Tx, facts: FactRow[]): Promise<void> {
  for (let i = 0; i < facts.length; i += ROWS_PER_INSERT) {
    const chunk = facts.slice(i, i + ROWS_PER_INSERT);
    const row = `(${FACT_COLUMNS.map(() => '?').join(',')})`;
    await tx.$executeRawUnsafe(
      `INSERT INTO DashboardFact (${FACT_COLUMNS.map((c) => `"${c}"`).join(',')}) VALUES ${chunk.map(() => row).join(',')}`,
      ...chunk.flatMap((f) => FACT_COLUMNS.map((c) => sqlValue(f[c]))),
    );
  }
}
