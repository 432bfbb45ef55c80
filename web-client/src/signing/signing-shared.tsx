// Pieces both signing views use: who has accepted and signed what, and saving the issued PDF.
import type { SigningRound } from '../api.ts';
import { makeLabels } from '../labels.ts';
import { formatDateTime } from '../format.ts';

const labels = makeLabels(null);

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `audience`: parties read a plain statement; the hash itself waits under 技术信息. */
export function RoundStatus({ round, audience = 'staff' }: { round: SigningRound; audience?: 'party' | 'staff' }) {
  return (
    <section className="card signing__status" aria-labelledby="signing-status-title" data-testid="signing-status" data-status={round.status}>
      <h2 className="card__title" id="signing-status-title">
        {round.title}（{round.caseNumber}）
      </h2>
      {audience === 'party' ? (
        <>
          <p className="small muted" data-testid="signing-integrity">
            第 {round.versionSeq} 版 · 锁定于 {formatDateTime(round.lockedAt)}。协议内容已锁定，签署的就是您在这里看到的内容，任何改动都会被系统发现。
          </p>
          <details className="tech-info small muted">
            <summary>技术信息</summary>
            <p>
              内容摘要（SHA-256）：<code className="break-all">{round.contentSha256}</code>
            </p>
          </details>
        </>
      ) : (
        <p className="small muted">
          第 {round.versionSeq} 版 · 锁定于 {formatDateTime(round.lockedAt)} · 内容摘要{' '}
          <code title={round.contentSha256}>{round.contentSha256.slice(0, 12)}…</code>
        </p>
      )}
      <ul className="signing__parties">
        {round.parties.map((p) => (
          <li key={p.id} data-testid="signing-party" data-party-id={p.id} data-signed={p.signed !== null}>
            <span>
              {labels.participantRole(p.role)} {p.name}
            </span>
            <span className="small">
              {p.signed ? `✓ 已签署${p.signed.by !== p.name ? `（${p.signed.by}代签）` : ''}` : `已确认 ${p.accepted.length}/${round.clauses.length} 条`}
            </span>
          </li>
        ))}
        <li data-testid="signing-mediator" data-signed={round.mediatorSigned}>
          <span>人民调解员</span>
          <span className="small">{round.mediatorSigned ? '✓ 已签署' : '待当事人签署后签署'}</span>
        </li>
      </ul>
    </section>
  );
}
