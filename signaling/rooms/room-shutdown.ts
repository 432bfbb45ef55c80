// The room side of a graceful stop: once it begins, new requests are refused (SERVER_RESTARTING,
// which clients retry after reconnecting), and the requests already being served — each may be
// writing an audit row or a chat message — are waited for, so what was acknowledged is on disk
// and what was started gets its answer.
export class RoomShutdown {
  #stopping = false;
  readonly #inFlight = new Set<Promise<unknown>>();

  get stopping(): boolean {
    return this.#stopping;
  }

  begin(): void {
    this.#stopping = true;
  }

  /** Counts `reply` as in flight until it settles; returns it unchanged. */
  track<T>(reply: Promise<T>): Promise<T> {
    this.#inFlight.add(reply);
    const done = () => this.#inFlight.delete(reply);
    reply.then(done, done);
    return reply;
  }

  /** Resolves when every tracked request has settled, or after `timeoutMs` (a stop must end). */
  async inFlightDone(timeoutMs: number): Promise<void> {
    if (this.#inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.#inFlight]), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }
}
