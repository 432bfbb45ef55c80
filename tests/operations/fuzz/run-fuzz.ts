// One fuzz run against a real server (real SQLite, real mediasoup worker), shared by the CI test
// (tests/operations/fuzz.test.ts) and `npm run bench -- fuzz`: a case through signing and a
// judicial application (so every role has something to act on), its mediator and a party in its
// live room, then every /api route and every room event fuzzed with a database snapshot around
// each batch.
import { createHash } from 'node:crypto';
import { ClientRequests, type ClientRequestName } from '../../../signaling/protocol/room.ts';
import type { DeclaredRoute } from '../../../signaling/http/access-hook.ts';
import { scopeOf } from '../../../signaling/access/grants.ts';
import { judgeClient, submittedCase } from '../../judicial/judicial-support.ts';
import { SmsOutbox } from '../../signing/signing-support.ts';
import { RoomTestClient } from '../../support/room-client.ts';
import { startTestServer, StaffClient, type TestServer } from '../../support/server.ts';
import { fuzzRoute, type HttpPrincipal } from './http-fuzz.ts';
import type { PayloadLimits } from './payloads.ts';
import { fuzzEvent, fuzzHandshake } from './socket-fuzz.ts';
import { FuzzTally } from './tally.ts';

export interface FuzzRunOptions {
  perRoute: number;
  perEvent: number;
  /** Unauthenticated payloads per route / event, and garbage handshakes. */
  anonymous: number;
  seed: number;
  /** Sizes of huge strings and nesting in HTTP payloads (default: CI sizes, see HTTP_LIMITS). */
  httpLimits?: PayloadLimits;
  /** Only routes/events whose name contains this (debugging). */
  only?: string;
  signal?: AbortSignal;
  log?(line: string): void;
}

/**
 * Huge strings and deep nesting: HTTP up to 100 000 characters (`npm run bench -- fuzz` goes past
 * the 2 MB body limit, where FILE_TOO_LARGE answers); room events below socket.io's buffer (256 KB,
 * beyond which it drops the connection): 30 000 NULs are 180 KB of JSON.
 */
const HTTP_LIMITS: PayloadLimits = { hugeString: 100_000, depth: 500 };
const SOCKET_LIMITS: PayloadLimits = { hugeString: 30_000, depth: 1_000 };

/** Tables a refusal may write to: the audit trail (INVITATION_REJECTED, checked below) and the link-use log. */
const REFUSAL_TABLES = new Set(['_prisma_migrations', 'AuditEntry', 'AuditHead', 'InvitationUse']);

export async function databaseDigest(server: TestServer): Promise<string> {
  const db = server.ctx.db;
  const tables = await db.$queryRawUnsafe<Array<{ name: string }>>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const hash = createHash('sha256');
  const json = (rows: unknown) =>
    JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));
  for (const { name } of tables) {
    if (REFUSAL_TABLES.has(name)) continue;
    hash.update(name).update(json(await db.$queryRawUnsafe(`SELECT * FROM "${name}" ORDER BY rowid`)));
  }
  // Audit rows other than refused links are changes too.
  hash.update(json(await db.$queryRawUnsafe(`SELECT * FROM "AuditEntry" WHERE type <> 'INVITATION_REJECTED' ORDER BY seq`)));
  return hash.digest('hex');
}

export async function runFuzz(o: FuzzRunOptions): Promise<FuzzTally> {
  const log = o.log ?? (() => undefined);
  const tally = new FuzzTally();
  const sms = new SmsOutbox();
  const server = await startTestServer({}, { sms });
  const clients: RoomTestClient[] = [];
  try {
    const started = Date.now();
    const admin = new StaffClient(server.url);
    await admin.login(server.admin.username, server.admin.password);
    const judge = await judgeClient(server, admin, 'fuzz-judge');
    const k = await submittedCase(server, sms);
    const applicationId = (await judge.json('GET', '/api/judge/applications')).applications[0].id as string;
    await judge.json('POST', `/api/judge/applications/${applicationId}/accept`, {});

    const staff = (c: StaffClient) => ({ cookie: c.cookie, 'x-csrf-token': c.csrfToken });
    // The first one a route's action admits sends its payloads: the mediator acts on most routes.
    const principals: HttpPrincipal[] = [
      { name: 'mediator', headers: staff(k.mediator), roleIn: (s) => (s === 'staff' ? 'mediator' : s === 'case' ? 'mediator' : null) },
      { name: 'party', headers: { authorization: `Bearer ${k.tokenA}` }, roleIn: (s) => (s === 'link' || s === 'case' ? 'party' : null) },
      { name: 'judge', headers: staff(judge), roleIn: (s) => (s === 'staff' ? 'judge' : s === 'application' ? 'judge' : null) },
      { name: 'admin', headers: staff(admin), roleIn: (s) => (s === 'staff' ? 'admin' : s === 'case' ? 'admin' : null) },
    ];
    const paramValue = (route: DeclaredRoute, name: string) => {
      const scope = scopeOf(route.action);
      if (name === 'caseId' || (name === 'id' && scope === 'case')) return k.caseId;
      if (name === 'id' && scope === 'application') return applicationId;
      return 'fuzz0000000000';
    };

    log(`fixture ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const snapshot = () => databaseDigest(server);
    const wanted = (name: string) => !o.only || name.includes(o.only);
    const routes = server.app.declaredRoutes.filter((r) => r.url.startsWith('/api') && wanted(`${r.method} ${r.url}`));
    const httpStarted = Date.now();
    for (const route of routes) {
      if (o.signal?.aborted) break;
      await fuzzRoute(route, {
        app: server.app,
        origin: server.url,
        principals,
        paramValue,
        perRoute: o.perRoute,
        anonymousPerRoute: o.anonymous,
        seed: o.seed,
        limits: o.httpLimits ?? HTTP_LIMITS,
        snapshot,
        tally,
        ...(o.signal ? { signal: o.signal } : {}),
        onRoute: (r, sent, ms) => log(`${r.method} ${r.url}: ${sent} payloads in ${ms} ms`),
      });
    }
    log(`HTTP: ${tally.routes} routes, ${tally.payloads} payloads in ${((Date.now() - httpStarted) / 1000).toFixed(1)} s`);

    // The room, joined only now: generating a route's payloads blocks the event loop for seconds (huge
    // strings), long enough for socket.io's ping timeout to drop clients connected all along.
    // The mediator and party A in it (the party admitted), party B connected outside it.
    const mediator = new RoomTestClient(server.url, { cookie: k.mediator.cookie });
    const party = new RoomTestClient(server.url, { token: k.tokenA });
    clients.push(mediator, party);
    await Promise.all([mediator.connected(), party.connected()]);
    await mediator.ok('room:join', { caseId: k.caseId });
    await party.ok('room:join', { caseId: k.caseId });
    const waiting = await mediator.waitFor('room:lobby', (p: { waiting: unknown[] }) => p.waiting.length > 0);
    await mediator.ok('mediator:admit', { peerId: waiting.waiting[0].peerId });
    await party.waitFor('room:admitted');
    const outsider = new RoomTestClient(server.url, { token: k.tokenB });
    clients.push(outsider);
    await outsider.connected();
    const socketStarted = Date.now();
    const members = [
      { name: 'the mediator', client: mediator, role: 'mediator' as const },
      { name: 'a party', client: party, role: 'party' as const },
    ];
    const socketOptions = {
      baseUrl: server.url,
      members,
      outsider,
      perEvent: o.perEvent,
      anonymousPerEvent: o.anonymous,
      seed: o.seed,
      limits: SOCKET_LIMITS,
      snapshot,
      tally,
      ...(o.signal ? { signal: o.signal } : {}),
      onEvent: (event: string, sent: number, ms: number) => log(`${event}: ${sent} payloads in ${ms} ms`),
    };
    const sentBefore = tally.payloads;
    for (const event of Object.keys(ClientRequests) as ClientRequestName[]) {
      if (o.signal?.aborted) break;
      if (wanted(event)) await fuzzEvent(event, socketOptions);
    }
    if (wanted('handshake') && !o.signal?.aborted) await fuzzHandshake(socketOptions);
    log(`socket: ${tally.events} events, ${tally.payloads - sentBefore} payloads in ${((Date.now() - socketStarted) / 1000).toFixed(1)} s`);

    // Still alive and still itself: a fresh request is answered.
    const health = await server.app.inject({ method: 'GET', url: '/api/health' });
    if (health.statusCode !== 200) tally.crash('after the run', `GET /api/health → ${health.statusCode}`);
    if (!mediator.socket.connected || !party.socket.connected) tally.crash('after the run', 'a room client was disconnected');
    return tally;
  } finally {
    for (const c of clients) c.close();
    await server.close();
  }
}
