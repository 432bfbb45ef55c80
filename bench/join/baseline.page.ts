// The baseline participant page of the join benchmark (bundled by esbuild at run time): the
// minimum a browser needs to send its camera+mic through mediasoup and receive everyone
// else's — mediasoup-client straight against a MediaRoom, no app shell, no lobby, no auth.
// Signaling: JSON POST /rpc for requests, one EventSource (/events) for server-initiated
// consumers. The media settings match the jiefen room client's (same capture constraints,
// same simulcast encodings and codec options), so the comparison isolates the signaling,
// the app and the UI.
//
// It exposes the same `window.__jiefenRoom` debug handle shape (status, mediaStatus,
// inboundStats()) as the jiefen room client, so the shared probe measures both alike.
import { Device, type types } from 'mediasoup-client';

export type BaselineMethod = 'join' | 'createTransport' | 'connectTransport' | 'produce' | 'ready' | 'resume';

export interface BaselineConsumer {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  rtpParameters: types.RtpParameters;
}

// Same as web-client/src/room: media-devices.ts (constraints) and media-producers.ts (encodings, codec options).
const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
const VIDEO: MediaTrackConstraints = { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24, max: 30 } };
const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 2, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 600_000 },
];

const peerId = new URLSearchParams(location.search).get('peer') ?? 'anonymous';
const consumers = new Map<string, types.Consumer>();
let status = 'connecting';
let mediaStatus = 'idle';

async function rpc<T = unknown>(method: BaselineMethod, data: unknown = {}): Promise<T> {
  const res = await fetch('/rpc', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ peerId, method, data }) });
  const body = (await res.json()) as { result?: T; error?: string };
  if (!res.ok || body.error) throw new Error(`${method}: ${body.error ?? res.status}`);
  return body.result as T;
}

let resolveRecv!: (t: types.Transport) => void;
const recvReady = new Promise<types.Transport>((r) => (resolveRecv = r));

async function onConsumer(p: BaselineConsumer): Promise<void> {
  const recv = await recvReady;
  const consumer = await recv.consume({
    id: p.consumerId,
    producerId: p.producerId,
    kind: p.kind,
    rtpParameters: p.rtpParameters,
    appData: { peerId: p.peerId },
  });
  consumers.set(consumer.id, consumer);
  // A sink, as on screen.
  const el = document.createElement(p.kind === 'video' ? 'video' : 'audio');
  el.autoplay = true;
  if (el instanceof HTMLVideoElement) {
    el.muted = true;
    el.playsInline = true;
  }
  el.srcObject = new MediaStream([consumer.track]);
  document.body.append(el);
  await rpc('resume', { consumerId: consumer.id });
}

function transportFor(device: Device, direction: 'send' | 'recv', options: types.TransportOptions): types.Transport {
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

async function main(): Promise<void> {
  const events = new EventSource(`/events?peer=${encodeURIComponent(peerId)}`);
  events.onmessage = (e: MessageEvent<string>) => {
    onConsumer(JSON.parse(e.data) as BaselineConsumer).catch((err: unknown) => console.error('[baseline] consume failed', err));
  };

  const stream = await navigator.mediaDevices.getUserMedia({ audio: AUDIO, video: VIDEO });
  const { rtpCapabilities } = await rpc<{ rtpCapabilities: types.RtpCapabilities }>('join');
  status = 'admitted';
  mediaStatus = 'connecting';
  const device = await Device.factory();
  await device.load({ routerRtpCapabilities: rtpCapabilities });
  const send = transportFor(device, 'send', await rpc<types.TransportOptions>('createTransport', { direction: 'send' }));
  const recv = transportFor(device, 'recv', await rpc<types.TransportOptions>('createTransport', { direction: 'recv' }));
  resolveRecv(recv);
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
  await rpc('ready', { rtpCapabilities: device.recvRtpCapabilities });
  mediaStatus = 'ready';
}

async function inboundStats() {
  const out: Array<{ peerId: string; kind: 'audio' | 'video'; consumerId: string; framesDecoded: number; packetsReceived: number; bytesReceived: number }> = [];
  for (const c of consumers.values()) {
    if (c.closed) continue;
    let inbound: Record<string, unknown> | undefined;
    (await c.getStats()).forEach((s: Record<string, unknown>) => {
      if (!inbound && s.type === 'inbound-rtp') inbound = s;
    });
    const n = (v: unknown) => (typeof v === 'number' ? v : 0);
    out.push({
      peerId: String(c.appData.peerId ?? ''),
      kind: c.kind,
      consumerId: c.id,
      framesDecoded: n(inbound?.framesDecoded),
      packetsReceived: n(inbound?.packetsReceived),
      bytesReceived: n(inbound?.bytesReceived),
    });
  }
  return out;
}

Object.defineProperty(window, '__jiefenRoom', {
  configurable: true,
  value: {
    get status() {
      return status;
    },
    get mediaStatus() {
      return mediaStatus;
    },
    inboundStats,
  },
});

main().catch((err: unknown) => {
  status = 'error';
  mediaStatus = 'failed';
  console.error('[baseline] join failed', err);
});
