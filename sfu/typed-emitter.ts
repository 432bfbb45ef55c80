// A small typed event emitter in the spirit of mediasoup's EnhancedEventEmitter:
// events are a tuple map, and safeEmit() isolates listeners from each other and
// from the emitter. A throwing listener never breaks the close cascade that
// emitted the event; its error goes to 'listenererror' instead.
import { EventEmitter } from 'node:events';

export type EventMap = Record<string, unknown[]>;

/** Every emitter also has this event: an error thrown by a listener of `eventName`. */
export type ListenerErrorEvents = { listenererror: [eventName: string, error: Error] };

type AllEvents<E extends EventMap> = E & ListenerErrorEvents;
type Listener<E extends EventMap, K extends keyof AllEvents<E>> = (...args: AllEvents<E>[K]) => void;

export class TypedEmitter<E extends EventMap> {
  readonly #emitter = new EventEmitter();

  on<K extends keyof AllEvents<E> & string>(event: K, listener: Listener<E, K>): this {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof AllEvents<E> & string>(event: K, listener: Listener<E, K>): this {
    this.#emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof AllEvents<E> & string>(event: K, listener: Listener<E, K>): this {
    this.#emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  listenerCount<K extends keyof AllEvents<E> & string>(event: K): number {
    return this.#emitter.listenerCount(event);
  }

  /**
   * Calls every listener even if one throws (EventEmitter#emit would stop at the
   * first). Returns whether there were listeners.
   */
  protected safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    // rawListeners keeps once() wrappers, so calling them also unregisters them.
    const listeners = this.#emitter.rawListeners(event) as ((...a: unknown[]) => void)[];
    for (const listener of listeners) {
      try {
        listener.apply(this, args);
      } catch (error) {
        this.#reportListenerError(event, error instanceof Error ? error : new Error(String(error)));
      }
    }
    return listeners.length > 0;
  }

  #reportListenerError(event: string, error: Error): void {
    if (this.#emitter.listenerCount('listenererror') === 0) {
      // Nobody asked: don't swallow it silently, and don't throw into a close cascade.
      console.error(`sfu: listener of '${event}' threw`, error);
      return;
    }
    try {
      this.#emitter.emit('listenererror', event, error);
    } catch (nested) {
      console.error(`sfu: 'listenererror' listener threw`, nested);
    }
  }
}
