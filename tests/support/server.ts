// Starts a real jiefen server (real SQLite file, real HTTP on a loopback port) in a
// fresh temporary data folder. The migrated database is made once per test file and copied.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../signaling/config.ts';
import { applyMigrations } from '../../signaling/db.ts';
import { idNumberCheckChar } from '../../signaling/domain/id-number.ts';
import { startServer, type RunningServer, type StartOptions } from '../../signaling/server.ts';

let template: Promise<string> | null = null;

function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-template-'));
    await applyMigrations(dir);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return path.join(dir, 'jiefen.db');
  })();
  return template;
}

export interface TestServer extends RunningServer {
  dataDir: string;
  admin: { username: string; password: string };
}

export async function startTestServer(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-test-'));
  copyFileSync(await migratedTemplate(), path.join(dataDir, 'jiefen.db'));
  const config: Config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JIEFEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn', RTC_PORT: '0', MEDIASOUP_WORKERS: '1', ...env });
  const server = await startServer(config, { logger: false, skipMigrations: true, ...options });
  // With PORT=0 the public URL must follow the real port.
  config.publicUrl = server.url;
  return {
    ...server,
    dataDir,
    admin: { username: server.bootstrap.adminUsername ?? 'admin', password: server.bootstrap.adminPassword ?? '' },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A cookie-keeping JSON client for the staff API (sends the CSRF header on mutations). */
export class StaffClient {
  cookie = '';
  csrfToken = '';

  constructor(readonly baseUrl: string) {}

  async login(username: string, password: string): Promise<Response> {
    const res = await this.request('POST', '/api/auth/login', { username, password });
    if (res.ok) {
      this.cookie = (res.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
      this.csrfToken = ((await res.clone().json()) as { csrfToken: string }).csrfToken;
    }
    return res;
  }

  request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrfToken && method !== 'GET' && !('x-csrf-token' in headers)) h['x-csrf-token'] = this.csrfToken;
    return fetch(this.baseUrl + url, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  }

  async json<T = any>(method: string, url: string, body?: unknown, expectStatus = 200): Promise<T> {
    const res = await this.request(method, url, body);
    const text = await res.text();
    if (res.status !== expectStatus) throw new Error(`${method} ${url} → ${res.status} (expected ${expectStatus}): ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }
}

/** A valid GB 11643 number for a test party (the check character is computed, not hard-coded). */
export function makeIdNumber(first17: string): string {
  return first17 + idNumberCheckChar(first17);
}
