// Work nobody awaits (a publish to other nodes, a timer's follow-up, a relay catch-up) still has
// an owner for its failure: runDetached logs it with what it was and its context, so a full disk
// or a Redis outage is a log line — never an unhandled rejection, never silently swallowed.
// (Live rooms use their own BackgroundTasks, which adds the room's context: rooms/background-tasks.ts.)

/** The narrow logger detached work needs (pino's `app.log` fits). */
export interface DetachedLog {
  error(obj: Record<string, unknown>, msg: string): void;
}

/** For parts built without a logger (unit tests): stderr rather than nowhere. */
export const stderrLog: DetachedLog = { error: (obj, msg) => console.error(msg, obj) };

/** Lets `work` run on; if it fails, logs `what failed` with `context` and the error. */
export function runDetached(log: DetachedLog, what: string, work: Promise<unknown> | (() => Promise<unknown>), context: Record<string, unknown> = {}): void {
  const report = (err: unknown) => log.error({ ...context, task: what, err }, `${what} failed`);
  try {
    (typeof work === 'function' ? work() : work).then(undefined, report);
  } catch (err) {
    report(err);
  }
}
