// Staff change their own passwords (current + new; the user's other sessions end; audited), and
// an initial password must be changed at first login: the generated administrator's (saved in
// data/admin-initial-password.txt until it is changed) and any an administrator set when creating
// an account or resetting its password. Until then every staff API but /api/auth/me, logout and
// the password change answers PASSWORD_CHANGE_REQUIRED — the live-room socket too.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileInitialPassword, startBanner } from '../../signaling/bootstrap.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { startTestServer, StaffClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: StaffClient;
const NEW_ADMIN_PASSWORD = 'Qingshan-guanli-2026';
const file = () => path.join(server.dataDir, 'admin-initial-password.txt');
const change = (client: StaffClient, currentPassword: string, newPassword: string) =>
  client.request('POST', '/api/auth/password', { currentPassword, newPassword });
const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code;

beforeAll(async () => {
  // This file looks at the first start itself: the generated administrator keeps its initial password.
  server = await startTestServer({}, { keepInitialAdminPassword: true });
  admin = new StaffClient(server.url);
}, 60_000);
afterAll(() => server?.close());

describe('the generated administrator’s initial password', () => {
  it('is saved in data/admin-initial-password.txt and printed at the first start', () => {
    expect(readFileSync(file(), 'utf8')).toBe(`username: admin\npassword: ${server.admin.password}\n`);
    expect(startBanner(server.ctx.config, server.bootstrap).join('\n')).toContain(server.admin.password);
  });

  it('must be changed first: every other staff API answers PASSWORD_CHANGE_REQUIRED', async () => {
    const login = await admin.login(server.admin.username, server.admin.password);
    expect(login.status).toBe(200);
    expect(((await login.json()) as any).user.mustChangePassword).toBe(true);
    expect((await admin.json('GET', '/api/auth/me')).user).toMatchObject({ username: 'admin', mustChangePassword: true });
    for (const [method, url, body] of [
      ['GET', '/api/cases', undefined],
      ['GET', '/api/users', undefined],
      ['POST', '/api/users', { username: 'med1', displayName: '调解员甲', role: 'MEDIATOR', password: 'mediator-pass-1' }],
      ['GET', '/api/org', undefined],
      ['GET', '/api/courts', undefined],
    ] as const) {
      const res = await admin.request(method, url, body);
      expect([url, res.status, await codeOf(res)]).toEqual([url, 403, 'PASSWORD_CHANGE_REQUIRED']);
    }
    expect(await server.ctx.db.user.count()).toBe(1);
    // The live room refuses too.
    const room = new RoomTestClient(server.url, { cookie: admin.cookie });
    try {
      const refused = await room.connected().then(
        () => null,
        (err: { data?: { code?: string } }) => err,
      );
      expect(refused?.data?.code).toBe('PASSWORD_CHANGE_REQUIRED');
    } finally {
      room.close();
    }
    // Logging out is possible.
    const other = new StaffClient(server.url);
    await other.login(server.admin.username, server.admin.password);
    expect((await other.request('POST', '/api/auth/logout')).status).toBe(204);
  });

  it('refuses a wrong current password (audited) and a weak new one, changing nothing', async () => {
    const wrong = await change(admin, 'not-the-password', NEW_ADMIN_PASSWORD);
    expect([wrong.status, await codeOf(wrong)]).toEqual([400, 'CURRENT_PASSWORD_WRONG']);
    expect(await server.ctx.db.auditEntry.count({ where: { type: 'USER_PASSWORD_CHANGE_FAILED' } })).toBe(1);
    for (const weak of ['short-1', server.admin.password, 'admin-password-1', '12345678901234', 'abcdefghijklmn']) {
      const res = await change(admin, server.admin.password, weak);
      expect([weak, res.status, await codeOf(res)]).toEqual([weak, 400, 'WEAK_PASSWORD']);
    }
    expect((await admin.request('GET', '/api/cases')).status).toBe(403);
    expect(existsSync(file())).toBe(true);
  });

  it('changing it ends the user’s other sessions, keeps this one, lifts the block, deletes the file (audited)', async () => {
    const elsewhere = new StaffClient(server.url);
    expect((await elsewhere.login(server.admin.username, server.admin.password)).status).toBe(200);
    expect((await change(admin, server.admin.password, NEW_ADMIN_PASSWORD)).status).toBe(204);
    expect((await elsewhere.request('GET', '/api/auth/me')).status).toBe(401);
    expect((await admin.json('GET', '/api/auth/me')).user.mustChangePassword).toBe(false);
    expect((await admin.request('GET', '/api/cases')).status).toBe(200);
    expect(existsSync(file())).toBe(false);
    expect(await server.ctx.db.auditEntry.count({ where: { type: 'USER_PASSWORD_CHANGED' } })).toBe(1);
    expect(await server.ctx.db.userSession.count()).toBe(1);
    expect((await new StaffClient(server.url).login(server.admin.username, server.admin.password)).status).toBe(401);
  });

  it('a later start no longer mentions an initial password', () => {
    const banner = startBanner(server.ctx.config, { created: false }).join('\n');
    expect(banner).not.toContain(server.admin.password);
    expect(banner).not.toContain('admin-initial-password');
    expect(banner).toContain('/login');
  });

  it('a later start deletes a saved initial password that no longer works (changed before this rule, or reset)', async () => {
    writeFileSync(file(), `username: admin\npassword: ${server.admin.password}\n`, { mode: 0o600 });
    await reconcileInitialPassword(server.ctx);
    expect(existsSync(file())).toBe(false);
  });
});

describe('passwords an administrator sets', () => {
  let userId: string;

  it('a new account must change its password at first login; then it works as usual', async () => {
    userId = (await admin.json('POST', '/api/users', { username: 'med1', displayName: '调解员甲', role: 'MEDIATOR', password: 'initial-pass-1' }, 201)).user.id;
    const med = new StaffClient(server.url);
    expect((await med.login('med1', 'initial-pass-1')).status).toBe(200);
    const blocked = await med.request('POST', '/api/cases', { title: '甲的案件', disputeType: 'GENERAL', summary: 'x' });
    expect([blocked.status, await codeOf(blocked)]).toEqual([403, 'PASSWORD_CHANGE_REQUIRED']);
    expect(await server.ctx.db.case.count()).toBe(0);
    expect((await change(med, 'initial-pass-1', 'mediator-pass-1')).status).toBe(204);
    expect((await med.request('POST', '/api/cases', { title: '甲的案件', disputeType: 'GENERAL', summary: 'x' })).status).toBe(201);
    // Logging out is always possible.
    expect((await med.request('POST', '/api/auth/logout')).status).toBe(204);
  });

  it('so must an account whose password an administrator reset', async () => {
    await admin.json('PATCH', `/api/users/${userId}`, { password: 'reset-pass-123' });
    const med = new StaffClient(server.url);
    expect(((await (await med.login('med1', 'reset-pass-123')).json()) as any).user.mustChangePassword).toBe(true);
    expect(await codeOf(await med.request('GET', '/api/cases'))).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await change(med, 'reset-pass-123', 'mediator-pass-2')).status).toBe(204);
    expect((await med.request('GET', '/api/cases')).status).toBe(200);
  });

  it('every staff role changes its own password the same way', async () => {
    await admin.json('POST', '/api/users', { username: 'judge1', displayName: '法官甲', role: 'JUDGE', password: 'initial-pass-2' }, 201);
    const judge = new StaffClient(server.url);
    await judge.login('judge1', 'initial-pass-2');
    expect(await codeOf(await judge.request('GET', '/api/judge/applications'))).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await change(judge, 'initial-pass-2', 'judge-pass-12345')).status).toBe(204);
    expect((await judge.request('GET', '/api/judge/applications')).status).toBe(200);
    // Not without the CSRF token, and not without a session.
    expect(
      (await judge.request('POST', '/api/auth/password', { currentPassword: 'judge-pass-12345', newPassword: 'judge-pass-67890' }, { 'x-csrf-token': '' }))
        .status,
    ).toBe(403);
    expect((await new StaffClient(server.url).request('POST', '/api/auth/password', { currentPassword: 'x', newPassword: 'judge-pass-67890' })).status).toBe(
      401,
    );
  });
});
