// /m/:token — the person follows their matter (反馈): where it is in 受理 → 分流 → 办理 → 结果, who
// is responsible (unit and person), the deadline of the current stage, and each step so far.
// Refreshed every 10 s while open, so a step staff take shows up without reloading.
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api.ts';
import { intakePublicApi, type FollowView } from '../api/intake-public.ts';
import { formatDateTime } from '../format.ts';
import { Loading } from '../components/Loading.tsx';
import { PublicFrame } from './ApplyPage.tsx';
import './intake.css';

const REFRESH_MS = 10_000;

export function FollowPage({ token }: { token: string }) {
  const [view, setView] = useState<FollowView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    try {
      setView(await intakePublicApi.follow(token));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', '页面加载失败，请稍后重试'));
    }
  }, [token]);

  useEffect(() => {
    document.title = '办理进度';
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  if (error && !view) {
    return (
      <PublicFrame title="办理进度">
        <p className="chat__error" role="alert" data-testid="follow-error" data-code={error.code}>
          {error.message}
        </p>
      </PublicFrame>
    );
  }
  if (!view) return <Loading text="正在查询办理进度…" />;
  const current = view.stages.findIndex((s) => s.key === view.stage);
  return (
    <PublicFrame title="办理进度" centre={view.centreName}>
      <section className="card" data-testid="follow-page" data-status={view.status}>
        <h1 className="card__title">{view.disputeTypeLabel}</h1>
        <p className="small muted">
          登记号 <span data-testid="follow-registration-no">{view.registrationNo}</span>
        </p>
        <ol className="follow-stages" aria-label="办理阶段">
          {view.stages.map((s, i) => (
            <li
              key={s.key}
              className={i < current ? 'is-done' : i === current ? 'is-current' : ''}
              data-testid="follow-stage"
              data-stage={s.key}
              data-current={i === current}
              aria-current={i === current ? 'step' : undefined}
            >
              {s.label}
            </li>
          ))}
        </ol>
        <p data-testid="follow-status">{view.statusLabel}</p>
        <dl className="follow-facts">
          <dt>负责单位</dt>
          <dd data-testid="follow-unit">{view.responsible.unit}</dd>
          <dt>负责人</dt>
          <dd data-testid="follow-person">{view.responsible.person}</dd>
          {view.dueAtText && (
            <>
              <dt>本阶段办理期限</dt>
              <dd data-testid="follow-due">{view.dueAtText} 前</dd>
            </>
          )}
        </dl>
      </section>
      <section className="card">
        <h2 className="card__title">办理经过</h2>
        <ol className="follow-steps">
          {[...view.steps].reverse().map((s) => (
            <li key={s.id} data-testid="follow-step" data-type={s.type}>
              <strong>{s.label}</strong>
              {s.detail && <span>：{s.detail}</span>}
              <div className="small muted">{formatDateTime(s.at)}</div>
            </li>
          ))}
        </ol>
      </section>
    </PublicFrame>
  );
}
