// 履行 on the mediator's case page, once the agreement is signed: the schedule drawn from the signed
// text (a draft the mediator checks item by item, corrects, adds to or removes from, then confirms),
// and afterwards each obligation's status, reminders, confirmations and proofs, with a form to record
// what the obligee reported. A derived reading the mediator must look at is marked 待核对.
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, type CaseStatus } from '../api.ts';
import { performanceApi, type ObligationInput, type ObligationView, type PerformanceView } from '../api/performance.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Loading } from '../components/Loading.tsx';
import { downloadBlob } from '../signing/signing-shared.tsx';
import { formatDateTime } from '../format.ts';
import { OBLIGATION_KIND_LABELS, type ObligationKind } from '../../../signaling/domain/performance-status.ts';
import { amountLine, fenToInput, ObligationEvents, PerformanceChip } from './performance-shared.tsx';
import './performance.css';

const SIGNED: ReadonlySet<CaseStatus> = new Set(['SIGNED', 'CONFIRMATION_REQUESTED', 'CONFIRMED', 'DISMISSED']);

export function StaffPerformanceCard({ caseId, caseStatus, canManage }: { caseId: string; caseStatus: CaseStatus; canManage: boolean }) {
  const client = useMemo(() => performanceApi(caseId), [caseId]);
  const [view, setView] = useState<PerformanceView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [adding, setAdding] = useState(false);
  const shown = SIGNED.has(caseStatus);

  const load = useCallback(async () => {
    try {
      setView(await client.view());
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '履行情况加载失败');
    }
  }, [client]);

  useEffect(() => {
    if (shown) void load();
  }, [load, shown]);

  if (!shown) return null;
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '操作失败，请重试');
    } finally {
      setBusy(false);
    }
  };
  const openFile = (eventId: number, name: string) => act(async () => downloadBlob(await client.file(eventId), name));
  const draft = view?.schedule?.status === 'DRAFT';

  return (
    <section className="card" aria-labelledby="performance-title" data-testid="staff-performance" data-schedule={view?.schedule?.status ?? 'NONE'}>
      <h2 className="card__title" id="performance-title">
        履行
      </h2>
      {error && <ErrorBanner message={error} onRetry={load} />}
      {!view && !error && <Loading text="正在加载履行计划…" />}
      {view && !view.schedule && (
        <>
          <p className="muted small">协议已签署。根据协议中的金额、期限和履行条款生成履行计划，核对无误后确认，系统即按期提醒并跟踪履行。</p>
          {canManage && (
            <button type="button" className="btn btn--primary" data-testid="derive-schedule" disabled={busy} onClick={() => act(() => client.derive())}>
              生成履行计划
            </button>
          )}
        </>
      )}
      {view?.schedule && (
        <>
          <p className="small muted" data-testid="schedule-state">
            {draft
              ? `履行计划草稿（${formatDateTime(view.schedule.derivedAt)} 根据已签署的协议生成）：请逐项核对义务人、权利人、金额和期限，标“待核对”的项须保存后才能确认。`
              : `履行计划已于 ${formatDateTime(view.schedule.confirmedAt)} 确认，系统按期提醒。`}
          </p>
          {view.obligations.length === 0 && <p className="muted">协议中未读出履行义务，请手动添加。</p>}
          <ol className="perf-list">
            {view.obligations.map((o) => (
              <li key={o.id} className="perf-item" data-testid="staff-obligation" data-status={o.status} data-seq={o.seq}>
                <div className="perf-item__head">
                  <strong>第{o.seq}项</strong>
                  {draft ? o.review.length > 0 && <span className="badge badge--amber">待核对</span> : <PerformanceChip status={o.status} />}
                </div>
                {draft && canManage ? (
                  <>
                    {o.review.length > 0 && (
                      <ul className="perf-review" data-testid="obligation-review">
                        {o.review.map((r) => (
                          <li key={r}>{r}</li>
                        ))}
                      </ul>
                    )}
                    <ObligationEditor
                      initial={o}
                      busy={busy}
                      submitText={o.review.length ? '核对并保存' : '保存更正'}
                      onSubmit={(input) => act(() => client.correct(o.id, input))}
                      onRemove={() => act(() => client.remove(o.id))}
                    />
                  </>
                ) : (
                  <>
                    <p className="perf-item__desc">{o.description}</p>
                    <div className="perf-item__facts">
                      <span>期限：{o.dueDate}</span>
                      <span>金额：{amountLine(o)}</span>
                      <span>
                        {o.obligorLabel} → {o.obligeeLabel}
                      </span>
                    </div>
                    <ObligationEvents o={o} onFile={openFile} />
                    {canManage && !draft && o.status !== 'PERFORMED' && <RecordForm o={o} busy={busy} onRecord={(r) => act(() => client.record(o.id, r))} />}
                  </>
                )}
              </li>
            ))}
          </ol>
          {draft && canManage && (
            <>
              {adding ? (
                <ObligationEditor
                  busy={busy}
                  submitText="添加"
                  onSubmit={(input) =>
                    act(async () => {
                      await client.add(input);
                      setAdding(false);
                    })
                  }
                  onCancel={() => setAdding(false)}
                />
              ) : (
                <button type="button" className="btn btn--outline" data-testid="add-obligation" onClick={() => setAdding(true)}>
                  添加一项义务
                </button>
              )}
              <div className="form__actions">
                <button type="button" className="btn btn--ghost" data-testid="rederive-schedule" disabled={busy} onClick={() => act(() => client.derive())}>
                  重新生成
                </button>
                <button
                  type="button"
                  className="btn btn--primary"
                  data-testid="confirm-schedule"
                  disabled={busy}
                  onClick={() => act(() => client.confirm(view.obligations.length))}
                >
                  确认履行计划
                </button>
              </div>
            </>
          )}
          {view.remedies && (
            <div className="perf-remedies" role="note" data-testid="staff-remedies">
              <strong>权利人页面的提示：{view.remedies.title}</strong>
              {view.remedies.paragraphs.map((p) => (
                <p key={p} className="small">
                  {p}
                </p>
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}

interface EditorProps {
  initial?: ObligationView;
  busy: boolean;
  submitText: string;
  onSubmit(input: ObligationInput): void;
  onRemove?(): void;
  onCancel?(): void;
}

function ObligationEditor({ initial, busy, submitText, onSubmit, onRemove, onCancel }: EditorProps) {
  const [kind, setKind] = useState<ObligationKind>(initial?.kind ?? 'PAYMENT');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [obligor, setObligor] = useState(initial?.obligorSide ?? '');
  const [obligee, setObligee] = useState(initial?.obligeeSide ?? '');
  const [amount, setAmount] = useState(fenToInput(initial?.amountFen ?? null));
  const [due, setDue] = useState(initial?.dueDate ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (obligor !== 'A' && obligor !== 'B') return setProblem('请选择义务人');
    if (obligee !== 'A' && obligee !== 'B') return setProblem('请选择权利人');
    if (obligor === obligee) return setProblem('义务人和权利人不能是同一方');
    if (description.trim().length < 2) return setProblem('请填写义务内容');
    if (kind === 'PAYMENT' && !/^\d{1,12}(\.\d{1,2})?$/.test(amount.trim())) return setProblem('请填写金额，如 25000 或 25000.50');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(due)) return setProblem('请选择履行期限');
    setProblem(null);
    onSubmit({
      kind,
      description: description.trim(),
      obligorSide: obligor,
      obligeeSide: obligee,
      ...(kind === 'PAYMENT' ? { amount: amount.trim() } : {}),
      dueDate: due,
    });
  };
  const sideOptions = (
    <>
      <option value="">请选择</option>
      <option value="A">甲方</option>
      <option value="B">乙方</option>
    </>
  );
  return (
    <form className="form" onSubmit={submit} noValidate data-testid="obligation-editor">
      <label className="field">
        <span className="field__label">义务内容</span>
        <textarea rows={2} maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="edit-description" />
      </label>
      <div className="form__pair">
        <label className="field">
          <span className="field__label">种类</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as ObligationKind)} data-testid="edit-kind">
            {(Object.keys(OBLIGATION_KIND_LABELS) as ObligationKind[]).map((k) => (
              <option key={k} value={k}>
                {OBLIGATION_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">履行期限</span>
          <input type="date" value={due} onChange={(e) => setDue(e.target.value)} data-testid="edit-due" />
        </label>
      </div>
      <div className="form__pair">
        <label className="field">
          <span className="field__label">义务人</span>
          <select value={obligor} onChange={(e) => setObligor(e.target.value)} data-testid="edit-obligor">
            {sideOptions}
          </select>
        </label>
        <label className="field">
          <span className="field__label">权利人</span>
          <select value={obligee} onChange={(e) => setObligee(e.target.value)} data-testid="edit-obligee">
            {sideOptions}
          </select>
        </label>
      </div>
      {kind === 'PAYMENT' && (
        <label className="field">
          <span className="field__label">金额（元）</span>
          <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} data-testid="edit-amount" />
        </label>
      )}
      {problem && <ErrorBanner message={problem} />}
      <div className="form__actions">
        {onRemove && (
          <button type="button" className="btn btn--ghost danger-text" disabled={busy} onClick={onRemove}>
            删除
          </button>
        )}
        {onCancel && (
          <button type="button" className="btn btn--ghost" onClick={onCancel}>
            取消
          </button>
        )}
        <button type="submit" className="btn btn--outline" disabled={busy} data-testid="save-obligation">
          {submitText}
        </button>
      </div>
    </form>
  );
}

function RecordForm({ o, busy, onRecord }: { o: ObligationView; busy: boolean; onRecord(r: { amount?: string; note: string }): void }) {
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  if (!open)
    return (
      <button type="button" className="btn btn--ghost btn--small" onClick={() => setOpen(true)} data-testid="open-record">
        登记履行情况
      </button>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (o.amountFen !== null && !/^\d{1,12}(\.\d{1,2})?$/.test(amount.trim())) return setProblem('请填写收到的金额');
    if (note.trim().length < 2) return setProblem('请写明如何得知（如：权利人电话告知已收到）');
    setProblem(null);
    onRecord({ ...(o.amountFen !== null ? { amount: amount.trim() } : {}), note: note.trim() });
    setOpen(false);
  };
  return (
    <form className="form form--inset" onSubmit={submit} noValidate aria-label={`登记第${o.seq}项的履行情况`}>
      {o.amountFen !== null && (
        <label className="field">
          <span className="field__label">收到的金额（元）</span>
          <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
        </label>
      )}
      <label className="field">
        <span className="field__label">登记说明</span>
        <input maxLength={300} value={note} onChange={(e) => setNote(e.target.value)} placeholder="如：权利人电话告知已收到" />
      </label>
      {problem && <ErrorBanner message={problem} />}
      <div className="form__actions">
        <button type="button" className="btn btn--ghost" onClick={() => setOpen(false)}>
          取消
        </button>
        <button type="submit" className="btn btn--primary" disabled={busy}>
          登记
        </button>
      </div>
    </form>
  );
}
