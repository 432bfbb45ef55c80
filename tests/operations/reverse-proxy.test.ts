// Behind a reverse proxy: Debian's nginx (own config in a temp folder, foreground, random port)
// in front of a real server. Clients reach nginx from different loopback addresses (127.0.0.2,
// 127.0.0.3 — all of 127/8 is local), so nginx sees two real clients. Without TRUST_PROXY a
// client's own X-Forwarded-For is ignored; with TRUST_PROXY=1 the server takes the client nginx
// saw — in the audit, in link-use records and in the rate-limit buckets — and the session cookie
// is Secure because nginx says the original request was https. Metrics want METRICS_TOKEN unless
// the server listens on loopback only, and even then not through the proxy.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addInvitedParty, createStaffUser, sharedStaffSession, startTestServer, type TestServer } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request from a chosen local address (so nginx sees distinct clients). */
function send(url: string, opts: { from?: string; method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers ?? {}, ...(opts.from ? { localAddress: opts.from } : {}), agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

interface Nginx {
  url: string;
  stop(): Promise<void>;
}

/** nginx as a TLS-terminating proxy would forward: X-Forwarded-For appended, X-Forwarded-Proto https. */
async function startNginx(upstreamUrl: string): Promise<Nginx> {
  const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-nginx-'));
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, sub));
  const upstream = new URL(upstreamUrl);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    writeFileSync(
      path.join(dir, 'nginx.conf'),
      `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 128; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${upstream.port};
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
    }
  }
}
`,
    );
    const child: ChildProcess = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    const up = await Promise.race([
      waitFor(async () => (await send(`${url}/api/health`).catch(() => null)) !== null, 10_000, 'nginx answering').then(() => true),
      exited.then(() => false),
    ]);
    if (up) {
      return {
        url,
        async stop() {
          child.kill('SIGTERM');
          await exited;
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    // The port was taken between probing and binding: try another.
    if (attempt >= 3) throw new Error('nginx did not start');
  }
}

const CLIENT_A = '127.0.0.2';
const CLIENT_B = '127.0.0.3';

async function newLink(server: TestServer, caseNo: number): Promise<{ token: string; invitationId: string }> {
  const admin = await sharedStaffSession(server.url, server.admin);
  const { client: mediator } = await createStaffUser(admin, {
    username: `proxy-med-${caseNo}`,
    displayName: '调解员',
    role: 'MEDIATOR',
    password: 'mediator-pass-1',
  });
  const caseId = (await mediator.json('POST', '/api/cases', { title: '相邻纠纷', disputeType: 'NEIGHBOUR', summary: '噪音' }, 201)).case.id as string;
  const party = await addInvitedParty(mediator, caseId, { name: '李某', side: 'A', role: 'APPLICANT', id17: '15020419750312101' });
  return { token: party.token, invitationId: party.token.split('.')[0]! };
}

async function usesOf(server: TestServer, invitationId: string): Promise<{ recorded: string[]; audited: string[] }> {
  const recorded = (await server.ctx.db.invitationUse.findMany({ where: { invitationId }, orderBy: { id: 'asc' } })).map((u) => u.ip);
  const audited = (await server.ctx.db.auditEntry.findMany({ where: { type: 'INVITATION_USED' }, orderBy: { seq: 'asc' } }))
    .map((e) => JSON.parse(e.data) as { invitationId: string; ip: string })
    .filter((d) => d.invitationId === invitationId)
    .map((d) => d.ip);
  return { recorded, audited };
}

describe('TRUST_PROXY off (the default)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('ignores a client’s own X-Forwarded-For: the audit has the real peer and the rate limit cannot be dodged', async () => {
    const { token, invitationId } = await newLink(server, 1);
    const spoof = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i}`, 'x-forwarded-proto': 'https' });
    expect((await send(`${server.url}/j/${token}`, { from: CLIENT_A, headers: spoof(1) })).status).toBe(200);
    const uses = await usesOf(server, invitationId);
    expect(uses).toEqual({ recorded: [CLIENT_A], audited: [CLIENT_A] });
    // /j/ allows 30 a minute per client: a new forged address each time does not open a new bucket.
    const statuses: number[] = [];
    for (let i = 2; i <= 31; i++) statuses.push((await send(`${server.url}/j/${token}`, { from: CLIENT_A, headers: spoof(i) })).status);
    expect(statuses.slice(0, 29).every((s) => s === 200)).toBe(true);
    expect(statuses[29]).toBe(429);
  });

  it('does not mark the session cookie Secure on a forwarded-https claim it does not trust', async () => {
    const res = await send(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ username: server.admin.username, password: server.admin.password }),
    });
    expect(res.status).toBe(200);
    expect(String(res.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
  });
});

describe('TRUST_PROXY=1 behind nginx', () => {
  let server: TestServer;
  let nginx: Nginx;
  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: '1' });
    nginx = await startNginx(server.url);
  });
  afterAll(async () => {
    await nginx?.stop();
    await server?.close();
  });

  it('records the client nginx saw in the link-use record and the audit (not nginx, not a forged header)', async () => {
    const { token, invitationId } = await newLink(server, 2);
    expect((await send(`${nginx.url}/j/${token}`, { from: CLIENT_A })).status).toBe(200);
    // A forged header from the client is only the left part of the chain nginx forwards: one trusted hop ignores it.
    expect((await send(`${nginx.url}/j/${token}`, { from: CLIENT_B, headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(200);
    expect(await usesOf(server, invitationId)).toEqual({ recorded: [CLIENT_A, CLIENT_B], audited: [CLIENT_A, CLIENT_B] });
  });

  it('keys rate limits per forwarded client: two clients behind the proxy do not share a bucket', async () => {
    const { token } = await newLink(server, 3);
    const a: number[] = [];
    for (let i = 0; i < 31; i++) a.push((await send(`${nginx.url}/j/${token}`, { from: '127.0.0.4' })).status);
    expect(a.filter((s) => s === 200)).toHaveLength(30);
    expect(a[30]).toBe(429);
    // Another client behind the same proxy still gets in.
    expect((await send(`${nginx.url}/j/${token}`, { from: '127.0.0.5' })).status).toBe(200);
  });

  it('marks the session cookie Secure when the original request was https, and audits the login from the real client', async () => {
    const res = await send(`${nginx.url}/api/auth/login`, {
      from: CLIENT_A,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: server.admin.username, password: server.admin.password }),
    });
    expect(res.status, res.body).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/jf_session=[^;]+;.*Secure/i);
    const login = await server.ctx.db.auditEntry.findFirstOrThrow({ where: { type: 'USER_LOGIN' }, orderBy: { seq: 'desc' } });
    expect(JSON.parse(login.data)).toMatchObject({ ip: CLIENT_A });
  });

  it('refuses metrics through the proxy without METRICS_TOKEN, although the server listens on loopback only', async () => {
    expect((await send(`${server.url}/metrics`)).status).toBe(200);
    for (const p of ['/metrics', '/metrics/rooms']) {
      const res = await send(`${nginx.url}${p}`);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'METRICS_TOKEN_REQUIRED' });
    }
  });
});

describe('metrics on a server that does not listen on loopback only', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ HOST: '0.0.0.0' });
  });
  afterAll(() => server?.close());

  it('answer 401 without METRICS_TOKEN, even to a loopback client', async () => {
    const port = new URL(server.url).port;
    for (const p of ['/metrics', '/metrics/rooms']) {
      const res = await send(`http://127.0.0.1:${port}${p}`);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'METRICS_TOKEN_REQUIRED', message: '读取监控指标需要 METRICS_TOKEN（Authorization: Bearer）' });
    }
  });
});
