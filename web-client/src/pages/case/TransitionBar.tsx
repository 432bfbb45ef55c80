import { useState } from 'react';
import { workflowNote } from '../../../../signaling/domain/case-workflow.ts';
import { api, ApiError, type CaseDetail, type CaseStatus } from '../../api.ts';
import { useMeta } from '../../meta.tsx';
import { useToast } from '../../toast.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { Field } from '../../components/Field.tsx';

const DANGER: ReadonlySet<string> = new Set(['FAILED', 'DISMISSED', 'WITHDRAWN']);

interface Props {
  kase: CaseDetail;
  onChanged(next: CaseDetail): void;
}

/**
 * Buttons for the server-allowed status transitions, each behind a confirm dialog, and what moves
 * the case otherwise (the work itself, signing, the court: signaling/domain/case-workflow.ts).
 */
export function TransitionBar({ kase, onChanged }: Props) {
  const { labels } = useMeta();
  const notify = useToast();
  const [target, setTarget] = useState<CaseStatus | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const note = workflowNote(kase.status);
  if (kase.allowedTransitions.length === 0 && !note) return null;

  const open = (to: CaseStatus) => {
    setTarget(to);
    setReason('');
    setError(null);
  };

  const confirm = async () => {
    if (!target) return;
    setBusy(true);
    setError(null);
    try {
      const next = await api.transition(kase.id, target, reason.trim() || undefined);
      notify(`案件状态已变更为「${labels.status(next.status)}」`);
      setTarget(null);
      onChanged(next);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '状态变更失败');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="transition-title">
      <h2 className="card__title" id="transition-title">
        办理进度
      </h2>
      {note && (
        <p className="muted small" data-testid="workflow-note">
          {note}
        </p>
      )}
      <div className="button-row">
        {kase.allowedTransitions.map((to) => (
          <button
            key={to}
            type="button"
            className={`btn ${DANGER.has(to) ? 'btn--danger-outline' : 'btn--outline'}`}
            data-testid={`transition-${to}`}
            data-to={to}
            onClick={() => open(to)}
          >
            {labels.status(to)}
          </button>
        ))}
      </div>
      {target && (
        <ConfirmDialog
          title={`确认将案件状态变更为「${labels.status(target)}」？`}
          confirmText="确认变更"
          danger={DANGER.has(target)}
          busy={busy}
          error={error}
          onConfirm={confirm}
          onCancel={() => setTarget(null)}
        >
          <p className="muted">
            当前状态：{labels.status(kase.status)} → {labels.status(target)}。此操作将记入审计日志。
          </p>
          <Field label="变更原因（选填）" htmlFor="transition-reason">
            <textarea
              id="transition-reason"
              data-testid="transition-reason"
              rows={3}
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </Field>
        </ConfirmDialog>
      )}
    </section>
  );
}
