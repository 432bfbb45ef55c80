// SMS providers chosen by configuration, each against a local stand-in that checks the request the
// way the provider does (Tencent Cloud: TC3-HMAC-SHA256 signature, SendSms, its JSON fields; the
// webhook: its HMAC header) and answers in its format; provider failures become specific codes with
// Chinese messages. The development provider writes codes to a file, never to the log, and a server
// that runs for real (PUBLIC_URL on https) refuses to start with it unless explicitly allowed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../signaling/config.ts';
import { DomainError } from '../../signaling/errors.ts';
import { loggerOptions } from '../../signaling/logs/logger.ts';
import { createSmsProvider } from '../../signaling/signing/sms-providers.ts';
import { setUpDraftCase } from '../drafting/sync-support.ts';
import { fillLoanAgreement } from '../signing/signing-support.ts';
import { acceptPrivacy, startTestServer, type TestServer } from '../support/server.ts';
import { startTencentStandIn, startWebhookStandIn, type StandIn } from './sms-stand-ins.ts';

const TENCENT = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLEKEY',
  sdkAppId: '1400006666',
  signName: '解纷调解',
  templateId: '1110',
};
const tencentEnv = (standIn: StandIn, secretKey = TENCENT.secretKey) => ({
  SMS_PROVIDER: 'tencent',
  TENCENT_SMS_SECRET_ID: TENCENT.secretId,
  TENCENT_SMS_SECRET_KEY: secretKey,
  TENCENT_SMS_SDK_APP_ID: TENCENT.sdkAppId,
  TENCENT_SMS_SIGN_NAME: TENCENT.signName,
  TENCENT_SMS_TEMPLATE_ID: TENCENT.templateId,
  TENCENT_SMS_ENDPOINT: `127.0.0.1:${standIn.port}`,
  TENCENT_SMS_PROTOCOL: 'http',
});
const quiet = { info: () => undefined, warn: () => undefined };
const otp = { code: '482913', validMinutes: 5 };
const TEXT = '【解纷】您正在签署调解协议书，验证码 482913，5分钟内有效。';

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

describe('Tencent Cloud SMS (official SDK) against a stand-in', () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startTencentStandIn(TENCENT);
  });
  afterAll(() => standIn?.close());

  it('sends SendSms signed with TC3-HMAC-SHA256: +86 number, SmsSdkAppId, SignName, TemplateId, the code and its minutes', async () => {
    const provider = createSmsProvider(loadConfig(tencentEnv(standIn)).sms, tmpdir(), quiet);
    expect(provider.name).toBe('tencent');
    await provider.send('13912345678', TEXT, otp);
    const request = standIn.requests.at(-1)!;
    expect(request.problem).toBeNull();
    expect(request.headers.authorization).toMatch(
      /^TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE\/\d{4}-\d{2}-\d{2}\/127\/tc3_request, SignedHeaders=/,
    );
    expect(JSON.parse(request.body)).toMatchObject({
      PhoneNumberSet: ['+8613912345678'],
      SmsSdkAppId: '1400006666',
      SignName: '解纷调解',
      TemplateId: '1110',
      TemplateParamSet: ['482913', '5'],
    });
    expect(standIn.outbox.lastCode()).toBe('482913');
  });

  it('maps the provider’s refusals to SMS_SEND_FAILED / SMS_PHONE_REJECTED with Chinese messages', async () => {
    const provider = createSmsProvider(loadConfig(tencentEnv(standIn)).sms, tmpdir(), quiet);
    standIn.failNext('LimitExceeded.PhoneNumberDailyLimit');
    const limit = await refusal(provider.send('13912345678', TEXT, otp));
    expect([limit.code, limit.message]).toEqual(['SMS_SEND_FAILED', '该手机号接收短信次数已达上限，请稍后再试或联系调解员']);

    standIn.failNext('Error:InvalidParameterValue.IncorrectPhoneNumber');
    const phone = await refusal(provider.send('13912345678', TEXT, otp));
    expect([phone.code, phone.status, phone.message]).toEqual(['SMS_PHONE_REJECTED', 409, '短信无法发送到登记的手机号，请联系调解员核对号码']);

    // A wrong secret key: the stand-in's signature check fails, as Tencent's would (AuthFailure).
    const forged = createSmsProvider(loadConfig(tencentEnv(standIn, 'wrong-secret-key-0123456789')).sms, tmpdir(), quiet);
    const auth = await refusal(forged.send('13912345678', TEXT, otp));
    expect(standIn.requests.at(-1)!.problem).toBe('signature does not verify');
    expect([auth.code, auth.status, auth.message]).toEqual(['SMS_SEND_FAILED', 502, '验证码短信发送失败，请稍后重试；如多次失败请联系调解员']);

    // Nothing listening: the same refusal, not a crash.
    const gone = createSmsProvider(loadConfig({ ...tencentEnv(standIn), TENCENT_SMS_ENDPOINT: '127.0.0.1:1' }).sms, tmpdir(), quiet);
    expect((await refusal(gone.send('13912345678', TEXT, otp))).code).toBe('SMS_SEND_FAILED');
  });
});

describe('a signer asks for a code through the server configured for Tencent Cloud SMS', () => {
  let standIn: StandIn;
  let server: TestServer;
  beforeAll(async () => {
    standIn = await startTencentStandIn(TENCENT);
    server = await startTestServer(tencentEnv(standIn));
  });
  afterAll(async () => {
    await server?.close();
    await standIn?.close();
  });

  it('a failed send answers SMS_SEND_FAILED and does not count: asking again at once succeeds', { timeout: 60_000 }, async () => {
    const kase = await setUpDraftCase(server.url, server.admin);
    const mediatorId = ((await kase.mediator.json('GET', '/api/auth/me')) as { user: { id: string } }).user.id;
    const asA = (p: string, body: unknown) =>
      fetch(`${server.url}${p}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${kase.tokenA}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await acceptPrivacy(server.url, kase.tokenA);
    expect((await asA('/api/party/confirm-identity', { name: '李某', idLast4: (await idOf(server, kase.partyAId)).slice(-4) })).status).toBe(200);
    expect((await asA('/api/party/consent', { consent: true })).status).toBe(200);
    for (const to of ['TRIAGED', 'MEDIATING']) await kase.mediator.json('POST', `/api/cases/${kase.caseId}/transition`, { to }, 200);
    await server.drafting.withDocument(kase.caseId, async () => undefined);
    await fillLoanAgreement(server, kase.caseId, mediatorId);
    await kase.mediator.json('POST', `/api/agreements/${kase.caseId}/versions`, { name: '签署版' }, 201);
    await kase.mediator.json('POST', `/api/signing/${kase.caseId}/lock`, {}, 201);

    standIn.failNext('FailedOperation.InsufficientBalanceInSmsPackage');
    const failed = await asA(`/api/signing/${kase.caseId}/code`, {});
    expect([failed.status, await failed.json()]).toEqual([502, { code: 'SMS_SEND_FAILED', message: '验证码短信发送失败，请稍后重试；如多次失败请联系调解员' }]);
    const sent = await asA(`/api/signing/${kase.caseId}/code`, {});
    expect(sent.status, await sent.clone().text()).toBeLessThan(300);
    expect(standIn.requests.every((r) => r.problem === null)).toBe(true);
    expect(JSON.parse(standIn.requests.at(-1)!.body).PhoneNumberSet).toEqual(['+8613800138000']);
    expect(standIn.outbox.lastCode()).toMatch(/^\d{6}$/);
  });
});

async function idOf(server: TestServer, participantId: string): Promise<string> {
  return (await server.ctx.db.participant.findUniqueOrThrow({ where: { id: participantId } })).idNumber ?? '';
}

describe('generic webhook against a stand-in', () => {
  const secret = 'webhook-secret-0123456789abcdef';
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startWebhookStandIn(secret);
  });
  afterAll(() => standIn?.close());

  it('posts JSON signed with HMAC-SHA256; refusals map to the same codes', async () => {
    const env = { SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: standIn.url, SMS_WEBHOOK_SECRET: secret };
    const provider = createSmsProvider(loadConfig(env).sms, tmpdir(), quiet);
    await provider.send('13912345678', TEXT, otp);
    expect(standIn.requests.at(-1)!.problem).toBeNull();
    expect(JSON.parse(standIn.requests.at(-1)!.body)).toEqual({ to: '+8613912345678', text: TEXT, code: '482913', validMinutes: 5, purpose: 'signing-code' });
    expect(standIn.requests.at(-1)!.headers['x-jiefen-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);

    standIn.failNext('InvalidPhoneNumber');
    expect((await refusal(provider.send('13912345678', TEXT, otp))).code).toBe('SMS_PHONE_REJECTED');
    const wrongKey = createSmsProvider(loadConfig({ ...env, SMS_WEBHOOK_SECRET: 'another-secret-0123456789' }).sms, tmpdir(), quiet);
    expect((await refusal(wrongKey.send('13912345678', TEXT, otp))).code).toBe('SMS_SEND_FAILED');
    expect(standIn.requests.at(-1)!.problem).toBe('signature');
  });

  it('refuses plain http to another host and short secrets at start', () => {
    expect(() => loadConfig({ SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: 'http://sms.example.cn/send', SMS_WEBHOOK_SECRET: secret })).toThrow(
      /SMS_WEBHOOK_URL: must be https/,
    );
    expect(() => loadConfig({ SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: 'https://sms.example.cn/send', SMS_WEBHOOK_SECRET: 'short' })).toThrow(
      /SMS_WEBHOOK_SECRET/,
    );
    expect(() => loadConfig({ SMS_PROVIDER: 'tencent' })).toThrow(/TENCENT_SMS_SECRET_ID: required/);
  });
});

describe('the development provider', () => {
  it('writes the code to the outbox file in the data folder and only a masked number to the log', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-dev-sms-'));
    try {
      const lines: string[] = [];
      const options = loggerOptions({ level: 'trace', format: 'json', destination: { write: (l: string) => void lines.push(l) } });
      const log = pino(options, options.stream);
      const provider = createSmsProvider(loadConfig({ JIEFEN_DATA_DIR: dir }).sms, dir, log);
      await provider.send('13912345678', TEXT, otp);
      expect(JSON.parse(readFileSync(path.join(dir, 'dev-sms-outbox.log'), 'utf8'))).toMatchObject({ to: '13912345678', text: TEXT });
      const logged = lines.join('');
      expect(logged).toContain('139****5678');
      expect(logged).not.toContain('482913');
      expect(logged).not.toContain('13912345678');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is refused when PUBLIC_URL is https unless SMS_ALLOW_DEV_IN_PRODUCTION=1', () => {
    const err = (() => {
      try {
        loadConfig({ PUBLIC_URL: 'https://tiaojie.example.cn' });
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]).toMatch(/^SMS_PROVIDER: the development provider sends no SMS/);
    expect(loadConfig({ PUBLIC_URL: 'https://tiaojie.example.cn', SMS_ALLOW_DEV_IN_PRODUCTION: '1' }).sms.provider).toBe('dev');
    expect(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:3000' }).sms.provider).toBe('dev');
  });

  it('npm start refuses to start with it on https (exit 78, the reason on stderr)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-dev-sms-'));
    try {
      const res = spawnSync(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
        env: { ...process.env, PUBLIC_URL: 'https://tiaojie.example.cn', JIEFEN_DATA_DIR: dir, PORT: '0', SMS_PROVIDER: '' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(res.status).toBe(78);
      expect(res.stderr).toContain('SMS_ALLOW_DEV_IN_PRODUCTION=1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
