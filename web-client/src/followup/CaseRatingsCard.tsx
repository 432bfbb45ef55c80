// 评价 on the staff case page: every party's rating of the service (score, occasion, comment) and
// the 回访 each poor one opened. Shown to the staff of the case's unit and of the centre; for anyone
// else (a co-mediator from another unit) the server answers as if there were none, and so does this.
import { followUpApi } from '../api/followup.ts';
import { formatDue } from '../intake/deadline-format.ts';
import { Link } from '../router.tsx';
import { useLoaded } from '../use-loaded.ts';
import './followup.css';

export function CaseRatingsCard({ caseId }: { caseId: string }) {
  const { data } = useLoaded(() => followUpApi.caseRatings(caseId), '当事人评价加载失败', caseId);
  if (!data || data.ratings.length === 0) return null;
  return (
    <section className="card" aria-labelledby="case-ratings-title" data-testid="case-ratings">
      <h2 id="case-ratings-title" className="card__title">
        当事人评价（{data.ratings.length}）
      </h2>
      <ul className="followup-records">
        {data.ratings.map((r) => (
          <li key={r.id} className="followup-record" data-testid="case-rating">
            <p>
              <strong>{r.scoreLabel}</strong> · {r.participantName} · {r.occasionLabel} · {formatDue(Date.parse(r.createdAt))}
            </p>
            {r.comment && <p className="muted">“{r.comment}”</p>}
            {r.taskId && (
              <p>
                <Link to={`/followup/${encodeURIComponent(r.taskId)}`}>查看回访</Link>
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
