import type { ApiError } from '../../api.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';

const TITLES: Record<string, string> = {
  TOKEN_MALFORMED: '链接无效',
  TOKEN_INVALID: '链接无效',
  TOKEN_EXPIRED: '链接已过期',
  TOKEN_REVOKED: '链接已失效',
};

/** Full-page error for invalid / expired / revoked links (uses the server's message). */
export function PartyError({ error, onRetry }: { error: ApiError; onRetry(): void }) {
  const linkProblem = error.code in TITLES || error.status === 401 || error.status === 404;
  return (
    <section className="card party-error" data-testid="party-error" data-code={error.code}>
      <h1 className="card__title">{TITLES[error.code] ?? (linkProblem ? '链接无法使用' : '暂时无法打开')}</h1>
      <ErrorBanner message={error.message} onRetry={linkProblem ? undefined : onRetry} />
      <p className="muted">{linkProblem ? '请联系您的调解员重新获取调解邀请链接。请勿使用他人转发的链接。' : '可能是网络不稳定，请稍后点击「重试」。'}</p>
    </section>
  );
}
