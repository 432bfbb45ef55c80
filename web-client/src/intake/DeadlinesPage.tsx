// 限时办结 for the logged-in staff member: the matters they are responsible for, soonest deadline
// first, each with its countdown; the 督办 addressed to them (a unit head: their unit's late matters;
// a dispatcher: those gone up to the centre); and, where they may, extending a deadline with a reason.
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.ts';
import { deadlinesApi, type MatterDeadline } from '../api/deadlines.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Field } from '../components/Field.tsx';
import { Loading } from '../components/Loading.tsx';
import { useMeta } from '../meta.tsx';
import { useToast } from '../toast.tsx';
import { useLoaded } from '../use-loaded.ts';
import { DeadlineCountdown } from './DeadlineCountdown.tsx';
import { formatDue } from './deadline-format.ts';
import { fromChinaInput, toChinaInput } from '../format.ts';

const LEVEL_LABELS = { UNIT_HEAD: '已督办（单位负责人）', CENTRE: '已督办（中心）' } as const;

function ExtendForm({ matter, onDone, onCancel }: { matter: MatterDeadline; onDone: () => void; onCancel: () => void }) {
  const notify = useToast();
  const [dueAt, setDueAt] = useState(() => toChinaInput(Date.parse(matter.dueAt) + 2 * 24 * 3600_000));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const due = fromChinaInput(dueAt);
    if (!due) return setError('请填写新的办理期限');
    setError(null);
    setBusy(true);
    try {
      await deadlinesApi.extendDeadline(matter.id, due, reason);
      notify('办理期限已延长');
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '延长失败，请重试');
    } finally {
      setBusy(false);
    }
  };
  const idBase = `extend-${matter.id}`;
  return (
    <form className="deadline-extend" onSubmit={submit} data-testid="deadline-extend-form" noValidate>
      {error && <ErrorBanner message={error} />}
      <Field label="新的办理期限（北京时间）" htmlFor={`${idBase}-due`} required>
        <input id={`${idBase}-due`} type="datetime-local" value={dueAt} onChange={(e) => setDueAt(e.target.value)} data-testid="deadline-extend-due" />
      </Field>
      <Field label="延期理由" htmlFor={`${idBase}-reason`} required hint="将记入事项办理记录">
        <textarea
          id={`${idBase}-reason`}
          rows={2}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          data-testid="deadline-extend-reason"
        />
      </Field>
      <div className="deadline-row__side">
        <button type="submit" className="btn btn--primary btn--small" disabled={busy} data-testid="deadline-extend-submit">
          确认延期
        </button>
        <button type="button" className="btn btn--small" onClick={onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}

function DeadlineRow({ matter, now, level, onChanged }: { matter: MatterDeadline; now: string; level?: 'UNIT_HEAD' | 'CENTRE'; onChanged: () => void }) {
  const { labels } = useMeta();
  const [extending, setExtending] = useState(false);
  const escalation = level ?? matter.escalation;
  return (
    <li className="deadline-row" data-testid="deadline-row" data-matter-id={matter.id}>
      <div className="deadline-row__main">
        <div className="deadline-row__title">{matter.title}</div>
        <div className="deadline-row__meta">
          {matter.registrationNo} · {labels.disputeType(matter.disputeType)} · {matter.statusLabel} · 期限 {formatDue(Date.parse(matter.dueAt))}
        </div>
      </div>
      <div className="deadline-row__side">
        <DeadlineCountdown dueAt={matter.dueAt} serverNow={now} />
        {escalation && (
          <span className="badge badge--red" data-testid="deadline-escalated" data-level={escalation}>
            {LEVEL_LABELS[escalation]}
          </span>
        )}
        {!escalation && matter.reminded && <span className="badge badge--amber">已提醒</span>}
        {matter.canExtend && !extending && (
          <button type="button" className="btn btn--small" data-testid="deadline-extend" onClick={() => setExtending(true)}>
            延期
          </button>
        )}
      </div>
      {extending && (
        <ExtendForm
          matter={matter}
          onCancel={() => setExtending(false)}
          onDone={() => {
            setExtending(false);
            onChanged();
          }}
        />
      )}
    </li>
  );
}

export function DeadlinesPage() {
  const { data, error, load } = useLoaded(() => Promise.all([deadlinesApi.myDeadlines(), deadlinesApi.escalations()]), '办理期限加载失败');
  const [mine, escalations] = data ?? [null, null];

  return (
    <>
      <div className="page__head">
        <h1 className="page__title">限时办结</h1>
      </div>
      {error && <ErrorBanner message={error} onRetry={load} />}
      {!mine && !error && <Loading text="正在加载…" />}
      {escalations && escalations.escalations.length > 0 && (
        <section aria-labelledby="escalations-title">
          <h2 id="escalations-title" className="deadline-section-title">
            督办事项（{escalations.escalations.length}）
          </h2>
          <ul className="deadline-list" data-testid="escalation-list">
            {escalations.escalations.map((e) => (
              <DeadlineRow key={e.matter.id} matter={e.matter} now={escalations.now} level={e.level} onChanged={load} />
            ))}
          </ul>
        </section>
      )}
      {mine && (
        <section aria-labelledby="mine-title">
          <h2 id="mine-title" className="deadline-section-title">
            我负责的事项
          </h2>
          {mine.matters.length === 0 ? (
            <div className="card empty" data-testid="deadline-list-empty">
              暂无需要办理的事项
            </div>
          ) : (
            <ul className="deadline-list" data-testid="deadline-list">
              {mine.matters.map((m) => (
                <DeadlineRow key={m.id} matter={m} now={mine.now} onChanged={load} />
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  );
}
