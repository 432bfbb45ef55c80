import { describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from './typed-emitter.ts';

type Events = { ping: [n: number]; closed: [reason: string] };

class Thing extends TypedEmitter<Events> {
  fire<K extends keyof Events>(event: K, ...args: Events[K]): boolean {
    return this.safeEmit(event, ...args);
  }
}

describe('TypedEmitter.safeEmit', () => {
  it('calls every listener even if one throws, and reports the error', () => {
    const thing = new Thing();
    const seen: number[] = [];
    const errors: string[] = [];
    thing.on('ping', (n) => seen.push(n));
    thing.on('ping', () => {
      throw new Error('boom');
    });
    thing.on('ping', (n) => seen.push(n * 10));
    thing.on('listenererror', (event, error) => errors.push(`${event}:${error.message}`));
    expect(thing.fire('ping', 2)).toBe(true);
    expect(seen).toEqual([2, 20]);
    expect(errors).toEqual(['ping:boom']);
  });

  it('runs once() listeners once and lets off() remove listeners', () => {
    const thing = new Thing();
    const once = vi.fn();
    const on = vi.fn();
    thing.once('closed', once);
    thing.on('closed', on);
    thing.fire('closed', 'a');
    thing.off('closed', on);
    thing.fire('closed', 'b');
    expect(once).toHaveBeenCalledTimes(1);
    expect(once).toHaveBeenCalledWith('a');
    expect(on).toHaveBeenCalledTimes(1);
    expect(thing.listenerCount('closed')).toBe(0);
    expect(thing.fire('closed', 'c')).toBe(false);
  });

  it('logs a listener error when nobody listens for listenererror, without throwing', () => {
    const thing = new Thing();
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    thing.on('ping', () => {
      throw new Error('unheard');
    });
    expect(() => thing.fire('ping', 1)).not.toThrow();
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
  });
});
