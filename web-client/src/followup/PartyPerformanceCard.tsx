// 履行情况 on a party's link page (phone first), once the mediator confirmed the schedule: each
// obligation with its status, the reminders sent to this party, and what this party can do — the
// obligee confirms receipt (all or part; a signed statement: name, ID digits, handwritten signature,
// the affirmation), the obligor uploads a proof. When something owed to this party is overdue, the
// card says what it can do (text from the server: remedies.json).
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api.ts';
import { performanceApi, type ObligationView, type PerformanceView } from '../api/performance.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Loading } from '../components/Loading.tsx';
import { normalizeIdLast4 } from '../format.ts';
import { ConsentPrompt } from '../pages/party/ConsentPrompt.tsx';
import { SignaturePad, type SignaturePadHandle } from '../signing/SignaturePad.tsx';
import { amountLine, fenToInput, ObligationEvents, PerformanceChip } from './performance-shared.tsx';
import './performance.css';

export function PartyPerformanceCard({ caseId, token }: { caseId: string; token: string }) {
  const client = useMemo(() => performanceApi(caseId, token), [caseId, token]);
  const [view, setView] = useState<PerformanceView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<{ id: string; action: 'receipt' | 'proof' } | null>(null);

  const load = useCallback(async () => {
    try {
      setView(await client.view());
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '履行情况加载失败');
    }
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);

  if (!view) {
    return (
      <section className="card" aria-labelledby="perf-title" data-testid="party-performance">
        <h2 className="card__title" id="perf-title">
          履行情况
        </h2>
        {error ? <ErrorBanner message={error} onRetry={load} /> : <Loading text="正在加载履行情况…" />}
      </section>
    );
  }
  if (!view.signed) return null;
  const done = () => {
    setOpen(null);
    void load();
  };
  return (
    <section className="card" aria-labelledby="perf-title" data-testid="party-performance">
      <h2 className="card__title" id="perf-title">
        履行情况
      </h2>
      {error && <ErrorBanner message={error} onRetry={load} />}
      {view.schedule?.status !== 'CONFIRMED' ? (
        <p className="muted" data-testid="party-performance-empty">
          调解员正在根据已签署的协议制定履行计划，确认后会在这里列出每一项义务的期限和履行情况。
        </p>
      ) : (
        <ol className="perf-list">
          {view.obligations.map((o) => (
            <li key={o.id} className="perf-item" data-testid="party-obligation" data-status={o.status} data-seq={o.seq}>
              <div className="perf-item__head">
                <strong>第{o.seq}项</strong>
                <PerformanceChip status={o.status} />
              </div>
              <p className="perf-item__desc">{o.description}</p>
              <div className="perf-item__facts">
                <span>期限：{o.dueDate}</span>
                <span>金额：{amountLine(o)}</span>
                <span>
                  {o.obligorLabel} → {o.obligeeLabel}
                </span>
              </div>
              <ObligationEvents o={o} />
              {o.canConfirmReceipt && open?.id !== o.id && (
                <button
                  type="button"
                  className="btn btn--primary btn--block"
                  data-testid="open-receipt"
                  onClick={() => setOpen({ id: o.id, action: 'receipt' })}
                >
                  {o.kind === 'PAYMENT' ? '确认收到款项' : '确认对方已履行'}
                </button>
              )}
              {o.canUploadProof && open?.id !== o.id && (
                <button type="button" className="btn btn--outline btn--block" data-testid="open-proof" onClick={() => setOpen({ id: o.id, action: 'proof' })}>
                  上传履行凭证
                </button>
              )}
              {open?.id === o.id && open.action === 'receipt' && (
                <ReceiptForm o={o} token={token} client={client} affirmation={view.affirmation} onDone={done} onCancel={() => setOpen(null)} />
              )}
              {open?.id === o.id && open.action === 'proof' && <ProofForm o={o} client={client} onDone={done} onCancel={() => setOpen(null)} />}
            </li>
          ))}
        </ol>
      )}
      {view.remedies && (
        <div className="perf-remedies" role="note" data-testid="performance-remedies" data-confirmed={view.remedies.confirmed}>
          <strong>{view.remedies.title}</strong>
          {view.remedies.paragraphs.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
    </section>
  );
}

type Client = ReturnType<typeof performanceApi>;

function ReceiptForm({
  o,
  token,
  client,
  affirmation,
  onDone,
  onCancel,
}: {
  o: ObligationView;
  token: string;
  client: Client;
  affirmation: string;
  onDone(): void;
  onCancel(): void;
}) {
  const remaining = o.amountFen === null ? null : o.amountFen - o.receivedFen;
  const [amount, setAmount] = useState(fenToInput(remaining));
  const [note, setNote] = useState('');
  const [name, setName] = useState('');
  const [idLast4, setIdLast4] = useState('');
  const [typed, setTyped] = useState('');
  const [hasInk, setHasInk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pad = useRef<SignaturePadHandle>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const png = pad.current?.toPngBase64() ?? null;
    if (o.amountFen !== null && !/^\d{1,12}(\.\d{1,2})?$/.test(amount.trim())) return setError('请填写收到的金额，如 25000 或 25000.50');
    if (!name.trim() || idLast4.length !== 4) return setError('请填写您的姓名和身份证号码后四位');
    if (!png) return setError('请在签名框内手写签名');
    if (typed.trim() !== affirmation) return setError(`请完整输入：“${affirmation}”`);
    setBusy(true);
    setError(null);
    try {
      await client.receipt(o.id, {
        ...(o.amountFen !== null ? { amount: amount.trim() } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
        name: name.trim(),
        idLast4,
        signaturePngBase64: png,
        affirmation: typed.trim(),
      });
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '提交失败，请重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form form--inset" onSubmit={submit} noValidate data-testid="receipt-form" aria-label={`确认收到第${o.seq}项`}>
      {o.amountFen !== null && (
        <label className="field">
          <span className="field__label">本次收到的金额（元）</span>
          <input data-testid="receipt-amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
          <span className="field__hint">只收到一部分的，填写实际收到的金额。</span>
        </label>
      )}
      <label className="field">
        <span className="field__label">备注（可不填）</span>
        <input data-testid="receipt-note" maxLength={300} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="form__pair">
        <label className="field">
          <span className="field__label">您的姓名</span>
          <input data-testid="receipt-name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span className="field__label">身份证号码后四位</span>
          <input data-testid="receipt-id4" inputMode="numeric" maxLength={4} value={idLast4} onChange={(e) => setIdLast4(normalizeIdLast4(e.target.value))} />
        </label>
      </div>
      {/* PIPL art. 29: the handwritten signature is sensitive personal information. */}
      <ConsentPrompt token={token} purpose="SIGNATURE" />
      <SignaturePad ref={pad} label="收到确认手写签名区域" onChange={setHasInk} testId="receipt-signature-pad" />
      <label className="field">
        <span className="field__label">请输入：{affirmation}</span>
        <input data-testid="receipt-affirmation" value={typed} onChange={(e) => setTyped(e.target.value)} />
      </label>
      {error && <ErrorBanner message={error} />}
      <div className="form__actions">
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          取消
        </button>
        <button type="submit" className="btn btn--primary" data-testid="receipt-submit" disabled={busy || !hasInk}>
          {busy ? '正在提交…' : '签名确认'}
        </button>
      </div>
    </form>
  );
}

function ProofForm({ o, client, onDone, onCancel }: { o: ObligationView; client: Client; onDone(): void; onCancel(): void }) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return setError('请选择转账凭证、收据的照片或 PDF 文件');
    if (file.size > 10 * 1024 * 1024) return setError('文件不能超过 10 MB');
    setBusy(true);
    setError(null);
    try {
      await client.proof(o.id, file);
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '上传失败，请重试');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form form--inset" onSubmit={submit} noValidate data-testid="proof-form" aria-label={`上传第${o.seq}项的履行凭证`}>
      <label className="field">
        <span className="field__label">履行凭证（JPG、PNG 或 PDF，≤ 10 MB）</span>
        <input type="file" data-testid="proof-file" accept="image/jpeg,image/png,application/pdf" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <span className="field__hint">如银行转账回单、收据。凭证加密保存，仅调解员可以查看。</span>
      </label>
      {error && <ErrorBanner message={error} />}
      <div className="form__actions">
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          取消
        </button>
        <button type="submit" className="btn btn--primary" data-testid="proof-submit" disabled={busy}>
          {busy ? '正在上传…' : '上传'}
        </button>
      </div>
    </form>
  );
}
