// The judge's queue: this court's judicial-confirmation applications with their status and the
// acceptance deadline (3 days from submission); an application opens the review screen.
import { judgeApi } from '../api.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Loading } from '../components/Loading.tsx';
import { RulingService } from '../judicial/JudgeReviewPage.tsx';
import { Link } from '../router.tsx';
import { formatDateTime } from '../format.ts';
import { useLoaded } from '../use-loaded.ts';

export function JudgeHome() {
  const { data: rows, error, load } = useLoaded(judgeApi.queue, '加载失败');

  if (error) return <ErrorBanner title="无法加载申请" message={error} onRetry={() => void load()} />;
  if (!rows) return <Loading text="正在载入申请…" />;
  return (
    <section className="card judge-desk" data-testid="judge-home">
      <h1 className="card__title">司法确认申请</h1>
      {rows.length === 0 ? (
        <p className="muted" data-testid="judge-empty">
          本院暂无司法确认申请。
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>案件</th>
              <th>状态</th>
              <th>期限</th>
              <th>送达</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="judge-application" data-status={r.status}>
                <td>
                  <Link to={`/judge/applications/${encodeURIComponent(r.id)}`} data-testid="judge-open">
                    {r.title}
                  </Link>
                  <div className="small muted">
                    {r.caseNumber}
                    {r.courtCaseNumber ? ` · ${r.courtCaseNumber}` : ''}
                  </div>
                </td>
                <td>{r.statusLabel}</td>
                <td className={r.acceptOverdue ? 'bad small' : 'small'}>
                  {r.status === 'SUBMITTED'
                    ? `受理期限 ${formatDateTime(r.acceptBy)}${r.acceptOverdue ? '（已超期）' : ''}`
                    : r.decidedAt
                      ? `裁定于 ${formatDateTime(r.decidedAt)}`
                      : `受理于 ${formatDateTime(r.acceptedAt)}`}
                </td>
                <td>{r.decidedAt ? <RulingService service={r.service} compact /> : <span className="small muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
