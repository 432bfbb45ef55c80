// The one-time SMS code of the signing ceremony, as the agreement, the 调解笔录 and the
// 司法确认申请书 ask for it: a button that sends the code to the signer's own phone (masked number
// shown, 5 minutes valid, "重新获取" after), and the 6-digit input. Errors from sending (e.g. asked
// again within a minute) are shown under the field.
import { useId, useState } from 'react';
import { ApiError } from '../api.ts';

export function SmsCodeField({
  value,
  onChange,
  send,
  disabled,
  testIdPrefix,
  onSent,
}: {
  value: string;
  onChange(v: string): void;
  /** Sends the code; resolves with the masked phone it went to. */
  send(): Promise<{ phone: string }>;
  disabled?: boolean;
  /** `minutes` → minutes-code, minutes-send-code, minutes-code-sent. */
  testIdPrefix: string;
  /** Told once a code went out (the form's hint changes from 获取 to 填写). */
  onSent?(): void;
}) {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hintId = useId();

  const sendCode = async () => {
    setSending(true);
    setError(null);
    try {
      setSentTo((await send()).phone);
      onSent?.();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '验证码发送失败，请重试');
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="field">
      <span className="field__label">
        手机验证码
        <span className="field__req" aria-hidden="true">
          必填
        </span>
      </span>
      <div className="signing__code">
        <input
          value={value}
          onChange={(e) => onChange(e.target.value)}
          inputMode="numeric"
          maxLength={6}
          autoComplete="one-time-code"
          aria-required
          aria-label="手机验证码"
          aria-describedby={hintId}
          data-testid={`${testIdPrefix}-code`}
        />
        <button
          type="button"
          className="btn btn--outline btn--small"
          disabled={disabled || sending}
          onClick={() => void sendCode()}
          data-testid={`${testIdPrefix}-send-code`}
        >
          {sending ? '正在发送…' : sentTo ? '重新获取' : '获取验证码'}
        </button>
      </div>
      <span id={hintId} className="small muted" role="status" data-testid={sentTo ? `${testIdPrefix}-code-sent` : undefined}>
        {error ? '' : sentTo ? `验证码已发送至 ${sentTo}，5 分钟内有效` : '验证码将发送到您在本案登记的手机'}
      </span>
      {error && (
        <span className="chat__error" role="alert" data-testid={`${testIdPrefix}-code-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** A 6-digit one-time code as typed (spaces around ignored). */
export const isSmsCode = (code: string) => /^[0-9]{6}$/.test(code.trim());
