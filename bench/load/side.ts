// What the load benchmark needs from either server under test (jiefen, bare mediasoup).
import type { NodeMemory } from './child-rpc.ts';
import type { LoopLag } from './loop-lag.ts';
import type { StreamIds } from './rtp.ts';

/** Rooms × participants: each participant's stream ids and the port of its sink. */
export type LoadPlan = Array<Array<{ ids: StreamIds; sinkPort: number }>>;

export interface PlacedParticipant {
  /** Where the participant sends its RTP (its send transport). */
  sendPort: number;
  /** Its consumers: the SSRC they arrive with at the sink, and the generator SSRC they forward. */
  consumers: Array<{ ssrc: number; fromSsrc: number }>;
}

export interface ServerSide {
  readonly name: 'jiefen' | 'bare';
  /** The server process and its mediasoup workers: what is measured. */
  readonly pids: readonly number[];
  /** Date.now() when its process was started. */
  readonly startedAt: number;
  /** Full garbage collection in the server process; its live JavaScript memory then. */
  collectGarbage(): Promise<NodeMemory>;
  setUp(plan: LoadPlan): Promise<PlacedParticipant[][]>;
  windowStart(): Promise<void>;
  windowEnd(): Promise<LoopLag>;
  close(): Promise<void>;
}
