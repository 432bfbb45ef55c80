// Which SMS provider sends one-time codes, from the environment (SMS_PROVIDER and its settings).
// The development provider sends nothing (codes go to a local file): a server that runs for real
// (PUBLIC_URL on https) refuses to start with it unless SMS_ALLOW_DEV_IN_PRODUCTION=1.

export type SmsSettings =
  | { provider: 'dev' }
  | {
      provider: 'tencent';
      secretId: string;
      secretKey: string;
      sdkAppId: string;
      signName: string;
      templateId: string;
      region: string;
      /** API host[:port]; the default is Tencent Cloud's public endpoint. */
      endpoint: string;
      protocol: 'https://' | 'http://';
    }
  | { provider: 'webhook'; url: string; secret: string };

export class SmsSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;

/** Parses the SMS settings; throws SmsSettingsError naming each bad or missing variable. */
export function parseSmsSettings(env: Record<string, string | undefined>, publicUrl: string): SmsSettings {
  const provider = env.SMS_PROVIDER ?? 'dev';
  const problems: string[] = [];
  const need = (name: string, check?: (v: string) => string | null): string => {
    const v = env[name];
    if (!v) problems.push(`${name}: required with SMS_PROVIDER=${provider}`);
    else if (check) {
      const problem = check(v);
      if (problem) problems.push(`${name}: ${problem}`);
    }
    return v ?? '';
  };
  let settings: SmsSettings;
  if (provider === 'dev') {
    if (env.SMS_ALLOW_DEV_IN_PRODUCTION !== undefined && !['0', '1'].includes(env.SMS_ALLOW_DEV_IN_PRODUCTION)) {
      problems.push('SMS_ALLOW_DEV_IN_PRODUCTION: must be 0 or 1');
    }
    if (publicUrl.startsWith('https:') && env.SMS_ALLOW_DEV_IN_PRODUCTION !== '1') {
      problems.push(
        'SMS_PROVIDER: the development provider sends no SMS (codes go to a local file) and is refused when PUBLIC_URL is https; set SMS_PROVIDER=tencent or webhook, or SMS_ALLOW_DEV_IN_PRODUCTION=1 to allow it knowingly',
      );
    }
    settings = { provider: 'dev' };
  } else if (provider === 'tencent') {
    const endpoint = env.TENCENT_SMS_ENDPOINT ?? 'sms.tencentcloudapi.com';
    const protocol = (env.TENCENT_SMS_PROTOCOL ?? 'https') === 'http' ? 'http://' : 'https://';
    if (env.TENCENT_SMS_PROTOCOL !== undefined && !['http', 'https'].includes(env.TENCENT_SMS_PROTOCOL))
      problems.push('TENCENT_SMS_PROTOCOL: must be https or http');
    if (protocol === 'http://' && !LOOPBACK_HOST.test(endpoint))
      problems.push('TENCENT_SMS_PROTOCOL: http only for an endpoint on loopback (a local stand-in)');
    settings = {
      provider: 'tencent',
      secretId: need('TENCENT_SMS_SECRET_ID'),
      secretKey: need('TENCENT_SMS_SECRET_KEY'),
      sdkAppId: need('TENCENT_SMS_SDK_APP_ID', (v) => (/^\d+$/.test(v) ? null : 'must be the numeric SdkAppId of the SMS application')),
      signName: need('TENCENT_SMS_SIGN_NAME'),
      templateId: need('TENCENT_SMS_TEMPLATE_ID', (v) => (/^\d+$/.test(v) ? null : 'must be the numeric id of an approved template')),
      region: env.TENCENT_SMS_REGION ?? 'ap-guangzhou',
      endpoint,
      protocol,
    };
  } else if (provider === 'webhook') {
    const url = need('SMS_WEBHOOK_URL', (v) => {
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        return 'must be an absolute URL';
      }
      if (u.protocol === 'https:') return null;
      return u.protocol === 'http:' && LOOPBACK_HOST.test(u.host) ? null : 'must be https (http only on loopback)';
    });
    const secret = need('SMS_WEBHOOK_SECRET', (v) => (v.length >= 16 ? null : 'must be at least 16 characters'));
    settings = { provider: 'webhook', url, secret };
  } else {
    problems.push(`SMS_PROVIDER: must be dev, tencent or webhook, not "${provider}"`);
    settings = { provider: 'dev' };
  }
  if (problems.length > 0) throw new SmsSettingsError(problems);
  return settings;
}
