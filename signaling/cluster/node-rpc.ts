// Requests between server nodes over Redis pub/sub. Each node listens on its own channel;
// replies and one-way messages to a node travel on that node's channel too, so everything
// one node sends another arrives in the order it was sent (one publishing connection).
// Every message is signed (message-auth.ts) and checked against its schema, and so are the
// arguments of each method (given with its handler): anything else is dropped and counted.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { MessageAuth } from './message-auth.ts';
import { stderrLog, type DetachedLog } from '../detached.ts';

const NodeId = z.uuid();
const Message = z.union([
  z.object({ t: z.literal('call'), id: z.uuid(), from: NodeId, method: z.string().max(64), args: z.unknown() }).strict(),
  z.object({ t: z.literal('send'), from: NodeId, method: z.string().max(64), args: z.unknown() }).strict(),
  z.object({ t: z.literal('reply'), id: z.uuid(), ok: z.literal(true), result: z.unknown() }).strict(),
  z.object({ t: z.literal('reply'), id: z.uuid(), ok: z.literal(false), error: z.string() }).strict(),
]);
type Message = z.infer<typeof Message>;

interface Handler {
  args: z.ZodType;
  run(args: unknown, from: string): unknown;
}

/** The other node has no subscriber on Redis: it is gone (or cut off from Redis). */
export class NodeGoneError extends Error {
  constructor(readonly nodeId: string) {
    super(`node ${nodeId} is not connected to Redis`);
  }
}

export const channelOf = (nodeId: string) => `jiefen:node:${nodeId}`;

export class NodeRpc {
  readonly #handlers = new Map<string, Handler>();
  readonly #pending = new Map<string, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  readonly #onMessage = (channel: Buffer, raw: Buffer) => {
    // Never throws into the Redis client: a failure here is a dropped message, counted and logged.
    if (channel.toString() === channelOf(this.nodeId))
      this.#receive(raw).catch((err: unknown) => {
        this.auth.malformed(channelOf(this.nodeId));
        this.log.error({ err }, 'node rpc: a message could not be handled');
      });
  };

  private constructor(
    readonly nodeId: string,
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly auth: MessageAuth,
    private readonly log: DetachedLog,
  ) {}

  static async start(nodeId: string, publisher: Redis, subscriber: Redis, auth: MessageAuth, log: DetachedLog = stderrLog): Promise<NodeRpc> {
    const rpc = new NodeRpc(nodeId, publisher, subscriber, auth, log);
    subscriber.on('messageBuffer', rpc.#onMessage);
    await subscriber.subscribe(channelOf(nodeId));
    return rpc;
  }

  /** Serves `method`; arguments that do not match `args` are dropped (a call gets an error reply). */
  handle<S extends z.ZodType>(method: string, args: S, run: (args: z.infer<S>, from: string) => unknown): void {
    this.#handlers.set(method, { args, run: (a, from) => run(a as z.infer<S>, from) });
  }

  /** Calls `method` on another node; rejects with NodeGoneError when nobody listens there. */
  async call(nodeId: string, method: string, args: unknown, timeoutMs = 8_000): Promise<unknown> {
    const id = randomUUID();
    const result = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`node ${nodeId} did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
    });
    const delivered = await this.#publish(nodeId, { t: 'call', id, from: this.nodeId, method, args });
    if (!delivered) {
      const p = this.#pending.get(id);
      if (p) {
        clearTimeout(p.timer);
        this.#pending.delete(id);
        p.reject(new NodeGoneError(nodeId));
      }
    }
    return result;
  }

  /** One-way message; resolves false when the other node is gone. */
  send(nodeId: string, method: string, args: unknown): Promise<boolean> {
    return this.#publish(nodeId, { t: 'send', from: this.nodeId, method, args });
  }

  /** Whether a node is connected to Redis right now. */
  async isAlive(nodeId: string): Promise<boolean> {
    const reply = (await this.publisher.pubsub('NUMSUB', channelOf(nodeId))) as [string, number];
    return Number(reply[1]) > 0;
  }

  async close(): Promise<void> {
    this.subscriber.off('messageBuffer', this.#onMessage);
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new Error('node shutting down'));
      this.#pending.delete(id);
    }
    await this.subscriber.unsubscribe(channelOf(this.nodeId)).catch((err: unknown) => this.log.error({ err }, 'node rpc: unsubscribe on close failed'));
  }

  async #publish(nodeId: string, message: Message): Promise<boolean> {
    const channel = channelOf(nodeId);
    const receivers = await this.publisher.publish(channel, this.auth.seal(channel, JSON.stringify(message)));
    return receivers > 0;
  }

  /** The authentic, well-formed message in `raw`, or null (dropped and counted). */
  #open(raw: Buffer): Message | null {
    const channel = channelOf(this.nodeId);
    const opened = this.auth.open(channel, raw);
    if (!opened.ok) return null;
    let json: unknown;
    try {
      json = JSON.parse(opened.payload.toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = Message.safeParse(json);
    if (parsed.success) return parsed.data;
    this.auth.malformed(channel);
    return null;
  }

  async #receive(raw: Buffer): Promise<void> {
    const message = this.#open(raw);
    if (!message) return;
    if (message.t === 'reply') {
      const p = this.#pending.get(message.id);
      if (!p) return;
      clearTimeout(p.timer);
      this.#pending.delete(message.id);
      if (message.ok) p.resolve(message.result);
      else p.reject(new Error(message.error));
      return;
    }
    const handler = this.#handlers.get(message.method);
    const args = handler?.args.safeParse(message.args);
    if (args && !args.success) this.auth.malformed(channelOf(this.nodeId));
    if (message.t === 'send') {
      try {
        if (handler && args?.success) await handler.run(args.data, message.from);
      } catch (err) {
        // one-way: nobody to tell but the log
        this.log.error({ method: message.method, from: message.from, err }, 'node rpc: a one-way message failed');
      }
      return;
    }
    try {
      if (!handler) throw new Error(`no handler for ${message.method}`);
      if (!args?.success) throw new Error(`malformed arguments for ${message.method}`);
      const result = await handler.run(args.data, message.from);
      await this.#publish(message.from, { t: 'reply', id: message.id, ok: true, result: result ?? null });
    } catch (err) {
      await this.#publish(message.from, { t: 'reply', id: message.id, ok: false, error: (err as Error).message }).catch((publishErr: unknown) =>
        // The caller times out on its own; the log keeps why it got no answer.
        this.log.error({ method: message.method, from: message.from, err: publishErr }, 'node rpc: could not send an error reply'),
      );
    }
  }
}
