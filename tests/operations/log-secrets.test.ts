// Logs keep no secrets: a real server logging at trace level (every line captured, as it would
// leave the machine) runs a whole case — staff logins, a case with parties' phone and ID numbers,
// links issued and opened (and a forged one), identity and consent, the agreement with a bank
// account, one-time codes sent through the webhook SMS provider and used, both parties and the
// mediator signing — and then the log is searched for every secret the flow used: none may appear.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptPrivacy, createStaffUser, makeIdNumber, sharedStaffSession, startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { fillLoanAgreement, signCaseThroughApi } from '../signing/signing-support.ts';
import { waitFor } from '../support/wait.ts';
import { startWebhookStandIn, type StandIn } from './sms-stand-ins.ts';

const WEBHOOK_SECRET = 'webhook-secret-0123456789abcdef';
const BANK_ACCOUNT = '6222020602009876543'; // the account fillLoanAgreement writes into the agreement
const MEDIATOR_PASSWORD = 'mediator-pass-7391';

let server: TestServer;
let sms: StandIn;
const lines: string[] = [];

beforeAll(async () => {
  sms = await startWebhookStandIn(WEBHOOK_SECRET);
  server = await startTestServer(
    { LOG_LEVEL: 'trace', SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: sms.url, SMS_WEBHOOK_SECRET: WEBHOOK_SECRET },
    { logger: true, logDestination: { write: (line: string) => void lines.push(line) } },
  );
});

afterAll(async () => {
  await server?.close();
  await sms?.close();
});

interface Party {
  name: string;
  side: 'A' | 'B';
  role: 'APPLICANT' | 'RESPONDENT';
  phone: string;
  idNumber: string;
  id: string;
  token: string;
}

async function addParty(mediator: StaffClient, caseId: string, spec: Omit<Party, 'id' | 'token'>): Promise<Party> {
  const { name, side, role, phone, idNumber } = spec;
  const p = (await mediator.json('POST', `/api/cases/${caseId}/participants`, { role, side, name, phone, idNumber }, 201)).participant;
  const url = (await mediator.json('POST', `/api/cases/${caseId}/invitations`, { participantId: p.id }, 201)).invitation.url as string;
  return { ...spec, id: p.id as string, token: url.split('/j/')[1]! };
}

describe('logs keep no secrets', () => {
  it('a whole case leaves no token, cookie, code, phone, ID number, bank account or password in the log', { timeout: 120_000 }, async () => {
    const admin = await sharedStaffSession(server.url, server.admin);
    const { id: mediatorId, client: mediator } = await createStaffUser(admin, {
      username: 'zhaolm',
      displayName: '赵丽梅',
      role: 'MEDIATOR',
      password: MEDIATOR_PASSWORD,
    });
    const caseId = (await mediator.json('POST', '/api/cases', { title: '民间借贷纠纷', disputeType: 'PRIVATE_LOAN', summary: '借款到期未还' }, 201)).case
      .id as string;
    const a = await addParty(mediator, caseId, {
      name: '李某',
      side: 'A',
      role: 'APPLICANT',
      phone: '13912345678',
      idNumber: makeIdNumber('15020419750312101'),
    });
    const b = await addParty(mediator, caseId, {
      name: '王某',
      side: 'B',
      role: 'RESPONDENT',
      phone: '18698765432',
      idNumber: makeIdNumber('15020419800101123'),
    });

    // Links opened (the /j/ page logs the use), plus a forged one that is refused.
    for (const p of [a, b]) expect((await fetch(`${server.url}/j/${p.token}`)).status).toBe(200);
    const forged = `${a.token.split('.')[0]}.${'x'.repeat(32)}`;
    expect((await fetch(`${server.url}/j/${forged}?from=sms`)).status).toBe(401);
    for (const p of [a, b]) {
      const headers = { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' };
      await acceptPrivacy(server.url, p.token);
      for (const [path, body] of [
        ['/api/party/confirm-identity', { name: p.name, idLast4: p.idNumber.slice(-4) }],
        ['/api/party/consent', { consent: true }],
      ] as const) {
        const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
        expect(res.status, `${path}: ${await res.text()}`).toBe(200);
      }
    }
    // A wrong ID number and a wrong password are refused (and logged as refusals).
    await fetch(`${server.url}/api/party/confirm-identity`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: a.name, idLast4: '0000' }),
    });
    await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ username: 'zhaolm', password: `${MEDIATOR_PASSWORD}-wrong` }),
    });

    // The agreement (with the bank account), codes by SMS through the webhook, every signature.
    for (const to of ['TRIAGED', 'MEDIATING']) await mediator.json('POST', `/api/cases/${caseId}/transition`, { to }, 200);
    await server.drafting.withDocument(caseId, async () => undefined); // the draft from the template
    await fillLoanAgreement(server, caseId, mediatorId);
    await signCaseThroughApi(server, { caseId, mediator, tokenA: a.token, tokenB: b.token }, sms.outbox, { A: a.idNumber, B: b.idNumber });
    expect(sms.requests.every((r) => r.problem === null)).toBe(true);
    const codes = sms.outbox.messages.map((m) => /验证码 (\d{6})/.exec(m.text)![1]!);
    expect(codes).toHaveLength(2);
    expect((await server.ctx.db.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('SIGNED');

    // A careless log call is still caught by the last line of defence.
    server.app.log.warn(
      { party: { phone: a.phone, idNumber: a.idNumber }, note: `sent ${server.url}/j/${a.token} to ${b.phone}` },
      `careless ${a.idNumber} ${BANK_ACCOUNT}`,
    );

    const secrets: Record<string, string> = {
      'link token A': a.token,
      'link token B': b.token,
      'link secret A': a.token.split('.')[1]!,
      'link secret B': b.token.split('.')[1]!,
      'forged link secret': forged.split('.')[1]!,
      'phone A': a.phone,
      'phone B': b.phone,
      'ID number A': a.idNumber,
      'ID number B': b.idNumber,
      'bank account': BANK_ACCOUNT,
      'session cookie (mediator)': mediator.cookie.split('=').slice(1).join('='),
      'session cookie (admin)': admin.cookie.split('=').slice(1).join('='),
      'csrf token': mediator.csrfToken,
      'mediator password': MEDIATOR_PASSWORD,
      'admin password': server.admin.password,
      ...Object.fromEntries(codes.map((c, i) => [`one-time code ${i + 1}`, c])),
    };
    const log = lines.join('');
    const leaks = Object.entries(secrets).filter(([, value]) => value.length >= 4 && log.includes(value));
    expect(leaks.map(([what]) => what)).toEqual([]);
    // Not vacuous: the log has the requests (with the token cut out) and the careless line, as JSON.
    expect(lines.length).toBeGreaterThan(50);
    expect(log).toContain('/j/[redacted]');
    expect(log).toContain('careless [redacted] [redacted]');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('log format', () => {
  /** `npm start`'s entry point with its stdout captured; resolves with everything it printed once `until` matched. */
  async function startAndCapture(env: Record<string, string>, until: (out: string, url: string | null) => Promise<boolean>): Promise<string> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-logformat-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
      env: { ...process.env, JIEFEN_DATA_DIR: dataDir, PORT: '0', RTC_PORT: '0', MEDIASOUP_WORKERS: '1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    try {
      await waitFor(
        async () => {
          const url = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? null;
          return url !== null && (await until(out, url));
        },
        60_000,
        'the server to log',
        200,
      );
      return out;
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  const forgedToken = `${'c'.repeat(25)}.${'A'.repeat(32)}`;
  const openForgedLink = async (out: string, url: string | null) => {
    if (!out.includes('/j/')) await fetch(`${url}/j/${forgedToken}`);
    return out.includes('request completed');
  };

  it('is JSON when stdout is not a terminal (LOG_FORMAT=auto), redacted', { timeout: 90_000 }, async () => {
    const out = await startAndCapture({ LOG_FORMAT: 'auto' }, openForgedLink);
    const lines = out.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.map((l) => JSON.parse(l) as { msg: string }).some((l) => l.msg === 'incoming request')).toBe(true);
    expect(out).toContain('"url":"/j/[redacted]"');
    expect(out).not.toContain(forgedToken.split('.')[1]);
  });

  it('is human-readable with LOG_FORMAT=pretty (as on a terminal), redacted', { timeout: 90_000 }, async () => {
    const out = await startAndCapture({ LOG_FORMAT: 'pretty' }, openForgedLink);
    expect(out).toMatch(/\[\d{2}:\d{2}:\d{2}\] INFO: incoming request/);
    expect(out.split('\n').some((l) => l.startsWith('{"level"'))).toBe(false);
    expect(out).toContain('/j/[redacted]');
    expect(out).not.toContain(forgedToken.split('.')[1]);
  });
});
