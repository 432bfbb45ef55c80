import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type AuditLog } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useMeta } from '../../meta.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Loading } from '../../components/Loading.tsx';

interface Props {
  caseId: string;
  version: number;
}

export function AuditTrail({ caseId, version }: Props) {
  const { labels } = useMeta();
  const [log, setLog] = useState<AuditLog | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Refreshes can overlap (version bumps); only the latest response is applied.
  const latest = useRef(0);
  const load = useCallback(async () => {
    const ticket = ++latest.current;
    try {
      const data = await api.audit(caseId);
      if (ticket !== latest.current) return;
      setLog(data);
      setError(null);
    } catch (e) {
      if (ticket !== latest.current) return;
      setError(e instanceof ApiError ? e.message : '审计记录加载失败');
    }
  }, [caseId]);

  useEffect(() => {
    void load();
  }, [load, version]);

  return (
    <section className="card" aria-labelledby="audit-title">
      <div className="card__titlebar">
        <h2 className="card__title" id="audit-title">
          审计记录
        </h2>
        <button type="button" className="btn btn--small btn--ghost" onClick={load}>
          刷新
        </button>
      </div>
      {error && <ErrorBanner message={error} onRetry={load} />}
      {!log && !error && <Loading />}
      {log && <ChainStatus chain={log.chain} />}
      {log && log.entries.length === 0 && <p className="empty-inline">暂无记录。</p>}
      {log && log.entries.length > 0 && (
        <ol className="audit">
          {log.entries.map((e) => (
            <li
              key={e.seq}
              className={`audit__row${log.chain.brokenAt !== undefined && e.seq >= log.chain.brokenAt ? ' audit__row--broken' : ''}`}
              data-testid="audit-row"
              data-type={e.type}
            >
              <div className="audit__meta">
                <span className="audit__seq">#{e.seq}</span>
                <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                <span className="audit__actor">{e.actorLabel}</span>
              </div>
              <div className="audit__body">
                <span className="audit__type">{labels.auditType(e.type)}</span>
                <span className="audit__summary">{e.summary}</span>
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function ChainStatus({ chain }: { chain: AuditLog['chain'] }) {
  if (chain.ok) {
    return (
      <p className="chain chain--ok" data-testid="audit-chain-status" data-ok="true">
        审计链完整 ✓ <span className="muted small">（已校验 {chain.checked} 条）</span>
      </p>
    );
  }
  return (
    <div className="chain chain--broken" role="alert" data-testid="audit-chain-status" data-ok="false">
      <strong>⚠ 审计链校验失败</strong>
      <span>
        {chain.brokenAt !== undefined ? `第 ${chain.brokenAt} 条记录起` : '记录'}
        可能已被篡改或损坏（已校验 {chain.checked} 条）。请立即联系系统管理员。
      </span>
    </div>
  );
}
