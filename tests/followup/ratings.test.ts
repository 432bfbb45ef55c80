// 评价 (#16 item 2) against a real server (real SQLite, real sockets): a party rates a live session
// it took part in once it is over for it, and its case once concluded — one rating per occasion,
// bad input refused with its own code and nothing written; a poor rating opens one POOR_RATING
// 回访. Who sees a rating: the case's unit and the centre — never the other party (its link API and
// its room socket), nor another unit's staff.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFollowUpTask } from '../../signaling/followup/follow-up-tasks.ts';
import { loadFollowUpPolicy } from '../../signaling/followup/policy.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually } from '../support/wait.ts';
import { asParty, asStaff, caseWithParties, castOf, failCase, type Cast, type RatedCase } from './followup-support.ts';

const SECRET = '调解员态度敷衍XYZ123';

let server: TestServer;
let cast: Cast;
let k: RatedCase;
const clients: RoomTestClient[] = [];

const ratingsOf = (token: string) => asParty(server.url, token, 'GET', '/api/followup/party/ratings');
const rate = (token: string, body: unknown) => asParty(server.url, token, 'POST', '/api/followup/party/ratings', body);
const ratingRows = () => server.ctx.db.serviceRating.count({ where: { caseId: k.caseId } });

/** Waits until the room has audited `count` steps of `type` for the case. */
const roomStep = (type: string, count: number) =>
  eventually(async () => expect(await server.ctx.db.auditEntry.count({ where: { caseId: k.caseId, type } })).toBeGreaterThanOrEqual(count));

async function joined(c: RoomTestClient) {
  clients.push(c);
  await c.connected();
  await c.ok('room:join', { caseId: k.caseId });
  return c;
}

beforeAll(async () => {
  server = await startTestServer();
  cast = await castOf(server);
  k = await caseWithParties(cast.mediator);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

describe('评价 of a live session', () => {
  let sessionKey: string;

  it('is open to a party only once the session is over for it', async () => {
    // Before any session: nothing to rate, and a made-up session is refused.
    expect((await ratingsOf(k.a.token)).body).toEqual({ pending: [], given: [] });
    const early = await rate(k.a.token, { occasion: 'SESSION', occasionKey: new Date().toISOString(), score: 4 });
    expect([early.status, early.body.code]).toEqual([409, 'RATING_NOT_OPEN']);

    const m = await joined(new RoomTestClient(server.url, { cookie: cast.mediator.client.cookie }));
    const a = await joined(new RoomTestClient(server.url, { token: k.a.token }));
    const b = await joined(new RoomTestClient(server.url, { token: k.b.token }));
    for (const [c, p] of [
      [a, k.a],
      [b, k.b],
    ] as const) {
      await m.ok('mediator:admit', { peerId: p.id });
      await c.waitFor('room:admitted');
    }
    // In the room: not yet.
    await roomStep('ROOM_JOINED', 3);
    expect((await ratingsOf(k.a.token)).body.pending).toEqual([]);

    // A leaves (the session goes on for B and the mediator): A may rate it, B not yet.
    // (The room's audit rows are written after the acks: wait for them in the database, not by
    // polling the rate-limited link API.)
    await a.ok('room:leave', {});
    await roomStep('ROOM_LEFT', 1);
    const [pending] = (await ratingsOf(k.a.token)).body.pending;
    expect(pending).toMatchObject({ occasion: 'SESSION', label: expect.stringContaining('在线调解结束后') });
    sessionKey = pending.occasionKey;
    expect((await ratingsOf(k.b.token)).body.pending).toEqual([]);

    // A rates it poorly while B and the mediator are still in the room.
    const given = await rate(k.a.token, { occasion: 'SESSION', occasionKey: sessionKey, score: 1, comment: SECRET });
    expect(given.status).toBe(201);
    expect(given.body).toMatchObject({ poor: true, followUpOpened: true });

    // The mediator ends the session: now B may rate it too.
    await m.ok('mediator:end', {});
    await roomStep('ROOM_ENDED', 1);
    expect((await ratingsOf(k.b.token)).body.pending.map((p: any) => p.occasionKey)).toEqual([sessionKey]);

    // Nothing of A's rating ever reached a room socket (B's or the mediator's).
    for (const c of [b, m]) {
      const seen = JSON.stringify(c.events);
      expect(seen).not.toContain(SECRET);
      expect(seen).not.toMatch(/rating|评价/i);
    }
  });

  it('one rating per party per session; bad input is refused with its code and writes nothing', async () => {
    const before = await ratingRows();
    const again = await rate(k.a.token, { occasion: 'SESSION', occasionKey: sessionKey, score: 5 });
    expect([again.status, again.body.code]).toEqual([409, 'RATING_ALREADY_GIVEN']);
    for (const [body, code] of [
      [{ occasion: 'SESSION', occasionKey: sessionKey, score: 6 }, 'VALIDATION'],
      [{ occasion: 'SESSION', occasionKey: sessionKey, score: 0 }, 'VALIDATION'],
      [{ occasion: 'SESSION', occasionKey: sessionKey, score: 3.5 }, 'VALIDATION'],
      [{ occasion: 'SESSION', occasionKey: sessionKey, score: 3, comment: '长'.repeat(301) }, 'VALIDATION'],
      [{ occasion: 'LATER', occasionKey: sessionKey, score: 3 }, 'VALIDATION'],
      [{ occasion: 'SESSION', occasionKey: sessionKey, score: 3, mediatorId: cast.mediator.id }, 'VALIDATION'],
      [{ occasion: 'SESSION', occasionKey: '2020-01-01T00:00:00.000Z', score: 3 }, 'RATING_NOT_OPEN'],
      [{ occasion: 'CLOSING', occasionKey: 'closing', score: 3 }, 'RATING_NOT_OPEN'],
    ] as const) {
      const res = await rate(k.b.token, body);
      expect([res.status >= 400, res.body.code], JSON.stringify(body)).toEqual([true, code]);
      if (code === 'VALIDATION') expect(res.body.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(await ratingRows()).toBe(before);
    // A valid rating from B (good: no 回访).
    expect((await rate(k.b.token, { occasion: 'SESSION', occasionKey: sessionKey, score: 4 })).body).toMatchObject({ poor: false, followUpOpened: false });
    expect((await ratingsOf(k.b.token)).body).toMatchObject({ pending: [], given: [{ occasion: 'SESSION', score: 4, scoreLabel: '满意' }] });
  });

  it('a poor rating opens exactly one POOR_RATING 回访, owned by the unit, due by the policy', async () => {
    const rating = await server.ctx.db.serviceRating.findFirstOrThrow({ where: { participantId: k.a.id } });
    const tasks = await server.ctx.db.followUpTask.findMany({ where: { caseId: k.caseId } });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ reason: 'POOR_RATING', sourceId: rating.id, unitId: cast.mediator.unitId, assigneeId: cast.mediator.id, status: 'OPEN' });
    expect(tasks[0]!.dueAt.getTime() - rating.createdAt.getTime()).toBe(3 * 86_400_000);
    // Opening it again for the same rating (a retry, another node) is a no-op.
    const policy = loadFollowUpPolicy(null);
    const again = await server.ctx.db.$transaction((tx) =>
      openFollowUpTask(tx, { caseId: k.caseId, reason: 'POOR_RATING', sourceId: rating.id }, new Date(), policy, { type: 'system' }),
    );
    expect(again).toEqual({ id: tasks[0]!.id, created: false });
    expect(await server.ctx.db.followUpTask.count({ where: { caseId: k.caseId } })).toBe(1);
    // The comment is sealed at rest; the audit row names the rating, never its words.
    const raw = await server.ctx.db.$queryRawUnsafe<{ comment: string }[]>(`SELECT comment FROM ServiceRating WHERE id = ?`, rating.id);
    expect(raw[0]!.comment).toMatch(/^enc:v1:/);
    const audit = await server.ctx.db.auditEntry.findMany({ where: { caseId: k.caseId, type: { in: ['RATING_GIVEN', 'FOLLOW_UP_OPENED'] } } });
    expect(audit.map((e) => e.type).sort()).toEqual(['FOLLOW_UP_OPENED', 'RATING_GIVEN', 'RATING_GIVEN']);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });
});

describe('评价 at closing', () => {
  it('opens when the case is concluded, once per party', async () => {
    await failCase(cast.mediator, k.caseId);
    const pending = (await ratingsOf(k.a.token)).body.pending;
    expect(pending).toEqual([{ occasion: 'CLOSING', occasionKey: 'closing', label: '案件办结时' }]);
    expect((await rate(k.a.token, { occasion: 'CLOSING', occasionKey: 'closing', score: 5, comment: '  ' })).status).toBe(201);
    const again = await rate(k.a.token, { occasion: 'CLOSING', occasionKey: 'closing', score: 2 });
    expect([again.status, again.body.code]).toEqual([409, 'RATING_ALREADY_GIVEN']);
    const rows = await server.ctx.db.serviceRating.findMany({ where: { participantId: k.a.id }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => [r.occasion, r.score, r.comment])).toEqual([
      ['SESSION', 1, SECRET],
      ['CLOSING', 5, null],
    ]);
  });
});

describe('who sees a rating', () => {
  it('the unit and the centre see every rating with its comment; another unit and the other party do not', async () => {
    const url = `/api/followup/cases/${k.caseId}/ratings`;
    for (const who of [cast.mediator, cast.head, cast.dispatcher]) {
      const res = await asStaff(who, 'GET', url);
      expect(res.status, who.username).toBe(200);
      const mine = res.body.ratings.filter((r: any) => r.participantId === k.a.id);
      expect(mine.map((r: any) => [r.occasion, r.scoreLabel, r.comment])).toEqual([
        ['SESSION', '非常不满意', SECRET],
        ['CLOSING', '非常满意', null],
      ]);
      expect(mine[0].taskId).toBeTruthy();
    }
    const other = await asStaff(cast.otherUnit, 'GET', url);
    expect([other.status, other.body.code]).toEqual([404, 'CASE_NOT_FOUND']);
    // Another unit's tasks list does not show it either; the centre's does.
    expect((await asStaff(cast.otherUnit, 'GET', '/api/followup/tasks?filter=all')).body.tasks).toEqual([]);
    expect((await asStaff(cast.dispatcher, 'GET', '/api/followup/tasks?filter=all')).body.tasks.map((t: any) => t.caseId)).toContain(k.caseId);

    // The other party: its own ratings only, on every route its link can reach.
    const b = await ratingsOf(k.b.token);
    expect(b.body.given.map((g: any) => g.score)).toEqual([4]);
    for (const path of ['/api/followup/party/ratings', '/api/party/me', `/api/procedure/${k.caseId}`]) {
      const res = await asParty(server.url, k.b.token, 'GET', path);
      expect(res.status, path).toBe(200);
      expect(JSON.stringify(res.body), path).not.toContain(SECRET);
    }
    // A link cannot use the staff routes.
    for (const path of [url, '/api/followup/tasks']) expect((await asParty(server.url, k.b.token, 'GET', path)).status).toBe(401);
  });
});
