// Camera/microphone access for the pre-join check: graceful fallbacks and Chinese help.

export type MediaProblem = 'denied' | 'notfound' | 'busy' | 'insecure' | 'unsupported' | 'unknown';

export function classifyMediaError(err: unknown): MediaProblem {
  const name = err && typeof err === 'object' && 'name' in err ? String((err as { name: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError':
      return 'notfound';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'unknown';
  }
}

export const PROBLEM_TITLE: Record<MediaProblem, string> = {
  denied: '浏览器未获准使用摄像头和麦克风',
  notfound: '未检测到摄像头或麦克风',
  busy: '摄像头或麦克风正被其他应用占用',
  insecure: '当前连接不安全，浏览器禁止使用摄像头和麦克风',
  unsupported: '当前浏览器不支持音视频通话',
  unknown: '无法打开摄像头或麦克风',
};

/** Step-by-step help shown under the title; phones first. */
export const PROBLEM_HELP: Record<MediaProblem, string[]> = {
  denied: [
    '苹果手机（Safari）：点击地址栏左侧的「大小」或「aA」图标 →「网站设置」→ 将「相机」和「麦克风」设为「允许」，然后刷新页面。',
    '安卓手机（Chrome/系统浏览器）：点击地址栏左侧的锁形图标 →「权限」→ 允许「摄像头」和「麦克风」，然后刷新页面。',
    '微信中打开：点击右上角「···」→「在浏览器中打开」；或在手机「设置」→「应用」→「微信」→「权限」中允许相机和麦克风。',
    '如仍无法使用，请在手机「设置」中允许浏览器访问相机和麦克风。',
  ],
  notfound: ['您仍可以进入调解室：没有摄像头时仅使用语音，没有麦克风时可通过文字聊天参与调解。'],
  busy: ['请关闭正在使用摄像头的其他应用（如视频通话、相机），然后点击「重新检测」。'],
  insecure: ['请使用调解员发送的 https:// 开头的完整链接打开本页面。'],
  unsupported: ['请使用最新版的微信、Safari、Chrome 或手机自带浏览器打开本链接。您仍可以通过文字聊天参与调解。'],
  unknown: ['请点击「重新检测」，或重新打开本页面。您也可以不开启音视频，仅通过文字聊天参与调解。'],
};

export interface DeviceChoice {
  audioDeviceId?: string;
  videoDeviceId?: string;
}

export interface OpenedMedia {
  stream: MediaStream;
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  /** Why audio and/or video are missing (undefined = that kind works). */
  audioProblem?: MediaProblem;
  videoProblem?: MediaProblem;
}

export function audioConstraints(deviceId?: string): MediaTrackConstraints {
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
  };
}

/** 640×480 is what the camera producer's two simulcast layers are sized for. */
export function videoConstraints(deviceId?: string): MediaTrackConstraints {
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : { facingMode: 'user' }),
    width: { ideal: 640 },
    height: { ideal: 480 },
    frameRate: { ideal: 24, max: 30 },
  };
}

/**
 * Opens camera and microphone together (one permission prompt), falling back to each kind
 * alone when one is missing or busy. Throws nothing: problems are reported per kind.
 */
export async function openMedia(choice: DeviceChoice = {}): Promise<OpenedMedia> {
  const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  if (!md?.getUserMedia) {
    const problem: MediaProblem = typeof window !== 'undefined' && !window.isSecureContext ? 'insecure' : 'unsupported';
    return { stream: new MediaStream(), audio: null, video: null, audioProblem: problem, videoProblem: problem };
  }
  const get = (c: MediaStreamConstraints) => md.getUserMedia(c);
  try {
    const stream = await get({ audio: audioConstraints(choice.audioDeviceId), video: videoConstraints(choice.videoDeviceId) });
    return fromStream(stream);
  } catch (err) {
    const problem = classifyMediaError(err);
    if (problem === 'denied') return { stream: new MediaStream(), audio: null, video: null, audioProblem: 'denied', videoProblem: 'denied' };
  }
  // One kind is missing or busy: try each alone.
  const stream = new MediaStream();
  let audioProblem: MediaProblem | undefined;
  let videoProblem: MediaProblem | undefined;
  try {
    (await get({ audio: audioConstraints(choice.audioDeviceId) })).getTracks().forEach((t) => stream.addTrack(t));
  } catch (err) {
    audioProblem = classifyMediaError(err);
  }
  try {
    (await get({ video: videoConstraints(choice.videoDeviceId) })).getTracks().forEach((t) => stream.addTrack(t));
  } catch (err) {
    videoProblem = classifyMediaError(err);
  }
  return { ...fromStream(stream), audioProblem, videoProblem };
}

function fromStream(stream: MediaStream): OpenedMedia {
  return { stream, audio: stream.getAudioTracks()[0] ?? null, video: stream.getVideoTracks()[0] ?? null };
}

export function stopStream(stream: MediaStream | null | undefined): void {
  stream?.getTracks().forEach((t) => t.stop());
}

export interface DeviceLists {
  audio: MediaDeviceInfo[];
  video: MediaDeviceInfo[];
}

export async function listDevices(): Promise<DeviceLists> {
  try {
    const all = await navigator.mediaDevices.enumerateDevices();
    return { audio: all.filter((d) => d.kind === 'audioinput' && d.deviceId), video: all.filter((d) => d.kind === 'videoinput' && d.deviceId) };
  } catch {
    return { audio: [], video: [] };
  }
}

/** How the participant will join, given which tracks exist. */
export function joinMode(audio: boolean, video: boolean): 'av' | 'audio' | 'video' | 'chat' {
  if (audio && video) return 'av';
  if (audio) return 'audio';
  if (video) return 'video';
  return 'chat';
}

export const JOIN_MODE_TEXT: Record<ReturnType<typeof joinMode>, string> = {
  av: '将使用摄像头和麦克风进入调解室',
  audio: '将以仅语音方式进入调解室（不开启摄像头）',
  video: '将仅开启摄像头进入调解室，您可以通过文字聊天发言',
  chat: '将以仅文字聊天方式进入调解室',
};
