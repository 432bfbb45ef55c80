// How the process meets what nobody handled, and how it stops.
//
// - An unhandled promise rejection is a bug somewhere (every detached task has an owner:
//   detached.ts, rooms/background-tasks.ts), but one lost write must not take every live room
//   down with it: it is logged (level error, `processFault: 'unhandledRejection'`) and the server
//   keeps running.
// - An uncaught exception may have left any state half-changed: it is logged (level fatal,
//   `processFault: 'uncaughtException'`) and the process exits 1 once the log is written; the
//   supervisor (systemd, Docker) restarts it.
// - SIGTERM/SIGINT stop gracefully: the server stops accepting, tells room clients it is
//   restarting, finishes in-flight writes, closes its workers and exits 0 — or 1 if that takes
//   longer than the stop timeout or fails.

/** The narrow logger this needs (pino's `app.log` fits). */
export interface GuardLog {
  info(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
  fatal(obj: Record<string, unknown>, msg: string): void;
  flush?(cb?: (err?: Error) => void): void;
}

export interface Stoppable {
  close(): Promise<void>;
}

export interface ProcessGuardOptions {
  /** A stop that takes longer than this exits 1 anyway (default 25 s; container runtimes usually kill after 30 s). */
  stopTimeoutMs?: number;
  exit?: (code: number) => void;
}

export function installProcessGuards(server: Stoppable, log: GuardLog, options: ProcessGuardOptions = {}): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const stopTimeoutMs = options.stopTimeoutMs ?? 25_000;
  const flushThenExit = (code: number) => {
    if (!log.flush) return exit(code);
    log.flush(() => exit(code));
  };

  const onRejection = (reason: unknown) => {
    log.error({ processFault: 'unhandledRejection', err: reason }, 'unhandled promise rejection (a bug): logged, the server keeps running');
  };
  const onException = (err: Error, origin: string) => {
    log.fatal({ processFault: 'uncaughtException', origin, err }, 'uncaught exception: exiting (the supervisor restarts the server)');
    flushThenExit(1);
  };

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return; // a second signal changes nothing: the stop timeout bounds it
    stopping = true;
    log.info({ signal, stopTimeoutMs }, 'stopping: no new connections, telling room clients, finishing writes');
    const timer = setTimeout(() => {
      log.error({ signal, stopTimeoutMs }, 'stop took too long: exiting');
      flushThenExit(1);
    }, stopTimeoutMs);
    timer.unref();
    server.close().then(
      () => {
        clearTimeout(timer);
        log.info({ signal }, 'stopped cleanly');
        flushThenExit(0);
      },
      (err: unknown) => {
        clearTimeout(timer);
        log.error({ signal, err }, 'stop failed');
        flushThenExit(1);
      },
    );
  };

  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
