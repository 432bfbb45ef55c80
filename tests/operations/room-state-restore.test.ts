// A single node keeps each live room's admissions, caucuses and mediator's mutes in SQLite
// (RoomState) and brings the room back after a restart on the same data folder. The store on its
// own (real SQLite, a fake clock for staleness), then a real server stopped and started again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomSnapshot } from '../../signaling/cluster/room-state-store.ts';
import { loadConfig } from '../../signaling/config.ts';
import { applyMigrations, openDb, type Db } from '../../signaling/db.ts';
import { SqliteRoomStateStore } from '../../signaling/rooms/sqlite-room-state-store.ts';
import { startServer, type RunningServer } from '../../signaling/server.ts';
import { produceAudioVideo, readyToReceive, RoomTestClient } from '../support/room-client.ts';
import { changedPassword, firstLogin, seedLeakCase, StaffClient, type SeededParty } from '../support/server.ts';

const snapshot = (admitted: string[]): RoomSnapshot => ({
  admittedPeerIds: admitted,
  caucuses: [{ id: 'c1', memberPeerIds: [admitted[0]!], mediatorPeerIds: ['m'], startedAt: '2026-12-22T09:00:00.000Z' }],
  adminMuted: { [admitted[0]!]: ['microphone'] },
  startedAt: '2026-12-22T08:55:00.000Z',
});

describe('SqliteRoomStateStore', () => {
  let dir: string;
  let db: Db;
  let now = new Date('2026-12-22T09:00:00Z');
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));
  const HOUR = 3600_000;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'jiefen-room-state-'));
    await applyMigrations(dir);
    db = openDb(path.join(dir, 'jiefen.db'));
  });
  afterAll(async () => {
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the last snapshot, committed when save resolves; removal is final', async () => {
    const store = new SqliteRoomStateStore(db, { maxAgeMs: HOUR, now: () => now });
    await store.save('case-1', snapshot(['a']));
    await store.save('case-1', snapshot(['a', 'b']));
    // Another connection (as a restarted process would open) sees it at once.
    const other = openDb(path.join(dir, 'jiefen.db'));
    try {
      expect(await new SqliteRoomStateStore(other, { maxAgeMs: HOUR, now: () => now }).load('case-1')).toEqual(snapshot(['a', 'b']));
    } finally {
      await other.$disconnect();
    }
    await store.remove('case-1');
    expect(await store.load('case-1')).toBeNull();
    await store.remove('case-1'); // idempotent
  });

  it('a room the server was away from for longer than the maximum age does not come back', async () => {
    const store = new SqliteRoomStateStore(db, { maxAgeMs: HOUR, now: () => now });
    await store.save('open-long', snapshot(['a']));
    await store.save('down-long', snapshot(['b']));
    // The room stays open here for three hours without a change: touched, never stale.
    for (let i = 0; i < 12; i++) {
      advance(store.touchEveryMs);
      await store.touch(['open-long']);
    }
    expect(await store.load('open-long')).toEqual(snapshot(['a']));
    expect(await store.load('down-long')).toBeNull();
    expect(await db.roomState.count({ where: { caseId: 'down-long' } })).toBe(0); // deleted on the way

    // The server is down just under the maximum age: the room comes back; past it, it does not.
    await store.save('short', snapshot(['c']));
    await store.save('long', snapshot(['d']));
    advance(HOUR - 1000);
    expect(await store.load('short')).toEqual(snapshot(['c']));
    advance(2000);
    expect(await store.purgeStale()).toBe(3); // nothing touched them since: 'open-long', 'short', 'long'
    expect(await store.load('long')).toBeNull();
  });

  it('an unreadable row starts the room fresh', async () => {
    const store = new SqliteRoomStateStore(db, { maxAgeMs: HOUR, now: () => now });
    await db.roomState.create({ data: { caseId: 'broken', snapshot: '{"admittedPeerIds": 3', savedAt: now, aliveAt: now } });
    expect(await store.load('broken')).toBeNull();
  });
});

describe('a single node restarted on the same data folder', () => {
  let dataDir: string;
  let server: RunningServer | null = null;
  let admin: { username: string; password: string };
  let kase: { caseId: string; mediatorCookie: string; mediatorId: string; parties: SeededParty[] };
  const clients: RoomTestClient[] = [];

  async function start(): Promise<RunningServer> {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JIEFEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn', RTC_PORT: '0', MEDIASOUP_WORKERS: '1' });
    const s = await startServer(config, { logger: false, skipMigrations: true });
    config.publicUrl = s.url;
    return s;
  }
  async function client(auth: { token?: string; cookie?: string }): Promise<RoomTestClient> {
    const c = new RoomTestClient(server!.url, auth);
    clients.push(c);
    await c.connected();
    return c;
  }
  /**
   * A normal stop and a start. The rooms close as 'shutdown' first — what server.close() does
   * first — then the sockets drop. (server.close() with room sockets still open does not finish:
   * graceful shutdown is another item of #14.)
   */
  async function restart(): Promise<void> {
    server!.rooms.closeAll();
    for (const c of clients.splice(0)) c.close();
    await server!.close();
    server = await start();
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-restart-'));
    await applyMigrations(dataDir);
    server = await start();
    const { adminUsername, adminPassword } = server.bootstrap;
    admin = { username: adminUsername!, password: changedPassword(adminPassword!) };
    await firstLogin(new StaffClient(server.url), admin.username, adminPassword!, admin.password);
    const seeded = await seedLeakCase({ url: server.url, admin });
    kase = { caseId: seeded.caseId, mediatorCookie: seeded.mediator.cookie, mediatorId: seeded.mediatorId, parties: seeded.parties };
  }, 60_000);
  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('admissions, the caucus and the mediator’s mute come back; acknowledged changes were already stored', async () => {
    const [a, b] = kase.parties as [SeededParty, SeededParty];
    const mediator = await client({ cookie: kase.mediatorCookie });
    await mediator.ok('room:join', { caseId: kase.caseId });
    const partyA = await client({ token: a.token });
    const partyB = await client({ token: b.token });
    for (const [c, p] of [
      [partyA, a],
      [partyB, b],
    ] as const) {
      expect((await c.ok('room:join', { caseId: kase.caseId })).status).toBe('lobby');
      await mediator.ok('mediator:admit', { peerId: p.id });
      // Acknowledged means stored: the row already names the admitted party.
      const row = await server!.ctx.db.roomState.findUniqueOrThrow({ where: { caseId: kase.caseId } });
      expect(JSON.parse(row.snapshot).admittedPeerIds).toContain(p.id);
    }
    await produceAudioVideo(partyB, 4000);
    await readyToReceive(partyB);
    const { caucusId } = await mediator.ok('caucus:start', { peerIds: [a.id] });
    await mediator.ok('mediator:mute', { peerId: b.id, kind: 'audio', muted: true });
    const kept = JSON.parse((await server!.ctx.db.roomState.findUniqueOrThrow({ where: { caseId: kase.caseId } })).snapshot) as RoomSnapshot;
    expect(kept.caucuses.map((c) => c.id)).toEqual([caucusId]);
    expect(kept.adminMuted[b.id]).toEqual(['microphone']);

    await restart();

    // Everyone re-joins as the web client does after a reconnect: straight into the room.
    const mediator2 = await client({ cookie: kase.mediatorCookie });
    const partyA2 = await client({ token: a.token });
    const partyB2 = await client({ token: b.token });
    const rejoined = await Promise.all([partyB2, partyA2, mediator2].map((c) => c.ok('room:join', { caseId: kase.caseId })));
    expect(rejoined.map((r) => r.status)).toEqual(['admitted', 'admitted', 'admitted']);
    // The caucus is still in force: A with the mediator, B waiting outside.
    expect(server!.rooms.get(kase.caseId)!.caucuses()).toEqual([
      expect.objectContaining({ caucusId, memberPeerIds: [a.id], mediatorPeerIds: [kase.mediatorId] }),
    ]);
    await partyB2.waitFor('room:location', (l) => l.waiting === true);
    await partyA2.waitFor('room:location', (l) => l.room === caucusId && l.waiting === false);
    // B's new microphone starts muted by the mediator, and B cannot undo it.
    await produceAudioVideo(partyB2, 5000);
    const mic = server!.rooms
      .get(kase.caseId)!
      .member(b.id)!
      .media!.producers()
      .find((p) => p.kind === 'audio')!;
    expect(server!.rooms.get(kase.caseId)!.member(b.id)!.media!.adminMutedSources()).toEqual(['microphone']);
    expect(await partyB2.request('media:setProducerPaused', { producerId: mic.id, paused: false })).toMatchObject({ ok: false, code: 'ADMIN_MUTED' });
    const audit = await server!.ctx.db.auditEntry.findMany({
      where: { caseId: kase.caseId, type: { in: ['ROOM_RESTORED', 'ROOM_ADMITTED'] } },
      orderBy: { seq: 'asc' },
    });
    expect(audit.map((e) => e.type)).toEqual(['ROOM_ADMITTED', 'ROOM_ADMITTED', 'ROOM_RESTORED']);
  });

  it('a room the mediator ended does not come back: after a restart everyone waits in the lobby', async () => {
    const [a] = kase.parties as [SeededParty];
    const mediator = clients[0]!;
    await mediator.ok('mediator:end', {});
    await expect.poll(async () => server!.ctx.db.roomState.count({ where: { caseId: kase.caseId } })).toBe(0);

    await restart();

    const partyA = await client({ token: a.token });
    expect((await partyA.ok('room:join', { caseId: kase.caseId })).status).toBe('lobby');
  });
});
