// The room session's lifecycle — connect, join, re-join after a drop, leave — as one explicit
// state machine: the phases and every allowed move are the table below, in one place. Pure (no
// socket, no timers): socket-session.ts feeds it what happens and acts on the phase it is in.
//
//   idle ─start─▶ connecting ─connected─▶ joining ─joined─▶ joined
//                                           │  ▲                │
//                               join-failed │  │ retry          │ disconnected
//                                           ▼  │                ▼
//                                         join-wait ─disconnected─▶ offline ─connected─▶ joining
//   joining ─disconnected─▶ offline
//   every phase but leaving/closed ──leave──▶ leaving ──close──▶ closed
//   every phase but closed ──close──▶ closed   (ended, denied, removed, a final refusal, destroy)
//
// The UI's RoomStatus (connecting / lobby / admitted / a final screen) is what the server said
// about my place; the phase is where the socket session is. `joined` covers lobby and admitted.

export type Phase =
  /** Created; start() not called yet. */
  | 'idle'
  /** Connecting for the first time (socket.io retries by itself; never connected yet). */
  | 'connecting'
  /** Connected; `room:join` is in flight. */
  | 'joining'
  /** Connected; the join failed in a way that waiting can change, and is tried again shortly. */
  | 'join-wait'
  /** In the room: waiting in the lobby or admitted. */
  | 'joined'
  /** Lost the socket after having connected; socket.io is reconnecting, then the room is re-joined. */
  | 'offline'
  /** leave() is telling the server. */
  | 'leaving'
  /** Over: nothing is joined or re-joined again. */
  | 'closed';

export type LifecycleEvent = 'start' | 'connected' | 'joined' | 'join-failed' | 'retry' | 'disconnected' | 'leave' | 'close';

/** The allowed moves. An event a phase does not list is ignored there (e.g. a late `connect` after leaving). */
export const TRANSITIONS: { readonly [P in Phase]: { readonly [E in LifecycleEvent]?: Phase } } = {
  idle: { start: 'connecting', leave: 'leaving', close: 'closed' },
  connecting: { connected: 'joining', leave: 'leaving', close: 'closed' },
  joining: { joined: 'joined', 'join-failed': 'join-wait', disconnected: 'offline', leave: 'leaving', close: 'closed' },
  'join-wait': { retry: 'joining', disconnected: 'offline', leave: 'leaving', close: 'closed' },
  joined: { disconnected: 'offline', leave: 'leaving', close: 'closed' },
  offline: { connected: 'joining', leave: 'leaving', close: 'closed' },
  leaving: { close: 'closed' },
  closed: {},
};

export function nextPhase(phase: Phase, event: LifecycleEvent): Phase | null {
  return TRANSITIONS[phase][event] ?? null;
}

/** The machine with the little it remembers across phases. */
export class RoomLifecycle {
  #phase: Phase = 'idle';
  #joinedOnce = false;
  #attempt = 0;
  #admittedDuringJoin = false;

  get phase(): Phase {
    return this.#phase;
  }

  get closed(): boolean {
    return this.#phase === 'closed';
  }

  /** Some join succeeded: a later drop is a reconnect (banner, place kept) and leaving tells the server. */
  get joinedOnce(): boolean {
    return this.#joinedOnce;
  }

  /** Numbers the joins, so that the answer to an abandoned one is recognised and dropped. */
  get attempt(): number {
    return this.#attempt;
  }

  /** Makes the move `event` allows from here; false (and no change) when it is not allowed. */
  fire(event: LifecycleEvent): boolean {
    const to = nextPhase(this.#phase, event);
    if (!to) return false;
    if (to === 'joining') {
      this.#attempt++;
      this.#admittedDuringJoin = false;
    }
    if (to === 'joined') this.#joinedOnce = true;
    this.#phase = to;
    return true;
  }

  /** The answer to join `attempt` still matters (that join is the one in flight). */
  isCurrentJoin(attempt: number): boolean {
    return this.#phase === 'joining' && attempt === this.#attempt;
  }

  /**
   * `room:admitted` can be decoded in the same socket.io batch as the join reply, before the
   * reply's continuation runs: while joining it is remembered here (true) for that reply.
   */
  noteAdmitted(): boolean {
    if (this.#phase !== 'joining') return false;
    this.#admittedDuringJoin = true;
    return true;
  }

  get admittedDuringJoin(): boolean {
    return this.#admittedDuringJoin;
  }
}
