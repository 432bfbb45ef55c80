// Authenticity of what nodes tell each other over Redis. Whoever can reach Redis could otherwise
// publish a forwarded room request as any staff member, or an agreement update, to every node.
// Each message carries an HMAC-SHA256 (key shared by all nodes: CLUSTER_HMAC_KEY, or derived from
// the shared secrets file) over the channel, a timestamp, a random nonce and the payload. A
// receiver drops what is unsigned, forged, for another channel, outside the time window or seen
// before (replay), and counts the drop by reason — it never throws inside a Redis handler.
//
// Layout: version (1) | timestamp ms (8, big-endian) | nonce (12) | mac (32) | payload.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 1;
const HEADER = 1 + 8 + 12 + 32;
/** How far a message's timestamp may be from this node's clock (clock skew + Redis delay). */
export const MESSAGE_WINDOW_MS = 30_000;

export type DropReason = 'unsigned' | 'bad-signature' | 'stale' | 'replayed' | 'malformed';

export type Opened = { ok: true; payload: Buffer } | { ok: false; reason: DropReason };

/** The key every node derives the same way: from CLUSTER_HMAC_KEY if set, else from the shared secrets file. */
export function clusterKey(configured: string | undefined, tokenKey: string): Buffer {
  const ikm = Buffer.from(configured ?? tokenKey, 'utf8');
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'jiefen cluster messages v1', 32));
}

export class MessageAuth {
  /** Nonces seen within the window, with when they expire. */
  readonly #seen = new Map<string, number>();
  readonly #drops = new Map<DropReason, number>();

  constructor(
    private readonly key: Buffer,
    /** Told of every drop (the channel names a node or a document, never content). */
    private readonly onDrop: (reason: DropReason, channel: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  seal(channel: string, payload: Buffer | string): Buffer {
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const head = Buffer.alloc(1 + 8 + 12);
    head[0] = VERSION;
    head.writeBigUInt64BE(BigInt(this.now()), 1);
    randomBytes(12).copy(head, 9);
    return Buffer.concat([head, this.#mac(channel, head, body), body]);
  }

  /**
   * The payload of a message received on `channel`, or why it is dropped. `stored`: a value kept
   * in Redis (e.g. a room's state) rather than a message in flight — no time window, no replay check.
   */
  open(channel: string, message: Buffer, stored = false): Opened {
    const verdict = this.#open(channel, message, stored);
    if (!verdict.ok) this.#drop(verdict.reason, channel);
    return verdict;
  }

  /** Dropped messages so far, by reason (for /metrics). */
  drops(): ReadonlyMap<DropReason, number> {
    return this.#drops;
  }

  #open(channel: string, message: Buffer, stored: boolean): Opened {
    if (message.length < HEADER || message[0] !== VERSION) return { ok: false, reason: 'unsigned' };
    const head = message.subarray(0, 21);
    const mac = message.subarray(21, HEADER);
    const body = message.subarray(HEADER);
    if (!timingSafeEqual(mac, this.#mac(channel, head, body))) return { ok: false, reason: 'bad-signature' };
    if (stored) return { ok: true, payload: body };
    const now = this.now();
    if (Math.abs(now - Number(head.readBigUInt64BE(1))) > MESSAGE_WINDOW_MS) return { ok: false, reason: 'stale' };
    const nonce = head.subarray(9, 21).toString('base64');
    this.#forgetExpired(now);
    if (this.#seen.has(nonce)) return { ok: false, reason: 'replayed' };
    this.#seen.set(nonce, now + 2 * MESSAGE_WINDOW_MS);
    return { ok: true, payload: body };
  }

  #mac(channel: string, head: Buffer, body: Buffer): Buffer {
    return createHmac('sha256', this.key).update(channel).update('\0').update(head).update(body).digest();
  }

  #forgetExpired(now: number): void {
    // Insertion order is expiry order: stop at the first one still live.
    for (const [nonce, expires] of this.#seen) {
      if (expires > now) break;
      this.#seen.delete(nonce);
    }
  }

  /** A short tag binding `value` (e.g. a room owner's id) to this cluster's key. */
  tag(value: string): string {
    return createHmac('sha256', this.key).update('tag\0').update(value).digest().subarray(0, 16).toString('base64url');
  }

  /** A message that was authentic but did not match its schema (a bug, or a node of another version). */
  malformed(channel: string): void {
    this.#drop('malformed', channel);
  }

  #drop(reason: DropReason, channel: string): void {
    this.#drops.set(reason, (this.#drops.get(reason) ?? 0) + 1);
    this.onDrop(reason, channel);
  }
}
