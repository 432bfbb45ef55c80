// Pre-join device check: camera preview, microphone level, device selectors, permission
// help — inside WeChat's or QQ's own browser, how to open the link in the system browser instead.
// The opened tracks are handed to the room (never re-requested) on "进入".
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { CameraIcon, MicIcon } from './icons.tsx';
import { TrackVideo } from './media-elements.tsx';
import { prepareDevice } from './device-prep.ts';
import { takeEarlyMedia } from './early-start.ts';
import { whenIdle } from './warm-up.ts';
import { currentEnv, IN_APP_NAME, inAppBrowser, openInBrowserSteps, type InAppBrowser } from './phone-env.ts';
import { startLevelMeter } from './level-meter.ts';
import {
  JOIN_MODE_TEXT,
  joinMode,
  listDevices,
  openMedia,
  PROBLEM_HELP,
  PROBLEM_TITLE,
  stopStream,
  type DeviceChoice,
  type DeviceLists,
  type MediaProblem,
  type OpenedMedia,
} from './media-devices.ts';

export interface JoinMedia {
  stream: MediaStream;
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  micMuted: boolean;
  camOff: boolean;
}

interface Props {
  heading: ReactNode;
  notice?: ReactNode;
  joinLabel?: string;
  onJoin(media: JoinMedia): void;
  onBack(): void;
  backLabel: string;
}

export function PreJoin({ heading, notice, joinLabel = '进入调解室', onJoin, onBack, backLabel }: Props) {
  const [media, setMedia] = useState<OpenedMedia | null>(null);
  const [opening, setOpening] = useState(true);
  const [choice, setChoice] = useState<DeviceChoice>({});
  const [devices, setDevices] = useState<DeviceLists>({ audio: [], video: [] });
  const [micMuted, setMicMuted] = useState(false);
  const [camOff, setCamOff] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const current = useRef<MediaStream | null>(null);
  const handedOff = useRef(false);

  useEffect(() => {
    let live = true;
    setOpening(true);
    // Release the previous camera first: phones often allow only one open camera.
    stopStream(current.current);
    current.current = null;
    // The first opening with the default devices was usually started with the page.
    const first = attempt === 0 && !choice.audioDeviceId && !choice.videoDeviceId ? takeEarlyMedia() : null;
    (first ?? openMedia(choice)).then(async (m) => {
      if (!live) {
        stopStream(m.stream);
        return;
      }
      current.current = m.stream;
      setMedia(m);
      setOpening(false);
      // Asked while the person looks at the preview, so that "进入" does not wait for it.
      whenIdle(prepareDevice);
      const lists = await listDevices();
      if (live) setDevices(lists);
    });
    return () => {
      live = false;
    };
  }, [choice, attempt]);

  // Stop the preview when leaving the page without joining.
  useEffect(
    () => () => {
      if (!handedOff.current) stopStream(current.current);
    },
    [],
  );

  useEffect(() => {
    const md = navigator.mediaDevices;
    if (!md?.addEventListener) return;
    const refresh = () => void listDevices().then(setDevices);
    md.addEventListener('devicechange', refresh);
    return () => md.removeEventListener('devicechange', refresh);
  }, []);

  useEffect(() => {
    if (media?.audio) media.audio.enabled = !micMuted;
  }, [media, micMuted]);
  useEffect(() => {
    if (media?.video) media.video.enabled = !camOff;
  }, [media, camOff]);

  const join = useCallback(() => {
    if (!media) return;
    handedOff.current = true;
    onJoin({ stream: media.stream, audio: media.audio, video: media.video, micMuted, camOff });
  }, [media, micMuted, camOff, onJoin]);

  const problems = [media?.audioProblem, media?.videoProblem].filter((p): p is MediaProblem => !!p);
  const mainProblem: MediaProblem | undefined = problems.includes('denied') ? 'denied' : problems[0];
  const mode = joinMode(!!media?.audio, !!media?.video);
  const showVideo = !!media?.video && !camOff;
  const inApp = inAppBrowser(currentEnv().ua);

  return (
    <div className="prejoin">
      <header className="party__bar">
        <span className="topbar__brand">
          解纷<span className="topbar__sub">在线调解室</span>
        </span>
      </header>
      <main className="page page--narrow prejoin__body">
        <div className="prejoin__head">{heading}</div>
        <h1 className="card__title">进入前，请检查摄像头和麦克风</h1>
        {notice}
        <div className="prejoin__preview">
          <TrackVideo track={media?.video ?? null} mirror className="prejoin__video" testId="prejoin-preview" label="摄像头预览" />
          {!showVideo && (
            <div className="prejoin__placeholder">
              <CameraIcon off />
              <span>{opening ? '正在打开摄像头…' : media?.video ? '摄像头已关闭' : '未开启摄像头'}</span>
            </div>
          )}
        </div>

        {media?.audio && <MicMeter track={media.audio} muted={micMuted} />}

        <div className="prejoin__toggles">
          <button
            type="button"
            className={`btn ${micMuted ? 'btn--danger-outline' : 'btn--outline'}`}
            aria-pressed={!micMuted}
            disabled={!media?.audio}
            onClick={() => setMicMuted((v) => !v)}
            data-testid="prejoin-mic"
          >
            <MicIcon off={micMuted || !media?.audio} />
            {!media?.audio ? (media?.audioProblem === 'denied' ? '麦克风未授权' : '无麦克风') : micMuted ? '麦克风已关' : '麦克风已开'}
          </button>
          <button
            type="button"
            className={`btn ${camOff ? 'btn--danger-outline' : 'btn--outline'}`}
            aria-pressed={!camOff}
            disabled={!media?.video}
            onClick={() => setCamOff((v) => !v)}
            data-testid="prejoin-camera"
          >
            <CameraIcon off={camOff || !media?.video} />
            {!media?.video ? (media?.videoProblem === 'denied' ? '摄像头未授权' : '无摄像头') : camOff ? '摄像头已关' : '摄像头已开'}
          </button>
        </div>

        {(devices.audio.length > 1 || devices.video.length > 1) && (
          <div className="prejoin__devices">
            {devices.audio.length > 1 && (
              <label className="field">
                <span className="field__label">麦克风</span>
                <select
                  value={choice.audioDeviceId ?? media?.audio?.getSettings().deviceId ?? ''}
                  onChange={(e) => setChoice((c) => ({ ...c, audioDeviceId: e.target.value }))}
                  data-testid="prejoin-audio-device"
                >
                  {devices.audio.map((d, i) => (
                    <option key={d.deviceId} value={d.deviceId}>
                      {d.label || `麦克风 ${i + 1}`}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {devices.video.length > 1 && (
              <label className="field">
                <span className="field__label">摄像头</span>
                <select
                  value={choice.videoDeviceId ?? media?.video?.getSettings().deviceId ?? ''}
                  onChange={(e) => setChoice((c) => ({ ...c, videoDeviceId: e.target.value }))}
                  data-testid="prejoin-video-device"
                >
                  {devices.video.map((d, i) => (
                    <option key={d.deviceId} value={d.deviceId}>
                      {d.label || `摄像头 ${i + 1}`}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
        )}

        {mainProblem && !opening && inApp && <InAppGuide app={inApp} />}

        {mainProblem && !opening && (
          <section className="prejoin__error" role="alert" data-testid="prejoin-error" data-problem={mainProblem}>
            <strong>{problemTitle(mainProblem, media)}</strong>
            <ul>
              {PROBLEM_HELP[mainProblem].map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
            <button type="button" className="btn btn--small btn--outline" onClick={() => setAttempt((n) => n + 1)} data-testid="prejoin-retry">
              重新检测
            </button>
          </section>
        )}

        <p className="muted small center" data-testid="prejoin-mode" data-mode={mode}>
          {opening ? '正在检测设备…' : JOIN_MODE_TEXT[mode]}
        </p>
        <button type="button" className="btn btn--primary btn--large btn--block" disabled={opening || !media} onClick={join} data-testid="prejoin-join">
          {joinLabel}
        </button>
        <button type="button" className="btn btn--ghost btn--block" onClick={onBack}>
          {backLabel}
        </button>
      </main>
    </div>
  );
}

/**
 * WeChat's and QQ's own browsers often give a page no camera or microphone at all: the way out is
 * the system browser, reached from the app's 「···」 menu. The link can also be copied.
 */
function InAppGuide({ app }: { app: InAppBrowser }) {
  const [copied, setCopied] = useState<'idle' | 'done' | 'failed'>('idle');
  const { ua, maxTouchPoints } = currentEnv();
  const copy = () => {
    const clip = navigator.clipboard as Clipboard | undefined;
    if (!clip) return setCopied('failed');
    clip.writeText(window.location.href).then(
      () => setCopied('done'),
      () => setCopied('failed'),
    );
  };
  return (
    <section className="prejoin__inapp" role="alert" data-testid="inapp-guide" data-app={app}>
      <strong>{IN_APP_NAME[app]}内置浏览器无法使用摄像头和麦克风，请在手机浏览器中打开本链接</strong>
      <ol>
        {openInBrowserSteps(app, ua, maxTouchPoints).map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <p className="small">也可以复制链接，粘贴到手机自带浏览器的地址栏中打开。不方便切换时，您仍可以进入调解室，通过文字聊天参与调解。</p>
      <button type="button" className="btn btn--small btn--outline" onClick={copy} data-testid="inapp-copy">
        {copied === 'done' ? '链接已复制' : '复制链接'}
      </button>
      {copied === 'failed' && (
        <p className="small" data-testid="inapp-link">
          无法自动复制，请长按选择下面的链接：
          <br />
          <span className="prejoin__link">{window.location.href}</span>
        </p>
      )}
    </section>
  );
}

/** The title names the kind that is missing when only one is. */
function problemTitle(problem: MediaProblem, media: OpenedMedia | null): string {
  if (problem === 'notfound') {
    if (media?.audio && !media.video) return '未检测到摄像头，您可以仅用语音参加调解';
    if (media?.video && !media.audio) return '未检测到麦克风，您可以通过文字聊天发言';
  }
  if (problem === 'busy') {
    if (media?.audio && !media.video) return '摄像头正被其他应用占用';
    if (media?.video && !media.audio) return '麦克风正被其他应用占用';
  }
  return PROBLEM_TITLE[problem];
}

function MicMeter({ track, muted }: { track: MediaStreamTrack; muted: boolean }) {
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let last = -1;
    const stop = startLevelMeter(track, (level) => {
      const v = Math.round(level * 50) / 50;
      if (v === last || !bar.current) return;
      last = v;
      bar.current.style.transform = `scaleX(${v})`; // CSSOM, allowed by the CSP
    });
    return stop;
  }, [track]);
  return (
    <div className="meter" data-testid="prejoin-meter">
      <MicIcon off={muted} />
      <div className="meter__track" role="presentation">
        <div ref={bar} className="meter__bar" />
      </div>
      <span className="meter__label">{muted ? '已关闭' : '请说话测试'}</span>
    </div>
  );
}
