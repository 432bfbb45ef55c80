// One 回访 task (/followup/:id): the case in brief, why the 回访 and by when (限时办结: reminder,
// 督办), the rating that opened it, each call or visit in the standard 回访记录 form, the outcome —
// 需重新调解 reopens the case — and the sealed 回访记录 PDF.
import { useState, type FormEvent } from 'react';
import {
  FOLLOW_UP_METHOD_LABELS,
  FOLLOW_UP_METHODS,
  FOLLOW_UP_OUTCOME_LABELS,
  FOLLOW_UP_OUTCOMES,
  FOLLOW_UP_RESULT_LABELS,
  FOLLOW_UP_RESULTS,
  RECORD_TEXT_MAX,
  type FollowUpMethod,
  type FollowUpOutcome,
  type FollowUpResult,
} from '../../../signaling/domain/follow-up-vocabulary.ts';
import { followUpApi, type FollowUpTaskDetail } from '../api/followup.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Field } from '../components/Field.tsx';
import { Loading } from '../components/Loading.tsx';
import { DeadlineCountdown } from '../intake/DeadlineCountdown.tsx';
import { formatDue } from '../intake/deadline-format.ts';
import { fromChinaInput, toChinaInput } from '../format.ts';
import { Link } from '../router.tsx';
import { useAction } from '../use-action.ts';
import { useLoaded } from '../use-loaded.ts';
import { TaskBadges } from './FollowUpTasksPage.tsx';
import './followup.css';

const formatTime = (iso: string) => formatDue(Date.parse(iso));

/** A select over a fixed vocabulary, each value shown by its label. */
function VocabularySelect<T extends string>(props: {
  id: string;
  value: T;
  values: readonly T[];
  labels: Record<T, string>;
  onChange(v: T): void;
  testId: string;
  disabled?: (v: T) => boolean;
}) {
  return (
    <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value as T)} data-testid={props.testId}>
      {props.values.map((v) => (
        <option key={v} value={v} disabled={props.disabled?.(v)}>
          {props.labels[v]}
        </option>
      ))}
    </select>
  );
}

/** A record's free-text field (at most RECORD_TEXT_MAX characters). */
function RecordText({ id, rows, value, onChange, testId }: { id: string; rows: number; value: string; onChange(v: string): void; testId: string }) {
  return <textarea id={id} rows={rows} maxLength={RECORD_TEXT_MAX} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} />;
}

function RecordForm({ detail, onDone }: { detail: FollowUpTaskDetail; onDone: () => void }) {
  const [at, setAt] = useState(() => toChinaInput(Date.parse(detail.now)));
  const [method, setMethod] = useState<FollowUpMethod>('PHONE');
  const [contact, setContact] = useState(detail.rating?.participantName ?? '');
  const [content, setContent] = useState('');
  const [result, setResult] = useState<FollowUpResult>('satisfied');
  const [partyOpinion, setPartyOpinion] = useState('');
  const [performance, setPerformance] = useState('');
  const { busy, error, setError, run } = useAction(() => {
    setContent('');
    setPartyOpinion('');
    setPerformance('');
    onDone();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!contact.trim()) return setError('请填写回访对象');
    if (!content.trim()) return setError('请填写回访内容');
    const when = fromChinaInput(at);
    if (!when) return setError('请填写回访时间');
    void run(
      () => followUpApi.addRecord(detail.task.id, { at: when, method, contact: contact.trim(), content, result, partyOpinion, performance }),
      '回访记录已登记',
      '登记失败，请重试',
    );
  };
  return (
    <form className="card followup-form" onSubmit={submit} aria-labelledby="record-form-title" data-testid="followup-record-form" noValidate>
      <h2 id="record-form-title" className="card__title">
        登记回访
      </h2>
      {error && <ErrorBanner message={error} />}
      <div className="followup-form__pair">
        <Field label="回访时间（北京时间）" htmlFor="fu-at" required>
          <input id="fu-at" type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} data-testid="followup-at" />
        </Field>
        <Field label="回访方式" htmlFor="fu-method" required>
          <VocabularySelect
            id="fu-method"
            value={method}
            values={FOLLOW_UP_METHODS}
            labels={FOLLOW_UP_METHOD_LABELS}
            onChange={setMethod}
            testId="followup-method"
          />
        </Field>
      </div>
      <Field label="回访对象" htmlFor="fu-contact" required hint="当事人姓名；未接通也请登记">
        <input id="fu-contact" list="fu-parties" maxLength={100} value={contact} onChange={(e) => setContact(e.target.value)} data-testid="followup-contact" />
      </Field>
      <datalist id="fu-parties">
        {detail.case.parties.map((p) => (
          <option key={p.id} value={p.name} />
        ))}
      </datalist>
      <Field label="回访内容" htmlFor="fu-content" required>
        <RecordText id="fu-content" rows={3} value={content} onChange={setContent} testId="followup-content" />
      </Field>
      <Field label="当事人意见" htmlFor="fu-result" required>
        <VocabularySelect
          id="fu-result"
          value={result}
          values={FOLLOW_UP_RESULTS}
          labels={FOLLOW_UP_RESULT_LABELS}
          onChange={setResult}
          testId="followup-result"
        />
      </Field>
      <Field label="当事人意见（原话摘要）" htmlFor="fu-opinion">
        <RecordText id="fu-opinion" rows={2} value={partyOpinion} onChange={setPartyOpinion} testId="followup-opinion" />
      </Field>
      <Field label="履行情况" htmlFor="fu-performance" hint="协议的履行情况；无协议的写“无”或留空">
        <RecordText id="fu-performance" rows={2} value={performance} onChange={setPerformance} testId="followup-performance" />
      </Field>
      <button type="submit" className="btn btn--primary" disabled={busy} data-testid="followup-record-submit">
        {busy ? '正在登记…' : '登记回访'}
      </button>
    </form>
  );
}

function CloseForm({ detail, onDone }: { detail: FollowUpTaskDetail; onDone: () => void }) {
  const [outcome, setOutcome] = useState<FollowUpOutcome>('RESOLVED');
  const [note, setNote] = useState('');
  const { busy, error, setError, run } = useAction(onDone);
  const reopen = outcome === 'NEEDS_REOPEN';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if ((reopen || outcome === 'OTHER') && note.trim().length < 2) return setError(reopen ? '重新调解须写明理由' : '请写明处理意见');
    if (reopen && !window.confirm('确认办结回访并重新办理本案？案件将回到“调解中”。')) return;
    void run(() => followUpApi.close(detail.task.id, { outcome, note }), reopen ? '回访已办结，案件已重新办理' : '回访已办结', '办结失败，请重试');
  };
  return (
    <form className="card followup-form" onSubmit={submit} aria-labelledby="close-form-title" data-testid="followup-close-form" noValidate>
      <h2 id="close-form-title" className="card__title">
        办结回访
      </h2>
      {error && <ErrorBanner message={error} />}
      <Field label="回访结果" htmlFor="fu-outcome" required hint={reopen && detail.reopenProblem ? detail.reopenProblem : undefined}>
        <VocabularySelect
          id="fu-outcome"
          value={outcome}
          values={FOLLOW_UP_OUTCOMES}
          labels={FOLLOW_UP_OUTCOME_LABELS}
          onChange={setOutcome}
          testId="followup-outcome"
          disabled={(o) => o === 'NEEDS_REOPEN' && detail.reopenProblem !== null}
        />
      </Field>
      <Field label={reopen ? '重新调解的理由' : '处理意见'} htmlFor="fu-note" required={reopen || outcome === 'OTHER'}>
        <textarea id="fu-note" rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} data-testid="followup-note" />
      </Field>
      <button type="submit" className="btn btn--primary" disabled={busy} data-testid="followup-close-submit">
        {busy ? '正在办结…' : reopen ? '办结并重新办理本案' : '办结回访'}
      </button>
    </form>
  );
}

export function FollowUpTaskPage({ taskId }: { taskId: string }) {
  const { data, error, load } = useLoaded(() => followUpApi.task(taskId), '回访任务加载失败', taskId);
  if (error && !data) return <ErrorBanner message={error} onRetry={load} />;
  if (!data) return <Loading text="正在加载回访任务…" />;
  const { task, case: c, rating, records } = data;
  return (
    <>
      <div className="page__head">
        <p className="muted small">
          <Link to="/followup">← 回访任务</Link>
        </p>
        <h1 className="page__title" data-testid="followup-title">
          回访：{c.title}
        </h1>
      </div>
      {error && <ErrorBanner message={error} onRetry={load} />}
      <section className="card" aria-labelledby="task-facts-title">
        <h2 id="task-facts-title" className="card__title">
          回访事由
        </h2>
        <dl className="followup-facts">
          <dt>回访原因</dt>
          <dd data-testid="followup-reason">{task.reasonLabel}</dd>
          <dt>办结期限</dt>
          <dd>
            {formatTime(task.dueAt)} {task.status === 'OPEN' && <DeadlineCountdown dueAt={task.dueAt} serverNow={data.now} />} <TaskBadges task={task} />
          </dd>
          <dt>期限依据</dt>
          <dd>{data.basis}</dd>
          <dt>承办单位</dt>
          <dd>{task.unitName}</dd>
          <dt>回访人</dt>
          <dd>{task.assigneeName ?? '未指定'}</dd>
          {data.outcomeLabel && (
            <>
              <dt>回访结果</dt>
              <dd data-testid="followup-outcome-label">
                {data.outcomeLabel}
                {data.outcomeNote ? `：${data.outcomeNote}` : ''}
              </dd>
            </>
          )}
        </dl>
      </section>
      <section className="card" aria-labelledby="task-case-title">
        <h2 id="task-case-title" className="card__title">
          案件概要
        </h2>
        <dl className="followup-facts">
          <dt>案件编号</dt>
          <dd>{c.number}</dd>
          <dt>纠纷类型</dt>
          <dd>{c.disputeTypeLabel}</dd>
          <dt>案件状态</dt>
          <dd data-testid="followup-case-status">{c.statusLabel}</dd>
          <dt>调解员</dt>
          <dd>{c.mediatorName ?? '未指派'}</dd>
          <dt>当事人</dt>
          <dd>{c.parties.map((p) => `${p.roleLabel}${p.name}`).join('、') || '无'}</dd>
          <dt>纠纷概要</dt>
          <dd>{c.summary}</dd>
        </dl>
      </section>
      {rating && (
        <section className="card" aria-labelledby="task-rating-title" data-testid="followup-rating">
          <h2 id="task-rating-title" className="card__title">
            当事人评价
          </h2>
          <p>
            {rating.participantName}（{rating.occasionLabel}）：<strong>{rating.scoreLabel}</strong>
          </p>
          {rating.comment && (
            <p className="muted" data-testid="followup-rating-comment">
              “{rating.comment}”
            </p>
          )}
        </section>
      )}
      <section className="card" aria-labelledby="task-records-title">
        <h2 id="task-records-title" className="card__title">
          回访记录（{records.length}）
        </h2>
        {records.length === 0 ? (
          <p className="muted" data-testid="followup-records-empty">
            尚未登记回访
          </p>
        ) : (
          <ol className="followup-records" data-testid="followup-records">
            {records.map((r) => (
              <li key={r.id} className="followup-record" data-testid="followup-record">
                <p>
                  <strong>{formatTime(r.at)}</strong> · {r.methodLabel} · 回访对象 {r.contact} · 回访人 {r.userName}
                </p>
                <p>回访内容：{r.content}</p>
                <p>
                  当事人意见：{r.resultLabel}
                  {r.partyOpinion ? `。${r.partyOpinion}` : ''}
                </p>
                <p>履行情况：{r.performance || '无'}</p>
              </li>
            ))}
          </ol>
        )}
        {records.length > 0 && (
          <p>
            <a className="btn btn--outline btn--small" href={followUpApi.recordPdfUrl(task.id)} download data-testid="followup-pdf">
              下载回访记录（PDF）
            </a>
          </p>
        )}
      </section>
      {data.canWork && <RecordForm detail={data} onDone={() => void load()} />}
      {data.canWork && records.length > 0 && <CloseForm detail={data} onDone={() => void load()} />}
    </>
  );
}
