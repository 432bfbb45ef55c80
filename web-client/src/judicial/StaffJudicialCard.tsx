// On the case page, once the agreement is signed: the joint application for judicial
// confirmation as the mediator sees it — court, status and each party's part, including a consent
// the mediator recorded that still awaits that party's own confirmation from its link.
import { useEffect, useState } from 'react';
import { ApiError, judicialApi, type CaseStatus, type JudicialView } from '../api.ts';

const SHOWN: ReadonlySet<CaseStatus> = new Set(['SIGNED', 'CONFIRMATION_REQUESTED', 'CONFIRMED', 'DISMISSED']);
const STATUS: Record<string, string> = {
  DRAFT: '等待当事人确认申请',
  SUBMITTED: '已提交，待法院受理',
  ACCEPTED: '法院已受理',
  REVIEWING: '法院审查中',
  CONFIRMED: '法院裁定调解协议有效',
  DISMISSED: '法院裁定驳回申请',
};

export function StaffJudicialCard({ caseId, caseStatus }: { caseId: string; caseStatus: CaseStatus }) {
  const [view, setView] = useState<JudicialView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = SHOWN.has(caseStatus);

  useEffect(() => {
    if (!shown) return;
    let live = true;
    judicialApi(caseId)
      .view()
      .then(
        (v) => {
          if (!live) return;
          setView(v);
          setError(null);
        },
        (err: unknown) => {
          if (live) setError(err instanceof ApiError ? err.message : '司法确认申请加载失败');
        },
      );
    return () => {
      live = false;
    };
  }, [caseId, caseStatus, shown]);

  if (!shown || (!view && !error)) return null;
  const app = view?.application ?? null;
  return (
    <section className="card" aria-labelledby="judicial-title" data-testid="staff-judicial" data-status={app?.status ?? 'NONE'}>
      <h2 className="card__title" id="judicial-title">
        司法确认申请
      </h2>
      {error && <p className="chat__error">{error}</p>}
      {view && !app && (
        <p className="small muted">
          {view.windowOpen ? `当事人可在个人链接中申请司法确认（还剩 ${view.daysLeft} 天）。` : '申请期限已届满；当事人仍可申请，是否受理由法院决定。'}
        </p>
      )}
      {app && (
        <>
          <p className="small">
            {STATUS[app.status] ?? app.status} · {app.court.name}
            {app.courtCaseNumber ? ` · 案号 ${app.courtCaseNumber}` : ''}
          </p>
          <ul className="signing__parties">
            {app.parties.map((p) => (
              <li key={p.id} data-testid="staff-judicial-party" data-awaiting={p.awaitingConfirmation}>
                <span>{p.name}</span>
                <span className="small">
                  {p.awaitingConfirmation
                    ? '已登记同意，待当事人本人在个人链接中确认'
                    : p.applied
                      ? p.applied.how === 'self'
                        ? '✓ 本人已申请'
                        : '✓ 同意共同申请（本人已确认）'
                      : '尚未申请'}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
