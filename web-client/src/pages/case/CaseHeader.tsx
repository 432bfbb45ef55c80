import type { CaseDetail } from '../../api.ts';
import { formatDate, formatDateTime } from '../../format.ts';
import { useMeta } from '../../meta.tsx';
import { DaysLeft } from '../../components/DaysLeft.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';

export function CaseHeader({ kase }: { kase: CaseDetail }) {
  const { labels } = useMeta();
  return (
    <section className="card case-header">
      <div className="case-header__top">
        <span className="case-header__number" data-testid="case-number">
          {kase.number}
        </span>
        <StatusBadge status={kase.status} />
      </div>
      <h1 className="case-header__title" data-testid="case-heading">
        {kase.title}
      </h1>
      <dl className="facts">
        <div>
          <dt>案由</dt>
          <dd>{labels.disputeType(kase.disputeType)}</dd>
        </div>
        <div>
          <dt>承办调解员</dt>
          <dd>{kase.mediator?.displayName ?? '未分配'}</dd>
        </div>
        <div>
          <dt>限时办结</dt>
          <dd>
            {formatDate(kase.dueDate)} <DaysLeft daysLeft={kase.daysLeft} />
          </dd>
        </div>
        <div>
          <dt>受理时间</dt>
          <dd>{formatDateTime(kase.createdAt)}</dd>
        </div>
      </dl>
      {kase.summary && (
        <div className="case-header__summary">
          <h2 className="subhead">纠纷概要</h2>
          <p className="prewrap">{kase.summary}</p>
        </div>
      )}
    </section>
  );
}
