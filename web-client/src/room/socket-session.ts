// The /room socket and my place in the room: connecting, joining, trying a join again, re-joining
// after a drop, leaving — driven through the lifecycle state machine (room-lifecycle.ts), which
// alone decides what each socket event may still do. What a join brings (lobby or admitted) and
// how the room ends are the room client's: it hears them through SessionHooks.
import type { Socket } from 'socket.io-client';
import { isErrorCode, isRetryable } from '../../../signaling/errors.ts';
import { roomRequest, RoomRequestError, type ClientRequestName, type RequestOf, type ResponseOf } from './protocol.ts';
import { RoomLifecycle, type LifecycleEvent, type Phase } from './room-lifecycle.ts';
import type { RoomStore } from './room-store.ts';
import { joinMode } from './media-devices.ts';

export const CONNECT_RETRY_MESSAGE = '暂时无法连接服务器，正在重试…';
const JOIN_RETRY_MS = 2_000;
const LEAVE_TIMEOUT_MS = 3_000;
const PROBE_TIMEOUT_MS = 4_000;
const hasCjk = (s: string) => /[\u3400-\u9fff]/.test(s);

export type JoinReply = ResponseOf<'room:join'>;

export interface SessionHooks {
  /** A join was answered (the status already counts an admission that overtook the answer). */
  joined(reply: JoinReply): Promise<void>;
  /** The session cannot go on: the room has ended, or a refusal that waiting cannot change. */
  failed(status: 'ended' | 'error', message: string, code: string): void;
}

export class SocketSession {
  readonly socket: Socket;
  readonly #caseId: string;
  readonly #store: RoomStore;
  readonly #hooks: SessionHooks;
  readonly #life = new RoomLifecycle();
  /** Set only while in `join-wait`. */
  #retryTimer = 0;

  constructor(socket: Socket, caseId: string, store: RoomStore, hooks: SessionHooks) {
    this.socket = socket;
    this.#caseId = caseId;
    this.#store = store;
    this.#hooks = hooks;
  }

  get phase(): Phase {
    return this.#life.phase;
  }

  get closed(): boolean {
    return this.#life.closed;
  }

  /** In the room (lobby or admitted) with the socket up; not joining, leaving or closed. */
  get inRoom(): boolean {
    return this.#life.phase === 'joined';
  }

  /** Neither leaving nor closed. */
  get alive(): boolean {
    return this.#life.phase !== 'leaving' && this.#life.phase !== 'closed';
  }

  request = <E extends ClientRequestName>(event: E, payload: RequestOf<E>, timeoutMs?: number): Promise<ResponseOf<E>> =>
    roomRequest(this.socket, event, payload, timeoutMs);

  #fire(event: LifecycleEvent): boolean {
    if (!this.#life.fire(event)) return false;
    window.clearTimeout(this.#retryTimer); // whatever the move, join-wait's timer is over
    return true;
  }

  /** Listens to the socket's own events; false when already started (or over). Then call connect(). */
  start(): boolean {
    if (!this.#fire('start')) return false;
    this.socket.on('connect', () => this.#onConnect());
    this.socket.on('disconnect', (reason) => this.#onDisconnect(reason));
    this.socket.on('connect_error', (err: Error & { data?: { code?: string } }) => this.#onConnectError(err));
    return true;
  }

  /**
   * An early socket (early-socket.ts) may be connected already: then the join goes out now; or still
   * connecting: then its 'connect' brings the join. Connecting it again would send the namespace's
   * CONNECT a second time (socket.io-client does when its engine is open) — the server then holds
   * two sockets for me, and the first join is lost with a reconnect.
   */
  connect(): void {
    if (this.socket.connected) this.#onConnect();
    else if (!this.socket.active) this.socket.connect();
  }

  /** `room:admitted` arrived: true when a join is in flight (its answer will count it). */
  noteAdmitted(): boolean {
    return this.#life.noteAdmitted();
  }

  #onConnect(): void {
    if (!this.#fire('connected')) return;
    this.#store.patch({ online: true });
    this.#join().catch((err: unknown) => console.error('[room] join failed', err));
  }

  #onDisconnect(reason: Socket.DisconnectReason): void {
    if (this.#life.closed) return;
    this.#fire('disconnected');
    this.#store.patch({ online: false, reconnecting: this.#life.joinedOnce });
    // The server closed the socket: socket.io does not retry by itself in that case.
    if (reason === 'io server disconnect' && this.#life.phase === 'offline') this.socket.connect();
  }

  #onConnectError(err: Error & { data?: { code?: string } }): void {
    if (this.#life.closed) return;
    if (!this.socket.active) {
      // Refused by the server's auth middleware: retrying will not help.
      const msg = err.message && hasCjk(err.message) ? err.message : '无法进入调解室，请确认链接有效或重新登录';
      this.#hooks.failed('error', msg, err.data?.code ?? 'NOT_AUTHENTICATED');
    } else if (this.#life.phase === 'connecting' && this.#store.state.message !== CONNECT_RETRY_MESSAGE) {
      this.#store.patch({ message: CONNECT_RETRY_MESSAGE });
    }
  }

  async #join(): Promise<void> {
    const attempt = this.#life.attempt;
    let reply: JoinReply;
    try {
      const { audioTrack, videoTrack } = this.#store.state.local;
      // How I take part (文字模式, 仅语音…): those who lead the room see it on my tile.
      reply = await this.request('room:join', { caseId: this.#caseId, mode: joinMode(!!audioTrack, !!videoTrack) });
    } catch (err) {
      if (!this.#life.isCurrentJoin(attempt)) return; // dropped, left or closed meanwhile
      const e = err instanceof RoomRequestError ? err : new RoomRequestError('UNKNOWN', '进入调解室失败');
      if (e.code === 'ROOM_ENDED') return this.#hooks.failed('ended', e.message, e.code);
      // A refusal from the server's table that waiting cannot change ends the attempt; transport
      // trouble (offline, timeout, unknown) and retryable codes are tried again.
      if (isErrorCode(e.code) && !isRetryable(e.code)) return this.#hooks.failed('error', e.message, e.code);
      this.#fire('join-failed');
      this.#retryTimer = window.setTimeout(() => {
        if (this.#fire('retry')) this.#join().catch((error: unknown) => console.error('[room] join failed', error));
      }, JOIN_RETRY_MS);
      return;
    }
    if (!this.#life.isCurrentJoin(attempt)) return;
    const admitted = this.#life.admittedDuringJoin;
    this.#fire('joined');
    await this.#hooks.joined(reply.status === 'lobby' && admitted ? { ...reply, status: 'admitted' } : reply);
  }

  /**
   * Back from the background: a socket that says it is connected may have died while the phone
   * slept (its heartbeat takes up to a minute to notice). One request proves it; no answer in
   * time → reconnect now (a re-join follows). A socket that gave up is started again.
   */
  recheck(): void {
    if (this.#life.closed || !this.alive) return;
    if (!this.socket.connected) {
      if (!this.socket.active) this.socket.connect();
      return;
    }
    const socket = this.socket;
    this.request('chat:history', {}, PROBE_TIMEOUT_MS).catch((err: unknown) => {
      // A refusal is an answer: the socket is alive. Only silence means it is not.
      if (!(err instanceof RoomRequestError) || (err.code !== 'TIMEOUT' && err.code !== 'OFFLINE')) return;
      if (this.#life.closed || socket !== this.socket || !socket.connected) return;
      console.warn('[room] socket silent after the background: reconnecting');
      socket.disconnect();
      socket.connect();
    });
  }

  /** Tells the server I am leaving (when I was in and can still say so); false when already leaving or over. */
  async leave(): Promise<boolean> {
    if (!this.#fire('leave')) return false;
    if (this.socket.connected && this.#life.joinedOnce) {
      try {
        await this.request('room:leave', {}, LEAVE_TIMEOUT_MS);
      } catch {
        // Leaving anyway: the server drops us after its grace period.
      }
    }
    return true;
  }

  /** Ends the session for good and closes the socket; false when it already was. */
  close(): boolean {
    if (!this.#fire('close')) return false;
    this.socket.disconnect();
    return true;
  }
}
