// The node's Redis connections: one for commands and publishing, one for subscriptions
// (a subscribed ioredis connection cannot run other commands).
import { Redis } from 'ioredis';

export interface RedisLink {
  command: Redis;
  subscriber: Redis;
  close(): Promise<void>;
}

export async function connectRedis(url: string): Promise<RedisLink> {
  // Keep retrying while the node runs (a Redis restart must not take the node down).
  const options = { lazyConnect: true, maxRetriesPerRequest: 3, retryStrategy: (times: number) => Math.min(times * 200, 2_000) };
  const command = new Redis(url, { ...options, connectionName: 'jiefen-command' });
  const subscriber = new Redis(url, { ...options, connectionName: 'jiefen-subscriber' });
  try {
    await Promise.all([command.connect(), subscriber.connect()]);
  } catch (err) {
    command.disconnect();
    subscriber.disconnect();
    throw new Error(`无法连接 Redis（${redact(url)}）：${(err as Error).message}`);
  }
  return {
    command,
    subscriber,
    async close() {
      await Promise.allSettled([command.quit(), subscriber.quit()]);
    },
  };
}

/** The URL without its password, for logs and errors. */
export function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
