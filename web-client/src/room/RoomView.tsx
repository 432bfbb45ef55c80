// The admitted room: tile grid, banners, bottom toolbar, chat / lobby panels, dialogs.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { useToast } from '../toast.tsx';
import { useMediaQuery } from './hooks.ts';
import { AudienceChip, AudienceDetails } from './audience.tsx';
import { CaucusWaiting, KnockToast, LocationBanner } from './caucus.tsx';
import { CaucusPanel } from './CaucusPanel.tsx';
import { caucusOf, colocatedPeers, inCaucus } from './caucus-state.ts';
import { AgreementIcon, CameraIcon, CaucusIcon, ChatIcon, EndIcon, LeaveIcon, LobbyIcon, MicIcon, NotepadIcon, SpeakerIcon } from './icons.tsx';
import { RemoteAudio, unlockRemoteAudio } from './media-elements.tsx';
import { NotepadPanel } from './notepad.tsx';
import { ChatPanel, LobbyPanel } from './panels.tsx';
import { errorMessage, leadsRoom, type PeerInfo } from './protocol.ts';
import { QUALITY_LABEL, type Quality } from './quality.ts';
import type { RoomClient, RoomState } from './room-client.ts';
import { gridShape, orderPeers } from './room-state.ts';
import { VideoTile, type AudioState, type TileModel, type VideoState } from './VideoTile.tsx';

type PanelName = 'none' | 'chat' | 'lobby' | 'caucus' | 'notepad' | 'agreement';

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
  const [dialogBusy, setDialogBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
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
  const L = state.local;

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

  const runDialog = async (action: () => Promise<void>, done: () => void) => {
    setDialogBusy(true);
    setDialogError(null);
    try {
      await action();
      done();
    } catch (err) {
      setDialogError(errorMessage(err));
    } finally {
      setDialogBusy(false);
    }
  };

  const micLabel = !L.audioTrack ? '无麦克风' : L.audioAdminMuted ? '已被静音' : L.micMuted ? '解除静音' : '静音';
  const camLabel = !L.videoTrack ? '无摄像头' : L.videoAdminMuted ? '已被关闭' : L.camOff ? '开启视频' : '关闭视频';
  const micOff = !L.audioTrack || L.micMuted || L.audioAdminMuted;
  const camOff = !L.videoTrack || L.camOff || L.videoAdminMuted;
  const toolCount = 4 + (hasAgreement ? 1 : 0) + (hasNotepad ? 1 : 0) + (isLeader ? 3 : 0) - (waiting ? 1 : 0);
  const adminMuted = [L.audioAdminMuted && '调解员已将您静音', L.videoAdminMuted && '调解员已关闭您的摄像头'].filter(Boolean).join('，');

  return (
    <div className={`room${panel !== 'none' ? ' room--panel' : ''}`} data-testid="room" data-status={state.status}>
      <header className="room__bar">
        <div className="room__case">
          <span className="room__number">{state.self?.caseNumber}</span>
          <span className="room__title">{state.self?.caseTitle}</span>
        </div>
        <span className="room__count" title="调解室内人数">
          {tiles.length} 人
        </span>
        <NetworkQuality quality={state.quality} />
      </header>

      <div className="room__banners">
        <LocationBanner state={state} isLeader={isLeader} busy={returning} onReturn={() => void returnToJoint()} />
        {state.reconnecting && (
          <Banner tone="warn" testId="reconnecting-banner">
            <span className="spinner" aria-hidden="true" /> 网络已断开，正在重新连接…
          </Banner>
        )}
        {adminMuted && (
          <Banner tone="warn" testId="admin-muted-banner">
            {adminMuted}。如需发言，请举手示意或在聊天中告知调解员。
          </Banner>
        )}
        {state.mediaUnstable && !state.reconnecting && (
          <Banner tone="info" testId="media-unstable">
            音视频连接不稳定，正在恢复…
          </Banner>
        )}
        {state.mediaStatus === 'connecting' && (
          <Banner tone="info" testId="media-connecting">
            <span className="spinner" aria-hidden="true" /> 正在连接音视频…
          </Banner>
        )}
        {state.mediaStatus === 'failed' && (
          <Banner tone="error" testId="media-error">
            <span>{state.mediaError ?? '音视频连接失败'}</span>
            <button type="button" className="btn btn--small" onClick={() => client.retryMedia()}>
              重试
            </button>
          </Banner>
        )}
        {blocked.size > 0 && (
          <button type="button" className="btn btn--primary btn--block room__unlock" data-testid="audio-unlock" onClick={() => unlockRemoteAudio(onBlocked)}>
            <SpeakerIcon /> 点击开启声音
          </button>
        )}
        {isLeader && state.lobby.length > 0 && panel !== 'lobby' && (
          <Banner tone="info" testId="lobby-notice">
            <span>
              {state.lobby.length} 人正在等候区等待：{state.lobby.map((w) => w.displayName).join('、')}
            </span>
            <button type="button" className="btn btn--small btn--primary" onClick={() => setPanel('lobby')}>
              查看
            </button>
          </Banner>
        )}
      </div>

      {isLeader && panel !== 'caucus' && <KnockToast knocks={state.knocks} onOpen={() => setPanel('caucus')} onDismiss={(id) => client.dismissKnock(id)} />}

      <main className="room__stage">
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
                onRemove={() => {
                  setDialogError(null);
                  setRemoveTarget(t.peer);
                }}
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

      <nav className={`toolbar${toolCount >= 7 ? ' toolbar--dense' : ''}`} aria-label="调解室操作">
        <ToolButton testId="toolbar-mic" label={micLabel} on={!micOff} disabled={!L.audioTrack || L.audioAdminMuted} onClick={() => void client.toggleMic()}>
          <MicIcon off={micOff} />
        </ToolButton>
        <ToolButton
          testId="toolbar-camera"
          label={camLabel}
          on={!camOff}
          disabled={!L.videoTrack || L.videoAdminMuted}
          onClick={() => void client.toggleCamera()}
        >
          <CameraIcon off={camOff} />
        </ToolButton>
        {!waiting && (
          <ToolButton testId="toolbar-chat" label="聊天" active={panel === 'chat'} badge={state.chatUnread} onClick={() => toggle('chat')}>
            <ChatIcon />
          </ToolButton>
        )}
        {hasNotepad && (
          <ToolButton
            testId="toolbar-notepad"
            label="记事本"
            active={panel === 'notepad'}
            dot={state.notepadUnseen}
            onClick={() => (panel === 'notepad' ? setPanel('none') : openNotepad(defaultNotepadSide()))}
          >
            <NotepadIcon />
          </ToolButton>
        )}
        {!waiting && hasAgreement && (
          <ToolButton testId="toolbar-agreement" label="协议书" active={panel === 'agreement'} onClick={() => toggle('agreement')}>
            <AgreementIcon />
          </ToolButton>
        )}
        {isLeader && (
          <ToolButton testId="toolbar-caucus" label="背对背" active={panel === 'caucus'} badge={state.knocks.length} onClick={() => toggle('caucus')}>
            <CaucusIcon />
          </ToolButton>
        )}
        {isLeader && (
          <ToolButton testId="toolbar-lobby" label="等候区" active={panel === 'lobby'} badge={state.lobby.length} onClick={() => toggle('lobby')}>
            <LobbyIcon />
          </ToolButton>
        )}
        {isLeader && (
          <ToolButton
            testId="end-session"
            label="结束调解"
            danger
            onClick={() => {
              setDialogError(null);
              setConfirmEnd(true);
            }}
          >
            <EndIcon />
          </ToolButton>
        )}
        <ToolButton testId="toolbar-leave" label={leaving ? '正在离开' : '离开'} danger disabled={leaving} onClick={onLeave}>
          <LeaveIcon />
        </ToolButton>
      </nav>

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

      {removeTarget && (
        <ConfirmDialog
          title={`将 ${removeTarget.displayName} 移出调解室？`}
          confirmText="移出"
          danger
          busy={dialogBusy}
          error={dialogError}
          onCancel={() => setRemoveTarget(null)}
          onConfirm={() =>
            void runDialog(
              () => client.remove(removeTarget.peerId),
              () => setRemoveTarget(null),
            )
          }
        >
          <p>被移出的参与人需重新在等候区等待您准许才能再次进入。此操作将记入案件审计记录。</p>
        </ConfirmDialog>
      )}
      {confirmEnd && (
        <ConfirmDialog
          title="结束本次在线调解？"
          confirmText="结束调解"
          danger
          busy={dialogBusy}
          error={dialogError}
          onCancel={() => setConfirmEnd(false)}
          onConfirm={() =>
            void runDialog(
              () => client.end(),
              () => setConfirmEnd(false),
            )
          }
        >
          <p>所有参与人将离开调解室，音视频和聊天随即结束。</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function buildTiles(state: RoomState, peers: PeerInfo[]): TileModel[] {
  const self = state.self;
  const selfId = self?.peerId ?? null;
  let roster = peers;
  if (self && !roster.some((p) => p.peerId === self.peerId)) {
    roster = [
      {
        peerId: self.peerId,
        displayName: self.displayName,
        roomRole: self.roomRole,
        roleLabel: self.roleLabel,
        side: self.side,
        connected: true,
        producers: [],
      },
      ...roster,
    ];
  }
  const L = state.local;
  return orderPeers(roster, selfId).map((peer): TileModel => {
    if (peer.peerId === selfId) {
      const audio: AudioState = !L.audioTrack ? 'none' : L.audioAdminMuted ? 'admin-muted' : L.micMuted ? 'muted' : 'on';
      const video: VideoState = !L.videoTrack ? 'none' : L.videoAdminMuted ? 'admin-off' : L.camOff ? 'off' : 'on';
      // My own connection state is shown by the banner, not over my video.
      return {
        peer: { ...peer, connected: true },
        isSelf: true,
        speaking: state.activeSpeaker === peer.peerId,
        videoTrack: L.videoTrack,
        audio,
        video,
        paused: false,
      };
    }
    const mine = state.remote.filter((r) => r.peerId === peer.peerId);
    const rv = mine.find((r) => r.kind === 'video' && r.source === 'camera') ?? mine.find((r) => r.kind === 'video');
    const ra = mine.find((r) => r.kind === 'audio');
    const pa = peer.producers.find((p) => p.kind === 'audio');
    const pv = peer.producers.find((p) => p.kind === 'video' && p.source === 'camera') ?? peer.producers.find((p) => p.kind === 'video');
    const audio: AudioState = !pa ? 'none' : pa.adminMuted ? 'admin-muted' : pa.paused || ra?.paused ? 'muted' : 'on';
    const video: VideoState = !pv ? 'none' : pv.adminMuted ? 'admin-off' : pv.paused || rv?.paused ? 'off' : 'on';
    return {
      peer,
      isSelf: false,
      speaking: state.activeSpeaker === peer.peerId,
      videoTrack: rv?.track ?? null,
      audio,
      video,
      paused: mine.some((r) => r.paused),
    };
  });
}

function Banner({ tone, testId, children }: { tone: 'warn' | 'info' | 'error'; testId: string; children: ReactNode }) {
  return (
    <div className={`room-banner room-banner--${tone}`} role={tone === 'info' ? 'status' : 'alert'} data-testid={testId}>
      {children}
    </div>
  );
}

interface ToolButtonProps {
  testId: string;
  label: string;
  children: ReactNode;
  onClick(): void;
  on?: boolean;
  active?: boolean;
  danger?: boolean;
  disabled?: boolean;
  badge?: number;
  /** A small "something new" dot (no count). */
  dot?: boolean;
}

function ToolButton({ testId, label, children, onClick, on, active, danger, disabled, badge, dot }: ToolButtonProps) {
  const cls = ['toolbar__btn', on === false && 'is-off', active && 'is-active', danger && 'is-danger'].filter(Boolean).join(' ');
  return (
    <button
      type="button"
      className={cls}
      data-testid={testId}
      data-state={on === undefined ? undefined : on ? 'on' : 'off'}
      aria-pressed={on === undefined ? (active === undefined ? undefined : active) : on}
      disabled={disabled}
      onClick={onClick}
    >
      <span className="toolbar__icon">
        {children}
        {!!badge && (
          <span className="toolbar__badge" data-testid={`${testId}-badge`}>
            {badge > 99 ? '99+' : badge}
          </span>
        )}
        {dot && !badge && <span className="toolbar__dot" data-testid={`${testId}-dot`} aria-label="有更新" />}
      </span>
      <span className="toolbar__label">{label}</span>
    </button>
  );
}

function NetworkQuality({ quality }: { quality: Quality }) {
  const level = quality === 'good' ? 3 : quality === 'fair' ? 2 : quality === 'poor' ? 1 : 0;
  return (
    <span className={`netq netq--${quality}`} data-testid="network-quality" data-quality={quality} title={`网络${QUALITY_LABEL[quality]}`}>
      <span className="netq__bars" aria-hidden="true">
        {[1, 2, 3].map((i) => (
          <span key={i} className={`netq__bar netq__bar--${i}${i <= level ? ' is-lit' : ''}`} />
        ))}
      </span>
      <span className="netq__text">网络{QUALITY_LABEL[quality]}</span>
    </span>
  );
}
