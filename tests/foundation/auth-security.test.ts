// Staff authentication, CSRF, roles, rate limits, security headers and the OpenAPI docs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../signaling/config.ts';
import { createStaffUser, sharedStaffSession, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

describe('staff auth and HTTP security', () => {
  let server: TestServer;
  let admin: StaffClient;

  beforeAll(async () => {
    server = await startTestServer();
    // The session of the administrator's first login (logins are rate-limited, see below).
    admin = await sharedStaffSession(server.url, server.admin);
  });
  afterAll(() => server?.close());

  it('creates a random first-start admin password, never a fixed default', async () => {
    expect(server.admin.initialPassword).toMatch(/^[A-Za-z0-9]{16}$/);
    const other = await startTestServer();
    try {
      expect(other.admin.initialPassword).not.toBe(server.admin.initialPassword);
    } finally {
      await other.close();
    }
  });

  it('sets an httpOnly, SameSite=Strict session cookie and stores only its hash', async () => {
    const res = await new StaffClient(server.url).login(server.admin.username, server.admin.password);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('jf_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const value = decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!);
    const sessions = await server.ctx.db.userSession.findMany();
    expect(JSON.stringify(sessions)).not.toContain(value.split('.')[0]);
  });

  it('stores passwords with scrypt, never in clear', async () => {
    const row = await server.ctx.db.user.findUniqueOrThrow({ where: { username: 'admin' } });
    expect(row.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.passwordHash).not.toContain(server.admin.password);
    expect(row.passwordHash).not.toContain(server.admin.initialPassword);
  });

  it('refuses a mutation without the CSRF header, and a cross-site Origin', async () => {
    const noCsrf = await admin.request(
      'POST',
      '/api/users',
      { username: 'csrf1', displayName: '甲', role: 'MEDIATOR', password: 'long-enough-1' },
      { 'x-csrf-token': '' },
    );
    expect(noCsrf.status).toBe(403);
    expect((await noCsrf.json()).code).toBe('CSRF');
    const crossSite = await admin.request(
      'POST',
      '/api/users',
      { username: 'csrf2', displayName: '甲', role: 'MEDIATOR', password: 'long-enough-1' },
      { origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    expect(await server.ctx.db.user.count({ where: { username: { in: ['csrf1', 'csrf2'] } } })).toBe(0);
  });

  it('enforces roles: a mediator cannot manage users; a judge cannot see cases', async () => {
    const { client: med } = await createStaffUser(admin, { username: 'med2', displayName: '调解员乙', role: 'MEDIATOR', password: 'mediator-pass-2' });
    const { client: judge } = await createStaffUser(admin, { username: 'judge1', displayName: '法官甲', role: 'JUDGE', password: 'judge-pass-123' });
    expect((await med.request('GET', '/api/users')).status).toBe(403);
    expect((await judge.request('GET', '/api/cases')).status).toBe(403);
    expect((await fetch(`${server.url}/api/cases`)).status).toBe(401);
  });

  it("a mediator cannot open another mediator's case", async () => {
    const { client: a } = await createStaffUser(admin, { username: 'med3', displayName: '调解员丙', role: 'MEDIATOR', password: 'mediator-pass-3' });
    const { client: b } = await createStaffUser(admin, { username: 'med4', displayName: '调解员丁', role: 'MEDIATOR', password: 'mediator-pass-4' });
    const { case: c } = await a.json('POST', '/api/cases', { title: '甲的案件', disputeType: 'GENERAL', summary: 'x' }, 201);
    const res = await b.request('GET', `/api/cases/${c.id}`);
    expect(res.status).toBe(404);
    expect((await b.request('POST', `/api/cases/${c.id}/transition`, { to: 'TRIAGED' })).status).toBe(404);
    expect((await a.json('GET', `/api/cases/${c.id}`)).case.status).toBe('ACCEPTED');
  });

  it('deactivating a user ends their sessions', async () => {
    const { id, client: med } = await createStaffUser(admin, { username: 'med5', displayName: '调解员戊', role: 'MEDIATOR', password: 'mediator-pass-5' });
    expect((await med.request('GET', '/api/cases')).status).toBe(200);
    await admin.json('PATCH', `/api/users/${id}`, { active: false });
    expect((await med.request('GET', '/api/cases')).status).toBe(401);
    expect((await new StaffClient(server.url).login('med5', 'mediator-pass-5')).status).toBe(401);
  });

  it('rate-limits login attempts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await new StaffClient(server.url).login('nobody', 'wrong-password')).status);
    expect(statuses).toContain(401);
    expect(statuses.at(-1)).toBe(429);
  });

  it('rate-limits link resolution', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await fetch(`${server.url}/j/abc${i}`)).status);
    expect(statuses[0]).toBe(401);
    expect(statuses.at(-1)).toBe(429);
  });

  it('sends a real CSP and security headers with the app', async () => {
    const res = await fetch(`${server.url}/login`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves OpenAPI docs at /docs', async () => {
    const spec = await (await fetch(`${server.url}/docs/json`)).json();
    expect(spec.openapi).toMatch(/^3\./);
    for (const p of ['/api/auth/login', '/api/cases', '/api/cases/{id}/invitations', '/api/party/consent', '/api/users'])
      expect(spec.paths).toHaveProperty([p]);
    expect((await fetch(`${server.url}/docs`)).status).toBe(200);
  });
});

describe('configuration', () => {
  it('has working defaults: 127.0.0.1:3000, ./data, no Redis', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 3000, publicUrl: 'http://127.0.0.1:3000', redisUrl: undefined });
    expect(c.dataDir).toMatch(/\/data$/);
  });

  it('names every invalid variable', () => {
    const err = (() => {
      try {
        loadConfig({ PORT: '70000', PUBLIC_URL: 'not a url', RTC_LISTEN_IP: 'x', REDIS_URL: 'http://r', LOG_LEVEL: 'loud' });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'PUBLIC_URL', 'RTC_LISTEN_IP', 'REDIS_URL', 'LOG_LEVEL']);
  });
});
