// For a court that rules on its own platform: download the whole application as a court bundle
// (案卷包, verifiable offline with `npm run verify`), and import the court's signed ruling back
// against the bundle's id. The server checks the ruling's signature against the court's own
// certificate; a refusal is shown as it comes.
import { useState } from 'react';
import { ApiError, judgeApi, type JudgeApplicationDetail } from '../api.ts';
import { downloadBlob } from '../signing/signing-shared.tsx';
import { useToast } from '../toast.tsx';

const RULABLE = new Set(['SUBMITTED', 'ACCEPTED', 'REVIEWING']);

export function CourtBundlePanel({ a, onImported }: { a: JudgeApplicationDetail; onImported: () => void }) {
  const notify = useToast();
  const [bundleId, setBundleId] = useState('');
  const [decision, setDecision] = useState<'confirm' | 'dismiss'>('confirm');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState<'download' | 'import' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const download = async () => {
    setBusy('download');
    setError(null);
    try {
      const b = await judgeApi.bundle(a.id);
      downloadBlob(b.blob, `案卷包-${a.caseNumber}.zip`);
      setBundleId(b.bundleId);
      notify(`已导出案卷包（编号 ${b.bundleId}）`, 'success');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '案卷包导出失败，请重试');
    } finally {
      setBusy(null);
    }
  };

  const importRuling = async () => {
    if (!file) return;
    setBusy('import');
    setError(null);
    try {
      await judgeApi.importRuling(a.id, { bundleId: bundleId.trim(), decision, file });
      notify('已导入法院裁定书', 'success');
      onImported();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '导入失败，请重试');
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" aria-labelledby="court-bundle-title" data-testid="court-bundle">
      <h2 className="card__title" id="court-bundle-title">
        案卷包（在本院平台裁定）
      </h2>
      <p className="small muted">案卷包含全部文书、材料及其 SHA-256 清单，由调解组织签名，可离线核验（npm run verify -- 案卷包.zip）。</p>
      <button
        type="button"
        className="btn btn--outline btn--small"
        disabled={busy !== null}
        data-testid="court-bundle-download"
        onClick={() => void download()}
      >
        {busy === 'download' ? '正在导出…' : '下载案卷包（zip）'}
      </button>
      {RULABLE.has(a.status) && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void importRuling();
          }}
        >
          <label className="field">
            <span>案卷包编号</span>
            <input value={bundleId} onChange={(e) => setBundleId(e.target.value)} required maxLength={64} data-testid="court-bundle-id" />
          </label>
          <label className="field">
            <span>裁定结果</span>
            <select value={decision} onChange={(e) => setDecision(e.target.value === 'dismiss' ? 'dismiss' : 'confirm')} data-testid="court-bundle-decision">
              <option value="confirm">确认调解协议有效</option>
              <option value="dismiss">驳回申请</option>
            </select>
          </label>
          <label className="field">
            <span>本院签名的民事裁定书（PDF）</span>
            <input
              type="file"
              accept="application/pdf"
              required
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              data-testid="court-bundle-ruling-file"
            />
          </label>
          {error && (
            <p className="chat__error" role="alert" data-testid="court-bundle-error">
              {error}
            </p>
          )}
          <button type="submit" className="btn btn--primary btn--small" disabled={busy !== null || !file || !bundleId.trim()} data-testid="court-bundle-import">
            {busy === 'import' ? '正在核验…' : '导入裁定书'}
          </button>
        </form>
      )}
      {!RULABLE.has(a.status) && error && (
        <p className="chat__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
