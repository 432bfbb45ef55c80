import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type Invitation } from '../../api.ts';
import { formatDateTime, invitationState } from '../../format.ts';
import { useToast } from '../../toast.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Loading } from '../../components/Loading.tsx';

interface Props {
  caseId: string;
  /** Changes whenever the list may be stale. */
  version: number;
  onChanged(): void;
  /** The participants who hold a working link now (their next link replaces it). */
  onActiveHolders?(participantIds: ReadonlySet<string>): void;
}

/** All invitation links of the case (URLs are not retrievable after creation). */
export function InvitationList({ caseId, version, onChanged, onActiveHolders }: Props) {
  const notify = useToast();
  const [items, setItems] = useState<Invitation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const [busy, setBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  // Refreshes can overlap (version bumps); only the latest response is applied.
  const latest = useRef(0);
  const load = useCallback(async () => {
    const ticket = ++latest.current;
    try {
      const data = await api.invitations(caseId);
      if (ticket !== latest.current) return;
      setItems(data);
      onActiveHolders?.(new Set(data.filter((inv) => invitationState(inv).active).map((inv) => inv.participantId)));
      setError(null);
    } catch (e) {
      if (ticket !== latest.current) return;
      setError(e instanceof ApiError ? e.message : '邀请链接加载失败');
    }
  }, [caseId, onActiveHolders]);

  useEffect(() => {
    void load();
  }, [load, version]);

  const revoke = async () => {
    if (!revoking) return;
    setBusy(true);
    setRevokeError(null);
    try {
      await api.revokeInvitation(caseId, revoking.id);
      notify('邀请链接已撤销');
      setRevoking(null);
      onChanged();
    } catch (e) {
      setRevokeError(e instanceof ApiError ? e.message : '撤销失败');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="invitations-title">
      <h2 className="card__title" id="invitations-title">
        邀请链接
      </h2>
      <p className="muted small">出于安全考虑，链接仅在生成时显示一次。遗失时请重新生成：每位当事人只有一条有效链接，重新生成后原链接即失效。</p>
      {error && <ErrorBanner message={error} onRetry={load} />}
      {!items && !error && <Loading />}
      {items && items.length === 0 && <p className="empty-inline">尚未生成邀请链接。</p>}
      {items && items.length > 0 && (
        <ul className="invitations">
          {items.map((inv) => {
            const st = invitationState(inv);
            return (
              <li key={inv.id} className="invitation" data-testid="invitation-row" data-invitation-id={inv.id}>
                <div className="invitation__head">
                  <strong>{inv.participantName}</strong>
                  <span className={`badge badge--${st.tone === 'ok' ? 'green' : st.tone === 'danger' ? 'red' : 'grey'}`} data-testid="invitation-state">
                    {st.label}
                  </span>
                </div>
                <dl className="facts facts--compact">
                  <div>
                    <dt>生成时间</dt>
                    <dd>{formatDateTime(inv.createdAt)}</dd>
                  </div>
                  <div>
                    <dt>有效期至</dt>
                    <dd>{formatDateTime(inv.expiresAt)}</dd>
                  </div>
                  {inv.revokedAt && (
                    <div>
                      <dt>撤销时间</dt>
                      <dd>{formatDateTime(inv.revokedAt)}</dd>
                    </div>
                  )}
                  <div>
                    <dt>使用次数</dt>
                    <dd data-testid="invitation-use-count">{inv.useCount}</dd>
                  </div>
                  <div>
                    <dt>最近使用</dt>
                    <dd>{formatDateTime(inv.lastUsedAt)}</dd>
                  </div>
                </dl>
                {st.active && (
                  <button
                    type="button"
                    className="btn btn--small btn--danger-outline"
                    data-testid="invite-revoke"
                    onClick={() => {
                      setRevokeError(null);
                      setRevoking(inv);
                    }}
                  >
                    撤销
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {revoking && (
        <ConfirmDialog
          title={`确认撤销发给「${revoking.participantName}」的邀请链接？`}
          confirmText="撤销链接"
          danger
          busy={busy}
          error={revokeError}
          onConfirm={revoke}
          onCancel={() => setRevoking(null)}
        >
          <p className="muted">撤销后该链接立即失效，当事人将无法再通过它进入。</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
