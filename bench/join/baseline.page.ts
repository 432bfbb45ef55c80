// The baseline participant page of the join benchmark (bundled by esbuild at run time): the
// minimum a browser needs to send its camera+mic through mediasoup and receive everyone
// else's — mediasoup-client straight against a MediaRoom, no app shell, no lobby, no auth.
// Signaling: JSON POST /rpc for requests, one EventSource (/events) for server-initiated
// consumers; that and the media settings (the jiefen room client's) are ../lib/baseline-page.ts.
//
// It exposes the same `window.__jiefenRoom` debug handle shape (status, mediaStatus,
// inboundStats()) as the jiefen room client, so the shared probe measures both alike.
import { Device, type types } from 'mediasoup-client';
import { AUDIO, mediaSink, peerId, produceMicAndCamera, rpcClient, transportFor, VIDEO, type MediaMethod } from '../lib/baseline-page.ts';

export type BaselineMethod = 'join' | MediaMethod;

export interface BaselineConsumer {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  rtpParameters: types.RtpParameters;
}

const rpc = rpcClient<BaselineMethod>();
const consumers = new Map<string, types.Consumer>();
let status = 'connecting';
let mediaStatus = 'idle';

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
  mediaSink(consumer);
  await rpc('resume', { consumerId: consumer.id });
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
  const send = transportFor(device, rpc, 'send', await rpc<types.TransportOptions>('createTransport', { direction: 'send' }));
  const recv = transportFor(device, rpc, 'recv', await rpc<types.TransportOptions>('createTransport', { direction: 'recv' }));
  resolveRecv(recv);
  await produceMicAndCamera(send, stream);
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
