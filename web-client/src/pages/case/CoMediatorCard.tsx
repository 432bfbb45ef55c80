import { useEffect, useState } from 'react';
import { api, ApiError, type CaseDetail, type CoMediatorCandidate } from '../../api.ts';
import { useToast } from '../../toast.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Field } from '../../components/Field.tsx';

interface Props {
  kase: CaseDetail;
  /** Assign and remove (the case's mediator or an administrator). */
  canManage: boolean;
  onChanged(next: CaseDetail): void;
}

/** 协办调解员: colleagues — also from other units of the centre (联合调解) — who help in the room and with the draft; the case's mediator stays responsible. */
export function CoMediatorCard({ kase, canManage, onChanged }: Props) {
  const notify = useToast();
  const [candidates, setCandidates] = useState<CoMediatorCandidate[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!canManage) return;
    let live = true;
    api.coMediatorCandidates(kase.id).then(
      (list) => live && setCandidates(list),
      (e: unknown) => live && setError(e instanceof ApiError ? e.message : '无法载入可指派的调解员'),
    );
    return () => {
      live = false;
    };
  }, [canManage, kase.id, kase.coMediators.length]);

  const run = async (work: () => Promise<CaseDetail>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await work());
      setChosen('');
      notify(done);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '操作失败，请稍后重试');
    } finally {
      setBusy(false);
    }
  };

  if (!canManage && kase.coMediators.length === 0) return null;
  const names = new Map((candidates ?? []).map((c) => [c.id, c.displayName]));
  return (
    <section className="card" aria-labelledby="co-mediators-title" data-testid="co-mediators">
      <h2 className="card__title" id="co-mediators-title">
        协办调解员
      </h2>
      <p className="muted small">协办调解员可进入调解室主持、安排背对背和起草协议；案件办理、签署仍由承办调解员负责。</p>
      {kase.coMediators.length === 0 ? (
        <p className="empty-inline">尚未指派协办调解员。</p>
      ) : (
        <ul className="plain-list">
          {kase.coMediators.map((m) => (
            <li key={m.id} className="button-row" data-testid="co-mediator">
              <span>{m.displayName}</span>
              {canManage && (
                <button
                  type="button"
                  className="btn btn--small btn--ghost danger-text"
                  disabled={busy}
                  onClick={() => void run(() => api.removeCoMediator(kase.id, m.id), `已取消 ${m.displayName} 的协办`)}
                >
                  取消协办
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canManage && (
        <form
          className="button-row co-mediator-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (chosen) void run(() => api.assignCoMediator(kase.id, chosen), `已指派 ${names.get(chosen) ?? ''} 为协办调解员`);
          }}
        >
          <Field label="指派调解员" htmlFor="co-mediator-select">
            <select id="co-mediator-select" className="input" value={chosen} onChange={(e) => setChosen(e.target.value)} disabled={busy || !candidates?.length}>
              <option value="">{candidates === null ? '正在载入…' : candidates.length ? '请选择（可邀请其他单位）' : '没有其他可指派的调解员'}</option>
              {/* Grouped by unit (the case's own first): a phone-width select fits names, not names with units. */}
              {unitsOf(candidates ?? []).map(([unitName, people]) => (
                <optgroup key={unitName} label={unitName}>
                  {people.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.displayName}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </Field>
          <button type="submit" className="btn btn--outline" disabled={busy || !chosen} title={chosen ? undefined : '请先选择调解员'}>
            指派
          </button>
        </form>
      )}
      {error && <ErrorBanner message={error} onClose={() => setError(null)} />}
    </section>
  );
}

/** Candidates by unit, in the order their units first appear. */
function unitsOf<C extends { unitName: string }>(candidates: readonly C[]): Array<[string, C[]]> {
  const byUnit = new Map<string, C[]>();
  for (const c of candidates) byUnit.set(c.unitName, [...(byUnit.get(c.unitName) ?? []), c]);
  return [...byUnit];
}
