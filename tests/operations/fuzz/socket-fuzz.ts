// Fuzzes the live-room socket: per request event, malformed payloads generated from its zod schema
// (as JSON schema), sent by a real socket.io client that joined the room in a role the event's
// action admits, so the payload reaches validation; the same from a connected client that has not
// joined (the gate); and garbage credentials at the handshake. Every ack must be a refusal with a
// code of the error table and a Chinese message; the database must be the same after each batch.
import fc from 'fast-check';
import { io } from 'socket.io-client';
import { z } from 'zod';
import { refusalOf, type CaseRole } from '../../../signaling/access/grants.ts';
import { ClientRequests, ROOM_NAMESPACE, type ClientRequestName } from '../../../signaling/protocol/room.ts';
import { ROOM_EVENT_ACTIONS } from '../../../signaling/rooms/room-actions.ts';
import type { RoomTestClient } from '../../support/room-client.ts';
import { malformedText, mutated, POLLUTION_KEYS, type JsonSchema, type PayloadLimits } from './payloads.ts';
import { checkRefusal, type FuzzTally } from './tally.ts';
import { eventValidator } from './validators.ts';

export interface RoomMember {
  name: string;
  client: RoomTestClient;
  role: CaseRole;
}

export interface SocketFuzzOptions {
  baseUrl: string;
  /** Clients that joined the room, in their roles. */
  members: readonly RoomMember[];
  /** A connected client that has not joined any room (for room:join itself and for the gate). */
  outsider: RoomTestClient;
  perEvent: number;
  /** Payloads per event from the outsider, and handshakes with garbage credentials. */
  anonymousPerEvent: number;
  seed: number;
  limits: PayloadLimits;
  snapshot(): Promise<string>;
  tally: FuzzTally;
  signal?: AbortSignal;
  /** Requests in flight per client. */
  concurrency?: number;
  onEvent?(event: string, sent: number, ms: number): void;
}

const ACK_TIMEOUT_MS = 10_000;
/** socket.io drops a connection whose message exceeds its buffer (256 KB, signaling/rooms/room-socket.ts): stay below it. */
const MAX_MESSAGE_BYTES = 200_000;

export function malformedPayloads(event: ClientRequestName, count: number, seed: number, limits: PayloadLimits): unknown[] {
  const schema = z.toJSONSchema(ClientRequests[event].request, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const accepts = eventValidator(event);
  const out: unknown[] = [];
  const seen = new Set<string>();
  for (let round = 0; out.length < count && round < 20; round++) {
    for (const value of fc.sample(mutated(schema, limits), { numRuns: Math.max(count - out.length, 16) * 2, seed: seed + round })) {
      const key = JSON.stringify(value);
      if (key === undefined || Buffer.byteLength(key) > MAX_MESSAGE_BYTES || seen.has(key) || accepts(value)) continue;
      seen.add(key);
      out.push(value);
      if (out.length >= count) break;
    }
  }
  return out;
}

async function sendAll(o: SocketFuzzOptions, client: RoomTestClient, event: ClientRequestName, payloads: unknown[], who: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < payloads.length && !o.signal?.aborted && client.socket.connected) {
      const payload = payloads[next++];
      const where = `${event} as ${who}: ${JSON.stringify(payload)?.slice(0, 200)}`;
      o.tally.payloads++;
      try {
        const ack: unknown = await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
        checkRefusal(o.tally, where, null, ack);
      } catch (err) {
        o.tally.crash(where, `no ack: ${err instanceof Error ? err.message : String(err)}${client.socket.connected ? '' : ' (disconnected)'}`);
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 8 }, worker));
  if (!client.socket.connected) throw new Error(`${who} was disconnected while fuzzing ${event}: ${o.tally.examples.slice(-3).join(' | ')}`);
}

export async function fuzzEvent(event: ClientRequestName, o: SocketFuzzOptions): Promise<void> {
  const started = Date.now();
  const member =
    event === 'room:join'
      ? { name: 'a connected party outside the room', client: o.outsider }
      : o.members.find((m) => refusalOf(m.role, ROOM_EVENT_ACTIONS[event], 'case') === null);
  if (!member) o.tally.untestable.push(`${event} (no member the action admits)`);
  const before = await o.snapshot();
  const sentBefore = o.tally.payloads;
  if (member) await sendAll(o, member.client, event, malformedPayloads(event, o.perEvent, o.seed, o.limits), member.name);
  if (event !== 'room:join')
    await sendAll(o, o.outsider, event, malformedPayloads(event, o.anonymousPerEvent, o.seed + 7919, o.limits), 'a client outside the room');
  if ((await o.snapshot()) !== before) o.tally.stateChange(event);
  o.tally.events++;
  o.onEvent?.(event, o.tally.payloads - sentBefore, Date.now() - started);
}

/** Garbage credentials at the handshake: each connection must be refused with a code of the table. */
export async function fuzzHandshake(o: SocketFuzzOptions): Promise<void> {
  const started = Date.now();
  const auth = fc.oneof(
    malformedText(o.limits).map((token) => ({ auth: { token }, headers: {} })),
    fc.jsonValue({ maxDepth: 2 }).map((value) => ({ auth: { token: value }, headers: {} })),
    fc.constantFrom(...POLLUTION_KEYS).map((key) => ({ auth: JSON.parse(`{"${key}":{"token":"x"}}`) as Record<string, unknown>, headers: {} })),
    malformedText(o.limits).map((value) => ({
      auth: {},
      headers: { cookie: `jf_session=${encodeURIComponent(Buffer.from(value, 'utf8').toString('utf8'))}` },
    })),
  );
  const attempts = fc.sample(auth, { numRuns: o.anonymousPerEvent, seed: o.seed });
  const before = await o.snapshot();
  for (const attempt of attempts) {
    if (o.signal?.aborted) break;
    const where = `handshake ${JSON.stringify(attempt).slice(0, 200)}`;
    o.tally.payloads++;
    const socket = io(o.baseUrl + ROOM_NAMESPACE, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: attempt.auth,
      extraHeaders: { origin: o.baseUrl, ...attempt.headers },
    });
    try {
      const outcome = await new Promise<{ connected: true } | { data: unknown; message: string }>((resolve) => {
        const timer = setTimeout(() => resolve({ data: null, message: 'no answer' }), ACK_TIMEOUT_MS);
        socket.once('connect', () => (clearTimeout(timer), resolve({ connected: true })));
        socket.once('connect_error', (err: Error & { data?: unknown }) => (clearTimeout(timer), resolve({ data: err.data, message: err.message })));
      });
      if ('connected' in outcome) o.tally.nonSpecific(where, 'connected with garbage credentials');
      else if (outcome.message === 'no answer') o.tally.crash(where, 'no answer to the handshake');
      else checkRefusal(o.tally, where, null, { ...(outcome.data as object), message: outcome.message });
    } finally {
      socket.close();
    }
  }
  if ((await o.snapshot()) !== before) o.tally.stateChange('handshake');
  o.tally.events++;
  o.onEvent?.('handshake', attempts.length, Date.now() - started);
}
