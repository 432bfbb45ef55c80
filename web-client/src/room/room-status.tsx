// What the room says about itself above the stage: the top bar (case, head count, network quality)
// and the banners — where I am, reconnecting, muted by the mediator, media trouble, what the weak
// link made us do (仅语音, lower video), blocked audio, people waiting in the lobby.
import type { ReactNode } from 'react';
import { LocationBanner } from './caucus.tsx';
import { SpeakerIcon } from './icons.tsx';
import { LINK_EXPLANATION } from './link-policy.ts';
import { QUALITY_LABEL, type Quality } from './quality.ts';
import { reconnectingText } from './screens.tsx';
import type { RoomClient, RoomState } from './room-client.ts';

export function RoomHeader({ state, headCount }: { state: RoomState; headCount: number }) {
  return (
    <header className="room__bar">
      <div className="room__case">
        <span className="room__number">{state.self?.caseNumber}</span>
        <span className="room__title">{state.self?.caseTitle}</span>
      </div>
      <span className="room__count" title="调解室内人数">
        {headCount} 人
      </span>
      <NetworkQuality quality={state.quality} doing={linkAdvice(state)} />
    </header>
  );
}

interface RoomBannersProps {
  client: RoomClient;
  state: RoomState;
  isLeader: boolean;
  /** Leaders: the lobby notice is not needed while the lobby sheet is open. */
  lobbyOpen: boolean;
  /** Ending every caucus (the location banner's 回到联合调解) is under way. */
  returning: boolean;
  onReturn(): void;
  /** Some remote audio could not autoplay: one click lets it play. */
  audioBlocked: boolean;
  onUnlockAudio(): void;
  onOpenLobby(): void;
}

export function RoomBanners({ client, state, isLeader, lobbyOpen, returning, onReturn, audioBlocked, onUnlockAudio, onOpenLobby }: RoomBannersProps) {
  const L = state.local;
  const adminMuted = [L.audioAdminMuted && '调解员已将您静音', L.videoAdminMuted && '调解员已关闭您的摄像头'].filter(Boolean).join('，');
  return (
    <div className="room__banners">
      <LocationBanner state={state} isLeader={isLeader} busy={returning} onReturn={onReturn} />
      {state.reconnecting && (
        <Banner tone="warn" testId="reconnecting-banner">
          <span className="spinner" aria-hidden="true" /> {reconnectingText(state)}
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
      {state.online && linkAdvice(state) && (
        <Banner tone="info" testId="link-advice">
          <span data-audio-only={state.audioOnly ?? 'none'}>{linkAdvice(state)}</span>
          {state.audioOnly === 'manual' && (
            <button type="button" className="btn btn--small" onClick={() => void client.setAudioOnly(false)}>
              恢复视频
            </button>
          )}
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
      {audioBlocked && (
        <button type="button" className="btn btn--primary btn--block room__unlock" data-testid="audio-unlock" onClick={onUnlockAudio}>
          <SpeakerIcon /> 点击开启声音
        </button>
      )}
      {isLeader && state.lobby.length > 0 && !lobbyOpen && (
        <Banner tone="info" testId="lobby-notice">
          <span>
            {state.lobby.length} 人正在等候区等待：{state.lobby.map((w) => w.displayName).join('、')}
          </span>
          <button type="button" className="btn btn--small btn--primary" onClick={onOpenLobby}>
            查看
          </button>
        </Banner>
      )}
    </div>
  );
}

function Banner({ tone, testId, children }: { tone: 'warn' | 'info' | 'error'; testId: string; children: ReactNode }) {
  return (
    <div className={`room-banner room-banner--${tone}`} role={tone === 'info' ? 'status' : 'alert'} data-testid={testId}>
      {children}
    </div>
  );
}

/** What we are doing about the link, in words (null: nothing to say — audio and video as usual). */
export function linkAdvice(state: Pick<RoomState, 'audioOnly' | 'quality'>): string | null {
  if (state.audioOnly === 'manual') return '您已开启仅语音：不发送也不接收视频，其他人看到您的头像';
  if (state.audioOnly === 'auto') return LINK_EXPLANATION.poor.doing;
  if (state.quality === 'fair') return LINK_EXPLANATION.fair.doing;
  return null;
}

function NetworkQuality({ quality, doing }: { quality: Quality; doing: string | null }) {
  const level = quality === 'good' ? 3 : quality === 'fair' ? 2 : quality === 'poor' ? 1 : 0;
  const explained = quality === 'unknown' ? '正在检测网络' : `网络${QUALITY_LABEL[quality]}：${doing ?? LINK_EXPLANATION.good.doing}`;
  return (
    <span className={`netq netq--${quality}`} data-testid="network-quality" data-quality={quality} title={explained} aria-label={explained} role="img">
      <span className="netq__bars" aria-hidden="true">
        {[1, 2, 3].map((i) => (
          <span key={i} className={`netq__bar netq__bar--${i}${i <= level ? ' is-lit' : ''}`} />
        ))}
      </span>
      <span className="netq__text">网络{QUALITY_LABEL[quality]}</span>
    </span>
  );
}
