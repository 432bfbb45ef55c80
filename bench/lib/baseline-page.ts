// The browser side every bench baseline page shares (join/baseline.page.ts,
// caucus/baseline.page.ts; bundled with them by esbuild at run time): the signaling of
// baseline-server.ts (JSON POST /rpc), mediasoup-client transports wired to it, and the media
// settings of the jiefen room client — web-client/src/room: media-devices.ts (capture
// constraints) and media-producers.ts (simulcast encodings, codec options) — so a comparison
// isolates the signaling, the app and the UI.
import type { Device, types } from 'mediasoup-client';

/** The requests a page makes once it is in a room (handled by baseline-server.ts's mediaRpc). */
export type MediaMethod = 'createTransport' | 'connectTransport' | 'produce' | 'ready' | 'resume';

export const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
export const VIDEO: MediaTrackConstraints = { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24, max: 30 } };
const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 2, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 600_000 },
];

/** This page's participant, from `?peer=`. */
export const peerId = new URLSearchParams(location.search).get('peer') ?? 'anonymous';

export type Rpc<Method extends string> = <T = unknown>(method: Method, data?: unknown) => Promise<T>;

/** The page's requests, as `peerId`; a failure throws `method: error`. */
export function rpcClient<Method extends string>(): Rpc<Method> {
  return async <T = unknown>(method: Method, data: unknown = {}): Promise<T> => {
    const res = await fetch('/rpc', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ peerId, method, data }) });
    const body = (await res.json()) as { result?: T; error?: string };
    if (!res.ok || body.error) throw new Error(`${method}: ${body.error ?? res.status}`);
    return body.result as T;
  };
}

/** A send or receive transport whose `connect` (and `produce`) go to the server. */
export function transportFor(device: Device, rpc: Rpc<MediaMethod>, direction: 'send' | 'recv', options: types.TransportOptions): types.Transport {
  const t = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
  t.on('connect', ({ dtlsParameters }, callback, errback) => {
    rpc('connectTransport', { transportId: t.id, dtlsParameters }).then(() => callback(), errback);
  });
  if (direction === 'send') {
    t.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      rpc<{ producerId: string }>('produce', { transportId: t.id, kind, rtpParameters, source: appData.source }).then(
        ({ producerId }) => callback({ id: producerId }),
        errback,
      );
    });
  }
  return t;
}

/** Produces the microphone, then the camera, as the jiefen room client does. */
export async function produceMicAndCamera(send: types.Transport, stream: MediaStream): Promise<void> {
  await send.produce({
    track: stream.getAudioTracks()[0]!,
    stopTracks: false,
    codecOptions: { opusStereo: false, opusDtx: true, opusFec: true },
    appData: { source: 'microphone' },
  });
  await send.produce({
    track: stream.getVideoTracks()[0]!,
    stopTracks: false,
    encodings: CAMERA_ENCODINGS,
    codecOptions: { videoGoogleStartBitrate: 1000 },
    appData: { source: 'camera' },
  });
}

/** A sink for a consumer's track, as on screen: an autoplaying element in the page. */
export function mediaSink(consumer: types.Consumer): HTMLMediaElement {
  const el = document.createElement(consumer.kind === 'video' ? 'video' : 'audio');
  el.autoplay = true;
  if (el instanceof HTMLVideoElement) {
    el.muted = true;
    el.playsInline = true;
  }
  el.srcObject = new MediaStream([consumer.track]);
  document.body.append(el);
  return el;
}
