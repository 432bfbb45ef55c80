import { useState } from 'react';
import { api, type CaseSummary } from '../api.ts';
import { formatDate } from '../format.ts';
import { useMeta } from '../meta.tsx';
import { Link, navigate } from '../router.tsx';
import { useToast } from '../toast.tsx';
import { DaysLeft } from '../components/DaysLeft.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Loading } from '../components/Loading.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { NewCaseForm } from './NewCaseForm.tsx';
import { useSession } from '../session.tsx';
import { useLoaded } from '../use-loaded.ts';
import { may, staffRoleOf } from '../../../signaling/access/grants.ts';

export function CaseListPage() {
  const notify = useToast();
  const { data: cases, error, load } = useLoaded(api.cases, '案件列表加载失败');
  const [creating, setCreating] = useState(false);
  const { user } = useSession();
  // Administrators supervise every case of the organisation; mediators open and handle their own.
  const canCreate = !!user && may(staffRoleOf(user), 'cases.create');

  return (
    <>
      <div className="page__head">
        <h1 className="page__title">{canCreate ? '我的案件' : '本机构案件'}</h1>
        {canCreate && !creating && (
          <button type="button" className="btn btn--primary" data-testid="new-case-button" onClick={() => setCreating(true)}>
            ＋ 新建案件
          </button>
        )}
      </div>

      {creating && (
        <NewCaseForm
          onCancel={() => setCreating(false)}
          onCreated={(c) => {
            notify(`案件已创建：${c.number}`);
            navigate(`/cases/${encodeURIComponent(c.id)}`);
          }}
        />
      )}

      {error && <ErrorBanner message={error} onRetry={load} />}
      {!cases && !error && <Loading text="正在加载案件…" />}
      {cases && cases.length === 0 && (
        <div className="card empty" data-testid="case-list-empty">
          {canCreate ? '暂无案件，点击「新建案件」开始' : '本机构暂无案件'}
        </div>
      )}
      {cases && cases.length > 0 && <CaseTable cases={cases} />}
    </>
  );
}

function CaseTable({ cases }: { cases: CaseSummary[] }) {
  const { labels } = useMeta();
  return (
    <div className="case-list" role="table" aria-label="案件列表">
      <div className="case-list__head" role="row">
        <span role="columnheader">案号</span>
        <span role="columnheader">案由</span>
        <span role="columnheader">标题</span>
        <span role="columnheader">状态</span>
        <span role="columnheader">承办调解员</span>
        <span role="columnheader">限时办结</span>
      </div>
      {cases.map((c) => (
        <Link key={c.id} to={`/cases/${encodeURIComponent(c.id)}`} className="case-row" role="row" data-testid="case-row" data-case-id={c.id}>
          <span className="case-row__number" role="cell">
            {c.number}
          </span>
          <span className="case-row__type" role="cell">
            {labels.disputeType(c.disputeType)}
          </span>
          <span className="case-row__title" role="cell">
            {c.title}
          </span>
          <span className="case-row__status" role="cell">
            <StatusBadge status={c.status} />
          </span>
          <span className="case-row__mediator" role="cell">
            <span className="only-mobile muted">调解员：</span>
            {c.mediator?.displayName ?? '未分配'}
          </span>
          <span className="case-row__due" role="cell" title={`限时办结：${formatDate(c.dueDate)}`}>
            <DaysLeft daysLeft={c.daysLeft} />
          </span>
        </Link>
      ))}
    </div>
  );
}
