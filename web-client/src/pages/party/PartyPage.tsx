import { partyJudicialOffer, partySigningOffer, partyWaitingNote } from '../../../../signaling/domain/case-workflow.ts';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, partyApi, procedureApi, type PartyView, type PartySelf, type PrivacyState, type ProcedureView } from '../../api.ts';
import { Loading } from '../../components/Loading.tsx';
import { navigate } from '../../router.tsx';
import { MetaProvider } from '../../meta.tsx';
import { PartyCaseCard } from './PartyCaseCard.tsx';
import { PartyError } from './PartyError.tsx';
import { IdentityStep } from './IdentityStep.tsx';
import { ConsentStep } from './ConsentStep.tsx';
import { StepIndicator } from './StepIndicator.tsx';
import { PartyProcedureCard, TerminationCard } from './PartyProcedureCard.tsx';
import { PartyMinutesCard } from './PartyMinutesCard.tsx';
import { PrivacyNoticeStep } from './PrivacyNoticeStep.tsx';
import { PrivacyConsentsCard } from './PrivacyConsentsCard.tsx';
import { PartyPerformanceCard } from '../../followup/PartyPerformanceCard.tsx';

/** 履行情况 is shown once the agreement is signed. */
const SIGNED_STATUSES: ReadonlySet<string> = new Set(['SIGNED', 'CONFIRMATION_REQUESTED', 'CONFIRMED', 'DISMISSED']);
import { PartyRatingCard } from '../../followup/PartyRatingCard.tsx';

/** 评价 is asked of the parties and their agents (not of interpreters or observers). */
const mayRate = (role: string) => role === 'APPLICANT' || role === 'RESPONDENT' || role === 'AGENT';

/** `/j/:token` — a disputing party's landing page; no login, token-only. */
export function PartyPage({ token }: { token: string }) {
  const client = useMemo(() => partyApi(token), [token]);
  const [view, setView] = useState<PartyView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const [procedureView, setProcedureView] = useState<ProcedureView | null>(null);
  const [privacy, setPrivacy] = useState<PrivacyState | null>(null);
  const caseId = view?.case.id ?? null;
  const procedure = useMemo(() => (caseId ? procedureApi(caseId, token) : null), [caseId, token]);

  const load = useCallback(async () => {
    setError(null);
    try {
      const me = await client.me();
      // The 权利义务告知书, 回避 and whether the mediation can still be ended (the room needs the notice acknowledged).
      setProcedureView(await procedureApi(me.case.id, token).view());
      // The 个人信息处理告知书 comes before anything the party is asked (PIPL art. 17).
      setPrivacy(await client.privacy());
      setView(me);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', '页面加载失败，请稍后重试'));
    }
  }, [client, token]);

  useEffect(() => {
    document.title = '在线调解 · 解纷';
    void load();
  }, [load]);

  const update = (participant: PartySelf) => setView((v) => (v ? { ...v, participant } : v));
  const afterNotice = (participant: PartySelf | null) => {
    if (participant) update(participant);
    void load();
  };

  let body;
  if (error && !view) {
    body = <PartyError token={token} error={error} onRetry={load} />;
  } else if (!view || !procedureView || !procedure || !privacy) {
    body = <Loading text="正在打开调解邀请…" />;
  } else if (procedureView.caseStatus === 'FAILED') {
    body = (
      <>
        <PartyCaseCard view={view} />
        {mayRate(view.participant.role) && <PartyRatingCard token={token} />}
        <TerminationCard procedure={procedure} view={procedureView} caseNumber={view.case.number} />
      </>
    );
  } else {
    const p = view.participant;
    const step = !p.identityConfirmed ? 1 : !p.consentGiven || procedureView.mustAcknowledge ? 2 : 3;
    // Nothing to sign before the agreement is locked, nothing to apply for before it is signed.
    const signing = partySigningOffer(view.case.status);
    const judicial = partyJudicialOffer(view.case.status);
    const waiting = partyWaitingNote(view.case.status);
    body = (
      <>
        <PartyCaseCard view={view} />
        <StepIndicator step={step} />
        {step === 1 && !privacy.acknowledgedVersion && <PrivacyNoticeStep client={client} privacy={privacy} onDone={setPrivacy} />}
        {step === 1 && privacy.acknowledgedVersion && <IdentityStep client={client} onDone={update} />}
        {step === 2 && <ConsentStep client={client} procedure={procedure} notice={procedureView.notice} consented={p.consentGiven} onDone={afterNotice} />}
        {step === 3 && (
          <section className="card done" data-testid="party-done" role="status">
            <div className="done__icon" aria-hidden="true">
              ✓
            </div>
            <h2 className="card__title">已完成确认，可以进入调解室</h2>
            <p className="muted">请在调解员约定的时间点击下方按钮进入。进入后先在等候区等待，调解员准许后即可开始视频调解。</p>
            <button
              type="button"
              className="btn btn--primary btn--large btn--block"
              data-testid="enter-room"
              onClick={() => navigate(`/j/${encodeURIComponent(token)}/room`)}
            >
              进入调解室
            </button>
            <p className="muted small">需要使用摄像头和麦克风，请在安静、光线充足的地方进入。</p>
            <button
              type="button"
              className="btn btn--outline btn--block"
              data-testid="open-agreement"
              onClick={() => navigate(`/j/${encodeURIComponent(token)}/agreement`)}
            >
              查看调解协议草稿
            </button>
            {signing && (
              <button
                type="button"
                className="btn btn--outline btn--block"
                data-testid="open-signing"
                data-kind={signing.kind}
                onClick={() => navigate(`/j/${encodeURIComponent(token)}/sign`)}
              >
                {signing.label}
              </button>
            )}
            {judicial && (
              <button
                type="button"
                className="btn btn--outline btn--block"
                data-testid="open-judicial"
                data-kind={judicial.kind}
                onClick={() => navigate(`/j/${encodeURIComponent(token)}/judicial`)}
              >
                {judicial.label}
              </button>
            )}
            {waiting && (
              <p className="muted small" data-testid="party-waiting-note">
                {waiting}
              </p>
            )}
          </section>
        )}
        {step === 3 && SIGNED_STATUSES.has(view.case.status) && ['APPLICANT', 'RESPONDENT', 'AGENT'].includes(p.role) && (
          <PartyPerformanceCard caseId={view.case.id} token={token} />
        )}
        {step === 3 && mayRate(p.role) && <PartyRatingCard token={token} />}
        {step === 3 && <PartyMinutesCard procedure={procedure} caseNumber={view.case.number} side={p.side} token={token} />}
        {step >= 2 && <PrivacyConsentsCard client={client} privacy={privacy} onChange={setPrivacy} />}
        {step >= 2 && <PartyProcedureCard procedure={procedure} view={procedureView} caseNumber={view.case.number} onChanged={() => void load()} />}
      </>
    );
  }

  return (
    <MetaProvider enabled>
      <div className="party">
        <header className="party__bar">
          <span className="topbar__brand">
            解纷<span className="topbar__sub">在线调解</span>
          </span>
        </header>
        <main className="page page--narrow">{body}</main>
      </div>
    </MetaProvider>
  );
}
