import { useEffect, useState } from 'react';
import { partyApi, type ApiError, type LinkContact } from '../../api.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';

const TITLES: Record<string, string> = {
  TOKEN_MALFORMED: '链接无效',
  TOKEN_INVALID: '链接无效',
  TOKEN_EXPIRED: '链接已过期',
  TOKEN_REVOKED: '链接已失效',
};

/** Full-page error for invalid / expired / revoked links (uses the server's message), with whom to call. */
export function PartyError({ token, error, onRetry }: { token: string; error: ApiError; onRetry(): void }) {
  const linkProblem = error.code in TITLES || error.status === 401 || error.status === 404;
  const [contact, setContact] = useState<LinkContact | null>(null);
  useEffect(() => {
    if (!linkProblem) return;
    let live = true;
    partyApi(token)
      .contact()
      .then(
        (c) => live && setContact(c),
        () => undefined, // the page already says to contact the mediator
      );
    return () => {
      live = false;
    };
  }, [token, linkProblem]);

  return (
    <section className="card party-error" data-testid="party-error" data-code={error.code}>
      <h1 className="card__title">{TITLES[error.code] ?? (linkProblem ? '链接无法使用' : '暂时无法打开')}</h1>
      <ErrorBanner message={error.message} onRetry={linkProblem ? undefined : onRetry} />
      <p className="muted">{linkProblem ? '请联系您的调解员重新获取调解邀请链接。请勿使用他人转发的链接。' : '可能是网络不稳定，请稍后点击「重试」。'}</p>
      {linkProblem && contact && (
        <p data-testid="party-error-contact">
          {contact.mediator ? `调解员：${contact.mediator}，` : ''}
          {contact.unit.name}
          {contact.unit.phone ? (
            <>
              ，联系电话 <a href={`tel:${contact.unit.phone}`}>{contact.unit.phone}</a>
            </>
          ) : (
            '（请通过原渠道联系）'
          )}
        </p>
      )}
    </section>
  );
}
