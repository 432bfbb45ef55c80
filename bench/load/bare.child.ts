// The baseline of the load benchmark, in a process of its own: bare mediasoup forwarding the
// same streams — same worker count and router codecs as jiefen, one router per room, the same
// plain transports (send: comedia; recv: connected to the participant's sink), producers and
// consumers, and no signaling, observers or rooms logic around them.
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { mediaCodecs } from '../../sfu/codecs.ts';
import { serveRpc } from './child-rpc.ts';
import { loopLagWindow } from './loop-lag.ts';
import { audioRtpParameters, receiverCapabilities, videoRtpParameters } from './rtp.ts';
import type { LoadPlan, PlacedParticipant } from './side.ts';

const workers: types.Worker[] = [];
const window = loopLagWindow();
const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };

async function setUpRoom(router: types.Router, peers: LoadPlan[number]): Promise<PlacedParticipant[]> {
  const caps = receiverCapabilities(router.rtpCapabilities);
  const sends = await Promise.all(peers.map(() => router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true })));
  const recvs = await Promise.all(peers.map(() => router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: false })));
  await Promise.all(recvs.map((t, i) => t.connect({ ip: '127.0.0.1', port: peers[i]!.sinkPort })));
  const producers = await Promise.all(
    peers.map(async (p, i) => [
      { fromSsrc: p.ids.audioSsrc, producer: await sends[i]!.produce({ kind: 'audio', rtpParameters: audioRtpParameters(p.ids.audioSsrc) }) },
      { fromSsrc: p.ids.videoSsrc, producer: await sends[i]!.produce({ kind: 'video', rtpParameters: videoRtpParameters(p.ids.videoSsrc) }) },
    ]),
  );
  return Promise.all(
    peers.map(async (_, i) => {
      const consumers: PlacedParticipant['consumers'] = [];
      for (const [j, theirs] of producers.entries()) {
        if (j === i) continue;
        for (const { fromSsrc, producer } of theirs) {
          const consumer = await recvs[i]!.consume({ producerId: producer.id, rtpCapabilities: caps });
          consumers.push({ ssrc: consumer.rtpParameters.encodings![0]!.ssrc!, fromSsrc });
        }
      }
      return { sendPort: sends[i]!.tuple.localPort, consumers };
    }),
  );
}

const api = {
  async start({ workers: count }: { workers: number }): Promise<{ workerPids: number[] }> {
    for (let i = 0; i < count; i++) workers.push(await mediasoup.createWorker({ logLevel: 'warn' }));
    return { workerPids: workers.map((w) => w.pid) };
  },
  async setUp(plan: LoadPlan): Promise<PlacedParticipant[][]> {
    const placed: PlacedParticipant[][] = [];
    for (const [r, peers] of plan.entries()) {
      const router = await workers[r % workers.length]!.createRouter({ mediaCodecs });
      placed.push(await setUpRoom(router, peers));
    }
    return placed;
  },
  windowStart: () => window.start(),
  windowEnd: () => window.end(),
};
export type BareApi = typeof api;

serveRpc(api, async () => {
  for (const w of workers) w.close();
});
