import { useState } from 'react';
import { ApiError, type ConsentPurpose, type PartyApi, type PrivacyState } from '../../api.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { formatDateTime } from '../../format.ts';

export const CONSENT_TITLES: Record<ConsentPurpose, string> = {
  ID_IMAGES: '身份证件图片',
  BANK_ACCOUNT: '银行账户',
  SIGNATURE: '手写签名',
  COURT: '向人民法院提供个人信息',
};

interface Props {
  client: PartyApi;
  privacy: PrivacyState;
  onChange(state: PrivacyState): void;
}

/**
 * 个人信息与授权: each separate consent (PIPL arts. 23, 29) given or withdrawn on its own. Withdrawing
 * stops further use; what was signed or submitted before stays valid (the notice says so).
 */
export function PrivacyConsentsCard({ client, privacy, onChange }: Props) {
  const [busy, setBusy] = useState<ConsentPurpose | null>(null);
  const [error, setError] = useState<string | null>(null);

  const act = async (purpose: ConsentPurpose, give: boolean) => {
    setBusy(purpose);
    setError(null);
    try {
      onChange(give ? await client.giveConsent(purpose, privacy.notice.version) : await client.withdrawConsent(purpose));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '提交失败，请重试');
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" aria-labelledby="consents-title" data-testid="privacy-consents">
      <h2 className="card__title" id="consents-title">
        个人信息单独同意
      </h2>
      <p className="muted small">以下每项需要您单独同意，不同意的项目不会处理。您可以随时撤回；撤回不影响撤回前已经签署或提交的文书。</p>
      {error && <ErrorBanner message={error} />}
      <ul className="consent-list">
        {privacy.consents.map((c) => (
          <li key={c.purpose} className="consent-list__item" data-testid={`consent-${c.purpose}`} data-active={c.active}>
            <strong>{CONSENT_TITLES[c.purpose]}</strong>
            <p className="small">{c.text}</p>
            <p className="muted small">
              {c.active ? `已同意（${formatDateTime(c.givenAt)}）` : c.withdrawnAt ? `已撤回（${formatDateTime(c.withdrawnAt)}）` : '未同意'}
            </p>
            {c.active ? (
              <button
                type="button"
                className="btn btn--outline btn--block"
                data-testid={`consent-withdraw-${c.purpose}`}
                disabled={busy !== null}
                onClick={() => void act(c.purpose, false)}
              >
                撤回同意
              </button>
            ) : (
              <button
                type="button"
                className="btn btn--primary btn--block"
                data-testid={`consent-give-${c.purpose}`}
                disabled={busy !== null}
                onClick={() => void act(c.purpose, true)}
              >
                单独同意
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
