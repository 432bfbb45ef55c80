import { useEffect, useMemo, useState } from 'react';
import { ApiError, partyApi, type ConsentPurpose, type PrivacyState } from '../../api.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { CONSENT_TITLES } from './PrivacyConsentsCard.tsx';

/** The purpose a CONSENT_REQUIRED_* refusal names, or null for any other error. */
export function consentPurposeOf(err: unknown): ConsentPurpose | null {
  if (!(err instanceof ApiError) || !err.code.startsWith('CONSENT_REQUIRED_')) return null;
  const purpose = err.code.slice('CONSENT_REQUIRED_'.length);
  return purpose in CONSENT_TITLES ? (purpose as ConsentPurpose) : null;
}

/**
 * Asks for one separate consent where it is needed (e.g. 手写签名 above the signature pad); renders
 * nothing once it is in force. `onGiven` runs after the party agrees.
 */
export function ConsentPrompt({ token, purpose, onGiven, always = false }: { token: string; purpose: ConsentPurpose; onGiven?: () => void; always?: boolean }) {
  const client = useMemo(() => partyApi(token), [token]);
  const [privacy, setPrivacy] = useState<PrivacyState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.privacy().then(setPrivacy, (err: unknown) => setError(err instanceof ApiError ? err.message : '加载失败，请重试'));
  }, [client]);

  const item = privacy?.consents.find((c) => c.purpose === purpose);
  if (!error && (!privacy || !item || (item.active && !always))) return null;

  const give = async () => {
    if (!privacy) return;
    setBusy(true);
    setError(null);
    try {
      setPrivacy(await client.giveConsent(purpose, privacy.notice.version));
      onGiven?.();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '提交失败，请重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="consent-list__item" role="group" aria-label={`单独同意：${CONSENT_TITLES[purpose]}`} data-testid={`consent-prompt-${purpose}`}>
      <strong>需要您单独同意：{CONSENT_TITLES[purpose]}</strong>
      {item && <p className="small">{item.text}</p>}
      <p className="muted small">不同意不影响您查看协议；撤回同意可在案件页面“个人信息单独同意”中进行。</p>
      {error && <ErrorBanner message={error} />}
      {item && !item.active && (
        <button
          type="button"
          className="btn btn--primary btn--block"
          data-testid={`consent-prompt-give-${purpose}`}
          disabled={busy}
          onClick={() => void give()}
        >
          {busy ? '提交中…' : '单独同意'}
        </button>
      )}
    </div>
  );
}
