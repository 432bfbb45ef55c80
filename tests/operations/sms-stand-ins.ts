// Local stand-ins for the SMS providers: real HTTP servers on loopback that check each request the
// way the provider does and answer in its format. The Tencent Cloud one recomputes the
// TC3-HMAC-SHA256 signature from the request (method, path, signed headers, body hash, credential
// scope) with the secret key; the webhook one checks the HMAC header. Every accepted message lands
// in an SmsOutbox (so the signing helpers can read the code), every request in `requests`.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SmsOutbox } from '../signing/signing-support.ts';

export interface StandInRequest {
  headers: IncomingMessage['headers'];
  body: string;
  /** Why the stand-in refused it as malformed (null: well-formed). */
  problem: string | null;
}

export interface StandIn {
  url: string;
  port: number;
  outbox: SmsOutbox;
  requests: StandInRequest[];
  /** The next answers replace the success answer, one per request (provider error codes). */
  failNext(...codes: string[]): void;
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, body: string) => { status: number; json: unknown }): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = handler(req, Buffer.concat(chunks).toString('utf8'));
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: string | Buffer, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

/** Tencent Cloud SMS (API 2021-01-11, SendSms) as documented: https://cloud.tencent.com/document/api/382/55981 */
export async function startTencentStandIn(expect: {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  templateId: string;
}): Promise<StandIn> {
  const outbox = new SmsOutbox();
  const requests: StandInRequest[] = [];
  const failures: string[] = [];

  const check = (req: IncomingMessage, body: string): string | null => {
    if (req.method !== 'POST' || req.url !== '/') return `expected POST /, got ${req.method} ${req.url}`;
    if (req.headers['x-tc-action'] !== 'SendSms') return `X-TC-Action ${req.headers['x-tc-action']}`;
    if (req.headers['x-tc-version'] !== '2021-01-11') return `X-TC-Version ${req.headers['x-tc-version']}`;
    if (!req.headers['x-tc-region']) return 'X-TC-Region missing';
    const timestamp = String(req.headers['x-tc-timestamp'] ?? '');
    if (!/^\d{10}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return `X-TC-Timestamp ${timestamp}`;
    const auth =
      /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
        String(req.headers.authorization ?? ''),
      );
    if (!auth) return `Authorization ${req.headers.authorization}`;
    const [, secretId = '', date = '', service = '', signedHeaders = '', signature = ''] = auth;
    if (secretId !== expect.secretId) return 'unknown SecretId';
    if (date !== new Date(Number(timestamp) * 1000).toISOString().slice(0, 10)) return 'credential date is not the timestamp’s UTC date';
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
    if (service !== host.split('.')[0]) return `credential scope service ${service} is not the endpoint's (${host})`;
    const names = signedHeaders.split(';');
    if (!names.includes('content-type') || !names.includes('host')) return `SignedHeaders ${signedHeaders}`;
    const canonicalHeaders = names.map((n) => `${n}:${n === 'host' ? host : String(req.headers[n] ?? '').trim()}\n`).join('');
    const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256(body)].join('\n');
    const scope = `${date}/${service}/tc3_request`;
    const stringToSign = ['TC3-HMAC-SHA256', timestamp, scope, sha256(canonicalRequest)].join('\n');
    const signingKey = hmac(hmac(hmac(`TC3${expect.secretKey}`, date), service), 'tc3_request');
    const expected = hmac(signingKey, stringToSign);
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'signature does not verify';
    let p: Record<string, unknown>;
    try {
      p = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return 'body is not JSON';
    }
    const phones = p.PhoneNumberSet;
    if (!Array.isArray(phones) || phones.length !== 1 || !/^\+861[3-9]\d{9}$/.test(String(phones[0]))) return `PhoneNumberSet ${JSON.stringify(phones)}`;
    if (p.SmsSdkAppId !== expect.sdkAppId) return `SmsSdkAppId ${String(p.SmsSdkAppId)}`;
    if (p.SignName !== expect.signName) return `SignName ${String(p.SignName)}`;
    if (p.TemplateId !== expect.templateId) return `TemplateId ${String(p.TemplateId)}`;
    const params = p.TemplateParamSet;
    if (!Array.isArray(params) || params.length !== 2 || !/^\d{6}$/.test(String(params[0])) || !/^\d+$/.test(String(params[1])))
      return `TemplateParamSet ${JSON.stringify(params)}`;
    return null;
  };

  const { server, port } = await listen((req, body) => {
    const problem = check(req, body);
    requests.push({ headers: req.headers, body, problem });
    const requestId = `req-${requests.length}`;
    if (problem) return { status: 200, json: { Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: problem }, RequestId: requestId } } };
    const p = JSON.parse(body) as { PhoneNumberSet: string[]; TemplateParamSet: string[] };
    const phone = p.PhoneNumberSet[0]!;
    const failure = failures.shift();
    if (failure?.startsWith('Error:')) {
      return { status: 200, json: { Response: { Error: { Code: failure.slice(6), Message: 'stand-in error' }, RequestId: requestId } } };
    }
    if (!failure) void outbox.send(phone.replace(/^\+86/, ''), `验证码 ${p.TemplateParamSet[0]}，${p.TemplateParamSet[1]}分钟内有效`);
    return {
      status: 200,
      json: {
        Response: {
          SendStatusSet: [
            {
              SerialNo: `serial-${requests.length}`,
              PhoneNumber: phone,
              Fee: 1,
              SessionContext: '',
              Code: failure ?? 'Ok',
              Message: failure ? 'stand-in failure' : 'send success',
              IsoCode: 'CN',
            },
          ],
          RequestId: requestId,
        },
      },
    };
  });
  return { url: `http://127.0.0.1:${port}`, port, outbox, requests, failNext: (...codes) => failures.push(...codes), close: () => close(server) };
}

/** The generic webhook (sms-providers.ts WebhookSmsProvider): HMAC-signed JSON POST. */
export async function startWebhookStandIn(secret: string): Promise<StandIn> {
  const outbox = new SmsOutbox();
  const requests: StandInRequest[] = [];
  const failures: string[] = [];
  const check = (req: IncomingMessage, body: string): string | null => {
    if (req.method !== 'POST') return `method ${req.method}`;
    if (!String(req.headers['content-type']).startsWith('application/json')) return 'content type';
    const timestamp = String(req.headers['x-jiefen-timestamp'] ?? '');
    if (!/^\d{10}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return 'timestamp';
    const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
    const given = String(req.headers['x-jiefen-signature'] ?? '');
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return 'signature';
    const p = JSON.parse(body) as Record<string, unknown>;
    if (!/^\+861[3-9]\d{9}$/.test(String(p.to)) || !/^\d{6}$/.test(String(p.code)) || !String(p.text).includes(String(p.code))) return 'body';
    return null;
  };
  const { server, port } = await listen((req, body) => {
    const problem = check(req, body);
    requests.push({ headers: req.headers, body, problem });
    if (problem) return { status: 401, json: { code: 'BAD_SIGNATURE', message: problem } };
    const failure = failures.shift();
    if (failure) return { status: 502, json: { code: failure } };
    const p = JSON.parse(body) as { to: string; text: string };
    void outbox.send(p.to.replace(/^\+86/, ''), p.text);
    return { status: 200, json: { ok: true } };
  });
  return { url: `http://127.0.0.1:${port}/sms`, port, outbox, requests, failNext: (...codes) => failures.push(...codes), close: () => close(server) };
}
