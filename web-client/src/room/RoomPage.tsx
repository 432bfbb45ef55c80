// Pre-join check → live room session → final screen, for both mediators and parties.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Loading } from '../components/Loading.tsx';
import { navigate } from '../router.tsx';
import { useToast } from '../toast.tsx';
import { useRoomState, useWakeLock } from './hooks.ts';
import { releaseEarlyRoom } from './early-start.ts';
import { stopStream } from './media-devices.ts';
import { PreJoin, type JoinMedia } from './PreJoin.tsx';
import { RoomClient } from './room-client.ts';
import { RoomView } from './RoomView.tsx';
import { ConnectingScreen, FinalScreen, LobbyWaitingScreen } from './screens.tsx';
import { LeaveByBackDialog, LeaveRoomDialog, useLeaveGuard } from './leave-guard.tsx';

export interface RoomPageProps {
  caseId: string;
  /** Party link token (parties); staff use their session cookie. */
  token?: string;
  heading: ReactNode;
  notice?: ReactNode;
  backTo: string;
  backLabel: string;
}

export function RoomPage({ caseId, token, heading, notice, backTo, backLabel }: RoomPageProps) {
  const [media, setMedia] = useState<JoinMedia | null>(null);
  const streamRef = useRef<MediaStream | null>(null);

  useEffect(() => {
    document.title = '在线调解室 · 解纷';
    return () => {
      stopStream(streamRef.current);
      releaseEarlyRoom();
    };
  }, []);

  const back = useCallback(() => navigate(backTo), [backTo]);

  if (!media) {
    return (
      <PreJoin
        heading={heading}
        notice={notice}
        onJoin={(m) => {
          streamRef.current = m.stream;
          setMedia(m);
        }}
        onBack={back}
        backLabel={backLabel}
      />
    );
  }
  return <RoomSession caseId={caseId} token={token} media={media} backTo={backTo} backLabel={backLabel} onRetry={() => setMedia(null)} />;
}

interface SessionProps {
  caseId: string;
  token?: string;
  media: JoinMedia;
  backTo: string;
  backLabel: string;
  onRetry(): void;
}

function RoomSession({ caseId, token, media, backTo, backLabel, onRetry }: SessionProps) {
  const notify = useToast();
  const [client, setClient] = useState<RoomClient | null>(null);

  useEffect(() => {
    const c = new RoomClient({ caseId, token, audioTrack: media.audio, videoTrack: media.video, micMuted: media.micMuted, camOff: media.camOff });
    const off = c.onNotice((text, kind) => notify(text, kind));
    setClient(c);
    c.start();
    return () => {
      off();
      c.destroy();
    };
  }, [caseId, token, media, notify]);

  if (!client) return <Loading text="正在连接调解室…" />;
  return <RoomScreens client={client} media={media} backTo={backTo} backLabel={backLabel} onRetry={onRetry} />;
}

const TERMINAL = new Set(['ended', 'denied', 'removed', 'error', 'left']);

function RoomScreens({ client, media, backTo, backLabel, onRetry }: { client: RoomClient } & Omit<SessionProps, 'caseId' | 'token'>) {
  const state = useRoomState(client);
  const [leaving, setLeaving] = useState(false);
  const [askLeave, setAskLeave] = useState(false);
  const terminal = TERMINAL.has(state.status);
  const guard = useLeaveGuard(!terminal && !leaving, backTo);

  useWakeLock(state.status === 'admitted' || state.status === 'lobby');

  // Camera light off as soon as the session is over (also a camera switched to or reopened since).
  useEffect(() => {
    if (!terminal) return;
    stopStream(media.stream);
    client.stopLocalTracks();
  }, [terminal, media.stream, client]);

  const leave = useCallback(async () => {
    setLeaving(true);
    await client.leave();
    navigate(backTo, { replace: true }); // the back button's trap entry goes with the room
  }, [client, backTo]);

  const screen = roomScreen();
  return (
    <>
      {screen}
      {guard.asking && !terminal && <LeaveByBackDialog guard={guard} />}
      {askLeave && !terminal && (
        <LeaveRoomDialog
          onCancel={() => setAskLeave(false)}
          onLeave={() => {
            setAskLeave(false);
            void leave();
          }}
        />
      )}
    </>
  );

  function roomScreen() {
    switch (state.status) {
      case 'connecting':
        return <ConnectingScreen state={state} onCancel={() => void leave()} />;
      case 'lobby':
        return <LobbyWaitingScreen state={state} onLeave={() => void leave()} leaving={leaving} />;
      case 'admitted':
        return <RoomView client={client} state={state} onLeave={() => setAskLeave(true)} leaving={leaving} />;
      case 'left':
        return <Loading text="正在离开…" />;
      default:
        return <FinalScreen state={state} backLabel={backLabel} onBack={() => navigate(backTo)} onRetry={state.status === 'error' ? onRetry : undefined} />;
    }
  }
}
