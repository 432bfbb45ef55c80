// The baseline participant page of the caucus benchmark (bundled by esbuild at run time):
// "reconnect-based breakout", the way breakout rooms usually move people — every room is its
// own mediasoup router, and a participant who changes rooms closes both of its transports
// (new ICE + DTLS), joins the other router, re-produces its camera and microphone and consumes
// only what the new room has. Same media settings and minimal signaling as the join
// benchmark's baseline (../lib/baseline-page.ts): JSON POST /rpc, and one EventSource for what
// the server pushes (`move` to another room, new consumers, closed consumers).
//
// The camera/microphone stream is captured once and kept across moves (as a breakout client
// would); the mediasoup Device is loaded once (every router has the same codecs).
import { Device, type types } from 'mediasoup-client';
import { AUDIO, mediaSink, peerId, produceMicAndCamera, rpcClient, transportFor, VIDEO, type MediaMethod } from '../lib/baseline-page.ts';

export type BreakoutMethod = 'hello' | 'enter' | MediaMethod;

export type BreakoutPush =
  | { type: 'move'; room: string; seq: number }
  | {
      type: 'consumer';
      recvTransportId: string;
      consumerId: string;
      producerId: string;
      peerId: string;
      kind: 'audio' | 'video';
      rtpParameters: types.RtpParameters;
    }
  | { type: 'consumerClosed'; consumerId: string };

/** Wall-clock marks of the page's last move, for the report's "where time goes". */
export interface MoveMarks {
  seq: number;
  room: string;
  received: number;
  closed?: number;
  entered?: number;
  transports?: number;
  produced?: number;
  ready?: number;
  firstConsumer?: number;
}

const rpc = rpcClient<BreakoutMethod>();
const now = () => performance.timeOrigin + performance.now();

interface Session {
  send: types.Transport;
  recv: types.Transport;
}

let device: Device | null = null;
let stream: MediaStream | null = null;
let session: Session | null = null;
const consumers = new Map<string, { consumer: types.Consumer; el: HTMLMediaElement }>();
const moves: MoveMarks[] = [];
let status = 'connecting';
let current: MoveMarks | null = null;
/** Moves are handled one after the other; a move that arrives during one runs after it. */
let queue: Promise<void> = Promise.resolve();
/** Consumer pushes wait for the receive transport they belong to. */
const recvWaiters = new Map<string, (t: types.Transport) => void>();
const recvReady = new Map<string, Promise<types.Transport>>();

function recvTransport(id: string): Promise<types.Transport> {
  let p = recvReady.get(id);
  if (!p) {
    p = new Promise<types.Transport>((resolve) => recvWaiters.set(id, resolve));
    recvReady.set(id, p);
  }
  return p;
}

function dropConsumer(consumerId: string): void {
  const c = consumers.get(consumerId);
  if (!c) return;
  consumers.delete(consumerId);
  if (!c.consumer.closed) c.consumer.close();
  c.el.srcObject = null;
  c.el.remove();
}

/** The breakout move: tear everything down, then join `room` from scratch (new transports). */
async function enter(room: string, marks: MoveMarks): Promise<void> {
  if (session) {
    for (const id of [...consumers.keys()]) dropConsumer(id);
    session.send.close();
    session.recv.close();
    session = null;
  }
  marks.closed = now();
  await rpc('enter', { room, seq: marks.seq });
  marks.entered = now();
  const send = transportFor(device!, rpc, 'send', await rpc<types.TransportOptions>('createTransport', { direction: 'send' }));
  const recv = transportFor(device!, rpc, 'recv', await rpc<types.TransportOptions>('createTransport', { direction: 'recv' }));
  session = { send, recv };
  recvTransport(recv.id);
  recvWaiters.get(recv.id)?.(recv);
  marks.transports = now();
  await produceMicAndCamera(send, stream!);
  marks.produced = now();
  await rpc('ready', { rtpCapabilities: device!.recvRtpCapabilities });
  marks.ready = now();
}

async function onConsumer(p: Extract<BreakoutPush, { type: 'consumer' }>): Promise<void> {
  const recv = await recvTransport(p.recvTransportId);
  if (recv.closed) return;
  window.__caucusSampler?.register(p.rtpParameters.encodings![0]!.ssrc!, p.peerId, p.kind);
  const consumer = await recv.consume({
    id: p.consumerId,
    producerId: p.producerId,
    kind: p.kind,
    rtpParameters: p.rtpParameters,
    appData: { peerId: p.peerId },
  });
  if (recv.closed) return void consumer.close();
  consumers.set(consumer.id, { consumer, el: mediaSink(consumer) });
  if (current && current.firstConsumer === undefined) current.firstConsumer = now();
  await rpc('resume', { consumerId: consumer.id });
}

function onPush(push: BreakoutPush): void {
  if (push.type === 'consumer') {
    onConsumer(push).catch((err: unknown) => console.error('[breakout] consume failed', err));
  } else if (push.type === 'consumerClosed') {
    dropConsumer(push.consumerId);
  } else {
    const marks: MoveMarks = { seq: push.seq, room: push.room, received: now() };
    moves.push(marks);
    queue = queue
      .then(() => {
        current = marks;
        return enter(push.room, marks);
      })
      .catch((err: unknown) => {
        status = 'error';
        console.error('[breakout] move failed', err);
      });
  }
}

async function main(): Promise<void> {
  stream = await navigator.mediaDevices.getUserMedia({ audio: AUDIO, video: VIDEO });
  const { rtpCapabilities } = await rpc<{ rtpCapabilities: types.RtpCapabilities }>('hello');
  device = await Device.factory();
  await device.load({ routerRtpCapabilities: rtpCapabilities });
  // The server answers with the first `move` (into the joint room) once the stream is open.
  const events = new EventSource(`/events?peer=${encodeURIComponent(peerId)}`);
  events.onmessage = (e: MessageEvent<string>) => onPush(JSON.parse(e.data) as BreakoutPush);
  status = 'ready';
}

Object.defineProperty(window, '__breakout', {
  configurable: true,
  value: {
    get status() {
      return status;
    },
    get moves() {
      return moves;
    },
    get transportIds() {
      return session ? { send: session.send.id, recv: session.recv.id } : null;
    },
  },
});

main().catch((err: unknown) => {
  status = 'error';
  console.error('[breakout] start failed', err);
});
