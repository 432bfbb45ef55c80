// 回访 tasks for staff (/followup): the unit's — or, for the centre's staff, every unit's — tasks
// from poor ratings, missed performance and the closing sample, filtered (待回访 / 已超期 / 我的 /
// 全部), soonest deadline first, each with its 限时办结 state (提醒, 督办).
import { useState } from 'react';
import { FOLLOW_UP_FILTER_LABELS, FOLLOW_UP_FILTERS, type FollowUpFilter } from '../../../signaling/domain/follow-up-vocabulary.ts';
import { followUpApi, type FollowUpTaskSummary } from '../api/followup.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Loading } from '../components/Loading.tsx';
import { DeadlineCountdown } from '../intake/DeadlineCountdown.tsx';
import { formatDue } from '../intake/deadline-format.ts';
import { Link } from '../router.tsx';
import { useLoaded } from '../use-loaded.ts';
import './followup.css';

export function TaskBadges({ task }: { task: FollowUpTaskSummary }) {
  return (
    <>
      {task.status !== 'OPEN' && <span className="badge">{task.statusLabel}</span>}
      {task.escalated && task.status === 'OPEN' && (
        <span className="badge badge--red" data-testid="followup-escalated">
          已督办（单位负责人）
        </span>
      )}
      {!task.escalated && task.reminded && task.status === 'OPEN' && <span className="badge badge--amber">已提醒</span>}
      {task.reopened && <span className="badge badge--amber">已重新办理</span>}
    </>
  );
}

function TaskRow({ task, now }: { task: FollowUpTaskSummary; now: string }) {
  return (
    <li className="deadline-row" data-testid="followup-row" data-task-id={task.id}>
      <div className="deadline-row__main">
        <div className="deadline-row__title">
          <Link to={`/followup/${encodeURIComponent(task.id)}`} data-testid="followup-open">
            {task.reasonLabel} · {task.caseTitle}
          </Link>
        </div>
        <div className="deadline-row__meta">
          {task.caseNumber} · {task.unitName}
          {task.assigneeName ? ` · 回访人 ${task.assigneeName}` : ''} · 期限 {formatDue(Date.parse(task.dueAt))}
        </div>
      </div>
      <div className="deadline-row__side">
        {task.status === 'OPEN' && <DeadlineCountdown dueAt={task.dueAt} serverNow={now} />}
        <TaskBadges task={task} />
      </div>
    </li>
  );
}

export function FollowUpTasksPage() {
  const [filter, setFilter] = useState<FollowUpFilter>('open');
  const { data, error, load } = useLoaded(() => followUpApi.tasks(filter), '回访任务加载失败', filter);
  return (
    <>
      <div className="page__head">
        <h1 className="page__title">回访</h1>
      </div>
      <div className="followup-filters" role="group" aria-label="筛选回访任务">
        {FOLLOW_UP_FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            aria-pressed={filter === f}
            className={`btn btn--small${filter === f ? ' btn--primary' : ''}`}
            onClick={() => setFilter(f)}
            data-testid={`followup-filter-${f}`}
          >
            {FOLLOW_UP_FILTER_LABELS[f]}
          </button>
        ))}
      </div>
      {error && <ErrorBanner message={error} onRetry={load} />}
      {!data && !error && <Loading text="正在加载回访任务…" />}
      {data &&
        (data.tasks.length === 0 ? (
          <div className="card empty" data-testid="followup-empty">
            暂无{FOLLOW_UP_FILTER_LABELS[filter] === '全部' ? '' : FOLLOW_UP_FILTER_LABELS[filter]}回访任务
          </div>
        ) : (
          <ul className="deadline-list" data-testid="followup-list">
            {data.tasks.map((t) => (
              <TaskRow key={t.id} task={t} now={data.now} />
            ))}
          </ul>
        ))}
    </>
  );
}
