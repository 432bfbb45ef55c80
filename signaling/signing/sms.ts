// One-time codes reach a signer's phone through an SMS provider. The development provider writes
// the message to the server log (there is no SMS gateway on a development machine); a real
// gateway implements the same interface and is chosen by configuration.
export interface SmsProvider {
  readonly name: string;
  send(phone: string, text: string): Promise<void>;
}

export class LogSmsProvider implements SmsProvider {
  readonly name = 'log';
  constructor(private readonly log: { info(obj: object, msg: string): void }) {}

  async send(phone: string, text: string): Promise<void> {
    this.log.info({ sms: { to: phone, text } }, `development SMS to ${phone}: ${text}`);
  }
}

export const maskPhone = (phone: string) => (phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****');
