// The time the deadline checks and the scheduled jobs go by. Production uses the system clock; tests
// use FakeClock and move it forward (`advance`) instead of sleeping: due timers fire at once, in
// order, and `now()` says the new time — so a three-day deadline is crossed in a millisecond.
// Only code that decides "is it due yet" reads this clock; timestamps of rows come from it too, so a
// test's history reads like the days it simulates.

export interface Clock {
  now(): Date;
  /** Calls `fn` once `ms` of this clock's time have passed; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  after(ms, fn) {
    // setTimeout's limit is 2^31-1 ms (~24.8 days): longer waits are clamped (callers re-check the time).
    const handle = setTimeout(fn, Math.min(Math.max(0, ms), 2 ** 31 - 1));
    handle.unref();
    return () => clearTimeout(handle);
  },
};

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that moves only when told. Timers due at the new time fire in time order, each once. */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: FakeTimer[] = [];

  constructor(start: Date | number = Date.UTC(2026, 11, 7, 1, 0, 0)) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  after(ms: number, fn: () => void): () => void {
    const timer: FakeTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Moves the time forward by `ms` and fires what became due (a timer set while firing fires too if due). */
  advance(ms: number): void {
    if (ms < 0) throw new Error('a clock does not go back');
    this.#now += ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= this.#now).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) return;
      this.#timers = this.#timers.filter((t) => t !== due);
      due.fn();
    }
  }

  advanceHours(hours: number): void {
    this.advance(hours * 3600_000);
  }

  /** Timers waiting (for tests of the clock itself). */
  get pending(): number {
    return this.#timers.length;
  }
}
