// The authorization matrix, generated from the grants table (signaling/access/grants.ts) and the
// server's own list of routes: every HTTP route and every room event × every kind of principal.
// A refused call gets exactly the table's code and changes nothing in the database (only the
// refusal itself may be audited); an allowed call passes the gate and is then stopped by
// validation (we send it deliberately invalid input), so the matrix never changes the fixture.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, refusalOf, scopeOf, type CaseRole, type Scope } from '../../signaling/access/grants.ts';
import { ERRORS, type ErrorCode } from '../../signaling/errors.ts';
import type { DeclaredRoute } from '../../signaling/http/access-hook.ts';
import { ClientRequests, type ClientRequestName } from '../../signaling/protocol/room.ts';
import { ROOM_EVENT_ACTIONS } from '../../signaling/rooms/room-actions.ts';
import type { DraftCase } from '../drafting/sync-support.ts';
import { judgeClient, submittedCase } from '../judicial/judicial-support.ts';
import { SmsOutbox } from '../signing/signing-support.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { acknowledgeNotice, createStaffUser, makeIdNumber, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

interface Who {
  name: string;
  /** Each principal calls from its own loopback address, so per-address rate limits do not mix them up. */
  localAddress: string;
  cookie?: string;
  csrf?: string;
  token?: string;
  /** The role the fixture gives it, per scope (null: none). */
  roleIn(scope: Scope): CaseRole | null;
  /** A link of another case: the token is refused for this case before any role is computed. */
  foreignLink?: true;
}

const sms = new SmsOutbox();
let server: TestServer;
let k: DraftCase;
let applicationId: string;
const principals: Who[] = [];

/** Codes that mean "the gate refused"; an allowed call must never answer one of these. */
const ACCESS_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'NOT_AUTHENTICATED',
  'FORBIDDEN',
  'ADMIN_NOT_MEDIATOR',
  'NOT_A_SIGNER',
  'CASE_NOT_FOUND',
  'APPLICATION_NOT_FOUND',
  'TOKEN_MALFORMED',
  'TOKEN_INVALID',
  'TOKEN_WRONG_CASE',
  'CSRF',
]);

function expectedRefusal(who: Who, action: keyof typeof ACTIONS): { code: ErrorCode } | null {
  const scope = scopeOf(action);
  if (scope === 'public') return null;
  if (!who.cookie && !who.token) return { code: 'NOT_AUTHENTICATED' };
  if (who.foreignLink && scope === 'case') return { code: 'TOKEN_WRONG_CASE' };
  return refusalOf(who.roleIn(scope), action, scope);
}

function call(who: Who, method: string, path: string, body: unknown): Promise<{ status: number; code: string | undefined }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { origin: server.url };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (who.cookie) headers.cookie = who.cookie;
  if (who.csrf && method !== 'GET') headers['x-csrf-token'] = who.csrf;
  if (who.token) headers.authorization = `Bearer ${who.token}`;
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: url.port, path: url.pathname + url.search, method, headers, localAddress: who.localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let code: string | undefined;
        try {
          code = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code?: string }).code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode ?? 0, code });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Everything in the database except the audit trail and link-use log (refusals are recorded there). */
async function snapshot(): Promise<string> {
  const tables = await server.ctx.db.$queryRawUnsafe<Array<{ name: string }>>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('_prisma_migrations', 'AuditEntry', 'AuditHead', 'InvitationUse') AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    // A live room's kept state is renewed on a timer (aliveAt, savedAt): only what it keeps counts.
    const columns = name === 'RoomState' ? '"caseId", "snapshot"' : '*';
    const rows = await server.ctx.db.$queryRawUnsafe<unknown[]>(`SELECT ${columns} FROM "${name}" ORDER BY rowid`);
    parts.push(
      name,
      JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)),
    );
  }
  return parts.join('\n');
}

const INVALID_ID = 'INVALID!';

/** The request that reaches the gate for this case and, if let through, fails validation. */
function probe(route: DeclaredRoute): { path: string; body: unknown; invalid: boolean } {
  const scope = scopeOf(route.action);
  let invalid = false;
  const path = route.url.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    if (name === 'caseId' || (name === 'id' && scope === 'case')) return k.caseId;
    if (name === 'id' && scope === 'application') return applicationId;
    invalid ||= route.validates.params.includes(name);
    return INVALID_ID;
  });
  if (invalid) return { path, body: route.method === 'GET' || route.method === 'DELETE' ? undefined : {}, invalid };
  if (route.validates.body) return { path, body: { matrixProbe: 1 }, invalid: true };
  if (route.validates.query) return { path: `${path}?matrixProbe=1`, body: undefined, invalid: true };
  return { path, body: route.method === 'GET' || route.method === 'DELETE' ? undefined : {}, invalid: false };
}

beforeAll(async () => {
  server = await startTestServer({}, { sms });
  const admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  const city = await server.ctx.db.court.create({ data: { name: '包头市中级人民法院', code: '蒙02', region: '内蒙古自治区包头市' } });
  const judge = await judgeClient(server, admin, 'matrix-judge');
  const otherJudge = await judgeClient(server, admin, 'matrix-judge-city', city.id);
  const { client: colleague } = await createStaffUser(admin, {
    username: 'matrix-colleague',
    displayName: '同事',
    role: 'MEDIATOR',
    password: 'mediator-pass-3',
  });

  const { id: coId, client: co } = await createStaffUser(admin, { username: 'matrix-co', displayName: '协办', role: 'MEDIATOR', password: 'mediator-pass-4' });

  k = await submittedCase(server, sms);
  await k.mediator.json('POST', `/api/cases/${k.caseId}/co-mediators`, { userId: coId });
  applicationId = (await judge.json('GET', '/api/judge/applications')).applications[0].id;
  // Accepted, so the court's judge may question the parties in the room.
  await judge.json('POST', `/api/judge/applications/${applicationId}/accept`, {});
  // The application document is made on first download and kept: make it now, outside the matrix.
  expect((await k.mediator.request('GET', `/api/judicial/${k.caseId}/application.pdf`)).status).toBe(200);

  // The other link roles, added directly (the participant list is frozen after signing).
  const linkOf = async (role: string, side: string, name: string, signingAuthority = false) => {
    const p = await server.ctx.db.participant.create({
      data: { caseId: k.caseId, role, side, name, phone: '13900139000', idNumber: makeIdNumber('15020419850101123'), signingAuthority },
    });
    const { InvitationService } = await import('../../signaling/cases/invitation-service.ts');
    const { token } = await new InvitationService(server.ctx).create(
      { id: 'matrix', username: 'matrix', displayName: 'matrix', role: 'MEDIATOR', orgId: '', courtId: null },
      k.caseId,
      p.id,
    );
    if (role === 'AGENT') await acknowledgeNotice(server.url, k.caseId, token);
    return token;
  };
  const tokenAuthorisedAgent = await linkOf('AGENT', 'A', '代理甲', true);
  const tokenAgent = await linkOf('AGENT', 'B', '代理乙');
  const tokenObserver = await linkOf('OTHER', 'NEUTRAL', '旁听者');

  let n = 10;
  const staff = (name: string, c: StaffClient, staffRole: CaseRole, caseRole: CaseRole | null, applicationRole: CaseRole | null = null): Who => ({
    name,
    localAddress: `127.0.0.${n++}`,
    cookie: c.cookie,
    csrf: c.csrfToken,
    roleIn: (scope) => (scope === 'staff' ? staffRole : scope === 'case' ? caseRole : scope === 'application' ? applicationRole : null),
  });
  const link = (name: string, token: string, role: CaseRole, foreign?: true): Who => ({
    name,
    localAddress: `127.0.0.${n++}`,
    token,
    roleIn: (scope) => (scope === 'link' ? role : scope === 'case' && !foreign ? role : null),
    ...(foreign ? { foreignLink: true as const } : {}),
  });
  principals.push(
    staff('admin', admin, 'admin', 'admin'),
    staff('mediator', k.mediator, 'mediator', 'mediator'),
    staff('co-mediator', co, 'mediator', 'co-mediator'),
    staff('judge', judge, 'judge', 'judge', 'judge'),
    staff('colleague mediator', colleague, 'mediator', null),
    staff('judge of another court', otherJudge, 'judge', null),
    link('party', k.tokenA, 'party'),
    link('authorised agent', tokenAuthorisedAgent, 'authorised-agent'),
    link('agent', tokenAgent, 'agent'),
    link('interpreter', k.tokenInterpreter, 'interpreter'),
    link('observer', tokenObserver, 'observer'),
    link('party of another case', k.tokenOtherCase, 'party', true),
    { name: 'anonymous', localAddress: `127.0.0.${n++}`, roleIn: () => null },
  );
}, 120_000);
afterAll(() => server?.close());

// Room events first: the HTTP matrix ends by logging the staff principals out.
describe('authorization matrix: every room event × every principal', () => {
  it('joins as the table says; every later event is refused or reaches validation as the table says', async () => {
    const events = Object.keys(ClientRequests) as ClientRequestName[];
    const problems: string[] = [];
    for (const who of principals) {
      if (!who.cookie && !who.token) continue; // refused at connect: see room-signaling tests
      const client = new RoomTestClient(server.url, { ...(who.token ? { token: who.token } : {}), ...(who.cookie ? { cookie: who.cookie } : {}) });
      let joined = false;
      try {
        await client.connected();
        let before = await snapshot();
        const join = await client.request('room:join', { caseId: k.caseId });
        joined = join.ok;
        // An allowed join changes the room's kept state (who is in it); what follows must not.
        if (join.ok) before = await snapshot();
        const joinRefusal = expectedRefusal(who, 'room.join');
        if (joinRefusal) {
          if (join.ok || join.code !== joinRefusal.code) problems.push(`room:join as ${who.name}: ${JSON.stringify(join)}, expected ${joinRefusal.code}`);
        } else if (!join.ok) {
          problems.push(`room:join as ${who.name}: ${join.code} ${join.message}`);
        }
        for (const event of events.filter((e) => e !== 'room:join' && e !== 'room:leave')) {
          const res = await client.request(event, { matrixProbe: 1 });
          const refusal = joinRefusal ? { code: 'NOT_JOINED' as const } : expectedRefusal(who, ROOM_EVENT_ACTIONS[event]);
          const want = refusal?.code ?? 'VALIDATION';
          if (res.ok || res.code !== want) problems.push(`${event} as ${who.name}: ${JSON.stringify(res)}, expected ${want}`);
        }
        if ((await snapshot()) !== before) problems.push(`room events as ${who.name}: the database changed`);
      } finally {
        // Leave before closing: a dropped socket leaves only after the reconnect grace, and that late
        // ROOM_LEFT would land in whatever the next check is watching.
        if (joined) await client.request('room:leave', {});
        client.close();
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('authorization matrix: every HTTP route × every principal', () => {
  it('every API route names an action from the table, and the table covers every role', () => {
    const routes = server.app.declaredRoutes.filter((r) => r.url.startsWith('/api'));
    expect(routes.length).toBeGreaterThan(55);
    for (const r of routes) expect(ACTIONS[r.action], `${r.method} ${r.url}`).toBeDefined();
    const covered = new Set(Object.values(ACTIONS).flatMap((a) => [...a.roles]));
    for (const role of ['admin', 'mediator', 'co-mediator', 'judge', 'party', 'authorised-agent', 'agent', 'interpreter', 'observer'])
      expect(covered.has(role as CaseRole)).toBe(true);
  });

  it('each route answers each principal as the table says, and a refusal changes nothing', async () => {
    const routes = server.app.declaredRoutes.filter((r) => r.url.startsWith('/api') && r.action !== 'public');
    // Routes with nothing to invalidate that change state when allowed (start review, log out):
    // their refusals are checked with the rest, their allowed calls at the very end.
    const effectful = (r: DeclaredRoute) => r.method !== 'GET' && !probe(r).invalid;
    const ordered = [...routes].sort(
      (a, b) => Number(effectful(a)) - Number(effectful(b)) || Number(a.url.endsWith('/logout')) - Number(b.url.endsWith('/logout')),
    );
    const problems: string[] = [];
    const deferred: Array<() => Promise<void>> = [];
    let cells = 0;
    for (const route of ordered) {
      const { path, body, invalid } = probe(route);
      const before = await snapshot();
      const auditBefore = await server.ctx.db.auditEntry.count();
      for (const who of principals) {
        cells++;
        const expected = expectedRefusal(who, route.action);
        const check = async () => {
          const res = await call(who, route.method, path, body);
          const cell = `${route.method} ${route.url} [${route.action}] as ${who.name}: ${res.status} ${res.code}`;
          if (expected) {
            if (res.code !== expected.code || res.status !== ERRORS[expected.code].status) problems.push(`${cell}, expected ${expected.code}`);
          } else if (invalid) {
            if (res.status !== 400 || res.code !== 'VALIDATION') problems.push(`${cell}, expected to pass the gate and fail validation`);
          } else if (ACCESS_CODES.has(res.code ?? '') || res.status >= 500) {
            problems.push(`${cell}, expected to pass the gate`);
          }
        };
        if (!expected && effectful(route)) deferred.push(check);
        else await check();
      }
      if ((await snapshot()) !== before) problems.push(`${route.method} ${route.url}: the database changed`);
      const audit = await server.ctx.db.auditEntry.findMany({ where: { seq: { gt: auditBefore } } });
      // An allowed staff read of a case's personal data is audited by design (signaling/privacy/read-audit.ts).
      const expectedAudit = (type: string) => type === 'INVITATION_REJECTED' || (type === 'PERSONAL_DATA_READ' && route.method === 'GET');
      for (const e of audit) if (!expectedAudit(e.type)) problems.push(`${route.method} ${route.url}: audited ${e.type}`);
    }
    for (const check of deferred) await check();
    expect(problems).toEqual([]);
    expect(cells).toBe(routes.length * principals.length);
  }, 300_000);
});
