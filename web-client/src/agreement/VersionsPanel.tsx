// Named versions of the draft (staff): save one, list them, pick two (or one and the live draft) and
// read the differences.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { agreementApi, type AgreementVersionInfo } from '../api.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { useToast } from '../toast.tsx';
import { errText } from './messages.ts';
import { formatDateTime } from '../format.ts';

/** Stands for the live draft in a comparison (`to=current`). */
const CURRENT = Number.MAX_SAFE_INTEGER;

function creatorName(v: AgreementVersionInfo): string {
  return v.createdBy.name;
}

export function VersionsPanel({ caseId, canSave }: { caseId: string; canSave: boolean }) {
  const client = useMemo(() => agreementApi(caseId), [caseId]);
  const notify = useToast();
  const [versions, setVersions] = useState<AgreementVersionInfo[] | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [diff, setDiff] = useState<string[] | null>(null);
  const [diffBusy, setDiffBusy] = useState(false);

  const load = () =>
    client.versions().then(
      (v) => setVersions([...v].sort((a, b) => b.seq - a.seq)),
      (e: unknown) => setError(errText(e)),
    );
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client]);

  const save = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    client
      .saveVersion(name.trim())
      .then((v) => {
        setName('');
        notify(`已保存第${v?.seq ?? ''}版`, 'success');
        return load();
      })
      .catch((err: unknown) => setError(errText(err)))
      .finally(() => setBusy(false));
  };

  const showDiff = (a: number, b: number) => {
    setDiffBusy(true);
    setError(null);
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    client
      .diff(lo, hi === CURRENT ? 'current' : hi)
      .then((d) => setDiff(d.lines))
      .catch((err: unknown) => setError(errText(err)))
      .finally(() => setDiffBusy(false));
  };

  const pick = (seq: number) => {
    // Two picks make a pair; a third starts over.
    if (from === null || (from !== null && to !== null)) {
      setFrom(seq);
      setTo(null);
      setDiff(null);
    } else if (seq !== from) {
      setTo(seq);
      showDiff(from, seq);
    }
  };

  return (
    <section className="agreement__panel" aria-label="版本记录" data-testid="versions">
      <h3 className="agreement__h">版本记录</h3>
      {canSave && (
        <form className="versions__save" onSubmit={save}>
          <input
            className="input"
            data-testid="version-name"
            placeholder="版本名称，如“第一次调解后”"
            value={name}
            maxLength={60}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" className="btn btn--small btn--primary" data-testid="version-save" disabled={busy}>
            {busy ? '正在保存…' : '保存版本'}
          </button>
        </form>
      )}
      {error && <ErrorBanner message={error} onClose={() => setError(null)} />}
      {versions === null ? (
        <p className="muted small">正在加载…</p>
      ) : versions.length === 0 ? (
        <p className="muted small">还没有保存的版本。</p>
      ) : (
        <>
          <p className="muted small">点选两个版本查看差异。</p>
          <ul className="versions__list">
            {versions.map((v) => {
              const selected = v.seq === from || v.seq === to;
              return (
                <li key={v.id ?? v.seq}>
                  <button
                    type="button"
                    className={`version${selected ? ' version--selected' : ''}`}
                    data-testid="version-row"
                    data-seq={v.seq}
                    aria-pressed={selected}
                    onClick={() => pick(v.seq)}
                  >
                    <strong>第{v.seq}版</strong> {v.name}
                    <span className="muted small">
                      {' · '}
                      {formatDateTime(v.createdAt)}
                      {creatorName(v) ? ` · ${creatorName(v)}` : ''}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
          {from !== null && to === null && (
            <button
              type="button"
              className="btn btn--small btn--ghost"
              data-testid="version-compare-current"
              onClick={() => {
                setTo(CURRENT);
                showDiff(from, CURRENT);
              }}
            >
              与当前草稿比较
            </button>
          )}
          {versions.length >= 2 && from === null && (
            <button
              type="button"
              className="btn btn--small btn--ghost"
              onClick={() => {
                const [b, a] = versions;
                setFrom(a!.seq);
                setTo(b!.seq);
                showDiff(a!.seq, b!.seq);
              }}
            >
              比较最近两版
            </button>
          )}
        </>
      )}
      {diffBusy && <p className="muted small">正在比较…</p>}
      {diff && from !== null && to !== null && (
        <div className="version-diff" data-testid="version-diff">
          <p className="small">
            第{Math.min(from, to)}版 → {Math.max(from, to) === CURRENT ? '当前草稿' : `第${Math.max(from, to)}版`}
          </p>
          {diff.length === 0 ? (
            <p className="muted small">两个版本内容相同。</p>
          ) : (
            <ul>
              {diff.map((l, i) => (
                <li key={i}>{l}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
