import { useEffect, useRef, type FormEvent, type ReactNode } from 'react';
import { ErrorBanner } from './ErrorBanner.tsx';

interface Props {
  title: string;
  children?: ReactNode;
  confirmText?: string;
  danger?: boolean;
  busy?: boolean;
  error?: string | null;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * Modal confirmation (native <dialog>, so focus is trapped and Esc cancels).
 * Used instead of window.confirm, which is ugly on phones and blocks tests.
 */
export function ConfirmDialog({ title, children, confirmText = '确定', danger, busy, error, onConfirm, onCancel }: Props) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!busy) onConfirm();
  };

  return (
    <dialog
      ref={ref}
      className="dialog"
      data-testid="confirm-dialog"
      aria-labelledby="confirm-dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <form onSubmit={submit} className="dialog__body">
        <h2 id="confirm-dialog-title" className="dialog__title">
          {title}
        </h2>
        {children}
        {error && <ErrorBanner message={error} />}
        <div className="dialog__actions">
          <button type="button" className="btn btn--ghost" onClick={onCancel} disabled={busy} data-testid="confirm-cancel">
            取消
          </button>
          <button type="submit" className={`btn ${danger ? 'btn--danger' : 'btn--primary'}`} disabled={busy} data-testid="confirm-ok">
            {busy ? '处理中…' : confirmText}
          </button>
        </div>
      </form>
    </dialog>
  );
}
