// Starts a real jiefen server (real SQLite file, real HTTP on a loopback port) in a
// fresh temporary data folder. The migrated database is made once per test file and copied.
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  /** The SMS provider the test gave (startTestServer's `sms` option); undefined: the development provider (outbox file in dataDir). */
  sms: StartOptions['sms'];
  /**
   * The generated administrator. It must change its initial password at first login; the test
   * server does that once through the API (`password` is the one in force) unless started with
   * keepInitialAdminPassword (then `password` is still the initial one).
   */
  admin: { username: string; password: string; initialPassword: string };
}

export interface TestServerOptions extends StartOptions {
  /** Leave the generated administrator's first login (and its required password change) to the test. */
  keepInitialAdminPassword?: boolean;
  /** An existing empty folder to use as the data folder (e.g. on a small tmpfs); the caller removes it. */
  dataDir?: string;
  /**
   * Keys of the centre's 回访 policy (data/followup-policy.json, #16). Default: no closing sample
   * (`sampleClosedPercent: 0`) — which cases are sampled follows their random ids, and a sampled
   * case's 回访 adds audit rows to trails other tests compare exactly. A data folder that already
   * has the file keeps it.
   */
  followUpPolicy?: Record<string, unknown>;
}

export async function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const { keepInitialAdminPassword = false, dataDir: givenDataDir, followUpPolicy = { sampleClosedPercent: 0 }, ...startOptions } = options;
  const dataDir = givenDataDir ?? mkdtempSync(path.join(tmpdir(), 'jiefen-test-'));
  copyFileSync(await migratedTemplate(), path.join(dataDir, 'jiefen.db'));
  const followUpPolicyFile = path.join(dataDir, 'followup-policy.json');
  if (!existsSync(followUpPolicyFile)) writeFileSync(followUpPolicyFile, JSON.stringify(followUpPolicy));
  const config: Config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    JIEFEN_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    RTC_PORT: '0',
    MEDIASOUP_WORKERS: '1',
    ...env,
  });
  // JIEFEN_TEST_LOG=<level> shows the server's log (e.g. to see why a test flaked).
  const logger = process.env.JIEFEN_TEST_LOG ? { level: process.env.JIEFEN_TEST_LOG } : false;
  const server = await startServer(config, { logger, skipMigrations: true, ...startOptions });
  // With PORT=0 the public URL must follow the real port.
  config.publicUrl = server.url;
  const username = server.bootstrap.adminUsername ?? 'admin';
  const initialPassword = server.bootstrap.adminPassword ?? '';
  const admin = { username, initialPassword, password: keepInitialAdminPassword ? initialPassword : changedPassword(initialPassword) };
  if (!keepInitialAdminPassword) {
    // The session of that first login is kept for helpers that need the administrator (sharedStaffSession).
    shareSession(server.url, admin, firstLogin(new StaffClient(server.url), username, initialPassword, admin.password));
    await sharedStaffSession(server.url, admin);
  }
  return {
    ...server,
    dataDir,
    sms: startOptions.sms,
    admin,
    async close() {
      await server.close();
      if (!givenDataDir) rmSync(dataDir, { recursive: true, force: true });
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

  /** Changes this user's own password (its other sessions end; this one stays). */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.json('POST', '/api/auth/password', { currentPassword, newPassword }, 204);
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

/** A password someone else set, changed as its user must at first login (still strong: a suffix with letters). */
export const changedPassword = (initial: string) => `${initial}-changed`;

/**
 * The first login of an account whose password someone else set (the generated administrator,
 * or an account an administrator created or reset): log in, then change the password as the
 * server requires before anything else. The client stays logged in.
 */
export async function firstLogin(client: StaffClient, username: string, initialPassword: string, newPassword: string): Promise<StaffClient> {
  const res = await client.login(username, initialPassword);
  if (!res.ok) throw new Error(`login ${username} → ${res.status}: ${await res.text()}`);
  await client.changePassword(initialPassword, newPassword);
  return client;
}

export interface NewStaffUser {
  username: string;
  displayName: string;
  role: 'ADMIN' | 'MEDIATOR' | 'JUDGE';
  /** The password the account ends up with (the administrator sets another, which the first login changes to this). */
  password: string;
  courtId?: string;
}

/**
 * An administrator creates a staff account and the account logs in for the first time, changing
 * the password the administrator set to `user.password`: the new user's id and logged-in client.
 */
export async function createStaffUser(admin: StaffClient, user: NewStaffUser): Promise<{ id: string; client: StaffClient }> {
  const initialPassword = `${user.password}-initial`;
  const created = (await admin.json('POST', '/api/users', { ...user, password: initialPassword }, 201)).user as { id: string };
  const client = await firstLogin(new StaffClient(admin.baseUrl), user.username, initialPassword, user.password);
  return { id: created.id, client };
}

const sessions = new Map<string, Promise<StaffClient>>();
const sessionKey = (baseUrl: string, user: { username: string; password: string }) => `${baseUrl}\n${user.username}\n${user.password}`;

function shareSession(baseUrl: string, user: { username: string; password: string }, session: Promise<StaffClient>): void {
  const key = sessionKey(baseUrl, user);
  session.catch(() => sessions.delete(key));
  sessions.set(key, session);
}

/**
 * A client logged in with these credentials on this server, made once and shared: staff logins
 * are rate-limited (10 a minute per address), so helpers that need the administrator for a
 * moment (e.g. to create an account) reuse one session instead of logging in each time.
 */
export function sharedStaffSession(baseUrl: string, user: { username: string; password: string }): Promise<StaffClient> {
  const key = sessionKey(baseUrl, user);
  if (!sessions.has(key)) {
    shareSession(
      baseUrl,
      user,
      (async () => {
        const client = new StaffClient(baseUrl);
        const res = await client.login(user.username, user.password);
        if (!res.ok) throw new Error(`login ${user.username} → ${res.status}: ${await res.text()}`);
        return client;
      })(),
    );
  }
  return sessions.get(key)!;
}

/** A valid GB 11643 number for a test party (the check character is computed, not hard-coded). */
export function makeIdNumber(first17: string): string {
  return first17 + idNumberCheckChar(first17);
}

export interface SeededParty {
  id: string;
  token: string;
  name: string;
}

/**
 * The seed article's leaking-pipe case, ready for a live session: a mediator (李瑞芳), a case
 * and two parties (李某 side A, 王某 side B) who have confirmed identity and consented online.
 */
export async function seedLeakCase(server: {
  url: string;
  admin: { username: string; password: string };
}): Promise<{ mediator: StaffClient; mediatorId: string; caseId: string; parties: SeededParty[] }> {
  const admin = await sharedStaffSession(server.url, server.admin);
  const { id: mediatorId, client: mediator } = await createStaffUser(admin, {
    username: 'lirf',
    displayName: '李瑞芳',
    role: 'MEDIATOR',
    password: 'mediator-pass-1',
  });
  const caseId = (await mediator.json('POST', '/api/cases', { title: '王某家漏水纠纷', disputeType: 'NEIGHBOUR', summary: '直饮水管道漏水' }, 201)).case
    .id as string;
  const parties: SeededParty[] = [];
  for (const [name, side, role, id17] of [
    ['李某', 'A', 'APPLICANT', '15020419750312101'],
    ['王某', 'B', 'RESPONDENT', '15020419800101123'],
  ] as const) {
    parties.push(await addConfirmedParty(mediator, caseId, { name, side, role, id17 }));
  }
  return { mediator, mediatorId, caseId, parties };
}

export interface PartySpec {
  name: string;
  side: 'A' | 'B' | 'NEUTRAL';
  role: 'APPLICANT' | 'RESPONDENT' | 'AGENT' | 'INTERPRETER';
  /** First 17 digits of the ID number (the check character is computed). */
  id17: string;
}

/** Added to the case by the mediator and invited; identity and consent still to do. */
export async function addInvitedParty(mediator: StaffClient, caseId: string, party: PartySpec): Promise<SeededParty & { idNumber: string }> {
  const { name, side, role } = party;
  const idNumber = makeIdNumber(party.id17);
  const p = (await mediator.json('POST', `/api/cases/${caseId}/participants`, { role, side, name, phone: '13800138000', idNumber }, 201)).participant;
  const token = (await mediator.json('POST', `/api/cases/${caseId}/invitations`, { participantId: p.id }, 201)).invitation.url.split('/j/')[1] as string;
  return { id: p.id as string, token, name, idNumber };
}

/** Every separate consent a party can give on its link (PIPL arts. 23, 29). */
export const ALL_PRIVACY_CONSENTS = ['ID_IMAGES', 'BANK_ACCOUNT', 'SIGNATURE', 'COURT'] as const;

/**
 * Over the link, as the party page does: the 个人信息处理告知书 acknowledged (needed before the
 * party gives any personal data), then the separate consents in `purposes`.
 */
export async function acceptPrivacy(baseUrl: string, token: string, purposes: readonly string[] = ALL_PRIVACY_CONSENTS): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const view = await fetch(`${baseUrl}/api/party/privacy`, { headers });
  if (!view.ok) throw new Error(`privacy view → ${view.status}: ${await view.text()}`);
  const { version } = ((await view.json()) as { notice: { version: string } }).notice;
  for (const [path, body] of [
    ['/api/party/privacy/acknowledge', { version }],
    ...purposes.map((purpose) => ['/api/party/privacy/consents', { purpose, version }] as const),
  ] as const) {
    const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path} → ${res.status}: ${await res.text()}`);
  }
}

/** Invited, then privacy notice and consents, identity confirmed and consent given over the link — the steps a party takes on its link page. */
export async function addConfirmedParty(mediator: StaffClient, caseId: string, party: PartySpec): Promise<SeededParty> {
  const { id, token, name, idNumber } = await addInvitedParty(mediator, caseId, party);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  await acceptPrivacy(mediator.baseUrl, token);
  for (const [path, body] of [
    ['/api/party/confirm-identity', { name, idLast4: idNumber.slice(-4) }],
    ['/api/party/consent', { consent: true }],
  ] as const) {
    const res = await fetch(`${mediator.baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path} → ${res.status}: ${await res.text()}`);
  }
  if (party.role !== 'INTERPRETER') await acknowledgeNotice(mediator.baseUrl, caseId, token);
  return { id, token, name };
}

/** The 权利义务告知书 read and acknowledged over the link (parties and agents must, before entering the room). */
export async function acknowledgeNotice(baseUrl: string, caseId: string, token: string): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const view = await fetch(`${baseUrl}/api/procedure/${caseId}`, { headers });
  if (!view.ok) throw new Error(`procedure view → ${view.status}: ${await view.text()}`);
  const { notice } = (await view.json()) as { notice: { sha256: string } };
  const res = await fetch(`${baseUrl}/api/procedure/${caseId}/notice/acknowledge`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ sha256: notice.sha256 }),
  });
  if (!res.ok) throw new Error(`notice acknowledge → ${res.status}: ${await res.text()}`);
}
