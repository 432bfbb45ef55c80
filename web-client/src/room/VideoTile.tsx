// One participant's tile: video (or an avatar), name, role, side, mic/camera state, and
// — for the mediator on others' tiles — mute / camera-off / remove controls.
import type { ReactNode } from 'react';
import type { MediaMode, PeerInfo } from './protocol.ts';
import { SIDE_LABEL } from './room-state.ts';
import { CameraIcon, MicIcon } from './icons.tsx';
import { TrackVideo } from './media-elements.tsx';

export type AudioState = 'on' | 'muted' | 'admin-muted' | 'none';
export type VideoState = 'on' | 'off' | 'admin-off' | 'none';

export interface TileModel {
  peer: PeerInfo;
  isSelf: boolean;
  speaking: boolean;
  videoTrack: MediaStreamTrack | null;
  audio: AudioState;
  video: VideoState;
  /** A consumer of this peer is paused by the sender (media:consumerPaused). */
  paused: boolean;
  /** This participant is in 仅语音 (sends and receives no video). */
  audioOnly: boolean;
  /** I am in 仅语音: nobody's video reaches me. */
  viewerAudioOnly: boolean;
}

interface Props extends TileModel {
  /** Small floating self view (portrait phones). */
  pip?: boolean;
  moderate: boolean;
  busy: boolean;
  onMute(muted: boolean): void;
  onVideoOff(off: boolean): void;
  onRemove(): void;
  /** Extra overlay in the top-left corner (my own tile: who can hear/see me). */
  corner?: ReactNode;
}

export function VideoTile({
  peer,
  isSelf,
  pip,
  speaking,
  videoTrack,
  audio,
  video,
  paused,
  audioOnly,
  viewerAudioOnly,
  moderate,
  busy,
  onMute,
  onVideoOff,
  onRemove,
  corner,
}: Props) {
  const showVideo = !!videoTrack && video === 'on' && !audioOnly && (isSelf || !viewerAudioOnly);
  const side = SIDE_LABEL[peer.side];
  const audioProducer = peer.producers.find((p) => p.kind === 'audio');
  const videoProducer = peer.producers.find((p) => p.kind === 'video');
  return (
    <article
      className={`tile${pip ? ' tile--pip' : ''}${speaking ? ' is-speaking' : ''}${peer.connected ? '' : ' is-offline'}`}
      data-testid="room-tile"
      data-peer-id={peer.peerId}
      data-self={isSelf ? 'true' : 'false'}
      data-speaking={speaking ? 'true' : 'false'}
      data-audio={audio}
      data-video={video}
      data-paused={paused ? 'true' : 'false'}
      data-audio-only={audioOnly ? 'true' : 'false'}
      aria-label={`${peer.displayName}（${peer.roleLabel}）`}
    >
      <TrackVideo track={showVideo ? videoTrack : null} mirror={isSelf} className={`tile__video${showVideo ? '' : ' is-hidden'}`} />
      {!showVideo && (
        <div className="tile__avatar" aria-hidden="true">
          <span className={`avatar avatar--${peer.side.toLowerCase()}`}>{[...peer.displayName][0] ?? '?'}</span>
          <span className="tile__novideo">
            {audioOnly
              ? '仅语音'
              : !isSelf && viewerAudioOnly
                ? '仅语音模式，不接收视频'
                : video === 'admin-off'
                  ? '调解员已关闭摄像头'
                  : video === 'none'
                    ? peer.mode === 'chat' || peer.mode === 'audio'
                      ? MODE_LABEL[peer.mode]
                      : '未开启摄像头'
                    : video === 'off'
                      ? '摄像头已关闭'
                      : '正在连接画面…'}
          </span>
        </div>
      )}
      {!peer.connected && (
        <div className="tile__offline" data-testid="tile-reconnecting">
          <span className="spinner" aria-hidden="true" />
          重新连接中
        </div>
      )}
      {corner && <div className="tile__corner">{corner}</div>}
      {paused && !isSelf && (
        <span className="tile__paused" data-testid="tile-paused">
          已暂停/静音
        </span>
      )}
      <footer className="tile__label">
        <span className={`tile__mic tile__mic--${audio}`} title={AUDIO_TITLE[audio]}>
          <MicIcon off={audio !== 'on'} />
          <span className="sr-only">{AUDIO_TITLE[audio]}</span>
        </span>
        <span className="tile__name">
          {peer.displayName}
          {isSelf && <span className="tile__me">（我）</span>}
        </span>
        <span className="tile__role">{peer.roleLabel}</span>
        <span className={`side side--${peer.side.toLowerCase()}`}>{side}</span>
        {audioOnly && (
          <span className="tile__audio-only" data-testid="tile-audio-only" title="该参与人正以仅语音方式参加（不发送也不接收视频）">
            仅语音
          </span>
        )}
        {!isSelf && !audioOnly && peer.mode && peer.mode !== 'av' && (
          <span className="tile__mode" data-testid="tile-mode" data-mode={peer.mode} title={MODE_TITLE[peer.mode]}>
            {MODE_LABEL[peer.mode]}
          </span>
        )}
      </footer>
      {moderate && !isSelf && (
        <div className="tile__controls">
          <button
            type="button"
            className="tile__btn"
            data-testid="tile-mute"
            data-muted={audioProducer?.adminMuted ? 'true' : 'false'}
            disabled={busy || !audioProducer}
            onClick={() => onMute(!audioProducer?.adminMuted)}
          >
            <MicIcon off={!audioProducer?.adminMuted} />
            {audioProducer?.adminMuted ? '取消静音' : '静音'}
          </button>
          <button
            type="button"
            className="tile__btn"
            data-testid="tile-video-off"
            data-off={videoProducer?.adminMuted ? 'true' : 'false'}
            disabled={busy || !videoProducer}
            onClick={() => onVideoOff(!videoProducer?.adminMuted)}
          >
            <CameraIcon off={!videoProducer?.adminMuted} />
            {videoProducer?.adminMuted ? '恢复摄像头' : '关闭摄像头'}
          </button>
          {peer.roomRole === 'party' && (
            <button type="button" className="tile__btn tile__btn--danger" data-testid="tile-remove" disabled={busy} onClick={onRemove}>
              移出
            </button>
          )}
        </div>
      )}
    </article>
  );
}

/** How a participant takes part, from its own client (room presence). */
const MODE_LABEL: Record<Exclude<MediaMode, 'av'>, string> = { chat: '文字模式', audio: '仅语音', video: '仅视频' };
const MODE_TITLE: Record<Exclude<MediaMode, 'av'>, string> = {
  chat: '该参与人以仅文字聊天方式参加，请留意聊天消息',
  audio: '该参与人以仅语音方式参加（未开启摄像头）',
  video: '该参与人没有麦克风，通过文字聊天发言',
};

const AUDIO_TITLE: Record<AudioState, string> = {
  on: '麦克风已开启',
  muted: '已静音',
  'admin-muted': '已被调解员静音',
  none: '无麦克风',
};
