// 电子卷宗与归档 on the case page: whether the case is archived (when, by whom, how long it is kept
// and on what basis, the dossier's SHA-256), whether it can be archived now and why not, the
// archive button (behind a confirmation: archiving makes the case read-only), and the download —
// the archived file as stored, or a working copy made on the spot.
import { useState } from 'react';
import { ApiError, dossierApi, type DossierView } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Loading } from '../components/Loading.tsx';
import { formatDateTime } from '../format.ts';
import { downloadBlob } from '../signing/signing-shared.tsx';
import { useToast } from '../toast.tsx';
import { useLoaded } from '../use-loaded.ts';

const OUTCOMES: Record<string, string> = { SIGNED: '达成协议', CONFIRMED: '经司法确认', FAILED: '调解不成', WITHDRAWN: '撤回' };

export function DossierCard({ caseId, version, onArchived }: { caseId: string; version: number; onArchived: () => void }) {
  const notify = useToast();
  const api = dossierApi(caseId);
  const { data, error, load } = useLoaded<DossierView>(api.view, '无法载入电子卷宗状态', `${caseId}:${version}`);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState<'archive' | 'download' | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const archive = async () => {
    setBusy('archive');
    setActionError(null);
    try {
      await api.archive();
      setConfirming(false);
      notify('案件已归档，电子卷宗已生成', 'success');
      await load();
      onArchived();
    } catch (e) {
      setActionError(e instanceof ApiError ? e.message : '归档失败，请稍后重试');
    } finally {
      setBusy(null);
    }
  };

  const download = async (view: DossierView) => {
    setBusy('download');
    setActionError(null);
    try {
      downloadBlob(await api.pdf(), `电子卷宗-${view.caseNumber}${view.archive ? '' : '（工作副本）'}.pdf`);
    } catch (e) {
      setActionError(e instanceof ApiError ? e.message : '下载失败，请重试');
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" aria-labelledby="dossier-title" data-testid="dossier-card">
      <h2 className="card__title" id="dossier-title">
        电子卷宗与归档
      </h2>
      {!data && !error && <Loading text="正在载入…" />}
      {error && <ErrorBanner message={error} onRetry={() => void load()} />}
      {data && (
        <>
          {data.archive ? (
            <div data-testid="dossier-archived">
              <p>
                已于 {formatDateTime(data.archive.archivedAt)} 归档（{OUTCOMES[data.archive.outcome] ?? data.archive.outcome}，立卷人 {data.archive.archivedBy}
                ）。
              </p>
              <p>
                保管期限 <strong>{data.archive.retentionYears} 年</strong>，至 {data.archive.retainThrough}。
              </p>
              <p className="muted small">依据：{data.archive.basis}</p>
              {data.archive.dossierSha256 && (
                <p className="muted small">
                  卷宗 {data.archive.dossierPages} 页，SHA-256 <code className="break-all">{data.archive.dossierSha256}</code>
                </p>
              )}
              <p className="muted small">归档后以下事项不能再办理：{data.readOnly.join('；')}。履行确认、评价和回访照常进行。</p>
            </div>
          ) : (
            <div data-testid="dossier-not-archived">
              {data.archivable.ok ? (
                <p>案件已办结，可以归档。</p>
              ) : (
                <p className="muted" data-testid="dossier-not-archivable">
                  {data.archivable.reason}
                </p>
              )}
              {data.retention && (
                <p className="muted small">
                  归档后保管 {data.retention.years} 年（至 {data.retention.retainThrough}）。依据：{data.retention.basis}
                </p>
              )}
            </div>
          )}
          {actionError && !confirming && <ErrorBanner message={actionError} onClose={() => setActionError(null)} />}
          <div className="button-row">
            {data.can.download && (
              <button type="button" className="btn btn--outline" disabled={busy !== null} data-testid="dossier-download" onClick={() => void download(data)}>
                {busy === 'download' ? '正在生成…' : data.archive ? '下载电子卷宗（PDF）' : '下载电子卷宗工作副本（PDF）'}
              </button>
            )}
            {data.can.archive && (
              <button type="button" className="btn btn--primary" disabled={busy !== null} data-testid="dossier-archive" onClick={() => setConfirming(true)}>
                归档
              </button>
            )}
          </div>
          <p className="muted small">卷宗加盖本机构电子签名，可用 npm run verify -- 卷宗.pdf 离线核验。</p>
        </>
      )}
      {confirming && data && (
        <ConfirmDialog
          title="确认归档本案？"
          confirmText="确认归档"
          busy={busy === 'archive'}
          error={actionError}
          onConfirm={() => void archive()}
          onCancel={() => {
            setConfirming(false);
            setActionError(null);
          }}
        >
          <p className="muted">
            将生成并加盖电子签名的电子卷宗，保管 {data.retention?.years ?? '—'} 年。归档后案件信息、当事人、协议、笔录等不能再修改。此操作将记入审计日志。
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
