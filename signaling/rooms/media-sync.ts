// Consumer reconciliation: keeps every member's live mediasoup consumers equal to what the
// routing policy allows, break before make, one reconciliation at a time (a caucus move can
// never interleave with another). New consumers wait for the client's ack before they resume.
import type { ConsumerParams } from '../protocol/room.ts';
import type { BackgroundTasks } from './background-tasks.ts';
import type { ConsumerState, Member } from './member.ts';
import { mayReceive, type PolicyState } from './routing-policy.ts';

/**
 * The routing policy decides who may receive whom (caucus isolation); on top of that a member in
 * 仅语音 takes no video. It can only take away what the policy allows, never add to it.
 */
function wants(state: PolicyState, receiver: Member, sender: Member, kind: 'audio' | 'video'): boolean {
  if (kind === 'video' && receiver.audioOnly) return false;
  return mayReceive(state, receiver.peerId, sender.peerId);
}

export interface MediaSyncPort {
  members(): Member[];
  policyState(): PolicyState;
  closed(): boolean;
  /** Consumers changed: tell members who receives them. */
  audiencesChanged(): void;
}

export class MediaSync {
  readonly #port: MediaSyncPort;
  readonly #tasks: BackgroundTasks;
  readonly #ackTimeoutMs: number;
  /** Serialises reconciliations so concurrent changes never double-create. */
  #queue: Promise<void> = Promise.resolve();
  /** The reconciliation queued and not started yet: later callers share it (it reads the state as it starts). */
  #pending: Promise<{ breakMs: number }> | null = null;

  constructor(port: MediaSyncPort, tasks: BackgroundTasks, ackTimeoutMs: number) {
    this.#port = port;
    this.#tasks = tasks;
    this.#ackTimeoutMs = ackTimeoutMs;
  }

  /**
   * Makes live consumers match what the routing policy allows, break before make: every
   * consumer that became forbidden is paused on the server (or closed if its sender left)
   * before any newly allowed one is resumed or created. Resolves with the break time (every
   * pause acknowledged by the worker).
   */
  sync(): Promise<{ breakMs: number }> {
    // One waiting run covers every change made before it starts: with many changes at once (three
    // people producing, consumers acknowledged) a resume waits for one run, not for one per change.
    if (this.#pending) return this.#pending;
    const run = this.#queue.then(() => {
      this.#pending = null;
      return this.#reconcile();
    });
    this.#pending = run;
    // The queue goes on after a failed run; the failure itself reaches this run's callers.
    this.#queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async #reconcile(): Promise<{ breakMs: number }> {
    const started = performance.now();
    if (this.#port.closed()) return { breakMs: 0 };
    const state = this.#port.policyState();
    const members = this.#port.members();
    const owners = new Map<string, { sender: Member; kind: 'audio' | 'video' }>();
    for (const sender of members) for (const p of sender.media?.producers() ?? []) owners.set(p.id, { sender, kind: p.kind });

    // Break: stop everything that is no longer allowed, all at once, and wait for the worker.
    const stops: Promise<unknown>[] = [];
    for (const receiver of members) {
      for (const [producerId, c] of receiver.consumers) {
        const owner = owners.get(producerId);
        if (!owner) {
          receiver.consumers.delete(producerId);
          receiver.media?.getConsumer(c.consumerId)?.close('producer-closed');
        } else if (c.resumed && !wants(state, receiver, owner.sender, owner.kind)) {
          c.resumed = false;
          stops.push(this.#unlessGone(receiver, c.consumerId, 'pause', () => receiver.media!.pauseConsumer(c.consumerId)));
          receiver.socket?.emit('media:consumerPaused', { consumerId: c.consumerId, paused: true });
        }
      }
    }
    const broken = Promise.all(stops).then(() => performance.now() - started);

    // Make: resume what is allowed again, create what is newly allowed. Sent right behind the
    // pauses, without waiting for their replies: a worker takes requests in the order they are
    // sent, so on each worker every pause is applied before the first resume — and a resume
    // only opens what the new state allows, so waiting held newly allowed video back by a round
    // trip and isolated nothing more. Streams that keep flowing are settled before any resume,
    // so the bitrate split a resume triggers favours them: a switch never takes a layer from a
    // continuing stream.
    const receivers = members.filter((r) => r.media && r.recvTransportId && r.rtpCapabilities && r.socket);
    const allowed = (receiver: Member) => [...owners].filter(([, { sender, kind }]) => wants(state, receiver, sender, kind));
    const settles: Promise<unknown>[] = [];
    for (const receiver of receivers) {
      for (const [producerId] of allowed(receiver)) {
        const c = receiver.consumers.get(producerId);
        if (c?.resumed) settles.push(this.#unlessGone(receiver, c.consumerId, 'settle', () => receiver.media?.settleConsumer(c.consumerId)));
      }
    }
    const starts: Promise<unknown>[] = [...settles];
    for (const receiver of receivers) {
      for (const [producerId, { sender }] of allowed(receiver)) {
        const c = receiver.consumers.get(producerId);
        if (!c) starts.push(this.#startConsumer(receiver, producerId, sender.peerId));
        else if (c.acked && !c.resumed) {
          c.resumed = true;
          starts.push(this.#resume(receiver, c));
        }
      }
    }
    const [breakMs] = await Promise.all([broken, Promise.all(starts)]);
    this.#port.audiencesChanged();
    return { breakMs };
  }

  async #resume(receiver: Member, c: ConsumerState): Promise<void> {
    await this.#unlessGone(receiver, c.consumerId, 'resume', () => receiver.media?.resumeConsumer(c.consumerId));
    const producerPaused = receiver.media?.getConsumer(c.consumerId)?.producerPaused ?? false;
    receiver.socket?.emit('media:consumerPaused', { consumerId: c.consumerId, paused: producerPaused });
  }

  /**
   * Pausing or resuming a consumer that closed meanwhile (its receiver or sender left, a
   * transport was replaced) fails, and that is fine: it is gone. Any other failure is logged.
   */
  async #unlessGone(receiver: Member, consumerId: string, what: 'pause' | 'resume' | 'settle', step: () => Promise<unknown> | undefined): Promise<void> {
    try {
      await step();
    } catch (err) {
      if (!receiver.media?.getConsumer(consumerId)) return;
      this.#tasks.log.warn({ peerId: receiver.peerId, consumerId, err }, `live room: could not ${what} a consumer`);
    }
  }

  async #startConsumer(receiver: Member, producerId: string, senderPeerId: string): Promise<void> {
    const media = receiver.media!;
    let c;
    try {
      c = await media.consume({ transportId: receiver.recvTransportId!, producerId, rtpCapabilities: receiver.rtpCapabilities as never });
    } catch (err) {
      if ((err as { code?: string }).code === 'CANNOT_CONSUME') return; // e.g. H264-only device and VP8 producer
      throw err;
    }
    const state: ConsumerState = { consumerId: c.consumerId, acked: false, resumed: false };
    receiver.consumers.set(producerId, state);
    const params: ConsumerParams = {
      consumerId: c.consumerId,
      producerId,
      peerId: senderPeerId,
      kind: c.kind,
      source: c.source,
      rtpParameters: c.rtpParameters as Record<string, unknown>,
      producerPaused: c.producerPaused,
    };
    // The client's ack may take seconds: this reconciliation does not wait for it.
    const socket = receiver.socket!;
    const reply = socket.request('media:newConsumer', params, this.#ackTimeoutMs);
    this.#tasks.run('wait for a consumer ack', () => this.#whenAcked(receiver, producerId, state, reply));
  }

  /**
   * Resume once the client has the consumer — if it is still allowed by then. The decision goes
   * through the same queue as transitions, so a caucus move cannot interleave with it. A client
   * that refuses or does not answer in time loses the consumer.
   */
  async #whenAcked(receiver: Member, producerId: string, state: ConsumerState, reply: Promise<unknown>): Promise<void> {
    const acked = await reply.then(
      (r) => (r as { ok?: unknown } | null)?.ok === true,
      () => false, // timed out or the socket went: the same as a refusal
    );
    if (!acked) {
      if (receiver.consumers.get(producerId) === state) {
        receiver.consumers.delete(producerId);
        receiver.media?.getConsumer(state.consumerId)?.close('not-acknowledged');
      }
      return;
    }
    state.acked = true;
    await this.sync();
  }
}
