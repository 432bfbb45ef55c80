// The room's bottom toolbar: my microphone and camera, 仅语音, the panels (chat, notepad, agreement, and for
// whoever leads the room caucus and lobby), ending the session, leaving. Which buttons show follows
// the role and whether I am waiting outside a caucus; the camera switch only on a device with more
// than one camera, screen sharing only for leaders on desktop browsers.
import type { ReactNode } from 'react';
import {
  AgreementIcon,
  AudioOnlyIcon,
  CameraIcon,
  CaucusIcon,
  ChatIcon,
  EndIcon,
  LeaveIcon,
  LobbyIcon,
  MicIcon,
  NotepadIcon,
  ScreenIcon,
  SwitchCameraIcon,
} from './icons.tsx';
import type { RoomClient, RoomState } from './room-client.ts';

/** The sheet open beside the stage (one at a time). */
export type PanelName = 'none' | 'chat' | 'lobby' | 'caucus' | 'notepad' | 'agreement';

interface RoomToolbarProps {
  client: RoomClient;
  state: RoomState;
  panel: PanelName;
  /** Waiting while others are in a caucus: nobody to chat with, no agreement sheet. */
  waiting: boolean;
  isLeader: boolean;
  hasNotepad: boolean;
  hasAgreement: boolean;
  leaving: boolean;
  onToggle(panel: PanelName): void;
  onNotepad(): void;
  onEnd(): void;
  onLeave(): void;
}

export function RoomToolbar({
  client,
  state,
  panel,
  waiting,
  isLeader,
  hasNotepad,
  hasAgreement,
  leaving,
  onToggle,
  onNotepad,
  onEnd,
  onLeave,
}: RoomToolbarProps) {
  const L = state.local;
  const micLabel = !L.audioTrack ? '无麦克风' : L.audioAdminMuted ? '已被静音' : L.micMuted ? '解除静音' : '静音';
  const camLabel = !L.videoTrack ? '无摄像头' : L.videoAdminMuted ? '已被关闭' : state.audioOnly ? '仅语音中' : L.camOff ? '开启视频' : '关闭视频';
  const micOff = !L.audioTrack || L.micMuted || L.audioAdminMuted;
  const camOff = !L.videoTrack || L.camOff || L.videoAdminMuted || state.audioOnly !== null;
  const manualAudioOnly = state.audioOnly === 'manual';
  const canSwitch = !!L.videoTrack && L.cameraCount > 1;
  const canShare = isLeader && client.canShareScreen;
  const sharing = !!L.screenTrack;
  const toolCount = 5 + (hasAgreement ? 1 : 0) + (hasNotepad ? 1 : 0) + (isLeader ? 3 : 0) - (waiting ? 1 : 0) + (canSwitch ? 1 : 0) + (canShare ? 1 : 0);
  return (
    <nav className={`toolbar${toolCount >= 7 ? ' toolbar--dense' : ''}${toolCount >= 10 ? ' toolbar--crowded' : ''}`} aria-label="调解室操作">
      <ToolButton testId="toolbar-mic" label={micLabel} on={!micOff} disabled={!L.audioTrack || L.audioAdminMuted} onClick={() => void client.toggleMic()}>
        <MicIcon off={micOff} />
      </ToolButton>
      <ToolButton
        testId="toolbar-camera"
        label={camLabel}
        on={!camOff}
        disabled={!L.videoTrack || L.videoAdminMuted || state.audioOnly !== null}
        onClick={() => void client.toggleCamera()}
      >
        <CameraIcon off={camOff} />
      </ToolButton>
      {canSwitch && (
        <ToolButton testId="toolbar-switch-camera" label="翻转镜头" disabled={camOff} onClick={() => void client.switchCamera()}>
          <SwitchCameraIcon />
        </ToolButton>
      )}
      {canShare && (
        <ToolButton
          testId="toolbar-screen"
          label={sharing ? '停止共享' : '共享屏幕'}
          active={sharing}
          disabled={state.mediaStatus !== 'ready'}
          onClick={() => void (sharing ? client.stopScreen() : client.shareScreen())}
        >
          <ScreenIcon off={sharing} />
        </ToolButton>
      )}
      <ToolButton
        testId="toolbar-audio-only"
        label={manualAudioOnly ? '恢复视频' : '仅语音'}
        active={manualAudioOnly}
        onClick={() => void client.setAudioOnly(!manualAudioOnly)}
      >
        <AudioOnlyIcon />
      </ToolButton>
      {!waiting && (
        <ToolButton testId="toolbar-chat" label="聊天" active={panel === 'chat'} badge={state.chatUnread} onClick={() => onToggle('chat')}>
          <ChatIcon />
        </ToolButton>
      )}
      {hasNotepad && (
        <ToolButton testId="toolbar-notepad" label="记事本" active={panel === 'notepad'} dot={state.notepadUnseen} onClick={onNotepad}>
          <NotepadIcon />
        </ToolButton>
      )}
      {!waiting && hasAgreement && (
        <ToolButton testId="toolbar-agreement" label="协议书" active={panel === 'agreement'} onClick={() => onToggle('agreement')}>
          <AgreementIcon />
        </ToolButton>
      )}
      {isLeader && (
        <ToolButton testId="toolbar-caucus" label="背对背" active={panel === 'caucus'} badge={state.knocks.length} onClick={() => onToggle('caucus')}>
          <CaucusIcon />
        </ToolButton>
      )}
      {isLeader && (
        <ToolButton testId="toolbar-lobby" label="等候区" active={panel === 'lobby'} badge={state.lobby.length} onClick={() => onToggle('lobby')}>
          <LobbyIcon />
        </ToolButton>
      )}
      {isLeader && (
        <ToolButton testId="end-session" label="结束调解" danger onClick={onEnd}>
          <EndIcon />
        </ToolButton>
      )}
      <ToolButton testId="toolbar-leave" label={leaving ? '正在离开' : '离开'} danger disabled={leaving} onClick={onLeave}>
        <LeaveIcon />
      </ToolButton>
    </nav>
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
