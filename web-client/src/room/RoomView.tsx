// The admitted room: tile grid, banners, bottom toolbar, chat / lobby panels, dialogs. This component
// holds what spans them (which sheet is open, who is being removed, blocked audio) and lays them out;
// the top bar and banners are room-status.tsx, the toolbar RoomToolbar.tsx, the tiles room-tiles.ts.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useToast } from '../toast.tsx';
import { AudienceChip, AudienceDetails } from './audience.tsx';
import { CaucusWaiting, KnockToast } from './caucus.tsx';
import { CaucusPanel } from './CaucusPanel.tsx';
import { caucusOf, colocatedPeers, inCaucus } from './caucus-state.ts';
import { useMediaQuery } from './hooks.ts';
import { RemoteAudio, TrackVideo, unlockRemoteAudio } from './media-elements.tsx';
import { EndSessionDialog, RemovePeerDialog } from './moderation-dialogs.tsx';
import { NotepadPanel } from './notepad.tsx';
import { ChatPanel, LobbyPanel } from './panels.tsx';
import { errorMessage, leadsRoom, type PeerInfo } from './protocol.ts';
import type { RoomClient, RoomState } from './room-client.ts';
import { gridShape } from './room-state.ts';
import { RoomBanners, RoomHeader } from './room-status.tsx';
import { buildTiles } from './room-tiles.ts';
import { RoomToolbar, type PanelName } from './RoomToolbar.tsx';
import { VideoTile } from './VideoTile.tsx';

// The agreement editor (Yjs, Hocuspocus) loads only when its sheet is opened.
const AgreementRoomPanel = lazy(() => import('../agreement/entry.tsx').then((m) => ({ default: m.AgreementRoomPanel })));

interface Props {
  client: RoomClient;
  state: RoomState;
  onLeave(): void;
  leaving: boolean;
}

export function RoomView({ client, state, onLeave, leaving }: Props) {
  const notify = useToast();
  const [panel, setPanel] = useState<PanelName>('none');
  const [blocked, setBlocked] = useState<ReadonlySet<string>>(() => new Set());
  const [removeTarget, setRemoveTarget] = useState<PeerInfo | null>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [busyPeers, setBusyPeers] = useState<Record<string, boolean>>({});
  const landscape = useMediaQuery('(min-aspect-ratio: 1/1)');
  const [notepadSide, setNotepadSide] = useState<'A' | 'B'>('A');
  const [audienceOpen, setAudienceOpen] = useState(false);
  const [returning, setReturning] = useState(false);

  const role = state.self?.roomRole ?? 'party';
  // Leading the room (lobby, mute, remove, caucuses, end): a mediator, or the judge questioning the parties.
  const isLeader = leadsRoom(role);
  // The sides' notepads and carrying between them: mediators only — never the judge.
  const isMediator = role === 'mediator';
  const selfId = state.self?.peerId ?? null;
  const selfSide = state.self?.side ?? 'NEUTRAL';
  const hasNotepad = isMediator || (role === 'party' && selfSide !== 'NEUTRAL');
  // The agreement draft is the mediator's and the parties' (the judge reviews the signed PDF).
  const hasAgreement = role !== 'judge';
  const waiting = !isLeader && !!state.location?.waiting;

  useEffect(() => client.setChatOpen(panel === 'chat'), [client, panel]);
  useEffect(() => client.setNotepadOpen(panel === 'notepad'), [client, panel]);
  // A waiting participant has nobody to chat with.
  useEffect(() => {
    if (waiting) setPanel((p) => (p === 'chat' ? 'none' : p));
  }, [waiting]);
  const toggle = (p: PanelName) => setPanel((cur) => (cur === p ? 'none' : p));
  /** Mediators: the side of the caucus they are in, else the last side opened. */
  const defaultNotepadSide = (): 'A' | 'B' => {
    if (!isMediator) return selfSide === 'B' ? 'B' : 'A';
    const mine = selfId ? caucusOf(state.caucuses, selfId) : null;
    const sides = new Set(mine?.memberPeerIds.map((id) => state.peers.find((p) => p.peerId === id)?.side).filter((x) => x === 'A' || x === 'B'));
    return sides.size === 1 ? ([...sides][0] as 'A' | 'B') : notepadSide;
  };
  const openNotepad = (side: 'A' | 'B') => {
    setNotepadSide(side);
    setPanel('notepad');
  };

  const returnToJoint = async () => {
    setReturning(true);
    try {
      await client.endAllCaucuses();
    } catch (err) {
      notify(errorMessage(err), 'error');
    } finally {
      setReturning(false);
    }
  };

  // A shared screen I receive (the server sends it only where the routing policy allows): shown large.
  const screen = waiting || state.audioOnly ? undefined : state.remote.find((r) => r.kind === 'video' && r.source === 'screen' && !r.paused);
  const screenSharer = screen ? state.peers.find((p) => p.peerId === screen.peerId) : undefined;

  const roster = useMemo(() => colocatedPeers(state.peers, state.caucuses, state.location, selfId), [state.peers, state.caucuses, state.location, selfId]);
  const tiles = useMemo(() => buildTiles(state, roster), [state, roster]);
  const remoteCount = tiles.filter((t) => !t.isSelf).length;
  // Portrait phone with up to 3 others: my own video floats as a small picture-in-picture.
  const pip = !landscape && remoteCount >= 1 && remoteCount <= 3;
  const shape = gridShape(pip ? remoteCount : tiles.length + (remoteCount === 0 ? 1 : 0), landscape);

  useEffect(() => {
    client.setPreferredLayer(window.innerWidth / shape.cols < 360 ? 0 : 1);
  }, [client, shape.cols]);

  const onBlocked = useCallback((consumerId: string, isBlocked: boolean) => {
    setBlocked((prev) => {
      if (prev.has(consumerId) === isBlocked) return prev;
      const next = new Set(prev);
      if (isBlocked) next.add(consumerId);
      else next.delete(consumerId);
      return next;
    });
  }, []);

  const moderate = async (peerId: string, action: () => Promise<void>) => {
    setBusyPeers((b) => ({ ...b, [peerId]: true }));
    try {
      await action();
    } catch (err) {
      notify(errorMessage(err), 'error');
    } finally {
      setBusyPeers((b) => ({ ...b, [peerId]: false }));
    }
  };

  return (
    <div className={`room${panel !== 'none' ? ' room--panel' : ''}`} data-testid="room" data-status={state.status}>
      <RoomHeader state={state} headCount={tiles.length} />

      <RoomBanners
        client={client}
        state={state}
        isLeader={isLeader}
        lobbyOpen={panel === 'lobby'}
        returning={returning}
        onReturn={() => void returnToJoint()}
        audioBlocked={blocked.size > 0}
        onUnlockAudio={() => unlockRemoteAudio(onBlocked)}
        onOpenLobby={() => setPanel('lobby')}
      />

      {isLeader && panel !== 'caucus' && <KnockToast knocks={state.knocks} onOpen={() => setPanel('caucus')} onDismiss={(id) => client.dismissKnock(id)} />}

      <main className={`room__stage${screen ? ' room__stage--screen' : ''}`}>
        {screen && (
          <figure className="screen-share" data-testid="screen-share" data-peer-id={screen.peerId}>
            <TrackVideo track={screen.track} className="screen-share__video" testId="screen-share-video" label="共享的屏幕" />
            <figcaption className="screen-share__caption">{screenSharer ? `${screenSharer.displayName}正在共享屏幕` : '正在共享屏幕'}</figcaption>
          </figure>
        )}
        {state.local.screenTrack && (
          <div className="screen-share-self" role="status" data-testid="screen-share-self">
            您正在共享屏幕，当前能看到您画面的人都能看到
            <button type="button" className="btn btn--small btn--danger-outline" onClick={() => void client.stopScreen()}>
              停止共享
            </button>
          </div>
        )}
        {waiting ? (
          <CaucusWaiting client={client} state={state} />
        ) : (
          <div
            className="room-grid"
            data-count={tiles.length}
            style={{ gridTemplateColumns: `repeat(${shape.cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${shape.rows}, minmax(0, 1fr))` }}
          >
            {tiles.map((t) => (
              <VideoTile
                key={t.peer.peerId}
                {...t}
                pip={pip && t.isSelf}
                moderate={isLeader}
                busy={!!busyPeers[t.peer.peerId]}
                onMute={(muted) => void moderate(t.peer.peerId, () => client.mute(t.peer.peerId, 'audio', muted))}
                onVideoOff={(off) => void moderate(t.peer.peerId, () => client.mute(t.peer.peerId, 'video', off))}
                onRemove={() => setRemoveTarget(t.peer)}
                corner={
                  t.isSelf ? (
                    <AudienceChip audience={state.audience} compact={pip} expanded={audienceOpen} onToggle={() => setAudienceOpen((o) => !o)} />
                  ) : undefined
                }
              />
            ))}
            {remoteCount === 0 && (
              <div className="room-empty" data-testid="room-empty">
                <span className="spinner" aria-hidden="true" />
                <p>
                  {inCaucus(state.location)
                    ? '本次单独沟通中暂无其他人'
                    : isLeader && state.caucuses.length > 0
                      ? '其他参与人正在单独沟通中'
                      : '等待其他参与人进入…'}
                </p>
                {isLeader && state.caucuses.length === 0 && <p className="small">当事人打开邀请链接后会出现在「等候区」，由您准许进入。</p>}
              </div>
            )}
          </div>
        )}
        {!waiting && <AudienceDetails audience={state.audience} open={audienceOpen} onClose={() => setAudienceOpen(false)} />}
      </main>

      <RoomToolbar
        client={client}
        state={state}
        panel={panel}
        waiting={waiting}
        isLeader={isLeader}
        hasNotepad={hasNotepad}
        hasAgreement={hasAgreement}
        leaving={leaving}
        onToggle={toggle}
        onNotepad={() => (panel === 'notepad' ? setPanel('none') : openNotepad(defaultNotepadSide()))}
        onEnd={() => setConfirmEnd(true)}
        onLeave={onLeave}
      />

      {panel === 'chat' && !waiting && (
        <ChatPanel
          room={state.location && state.location.room !== 'joint' ? 'caucus' : 'joint'}
          messages={state.chat}
          selfId={selfId}
          canSend={state.online}
          onSend={(text) => client.sendChat(text)}
          onClose={() => setPanel('none')}
        />
      )}
      {panel === 'caucus' && isLeader && (
        <CaucusPanel client={client} state={state} onClose={() => setPanel('none')} onOpenNotepad={isMediator ? openNotepad : undefined} />
      )}
      {panel === 'notepad' && hasNotepad && (
        <NotepadPanel
          key={isMediator ? 'mediator' : selfSide}
          client={client}
          state={state}
          isMediator={isMediator}
          initialSide={isMediator ? notepadSide : (selfSide as 'A' | 'B')}
          onClose={() => setPanel('none')}
        />
      )}
      {panel === 'agreement' && !waiting && hasAgreement && (
        <Suspense fallback={null}>
          <AgreementRoomPanel caseId={client.caseId} token={client.token} onClose={() => setPanel('none')} />
        </Suspense>
      )}
      {panel === 'lobby' && isLeader && (
        <LobbyPanel waiting={state.lobby} onAdmit={(id) => client.admit(id)} onDeny={(id) => client.deny(id)} onClose={() => setPanel('none')} />
      )}

      <div className="sr-only" aria-hidden="true">
        {state.remote
          .filter((r) => r.kind === 'audio')
          .map((r) => (
            <RemoteAudio key={r.consumerId} track={r.track} consumerId={r.consumerId} onBlocked={onBlocked} />
          ))}
      </div>

      {removeTarget && <RemovePeerDialog client={client} peer={removeTarget} onClose={() => setRemoveTarget(null)} />}
      {confirmEnd && <EndSessionDialog client={client} onClose={() => setConfirmEnd(false)} />}
    </div>
  );
}
