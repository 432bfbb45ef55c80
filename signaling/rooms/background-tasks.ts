// The one way a live room starts work nobody waits for: a timer that ends a reconnect grace,
// a socket that closed, a consumer waiting for its client's ack, state kept for failover.
// Each task is named; its failure is logged with the room's context and that name — never
// unhandled, never silently swallowed.

/** The narrow logger a room needs (pino's `app.log` fits). */
export interface TaskLog {
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** For rooms built without a logger (tests): report to stderr rather than nowhere. */
export const consoleTaskLog: TaskLog = {
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

export class BackgroundTasks {
  readonly #log: TaskLog;
  readonly #context: Record<string, unknown>;

  constructor(log: TaskLog, context: Record<string, unknown>) {
    this.#log = log;
    this.#context = context;
  }

  get log(): TaskLog {
    return this.#log;
  }

  /** Starts `task` now (synchronously, like a call); a failure is logged as `what`, with the room's context. */
  run(what: string, task: () => Promise<unknown>): void {
    const report = (err: unknown) => this.#log.error({ ...this.#context, task: what, err }, `live room: ${what} failed`);
    try {
      task().then(undefined, report);
    } catch (err) {
      report(err);
    }
  }
}
