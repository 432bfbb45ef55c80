// 评价 on the party's page: after each live session it took part in and once its case is
// concluded, the party rates the service in five levels with an optional comment. Only its own
// ratings ever come back to this page; the comment goes to the mediation unit and the centre.
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { RATING_COMMENT_MAX, RATING_LABELS, RATING_SCORES, type RatingScore } from '../../../signaling/domain/rating-rules.ts';
import { ApiError } from '../api.ts';
import { partyRatingsApi, type PartyRatings, type RatingOccasionEntry } from '../api/followup.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import './followup.css';

function RatingForm({ entry, onGive }: { entry: RatingOccasionEntry; onGive: (score: RatingScore, comment: string) => Promise<void> }) {
  const [score, setScore] = useState<RatingScore | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const idBase = `rating-${entry.occasion}-${entry.occasionKey.replace(/[^0-9a-z]/gi, '')}`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (score === null) return setError('请选择满意程度');
    setBusy(true);
    setError(null);
    try {
      await onGive(score, comment);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '提交失败，请重试');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="rating-form" onSubmit={submit} data-testid="rating-form" data-occasion={entry.occasion} noValidate>
      <fieldset className="rating-form__levels">
        <legend className="field__label">{entry.label}，您对调解服务满意吗？</legend>
        {RATING_SCORES.map((s) => (
          <label key={s} className={`rating-choice${score === s ? ' is-selected' : ''}`}>
            <input type="radio" name={`${idBase}-score`} value={s} checked={score === s} onChange={() => setScore(s)} data-testid={`rating-score-${s}`} />
            {RATING_LABELS[s]}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label className="field__label" htmlFor={`${idBase}-comment`}>
          意见和建议（选填）
        </label>
        <textarea
          id={`${idBase}-comment`}
          rows={3}
          maxLength={RATING_COMMENT_MAX}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          data-testid="rating-comment"
        />
        <div className="field__hint">
          {comment.length}/{RATING_COMMENT_MAX} 字 · 您的评价只有调解组织和综治中心能看到，对方当事人看不到
        </div>
      </div>
      {error && <ErrorBanner message={error} />}
      <button type="submit" className="btn btn--primary btn--block" disabled={busy} data-testid="rating-submit">
        {busy ? '正在提交…' : '提交评价'}
      </button>
    </form>
  );
}

export function PartyRatingCard({ token }: { token: string }) {
  const client = useMemo(() => partyRatingsApi(token), [token]);
  const [view, setView] = useState<PartyRatings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [thanks, setThanks] = useState(false);
  const load = useCallback(async () => {
    try {
      setView(await client.view());
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '评价加载失败');
    }
  }, [client]);
  useEffect(() => void load(), [load]);

  if (error && !view) return <ErrorBanner message={error} onRetry={load} />;
  if (!view || (view.pending.length === 0 && !thanks)) return null;
  const give = (entry: RatingOccasionEntry) => async (score: RatingScore, comment: string) => {
    await client.give({ occasion: entry.occasion, occasionKey: entry.occasionKey, score, ...(comment.trim() ? { comment: comment.trim() } : {}) });
    setThanks(true);
    await load();
  };
  return (
    <section className="card" aria-labelledby="rating-title" data-testid="rating-card">
      <h2 id="rating-title" className="card__title">
        服务评价
      </h2>
      {thanks && (
        <p className="muted" role="status" data-testid="rating-thanks">
          感谢您的评价。如有不满意之处，调解组织会尽快与您联系回访。
        </p>
      )}
      {view.pending.map((entry) => (
        <RatingForm key={`${entry.occasion}-${entry.occasionKey}`} entry={entry} onGive={give(entry)} />
      ))}
    </section>
  );
}
