// /verify and /verify/:roundId — public, no login: anyone (a judge, a bank, the other party)
// checks a signed agreement. The QR code on the audit certificate opens /verify/<id>, which shows
// the issued record (names masked); uploading the PDF checks the file itself: the organisation's
// signature over the whole file, and that it is byte-for-byte a copy we issued.
import { useEffect, useState } from 'react';
import { formatDateTime } from '../format.ts';

interface Issued {
  roundId: string;
  orgName: string;
  caseNumber: string;
  contentSha256: string;
  pdfSha256: string | null;
  issuedAt: string | null;
  signers: Array<{ name: string; role: string; at: string }>;
}

interface Verdict {
  valid: boolean;
  problems: string[];
  signed: boolean;
  signerName: string | null;
  signingTime: string | null;
  documentSha256: string;
}

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => null)) as (T & { message?: string }) | null;
  if (!res.ok) throw new Error(body?.message ?? '核验服务暂时不可用，请稍后重试');
  return body as T;
}

export function VerifyPage({ roundId }: { roundId: string | null }) {
  const [record, setRecord] = useState<Issued | null>(null);
  const [recordError, setRecordError] = useState<string | null>(null);
  const [result, setResult] = useState<{ verdict: Verdict; issued: Issued | null; genuine: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!roundId) return;
    fetch(`/api/verify/${encodeURIComponent(roundId)}`)
      .then((r) => json<{ issued: Issued }>(r))
      .then((r) => setRecord(r.issued))
      .catch((err: unknown) => setRecordError(err instanceof Error ? err.message : '没有找到该协议书的出具记录'));
  }, [roundId]);

  const check = async (file: File) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      if (file.size > 10 * 1024 * 1024) throw new Error('文件不能超过 10 MB');
      setResult(await json(await fetch('/api/verify', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: await file.arrayBuffer() })));
    } catch (err) {
      setError(err instanceof Error ? err.message : '核验失败，请重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="party">
      <main className="page page--narrow verify" data-testid="verify-page">
        <h1 className="page__title">调解协议书核验</h1>
        {roundId && (
          <section className="card" data-testid="verify-record">
            <h2 className="card__title">出具记录</h2>
            {recordError && (
              <p className="chat__error" role="alert">
                {recordError}
              </p>
            )}
            {!record && !recordError && <p className="muted">正在查询…</p>}
            {record && <IssuedDetails issued={record} />}
          </section>
        )}
        <section className="card">
          <h2 className="card__title">上传协议书 PDF 核验</h2>
          <p className="small muted">核验文件是否由调解组织出具、签署后是否被修改。文件只用于本次核验，不会保存。</p>
          <label className="btn btn--primary btn--block verify__upload">
            {busy ? '正在核验…' : '选择 PDF 文件'}
            <input
              type="file"
              accept="application/pdf,.pdf"
              hidden
              disabled={busy}
              data-testid="verify-file"
              onChange={(e) => e.target.files?.[0] && void check(e.target.files[0])}
            />
          </label>
          {error && (
            <p className="chat__error" role="alert">
              {error}
            </p>
          )}
          {result && (
            <div
              className={`verify__result ${result.genuine ? 'is-genuine' : 'is-bad'}`}
              data-testid="verify-result"
              data-genuine={result.genuine}
              role="status"
            >
              <h3>{result.genuine ? '✓ 真实有效：与出具的原件一致，签署后未被修改' : '✗ 核验未通过'}</h3>
              {!result.genuine && (
                <ul>
                  {result.verdict.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                  {result.verdict.valid && !result.issued && <li>文件签名完整，但不是本系统出具的文件</li>}
                </ul>
              )}
              {result.issued && <IssuedDetails issued={result.issued} />}
              <details className="tech-info small muted">
                <summary>技术信息</summary>
                <p>
                  文件摘要（SHA-256）：<code className="break-all">{result.verdict.documentSha256}</code>
                </p>
              </details>
            </div>
          )}
        </section>
      </main>
    </div>
  );
}

function IssuedDetails({ issued }: { issued: Issued }) {
  return (
    <dl className="verify__details">
      <dt>出具机构</dt>
      <dd>{issued.orgName}</dd>
      <dt>案件编号</dt>
      <dd data-testid="verify-case-number">{issued.caseNumber}</dd>
      <dt>出具时间</dt>
      <dd>{formatDateTime(issued.issuedAt)}</dd>
      <dt>签署人</dt>
      <dd>
        <ul>
          {issued.signers.map((s, i) => (
            <li key={i}>
              {s.name}（{s.role}）{formatDateTime(s.at)}
            </li>
          ))}
        </ul>
      </dd>
      <dt>内容核验</dt>
      <dd className="small">
        协议内容自出具起未被改动即可通过核验。
        <details className="tech-info muted">
          <summary>技术信息</summary>
          协议内容摘要（SHA-256）：<code className="break-all">{issued.contentSha256}</code>
        </details>
      </dd>
    </dl>
  );
}
