// The page's very first script (index.html, async, nothing to fetch before it runs): on a room link it asks for the
// camera and microphone at once, before the app's code has arrived — on a slow phone link that
// code takes a second, and the camera takes as long again to open. room/early-start.ts takes the
// answer; media-devices.ts asks with these same constraints whenever it asks again.
// Also a module the app imports (the constraints below): the browser runs it once either way.
// Its one import is a regular expression, bundled into it.
import { ROOM_PAGE_PATH } from '../../signaling/protocol/room-links.ts';

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

interface EarlyAsk {
  path: string;
  stream: Promise<MediaStream>;
}

type EarlyWindow = { __jiefenEarlyMedia?: EarlyAsk | null };

/** Asks once per page, unless the app asked first (then it has set null). */
function askEarly(): void {
  if (typeof window === 'undefined' || !ROOM_PAGE_PATH.test(window.location.pathname)) return;
  const w = window as EarlyWindow;
  if (w.__jiefenEarlyMedia !== undefined || !navigator.mediaDevices?.getUserMedia) return;
  const stream = navigator.mediaDevices.getUserMedia({ audio: audioConstraints(), video: videoConstraints() });
  stream.catch(() => undefined); // the taker handles the refusal
  w.__jiefenEarlyMedia = { path: window.location.pathname, stream };
}

/**
 * The camera and microphone this script asked for on this page (once), or null. After it, the
 * script never asks: a later run (it is async, so it may run after the app) finds null.
 */
export function takeEarlyAsk(path: string): Promise<MediaStream> | null {
  if (typeof window === 'undefined') return null;
  const w = window as EarlyWindow;
  const ask = w.__jiefenEarlyMedia;
  w.__jiefenEarlyMedia = null;
  if (!ask) return null;
  if (ask.path === path) return ask.stream;
  // Not for this page (cannot happen in one document, but never leave a camera on).
  void ask.stream.then(
    (s) => s.getTracks().forEach((t) => t.stop()),
    () => undefined,
  );
  return null;
}

askEarly();
