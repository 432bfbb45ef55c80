// Runs tasks one at a time per key (a document's server-side changes), each after the one
// before it settles, whether that succeeded or failed.
export class SerialQueue {
  /** Per key: the last queued task, settled (never rejects). */
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, settled);
    settled.then(() => {
      if (this.#tails.get(key) === settled) this.#tails.delete(key);
    });
    return run;
  }

  /** Resolves once every task queued so far has settled. */
  async drained(): Promise<void> {
    await Promise.allSettled([...this.#tails.values()]);
  }
}
