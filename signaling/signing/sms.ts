// One-time codes reach a signer's phone through an SMS provider, chosen by configuration
// (sms-settings.ts, sms-providers.ts): Tencent Cloud SMS, a generic HTTPS webhook, or the
// development provider, which sends nothing and writes the message to a file in the data folder
// (never to the log: log lines leave the machine, a code in them would let anyone who reads the
// logs sign in a party's name).
import { appendFileSync } from 'node:fs';
import path from 'node:path';

/** A one-time code as a provider needs it: the full text and, for template-based services, its parameters. */
export interface OneTimeCode {
  code: string;
  validMinutes: number;
}

export interface SmsProvider {
  readonly name: string;
  /** Sends `text` (which contains the code) to a mainland mobile number; refuses with SMS_SEND_FAILED / SMS_PHONE_REJECTED. */
  send(phone: string, text: string, otp: OneTimeCode): Promise<void>;
}

interface InfoLog {
  info(obj: object, msg: string): void;
}

/** Development: the message goes to `<data>/dev-sms-outbox.log` (mode 0600) and, on a terminal, to stderr. */
export class DevSmsProvider implements SmsProvider {
  readonly name = 'dev';
  readonly outboxFile: string;

  constructor(
    dataDir: string,
    private readonly log: InfoLog,
  ) {
    this.outboxFile = path.join(dataDir, 'dev-sms-outbox.log');
  }

  async send(phone: string, text: string): Promise<void> {
    appendFileSync(this.outboxFile, `${JSON.stringify({ at: new Date().toISOString(), to: phone, text })}\n`, { mode: 0o600 });
    this.log.info({ to: maskPhone(phone), outbox: this.outboxFile }, 'development SMS: not sent, written to the outbox file');
    // A developer at a terminal reads the code there; a service manager's captured output never gets it.
    if (process.stderr.isTTY) process.stderr.write(`[development SMS to ${phone}] ${text}\n`);
  }
}

export const maskPhone = (phone: string) => (phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****');
