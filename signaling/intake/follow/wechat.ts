// WeChat template messages (微信模板消息), the second channel of 反馈 beside SMS: a provider
// interface, a development provider that writes to a local outbox file (data/dev-wechat-outbox.log,
// mode 0600; never the log), and an HTTP provider for the official account API configured by
// WECHAT_APP_ID / WECHAT_APP_SECRET / WECHAT_TEMPLATE_ID (access token cached until it expires).
// The HTTP provider follows the documented API but has not been tried against the real service.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';
import { DomainError } from '../../errors.ts';

export interface WechatMessage {
  /** The message without the link (the link is the message's own `url`). */
  text: string;
  registrationNo: string;
  step: string;
  url: string;
}

export interface WechatTemplateProvider {
  readonly name: string;
  send(openId: string, message: WechatMessage): Promise<void>;
}

export const maskOpenId = (openId: string) => (openId.length > 8 ? `${openId.slice(0, 4)}****${openId.slice(-4)}` : '****');

export class DevWechatProvider implements WechatTemplateProvider {
  readonly name = 'wechat-dev';
  readonly outboxFile: string;

  constructor(dataDir: string) {
    this.outboxFile = path.join(dataDir, 'dev-wechat-outbox.log');
  }

  async send(openId: string, message: WechatMessage): Promise<void> {
    appendFileSync(this.outboxFile, `${JSON.stringify({ at: new Date().toISOString(), to: openId, message })}\n`, { mode: 0o600 });
  }
}

interface Log {
  warn(obj: object, msg: string): void;
}

export class HttpWechatProvider implements WechatTemplateProvider {
  readonly name = 'wechat';
  #token: { value: string; until: number } | null = null;

  constructor(
    private readonly settings: { appId: string; appSecret: string; templateId: string; apiBase: string },
    private readonly log: Log,
  ) {}

  async #accessToken(): Promise<string> {
    if (this.#token && this.#token.until > Date.now()) return this.#token.value;
    const url = `${this.settings.apiBase}/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(this.settings.appId)}&secret=${encodeURIComponent(this.settings.appSecret)}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json().catch(() => null)) as { access_token?: string; expires_in?: number; errcode?: number } | null;
    if (!body?.access_token) {
      this.log.warn({ provider: this.name, httpStatus: res.status, errcode: body?.errcode }, 'WeChat access token not obtained');
      throw new DomainError('SMS_SEND_FAILED', '微信通知发送失败');
    }
    this.#token = { value: body.access_token, until: Date.now() + Math.max(60, (body.expires_in ?? 7200) - 300) * 1000 };
    return body.access_token;
  }

  async send(openId: string, message: WechatMessage): Promise<void> {
    const token = await this.#accessToken();
    const res = await fetch(`${this.settings.apiBase}/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        touser: openId,
        template_id: this.settings.templateId,
        url: message.url,
        data: {
          first: { value: message.text },
          keyword1: { value: message.registrationNo },
          keyword2: { value: message.step },
          remark: { value: '点击查看办理进度' },
        },
      }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json().catch(() => null)) as { errcode?: number } | null;
    if (!res.ok || (body?.errcode ?? 0) !== 0) {
      if (body?.errcode === 40001 || body?.errcode === 42001) this.#token = null;
      this.log.warn({ provider: this.name, httpStatus: res.status, errcode: body?.errcode, to: maskOpenId(openId) }, 'WeChat message not sent');
      throw new DomainError('SMS_SEND_FAILED', '微信通知发送失败');
    }
  }
}

export function createWechatProvider(config: Config, log: Log): WechatTemplateProvider | null {
  const w = config.notify.wechat;
  if (w.provider === 'http') return new HttpWechatProvider(w, log);
  return w.provider === 'dev' ? new DevWechatProvider(config.dataDir) : null;
}
