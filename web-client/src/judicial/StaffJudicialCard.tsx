// On the case page, once the agreement is signed: the joint application for judicial
// confirmation as the mediator sees it — court, status and each party's part, including a consent
// the mediator recorded that still awaits that party's own confirmation from its link.
import { useEffect, useState } from 'react';
import { ApiError, courtsApi, judicialApi, type CaseStatus, type JudicialView } from '../api.ts';
import { downloadBlob } from '../signing/signing-shared.tsx';

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
  const [exporting, setExporting] = useState(false);
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
  /** The whole application as a court bundle, for a court ruling on its own platform. */
  const exportBundle = async () => {
    setExporting(true);
    try {
      const b = await judicialApi(caseId).bundle();
      downloadBlob(b.blob, `案卷包-${b.bundleId}.zip`);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '案卷包导出失败，请重试');
    } finally {
      setExporting(false);
    }
  };
  return (
    <section className="card" aria-labelledby="judicial-title" data-testid="staff-judicial" data-status={app?.status ?? 'NONE'}>
      <h2 className="card__title" id="judicial-title">
        司法确认申请
      </h2>
      {error && <p className="chat__error">{error}</p>}
      {view && !app && (
        <>
          <p className="small muted">
            {view.windowOpen ? `当事人可在个人链接中申请司法确认（还剩 ${view.daysLeft} 天）。` : '申请期限已届满；当事人仍可申请，是否受理由法院决定。'}
          </p>
          <p className="small" data-testid="staff-judicial-courts">
            可申请的法院：{view.courts.map((c) => c.name).join('、') || '暂无'}
          </p>
          <ReferralForm caseId={caseId} onRecorded={(v) => setView(v)} />
        </>
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
          {app.status !== 'DRAFT' && (
            <button
              type="button"
              className="btn btn--outline btn--small"
              disabled={exporting}
              data-testid="staff-bundle-download"
              onClick={() => void exportBundle()}
            >
              {exporting ? '正在导出…' : '下载案卷包（供法院在其平台裁定）'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

const KINDS = [
  { key: 'INVITED', label: '法院邀请先行调解' },
  { key: 'DELEGATED', label: '法院委派调解（立案前）' },
  { key: 'ENTRUSTED', label: '法院委托调解（立案后）' },
] as const;

/** 本案由法院邀请、委派或委托调解: then only that court can confirm the agreement (民事诉讼法第二百零五条第一项). */
function ReferralForm({ caseId, onRecorded }: { caseId: string; onRecorded: (v: JudicialView) => void }) {
  const [courts, setCourts] = useState<Array<{ id: string; name: string }> | null>(null);
  const [courtId, setCourtId] = useState('');
  const [kind, setKind] = useState<(typeof KINDS)[number]['key']>('INVITED');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const open = async () => {
    try {
      const list = await courtsApi.list();
      setCourts(list);
      setCourtId(list[0]?.id ?? '');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '法院列表加载失败');
    }
  };
  const record = async () => {
    setBusy(true);
    setError(null);
    try {
      await judicialApi(caseId).recordReferral({ courtId, kind });
      onRecorded(await judicialApi(caseId).view());
      setCourts(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '登记失败，请重试');
    } finally {
      setBusy(false);
    }
  };

  if (!courts)
    return (
      <>
        <button type="button" className="btn btn--outline btn--small" data-testid="referral-open" onClick={() => void open()}>
          本案由法院委派（邀请）调解
        </button>
        {error && <p className="chat__error">{error}</p>}
      </>
    );
  return (
    <div className="stack" data-testid="referral-form">
      <label className="field">
        <span className="field__label">委派（邀请）法院</span>
        <select value={courtId} onChange={(e) => setCourtId(e.target.value)} data-testid="referral-court">
          {courts.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field__label">方式</span>
        <select value={kind} onChange={(e) => setKind(KINDS.find((k) => k.key === e.target.value)?.key ?? 'INVITED')} data-testid="referral-kind">
          {KINDS.map((k) => (
            <option key={k.key} value={k.key}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="chat__error" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="btn btn--primary btn--small" disabled={busy || !courtId} data-testid="referral-save" onClick={() => void record()}>
        {busy ? '正在登记…' : '登记（当事人只能向该院申请司法确认）'}
      </button>
    </div>
  );
}
