import { DISPUTE_TYPE_KEYS, type DisputeType } from '../../../signaling/domain/vocabulary.ts';
import { useState, type FormEvent } from 'react';
import { api, ApiError, type CaseDetail } from '../api.ts';
import { localDatePlusDays } from '../format.ts';
import { useMeta } from '../meta.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Field } from '../components/Field.tsx';

interface Props {
  onCreated(c: CaseDetail): void;
  onCancel(): void;
}

const isDisputeType = (key: string): key is DisputeType => (DISPUTE_TYPE_KEYS as readonly string[]).includes(key);

export function NewCaseForm({ onCreated, onCancel }: Props) {
  const { meta, error: metaError, reload } = useMeta();
  const types = meta?.disputeTypes ?? [];
  const [title, setTitle] = useState('');
  const [disputeType, setDisputeType] = useState('');
  const [summary, setSummary] = useState('');
  const [dueDate, setDueDate] = useState(() => localDatePlusDays(30));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const type = disputeType || types[0]?.key || '';
    if (!title.trim()) return setError('请填写案件标题');
    if (!isDisputeType(type)) return setError('请选择纠纷类型');
    setBusy(true);
    setError(null);
    try {
      const c = await api.createCase({
        title: title.trim(),
        disputeType: type,
        summary: summary.trim(),
        ...(dueDate ? { dueDate } : {}),
      });
      onCreated(c);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '创建失败，请重试');
      setBusy(false);
    }
  };

  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="new-case-form">
      <h2 className="card__title">新建案件</h2>
      {metaError && <ErrorBanner message={`纠纷类型加载失败：${metaError}`} onRetry={reload} />}
      {error && <ErrorBanner message={error} />}
      <Field label="标题" htmlFor="case-title" required>
        <input
          id="case-title"
          data-testid="case-title"
          maxLength={200}
          placeholder="如：张某与李某房屋租赁纠纷"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
      </Field>
      <Field label="纠纷类型（案由）" htmlFor="case-dispute-type" required>
        <select
          id="case-dispute-type"
          data-testid="case-dispute-type"
          value={disputeType || types[0]?.key || ''}
          onChange={(e) => setDisputeType(e.target.value)}
          disabled={types.length === 0}
        >
          {types.length === 0 && <option value="">加载中…</option>}
          {types.map((t) => (
            <option key={t.key} value={t.key}>
              {t.label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="纠纷概要" htmlFor="case-summary" required>
        <textarea
          id="case-summary"
          data-testid="case-summary"
          rows={4}
          maxLength={4000}
          placeholder="简述纠纷经过和当事人诉求"
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
        />
      </Field>
      <Field label="限时办结日期" htmlFor="case-due-date" hint="默认为 30 天后">
        <input
          id="case-due-date"
          data-testid="case-due-date"
          type="date"
          min={localDatePlusDays(0)}
          value={dueDate}
          onChange={(e) => setDueDate(e.target.value)}
        />
      </Field>
      <div className="form__actions">
        <button type="button" className="btn btn--ghost" onClick={onCancel} disabled={busy}>
          取消
        </button>
        <button type="submit" className="btn btn--primary" data-testid="case-submit" disabled={busy}>
          {busy ? '提交中…' : '创建案件'}
        </button>
      </div>
    </form>
  );
}
