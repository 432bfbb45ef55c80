import type { ReactNode } from 'react';
import { navigate } from '../router.tsx';

/** A page a party reaches from its link page (signing, judicial confirmation): back link, title, content. */
export function PartySubpage({
  token,
  title,
  className,
  testId,
  children,
}: {
  token: string;
  title: string;
  className: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <div className="party">
      <main className={`page page--narrow ${className}`} data-testid={testId}>
        <button type="button" className="btn btn--ghost btn--small" onClick={() => navigate(`/j/${encodeURIComponent(token)}`)}>
          ← 返回
        </button>
        <h1 className="page__title">{title}</h1>
        {children}
      </main>
    </div>
  );
}
