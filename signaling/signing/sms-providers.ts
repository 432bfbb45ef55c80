// Real SMS providers: Tencent Cloud SMS through its official SDK (template-based: the approved
// template gets the code and its validity in minutes) and a generic webhook (a JSON POST signed
// with HMAC-SHA256, for any gateway an operator puts behind it). Provider failures become
// SMS_SEND_FAILED (try again later) or SMS_PHONE_REJECTED (the number cannot receive it).
import { createHmac } from 'node:crypto';
import { sms as tencentSms } from 'tencentcloud-sdk-nodejs-sms';
import { DomainError } from '../errors.ts';
import { DevSmsProvider, maskPhone, type OneTimeCode, type SmsProvider } from './sms.ts';
import type { SmsSettings } from './sms-settings.ts';

interface ProviderLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const PHONE_PROBLEMS = /IncorrectPhoneNumber|PhoneNumberInBlacklist|ContainDomesticAndInternationalPhoneNumber|PhoneNumberParseFail|InvalidPhoneNumber/;
const LIMITS = /^LimitExceeded\.PhoneNumber/;

/** The refusal for a provider's error code (Tencent's, or the webhook's `code`). */
export function smsRefusal(providerCode: string | undefined): DomainError {
  if (providerCode && PHONE_PROBLEMS.test(providerCode)) return new DomainError('SMS_PHONE_REJECTED');
  if (providerCode && LIMITS.test(providerCode)) return new DomainError('SMS_SEND_FAILED', '该手机号接收短信次数已达上限，请稍后再试或联系调解员');
  return new DomainError('SMS_SEND_FAILED');
}

/** +86 form for mainland numbers given as 11 digits. */
const e164 = (phone: string) => (/^1\d{10}$/.test(phone) ? `+86${phone}` : phone);

export class TencentSmsProvider implements SmsProvider {
  readonly name = 'tencent';
  readonly #client: InstanceType<typeof tencentSms.v20210111.Client>;

  constructor(
    private readonly settings: Extract<SmsSettings, { provider: 'tencent' }>,
    private readonly log: ProviderLog,
  ) {
    this.#client = new tencentSms.v20210111.Client({
      credential: { secretId: settings.secretId, secretKey: settings.secretKey },
      region: settings.region,
      profile: { signMethod: 'TC3-HMAC-SHA256', httpProfile: { endpoint: settings.endpoint, protocol: settings.protocol, reqMethod: 'POST', reqTimeout: 10 } },
    });
  }

  async send(phone: string, _text: string, otp: OneTimeCode): Promise<void> {
    let status: { Code?: string; Message?: string } | undefined;
    try {
      const res = await this.#client.SendSms({
        PhoneNumberSet: [e164(phone)],
        SmsSdkAppId: this.settings.sdkAppId,
        SignName: this.settings.signName,
        TemplateId: this.settings.templateId,
        TemplateParamSet: [otp.code, String(otp.validMinutes)],
      });
      status = res.SendStatusSet?.[0];
    } catch (err) {
      const e = err as { code?: string; requestId?: string; httpCode?: number; message?: string };
      this.log.warn({ provider: this.name, providerCode: e.code, httpCode: e.httpCode, requestId: e.requestId, to: maskPhone(phone) }, 'SMS not sent');
      throw smsRefusal(e.code);
    }
    if (status?.Code !== 'Ok') {
      this.log.warn({ provider: this.name, providerCode: status?.Code, providerMessage: status?.Message, to: maskPhone(phone) }, 'SMS not sent');
      throw smsRefusal(status?.Code);
    }
  }
}

/**
 * POST <url> with {to, text, code, validMinutes, purpose}; headers X-Jiefen-Timestamp (Unix seconds)
 * and X-Jiefen-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with SMS_WEBHOOK_SECRET>.
 * Any 2xx is success; an error answer may name a cause as {"code": "..."} (see smsRefusal).
 */
export class WebhookSmsProvider implements SmsProvider {
  readonly name = 'webhook';

  constructor(
    private readonly settings: Extract<SmsSettings, { provider: 'webhook' }>,
    private readonly log: ProviderLog,
  ) {}

  async send(phone: string, text: string, otp: OneTimeCode): Promise<void> {
    const body = JSON.stringify({ to: e164(phone), text, code: otp.code, validMinutes: otp.validMinutes, purpose: 'signing-code' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', this.settings.secret).update(`${timestamp}.${body}`).digest('hex');
    let res: Response;
    try {
      res = await fetch(this.settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-jiefen-timestamp': timestamp, 'x-jiefen-signature': `sha256=${signature}` },
        body,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      this.log.warn({ provider: this.name, error: (err as Error).message, to: maskPhone(phone) }, 'SMS not sent');
      throw smsRefusal(undefined);
    }
    if (res.ok) return;
    const answer = (await res.json().catch(() => null)) as { code?: unknown } | null;
    const providerCode = typeof answer?.code === 'string' ? answer.code : undefined;
    this.log.warn({ provider: this.name, httpStatus: res.status, providerCode, to: maskPhone(phone) }, 'SMS not sent');
    throw smsRefusal(providerCode);
  }
}

export function createSmsProvider(settings: SmsSettings, dataDir: string, log: ProviderLog): SmsProvider {
  switch (settings.provider) {
    case 'tencent':
      return new TencentSmsProvider(settings, log);
    case 'webhook':
      return new WebhookSmsProvider(settings, log);
    case 'dev':
      return new DevSmsProvider(dataDir, log);
  }
}
