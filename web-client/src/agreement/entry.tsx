// Lazily loaded entry points for the agreement editor (Yjs, Hocuspocus and the agreement model stay
// out of the main bundle): `/cases/:id/agreement` (staff), `/j/:token/agreement` (party), and the
// panel inside the live room.
import { useEffect, useMemo, useState } from 'react';
import { ApiError, partyApi, type PartyView } from '../api.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Loading } from '../components/Loading.tsx';
import { Link } from '../router.tsx';
import { AgreementEditor } from './AgreementEditor.tsx';
import './agreement.css';

export function StaffAgreementPage({ caseId }: { caseId: string }) {
  return (
    <div className="agreement-page" data-testid="agreement-page">
      <Link to={`/cases/${encodeURIComponent(caseId)}`} className="back-link">
        ← 返回案件
      </Link>
      <AgreementEditor caseId={caseId} />
    </div>
  );
}

export function PartyAgreementPage({ token }: { token: string }) {
  const client = useMemo(() => partyApi(token), [token]);
  const [view, setView] = useState<PartyView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    client.me().then(
      (v) => live && setView(v),
      (e: unknown) => live && setError(e instanceof ApiError ? e.message : '无法打开邀请链接'),
    );
    return () => {
      live = false;
    };
  }, [client]);
  return (
    <div className="party">
      <main className="page agreement-page" data-testid="agreement-page">
        <Link to={`/j/${encodeURIComponent(token)}`} className="back-link">
          ← 返回
        </Link>
        {error ? <ErrorBanner message={error} /> : !view ? <Loading text="正在打开协议草稿…" /> : <AgreementEditor caseId={view.case.id} token={token} />}
      </main>
    </div>
  );
}

/** The editor as a sheet inside the live room. */
export function AgreementRoomPanel({ caseId, token, onClose }: { caseId: string; token?: string; onClose(): void }) {
  return (
    <aside className="panel panel--agreement" data-testid="agreement-panel" aria-label="调解协议书">
      <header className="panel__head">
        <h2 className="panel__title">调解协议书</h2>
        <button type="button" className="btn btn--small btn--ghost" onClick={onClose} aria-label="关闭" data-testid="agreement-panel-close">
          ×
        </button>
      </header>
      <div className="panel__scroll">
        <AgreementEditor caseId={caseId} token={token ?? null} compact />
      </div>
    </aside>
  );
}
