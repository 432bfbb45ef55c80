import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, setUnauthorizedHandler, type User } from './api.ts';
import { loadRoomChunk, takeEarlySession } from './room/early-start.ts';
import { navigate, usePath } from './router.tsx';
import { matchRoute } from './route-match.ts';
import { SessionContext, homeFor, type SessionValue } from './session.tsx';
import { MetaProvider } from './meta.tsx';
import { ToastProvider, useToast } from './toast.tsx';
import { AppShell } from './components/AppShell.tsx';
import { ErrorBanner } from './components/ErrorBanner.tsx';
import { Loading } from './components/Loading.tsx';
import { LoginPage } from './pages/LoginPage.tsx';

// The live room pulls in mediasoup-client and socket.io: load it only when needed.
// A room link starts loading it with the page (room/early-start.ts).
const PartyRoomPage = lazy(() => loadRoomChunk().then((m) => ({ default: m.PartyRoomPage })));
const StaffRoomPage = lazy(() => loadRoomChunk().then((m) => ({ default: m.StaffRoomPage })));
const JudgeRoomPage = lazy(() => loadRoomChunk().then((m) => ({ default: m.JudgeRoomPage })));
// Every other page in its own chunk: a party opening a room link downloads none of them.
const PartySigningPage = lazy(() => import('./signing/PartySigningPage.tsx').then((m) => ({ default: m.PartySigningPage })));
const PartyJudicialPage = lazy(() => import('./judicial/PartyJudicialPage.tsx').then((m) => ({ default: m.PartyJudicialPage })));
const VerifyPage = lazy(() => import('./verify/VerifyPage.tsx').then((m) => ({ default: m.VerifyPage })));
const PartyPage = lazy(() => import('./pages/party/PartyPage.tsx').then((m) => ({ default: m.PartyPage })));
const ApplyPage = lazy(() => import('./intake/ApplyPage.tsx').then((m) => ({ default: m.ApplyPage })));
const FollowPage = lazy(() => import('./intake/FollowPage.tsx').then((m) => ({ default: m.FollowPage })));
const StaffPages = lazy(() => import('./staff-pages.tsx').then((m) => ({ default: m.StaffPages })));
// The agreement editor pulls in Yjs, Hocuspocus and the agreement model.
const PartyAgreementPage = lazy(() => import('./agreement/entry.tsx').then((m) => ({ default: m.PartyAgreementPage })));

export function App() {
  const path = usePath();
  const partyRoom = matchRoute('/j/:token/room', path);
  const partyAgreement = matchRoute('/j/:token/agreement', path);
  const partySign = matchRoute('/j/:token/sign', path);
  const partyJudicial = matchRoute('/j/:token/judicial', path);
  const verifyRecord = matchRoute('/verify/:roundId', path);
  const party = matchRoute('/j/:token', path);
  const follow = matchRoute('/m/:token', path);
  let content;
  if (path === '/apply' || path === '/apply/') {
    content = <ApplyPage />;
  } else if (follow) {
    content = <FollowPage key={follow.token} token={follow.token ?? ''} />;
  } else if (path === '/verify' || verifyRecord) {
    content = <VerifyPage roundId={verifyRecord?.roundId ?? null} />;
  } else if (partyJudicial) {
    content = <PartyJudicialPage key={partyJudicial.token} token={partyJudicial.token ?? ''} />;
  } else if (partySign) {
    content = <PartySigningPage key={partySign.token} token={partySign.token ?? ''} />;
  } else if (partyAgreement) {
    content = (
      <Suspense fallback={<Loading text="正在打开协议草稿…" />}>
        <PartyAgreementPage key={partyAgreement.token} token={partyAgreement.token ?? ''} />
      </Suspense>
    );
  } else if (partyRoom) {
    content = (
      <Suspense fallback={<Loading text="正在打开调解室…" />}>
        <PartyRoomPage key={partyRoom.token} token={partyRoom.token ?? ''} />
      </Suspense>
    );
  } else if (party) {
    content = <PartyPage token={party.token ?? ''} />;
  } else {
    content = <StaffApp path={path} />;
  }
  return (
    <ToastProvider>
      <Suspense fallback={<Loading />}>{content}</Suspense>
    </ToastProvider>
  );
}

/** The staff member's own account: 修改密码. */
const ACCOUNT = '/account';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** Only same-site paths are accepted as a post-login target. */
function safeNext(): string | null {
  const next = new URLSearchParams(window.location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : null;
}

function StaffApp({ path }: { path: string }) {
  const notify = useToast();
  const [user, setUser] = useState<User | null>(null);
  const [phase, setPhase] = useState<'loading' | 'ready' | 'error'>('loading');
  const [bootError, setBootError] = useState('');
  const [attempt, setAttempt] = useState(0);
  const userRef = useRef<User | null>(null);
  userRef.current = user;

  useEffect(() => {
    let live = true;
    setPhase('loading');
    // A room link asked already, with the page (room/early-start.ts).
    (takeEarlySession() ?? api.me()).then(
      (s) => {
        if (!live) return;
        setUser(s?.user ?? null);
        setPhase('ready');
      },
      (e: unknown) => {
        if (!live) return;
        setBootError(e instanceof ApiError ? e.message : '无法连接服务器');
        setPhase('error');
      },
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      if (userRef.current) notify('登录已失效，请重新登录', 'info');
      userRef.current = null;
      setUser(null);
    });
    return () => setUnauthorizedHandler(null);
  }, [notify]);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // The session is dropped client-side regardless.
    }
    setUser(null);
    navigate('/login', { replace: true });
  }, []);

  const session = useMemo<SessionValue>(() => ({ user, setUser, logout }), [user, logout]);

  if (phase === 'loading') return <Loading />;
  if (phase === 'error') {
    return (
      <main className="page page--narrow">
        <ErrorBanner title="无法加载" message={bootError} onRetry={() => setAttempt((n) => n + 1)} />
      </main>
    );
  }

  const room = matchRoute('/cases/:id/room', path);
  const judgeRoom = matchRoute('/judge/applications/:id/room', path);
  let content;
  if (path === '/login') {
    content = user ? <Redirect to={user.mustChangePassword ? ACCOUNT : (safeNext() ?? homeFor(user.role))} /> : <LoginPage />;
  } else if (!user) {
    const here = window.location.pathname + window.location.search;
    content = <Redirect to={here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`} />;
  } else if (user.mustChangePassword && path !== ACCOUNT) {
    // A password someone else set: nothing else works until it is changed (the server refuses too).
    content = <Redirect to={ACCOUNT} />;
  } else if (judgeRoom?.id && user.role === 'JUDGE') {
    content = (
      <Suspense fallback={<Loading text="正在打开调解室…" />}>
        <JudgeRoomPage key={judgeRoom.id} applicationId={judgeRoom.id} />
      </Suspense>
    );
  } else if (room?.id) {
    // Full-screen: the live room has its own top bar and toolbar.
    content = (
      <Suspense fallback={<Loading text="正在打开调解室…" />}>
        <StaffRoomPage key={room.id} caseId={room.id} />
      </Suspense>
    );
  } else {
    content = (
      <AppShell>
        <Suspense fallback={<Loading />}>
          <StaffPages path={path} user={user} />
        </Suspense>
      </AppShell>
    );
  }

  return (
    <SessionContext.Provider value={session}>
      <MetaProvider enabled={user !== null}>{content}</MetaProvider>
    </SessionContext.Provider>
  );
}
