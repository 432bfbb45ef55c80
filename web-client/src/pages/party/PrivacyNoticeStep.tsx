import { useState } from 'react';
import { ApiError, type PartyApi, type PrivacyState } from '../../api.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';

interface Props {
  client: PartyApi;
  privacy: PrivacyState;
  onDone(state: PrivacyState): void;
}

/** Before anything is asked of the party: the 个人信息处理告知书 (PIPL art. 17), acknowledged by one act. */
export function PrivacyNoticeStep({ client, privacy, onDone }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { notice } = privacy;

  const acknowledge = async () => {
    setBusy(true);
    setError(null);
    try {
      onDone(await client.acknowledgePrivacy(notice.version));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '提交失败，请重试');
      setBusy(false);
    }
  };

  return (
    <section className="card form" aria-labelledby="privacy-title">
      <h2 className="card__title" id="privacy-title">
        先了解我们如何处理您的个人信息
      </h2>
      <PrivacyNoticeText privacy={privacy} />
      {error && <ErrorBanner message={error} />}
      <button type="button" className="btn btn--primary btn--block btn--large" data-testid="privacy-ack" disabled={busy} onClick={() => void acknowledge()}>
        {busy ? '提交中…' : '我已阅读，继续'}
      </button>
    </section>
  );
}

export function PrivacyNoticeText({ privacy }: { privacy: PrivacyState }) {
  const { notice } = privacy;
  return (
    // A scrolling box: focusable and named, so it can be read with the keyboard and a screen reader.
    <div className="notice" data-testid="privacy-notice" data-version={notice.version} tabIndex={0} role="region" aria-label={notice.title}>
      <h3 className="notice__title">{notice.title}</h3>
      {notice.paragraphs.map((p, i) => (
        <p key={i}>{p}</p>
      ))}
      <p className="muted small">
        依据：{notice.law}（{notice.version} 版）
      </p>
    </div>
  );
}
