// Lazily loaded entry points for `/j/:token/room` (party) and `/cases/:id/room` (mediator):
// mediasoup-client, socket.io and zod stay out of the main bundle.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, judgeApi, partyApi, type CaseDetail, type JudgeApplicationDetail, type PartyView } from '../api.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Loading } from '../components/Loading.tsx';
import { Link } from '../router.tsx';
import { PartyError } from '../pages/party/PartyError.tsx';
import { releaseEarlyRoom, takeEarlyCase, takeEarlyPartyView } from './early-start.ts';
import { RoomPage } from './RoomPage.tsx';
import './room.css';

function Heading({ number, title, sub }: { number: string; title: string; sub?: string }) {
  return (
    <div className="prejoin__case" data-testid="room-case">
      <span className="prejoin__number">{number}</span>
      <strong className="prejoin__title">{title}</strong>
      {sub && <span className="muted small">{sub}</span>}
    </div>
  );
}

export function PartyRoomPage({ token }: { token: string }) {
  const client = useMemo(() => partyApi(token), [token]);
  const [view, setView] = useState<PartyView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      // Fetched with the page (early-start.ts) the first time.
      setView(await (takeEarlyPartyView(token) ?? client.me()));
    } catch (e) {
      releaseEarlyRoom(); // no pre-join check follows: camera and socket go
      setError(e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', '页面加载失败，请稍后重试'));
    }
  }, [client, token]);

  useEffect(() => {
    void load();
  }, [load]);

  if (!view) {
    return (
      <div className="party">
        <header className="party__bar">
          <span className="topbar__brand">
            解纷<span className="topbar__sub">在线调解室</span>
          </span>
        </header>
        <main className="page page--narrow">{error ? <PartyError token={token} error={error} onRetry={load} /> : <Loading text="正在打开调解室…" />}</main>
      </div>
    );
  }

  const p = view.participant;
  const pending = [!p.identityConfirmed && '身份确认', !p.consentGiven && '同意在线调解'].filter(Boolean).join('和');
  const notice = pending ? (
    <div className="banner banner--warn" role="note" data-testid="room-prerequisite">
      <span>
        您尚未完成{pending}，调解员可能不会准许您进入。<Link to={`/j/${encodeURIComponent(token)}`}>去完成</Link>
      </span>
    </div>
  ) : null;

  return (
    <RoomPage
      caseId={view.case.id}
      token={token}
      heading={<Heading number={view.case.number} title={view.case.title} sub={`${p.name} · ${view.case.orgName}`} />}
      notice={notice}
      backTo={`/j/${encodeURIComponent(token)}`}
      backLabel="返回调解邀请页"
    />
  );
}

export function StaffRoomPage({ caseId }: { caseId: string }) {
  const [kase, setKase] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      // Fetched with the page (early-start.ts) the first time.
      setKase(await (takeEarlyCase(caseId) ?? api.getCase(caseId)));
    } catch (e) {
      releaseEarlyRoom();
      setError(e instanceof ApiError ? e.message : '案件加载失败');
    }
  }, [caseId]);

  useEffect(() => {
    void load();
  }, [load]);

  const backTo = `/cases/${encodeURIComponent(caseId)}`;
  if (!kase) {
    return (
      <main className="page page--narrow">
        <Link to={backTo} className="back-link">
          ‹ 返回案件
        </Link>
        {error ? <ErrorBanner message={error} onRetry={load} /> : <Loading text="正在加载案件…" />}
      </main>
    );
  }
  return (
    <RoomPage
      caseId={kase.id}
      heading={<Heading number={kase.number} title={kase.title} sub="您将以调解员身份直接进入调解室" />}
      backTo={backTo}
      backLabel="返回案件"
    />
  );
}

/** A judge's video questioning of the parties (询问) in the case's room, from the review screen. */
export function JudgeRoomPage({ applicationId }: { applicationId: string }) {
  const [app, setApp] = useState<JudgeApplicationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    setError(null);
    try {
      setApp(await judgeApi.detail(applicationId));
    } catch (e) {
      releaseEarlyRoom();
      setError(e instanceof ApiError ? e.message : '申请加载失败');
    }
  }, [applicationId]);
  useEffect(() => {
    void load();
  }, [load]);
  const backTo = `/judge/applications/${encodeURIComponent(applicationId)}`;
  if (!app) {
    return (
      <main className="page page--narrow">
        <Link to={backTo} className="back-link">
          ‹ 返回审查
        </Link>
        {error ? <ErrorBanner message={error} onRetry={load} /> : <Loading text="正在加载申请…" />}
      </main>
    );
  }
  return (
    <RoomPage
      caseId={app.caseId}
      heading={<Heading number={app.courtCaseNumber ?? app.caseNumber} title={app.title} sub="视频询问：您将以法官身份进入，当事人在等候区等待您准许" />}
      backTo={backTo}
      backLabel="返回审查"
    />
  );
}
