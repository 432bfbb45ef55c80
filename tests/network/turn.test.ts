// TURN for networks that block UDP or allow only TCP/TLS: the server starts Debian's coturn
// (TURN_EMBEDDED=1) and hands each client fresh credentials with each transport (TURN REST
// scheme). Checked with coturn's own client, turnutils_uclient: the handed-out credentials
// allocate a relay over UDP, TCP and TLS; a wrong or expired one is refused. Settings that cannot
// work are refused at start with a message naming them.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../signaling/config.ts';
import { turnCredentials } from '../../signaling/rtc/turn.ts';
import { freePort } from '../drafting/persistence-kill9.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { createStaffUser, startTestServer, StaffClient, type TestServer } from '../support/server.ts';
import { writeSelfSignedCert } from './tls-cert.ts';

const run = promisify(execFile);
const SECRET = 'turn-shared-secret-for-tests-0123456789';

function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('media network settings', () => {
  it('refuses listening on every interface without an announced address, and accepts IPv6', () => {
    expect(configProblems({ RTC_LISTEN_IP: '0.0.0.0' }).join()).toMatch(/RTC_ANNOUNCED_ADDRESS/);
    expect(configProblems({ RTC_LISTEN_IP: '::' }).join()).toMatch(/RTC_ANNOUNCED_ADDRESS/);
    expect(configProblems({ RTC_LISTEN_IP: '0.0.0.0', RTC_ANNOUNCED_ADDRESS: '203.0.113.7' })).toEqual([]);
    expect(configProblems({ RTC_LISTEN_IP: '::1' })).toEqual([]);
    expect(configProblems({ RTC_LISTEN_IP: '2001:db8::7', RTC_ANNOUNCED_ADDRESS: '2001:db8::7' })).toEqual([]);
    expect(configProblems({ RTC_LISTEN_IP: 'example' }).join()).toMatch(/RTC_LISTEN_IP/);
  });

  it('refuses TURN settings that cannot work', () => {
    expect(configProblems({ TURN_URLS: 'turns:turn.example.cn:443?transport=tcp' }).join()).toMatch(/TURN_SECRET/);
    expect(configProblems({ TURN_SECRET: SECRET }).join()).toMatch(/TURN_URLS/);
    expect(configProblems({ TURN_URLS: 'http://turn.example.cn', TURN_SECRET: SECRET }).join()).toMatch(/not a turn: or turns: URI/);
    expect(configProblems({ TURN_URLS: 'turn:x.cn', TURN_SECRET: 'short' }).join()).toMatch(/TURN_SECRET must be at least 32/);
    expect(configProblems({ TURN_EMBEDDED: '1', TURN_URLS: 'turns:x.cn:443?transport=tcp', TURN_SECRET: SECRET }).join()).toMatch(/TURN_TLS_CERT_FILE/);
    const fine = loadConfig({ TURN_URLS: 'turn:[2001:db8::1]:3478?transport=udp, turns:turn.example.cn:443?transport=tcp', TURN_SECRET: SECRET });
    expect(fine.turn?.urls).toEqual(['turn:[2001:db8::1]:3478?transport=udp', 'turns:turn.example.cn:443?transport=tcp']);
    expect(fine.embeddedTurn).toBeNull();
  });
});

describe('embedded coturn', () => {
  let server: TestServer;
  let dir: string;
  let ports: { turn: number; tls: number };
  let mediatorCookie: string;
  let caseId: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'jiefen-turn-'));
    // A self-signed certificate for the turns: listener.
    await writeSelfSignedCert(dir, '127.0.0.1');
    ports = { turn: await freePort(), tls: await freePort() };
    server = await startTestServer({
      TURN_EMBEDDED: '1',
      TURN_SECRET: SECRET,
      TURN_URLS: `turn:127.0.0.1:${ports.turn}?transport=udp,turn:127.0.0.1:${ports.turn}?transport=tcp,turns:127.0.0.1:${ports.tls}?transport=tcp`,
      TURN_PORT: String(ports.turn),
      TURN_TLS_PORT: String(ports.tls),
      TURN_TLS_CERT_FILE: `${dir}/cert.pem`,
      TURN_TLS_KEY_FILE: `${dir}/key.pem`,
      TURN_MIN_PORT: '49300',
      TURN_MAX_PORT: '49340',
    });
    const admin = new StaffClient(server.url);
    await admin.login(server.admin.username, server.admin.password);
    const { client: mediator } = await createStaffUser(admin, { username: 'turnmed', displayName: '高雅敏', role: 'MEDIATOR', password: 'mediator-pass-1' });
    mediatorCookie = mediator.cookie;
    caseId = (await mediator.json('POST', '/api/cases', { title: '租赁合同纠纷', disputeType: 'GENERAL', summary: '押金退还' }, 201)).case.id;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** coturn's own client allocating a relay and echoing through it; true when it worked. */
  async function allocates(username: string, credential: string, transport: 'udp' | 'tcp' | 'tls'): Promise<boolean> {
    const flags = transport === 'udp' ? [] : transport === 'tcp' ? ['-t'] : ['-t', '-S'];
    const port = transport === 'tls' ? ports.tls : ports.turn;
    try {
      await run('turnutils_uclient', [...flags, '-y', '-n', '2', '-m', '1', '-l', '100', '-u', username, '-w', credential, '-p', String(port), '127.0.0.1'], {
        timeout: 20_000,
      });
      return true;
    } catch {
      return false;
    }
  }

  it('hands each transport short-lived credentials that allocate over UDP, TCP and TLS', async () => {
    const m = new RoomTestClient(server.url, { cookie: mediatorCookie });
    try {
      await m.connected();
      await m.ok('room:join', { caseId });
      const first = await m.ok('media:createTransport', { direction: 'send' });
      const second = await m.ok('media:createTransport', { direction: 'recv' });
      const ice = first.iceServers?.[0];
      expect(ice?.urls).toHaveLength(3);
      expect(ice!.username).toMatch(/^\d+:[A-Za-z0-9_-]{12}$/);
      // Valid for TURN_CREDENTIAL_TTL_SEC (default one hour) from now.
      const expiry = Number(ice!.username.split(':')[0]);
      expect(expiry - Date.now() / 1000).toBeGreaterThan(3500);
      expect(expiry - Date.now() / 1000).toBeLessThanOrEqual(3600);
      expect(second.iceServers?.[0]?.credential).toBeTruthy();
      for (const transport of ['udp', 'tcp', 'tls'] as const) expect(await allocates(ice!.username, ice!.credential, transport), transport).toBe(true);
      expect(await allocates(ice!.username, 'd3JvbmcgcGFzc3dvcmQ=', 'tcp')).toBe(false);
      const expired = turnCredentials({ urls: [], secret: SECRET, ttlSec: 60 }, 'someone', new Date(Date.now() - 3_600_000));
      expect(await allocates(expired.username, expired.credential, 'tcp')).toBe(false);
    } finally {
      m.close();
    }
  });

  it('stops coturn with the server', async () => {
    const before = (await run('pgrep', ['-f', path.join(server.dataDir, 'turn')]).catch(() => ({ stdout: '' }))).stdout.trim();
    expect(before).not.toBe('');
    await server.close();
    const after = (await run('pgrep', ['-f', path.join(server.dataDir, 'turn')]).catch(() => ({ stdout: '' }))).stdout.trim();
    expect(after).toBe('');
  });
});
