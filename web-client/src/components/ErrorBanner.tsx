import type { ReactNode } from 'react';

interface Props {
  message: ReactNode;
  title?: string;
  onRetry?: () => void;
  onClose?: () => void;
}

/** Inline error message. Always `data-testid="error-banner"`. */
export function ErrorBanner({ message, title, onRetry, onClose }: Props) {
  return (
    <div className="banner banner--error" role="alert" data-testid="error-banner">
      <div className="banner__text">
        {title && <strong className="banner__title">{title}</strong>}
        <span>{message}</span>
      </div>
      {(onRetry || onClose) && (
        <div className="banner__actions">
          {onRetry && (
            <button type="button" className="btn btn--small" onClick={onRetry}>
              重试
            </button>
          )}
          {onClose && (
            <button type="button" className="btn btn--small btn--ghost" onClick={onClose} aria-label="关闭提示">
              ×
            </button>
          )}
        </div>
      )}
    </div>
  );
}
