import { useState, type FormEvent } from 'react';
import { ApiError, type ProcedureApi, type ProcedureView } from '../../api.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { downloadBlob } from '../../signing/signing-shared.tsx';
import { formatDateTime } from '../../format.ts';

interface Props {
  procedure: ProcedureApi;
  view: ProcedureView;
  caseNumber: string;
  onChanged(): void;
}

const OBJECTION_STATUS: Record<string, string> = { OPEN: '待处理', REPLACED: '已更换调解员', KEPT: '经审查不予回避' };

/** The party's rights in practice (人民调解法 art. 23): 回避 and ending the mediation at any time. */
export function PartyProcedureCard({ procedure, view, onChanged }: Props) {
  const [ending, setEnding] = useState(false);
  const [objecting, setObjecting] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { recusal } = view;

  const end = async () => {
    setBusy(true);
    setError(null);
    try {
      await procedure.end();
      setEnding(false);
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '提交失败，请重试');
    } finally {
      setBusy(false);
    }
  };

  const object = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) return setError('请写明申请回避的理由');
    setBusy(true);
    setError(null);
    try {
      await procedure.object(reason.trim());
      setObjecting(false);
      setReason('');
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '提交失败，请重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="procedure-title" data-testid="party-procedure">
      <h2 className="card__title" id="procedure-title">
        您的权利
      </h2>
      <p data-testid="recusal-declaration">
        {recusal.declaration
          ? `调解员${recusal.declaration.mediatorName}已声明：${recusal.declaration.statement}`
          : `调解员${recusal.mediatorName ?? ''}尚未作出回避声明。`}
      </p>
      {recusal.objections.map((o) => (
        <p key={o.id} className="muted small" data-testid="objection-status">
          您于{formatDateTime(o.createdAt)}申请回避：{OBJECTION_STATUS[o.status] ?? o.status}
          {o.resolution ? `（${o.resolution}）` : ''}
        </p>
      ))}
      {error && !ending && <ErrorBanner message={error} />}
      {objecting ? (
        <form className="form" onSubmit={object} noValidate>
          <label className="field">
            <span className="field__label">申请回避的理由</span>
            <textarea data-testid="objection-reason" rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" className="btn btn--primary btn--block" data-testid="objection-submit" disabled={busy}>
            提交回避申请
          </button>
          <button type="button" className="btn btn--ghost btn--block" onClick={() => setObjecting(false)}>
            取消
          </button>
        </form>
      ) : (
        <button type="button" className="btn btn--outline btn--block" data-testid="object-mediator" onClick={() => setObjecting(true)}>
          申请调解员回避
        </button>
      )}
      {view.endable && (
        <button type="button" className="btn btn--danger btn--block" data-testid="end-mediation" onClick={() => setEnding(true)}>
          终止调解
        </button>
      )}
      <p className="muted small">您可以随时拒绝或者终止调解，无需说明理由。终止后，调解委员会将出具调解终结告知书，告知您可以通过诉讼、仲裁等途径解决纠纷。</p>
      {ending && (
        <ConfirmDialog title="确认终止调解？" confirmText="终止调解" danger busy={busy} error={error} onConfirm={end} onCancel={() => setEnding(false)}>
          <p>终止后本次调解结束，不能恢复；如双方愿意，可以重新申请调解。</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** After the mediation ended: what happened and the 调解终结告知书. */
export function TerminationCard({ procedure, view, caseNumber }: Omit<Props, 'onChanged'>) {
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setError(null);
    try {
      downloadBlob(await procedure.terminationNotice(), `调解终结告知书-${caseNumber}.pdf`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '下载失败，请重试');
    }
  };
  return (
    <section className="card" role="status" data-testid="mediation-ended">
      <h2 className="card__title">调解已终止</h2>
      {view.termination && (
        <p>
          {formatDateTime(view.termination.endedAt)}：{view.termination.reason}
        </p>
      )}
      <p className="muted">您可以依法通过诉讼、仲裁、行政等途径维护自己的权利，具体见调解终结告知书。</p>
      {error && <ErrorBanner message={error} />}
      <button type="button" className="btn btn--primary btn--block" data-testid="termination-notice" onClick={download}>
        下载调解终结告知书
      </button>
    </section>
  );
}
