// Requests between server nodes over Redis pub/sub. Each node listens on its own channel;
// replies and one-way messages to a node travel on that node's channel too, so everything
// one node sends another arrives in the order it was sent (one publishing connection).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { runDetached, stderrLog, type DetachedLog } from '../detached.ts';

type Message =
  | { t: 'call'; id: string; from: string; method: string; args: unknown }
  | { t: 'send'; from: string; method: string; args: unknown }
  | { t: 'reply'; id: string; ok: true; result: unknown }
  | { t: 'reply'; id: string; ok: false; error: string };

type Handler = (args: unknown, from: string) => unknown;

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
  readonly #onMessage = (channel: string, raw: string) => {
    if (channel === channelOf(this.nodeId)) runDetached(this.log, 'node rpc: handle a message', () => this.#receive(raw));
  };

  private constructor(
    readonly nodeId: string,
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly log: DetachedLog,
  ) {}

  static async start(nodeId: string, publisher: Redis, subscriber: Redis, log: DetachedLog = stderrLog): Promise<NodeRpc> {
    const rpc = new NodeRpc(nodeId, publisher, subscriber, log);
    subscriber.on('message', rpc.#onMessage);
    await subscriber.subscribe(channelOf(nodeId));
    return rpc;
  }

  handle(method: string, handler: Handler): void {
    this.#handlers.set(method, handler);
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
    this.subscriber.off('message', this.#onMessage);
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new Error('node shutting down'));
      this.#pending.delete(id);
    }
    await this.subscriber.unsubscribe(channelOf(this.nodeId)).catch((err: unknown) => this.log.error({ err }, 'node rpc: unsubscribe on close failed'));
  }

  async #publish(nodeId: string, message: Message): Promise<boolean> {
    const receivers = await this.publisher.publish(channelOf(nodeId), JSON.stringify(message));
    return receivers > 0;
  }

  async #receive(raw: string): Promise<void> {
    let message: Message;
    try {
      message = JSON.parse(raw) as Message;
    } catch {
      return; // only nodes publish here; a garbled message is dropped
    }
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
    if (message.t === 'send') {
      try {
        await handler?.(message.args, message.from);
      } catch (err) {
        // one-way: nobody to tell but the log
        this.log.error({ method: message.method, from: message.from, err }, 'node rpc: a one-way message failed');
      }
      return;
    }
    try {
      if (!handler) throw new Error(`no handler for ${message.method}`);
      const result = await handler(message.args, message.from);
      await this.#publish(message.from, { t: 'reply', id: message.id, ok: true, result: result ?? null });
    } catch (err) {
      await this.#publish(message.from, { t: 'reply', id: message.id, ok: false, error: (err as Error).message }).catch((publishErr: unknown) =>
        // The caller times out on its own; the log keeps why it got no answer.
        this.log.error({ method: message.method, from: message.from, err: publishErr }, 'node rpc: could not send an error reply'),
      );
    }
  }
}
