// Makes a producer consumable on the other routers of its room with
// router.pipeToRouter: one pipe per (producer, target router), shared by every
// consumer of that producer there. The piped producer keeps the original's id,
// and mediasoup forwards pause/resume and close through the pipe.
import type { types } from 'mediasoup';

interface Pipe {
  /** Reads the original producer on its own router. */
  pipeConsumer: types.Consumer;
  /** The original's twin (same id) on the target router. */
  pipeProducer: types.Producer;
}

interface Entry {
  opening: Promise<void>;
  pipe?: Pipe;
}

export class ProducerPipes {
  /** producer id → target router → its pipe, open or opening. */
  readonly #entries = new Map<string, Map<types.Router, Entry>>();

  /** Open and opening pipes (for tests and metrics). */
  get size(): number {
    let size = 0;
    for (const byTarget of this.#entries.values()) size += byTarget.size;
    return size;
  }

  /**
   * Resolves once `producerId` (living on `source`) can be consumed on `target`.
   * Concurrent callers for the same pair share one pipeToRouter (a second one
   * would fail: the id already exists on the target).
   */
  ensure(producerId: string, source: types.Router, target: types.Router): Promise<void> {
    let byTarget = this.#entries.get(producerId);
    if (!byTarget) {
      byTarget = new Map();
      this.#entries.set(producerId, byTarget);
    }
    const existing = byTarget.get(target);
    if (existing) return existing.opening;
    const entry = {} as Entry; // `opening` is set right below, before anyone reads it
    byTarget.set(target, entry);
    entry.opening = this.#open(producerId, source, target, entry);
    return entry.opening;
  }

  /**
   * The original producer closed: close its pipes now rather than when the
   * worker's 'producerclose' reaches the pipe consumers, so target routers are
   * clean at once.
   */
  closeProducer(producerId: string): void {
    const byTarget = this.#entries.get(producerId);
    if (!byTarget) return;
    this.#entries.delete(producerId);
    for (const { pipe } of byTarget.values()) if (pipe) closePipe(pipe);
  }

  async #open(producerId: string, source: types.Router, target: types.Router, entry: Entry): Promise<void> {
    let pipe: Pipe;
    try {
      const { pipeConsumer, pipeProducer } = await source.pipeToRouter({ producerId, router: target });
      pipe = { pipeConsumer: pipeConsumer!, pipeProducer: pipeProducer! };
    } catch (error) {
      this.#forget(producerId, target, entry);
      throw error;
    }
    if (this.#entries.get(producerId)?.get(target) !== entry) {
      // The producer closed while the pipe was being built.
      closePipe(pipe);
      throw new Error(`producer ${producerId} closed while being piped`);
    }
    entry.pipe = pipe;
    // Closing either router (or the pipe transports) closes the pipe producer;
    // mediasoup ties the pipe consumer to it.
    pipe.pipeProducer.observer.once('close', () => this.#forget(producerId, target, entry));
  }

  #forget(producerId: string, target: types.Router, entry: Entry): void {
    const byTarget = this.#entries.get(producerId);
    if (byTarget?.get(target) !== entry) return;
    byTarget.delete(target);
    if (byTarget.size === 0) this.#entries.delete(producerId);
  }
}

function closePipe({ pipeConsumer, pipeProducer }: Pipe): void {
  pipeConsumer.close();
  pipeProducer.close();
}
