// Browser side of media-smoke.test.ts, bundled with esbuild at test time.
// Sends the fake camera and microphone to the SFU and consumes both producers
// back, so one page exercises ICE, DTLS, SRTP and RTP forwarding both ways.
// Signaling is a single function, window.sfu(), exposed by Playwright.
import { Device, type types } from 'mediasoup-client';

export type SfuMethod = 'routerRtpCapabilities' | 'createTransport' | 'connectTransport' | 'produce' | 'consume' | 'resumeConsumer';

export interface SmokeStats {
  sendState: string;
  recvState: string;
  videoFramesDecoded: number;
  videoPacketsReceived: number;
  audioPacketsReceived: number;
  audioBytesReceived: number;
}

export interface SmokeApi {
  start(tcpOnly: boolean): Promise<void>;
  stats(): Promise<SmokeStats>;
}

declare global {
  interface Window {
    sfu(method: SfuMethod, data?: unknown): Promise<unknown>;
    smoke: SmokeApi;
  }
}

let sendTransport: types.Transport | undefined;
let recvTransport: types.Transport | undefined;
const consumers: types.Consumer[] = [];

async function start(tcpOnly: boolean): Promise<void> {
  const device = new Device();
  await device.load({ routerRtpCapabilities: (await window.sfu('routerRtpCapabilities')) as types.RtpCapabilities });
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });

  const send = device.createSendTransport((await window.sfu('createTransport', { tcpOnly })) as types.TransportOptions);
  sendTransport = send;
  send.on('connect', ({ dtlsParameters }, callback, errback) => {
    window.sfu('connectTransport', { transportId: send.id, dtlsParameters }).then(() => callback(), errback);
  });
  send.on('produce', ({ kind, rtpParameters }, callback, errback) => {
    window.sfu('produce', { transportId: send.id, kind, rtpParameters }).then((res) => callback(res as { id: string }), errback);
  });
  const producers = [await send.produce({ track: stream.getAudioTracks()[0]! }), await send.produce({ track: stream.getVideoTracks()[0]! })];

  const recv = device.createRecvTransport((await window.sfu('createTransport', { tcpOnly })) as types.TransportOptions);
  recvTransport = recv;
  recv.on('connect', ({ dtlsParameters }, callback, errback) => {
    window.sfu('connectTransport', { transportId: recv.id, dtlsParameters }).then(() => callback(), errback);
  });
  for (const producer of producers) {
    const options = (await window.sfu('consume', {
      transportId: recv.id,
      producerId: producer.id,
      rtpCapabilities: device.recvRtpCapabilities,
    })) as types.ConsumerOptions;
    const consumer = await recv.consume(options);
    consumers.push(consumer);
    // A sink, so the video is decoded as it would be on screen.
    const el = document.createElement(consumer.kind === 'video' ? 'video' : 'audio');
    el.muted = true;
    el.autoplay = true;
    el.srcObject = new MediaStream([consumer.track]);
    document.body.append(el);
    await window.sfu('resumeConsumer', { consumerId: consumer.id });
  }
}

async function stats(): Promise<SmokeStats> {
  const result: SmokeStats = {
    sendState: sendTransport?.connectionState ?? 'none',
    recvState: recvTransport?.connectionState ?? 'none',
    videoFramesDecoded: 0,
    videoPacketsReceived: 0,
    audioPacketsReceived: 0,
    audioBytesReceived: 0,
  };
  for (const consumer of consumers) {
    const report = await consumer.getStats();
    report.forEach((s: RTCInboundRtpStreamStats) => {
      if (s.type !== 'inbound-rtp') return;
      if (consumer.kind === 'video') {
        result.videoFramesDecoded += s.framesDecoded ?? 0;
        result.videoPacketsReceived += s.packetsReceived ?? 0;
      } else {
        result.audioPacketsReceived += s.packetsReceived ?? 0;
        result.audioBytesReceived += s.bytesReceived ?? 0;
      }
    });
  }
  return result;
}

window.smoke = { start, stats };
