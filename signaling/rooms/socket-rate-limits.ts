// Per-connection rate limits on what members write in a room: chat, the sides' notepads and
// caucus knocks. A token bucket per connection and kind: a short burst is fine, a flood is
// refused with RATE_LIMITED (the connection stays; the client may try again shortly).
import { DomainError } from '../errors.ts';
import type { ClientRequestName } from '../protocol/room.ts';

interface Bucket {
  /** Requests allowed in a burst. */
  capacity: number;
  /** One request is given back every this many milliseconds. */
  refillMs: number;
}

/** The limited requests (others — media, lobby, caucus control — are bounded by the room itself). */
export const ROOM_RATE_LIMITS: Partial<Record<ClientRequestName, Bucket>> = {
  'chat:send': { capacity: 10, refillMs: 1_000 },
  'notepad:update': { capacity: 20, refillMs: 500 },
  'caucus:carry': { capacity: 10, refillMs: 2_000 },
  'caucus:knock': { capacity: 3, refillMs: 20_000 },
};

const MESSAGES: Partial<Record<ClientRequestName, string>> = {
  'chat:send': '发送消息过于频繁，请稍后再发',
  'notepad:update': '记事本保存过于频繁，请稍后再试',
  'caucus:carry': '转达过于频繁，请稍后再试',
  'caucus:knock': '已提醒调解员，请稍候再敲门',
};

/** The buckets of one connection. */
export class SocketRateLimits {
  readonly #levels = new Map<ClientRequestName, { tokens: number; at: number }>();

  constructor(
    private readonly limits: Partial<Record<ClientRequestName, Bucket>> = ROOM_RATE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `event`, or refuses with RATE_LIMITED. */
  take(event: ClientRequestName): void {
    const limit = this.limits[event];
    if (!limit) return;
    const now = this.now();
    const level = this.#levels.get(event) ?? { tokens: limit.capacity, at: now };
    const tokens = Math.min(limit.capacity, level.tokens + (now - level.at) / limit.refillMs);
    if (tokens < 1) {
      this.#levels.set(event, { tokens, at: now });
      throw new DomainError('RATE_LIMITED', MESSAGES[event]);
    }
    this.#levels.set(event, { tokens: tokens - 1, at: now });
  }
}
