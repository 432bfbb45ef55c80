// Waiting in tests, one way: poll a condition (`waitFor`) or an assertion (`eventually`) until it
// holds, bounded by a timeout that says what was awaited. Events a client recorded have their own
// `RoomTestClient.waitFor(event)`.

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Resolves with the check's value once it is truthy; a check that throws counts as not yet.
 * On timeout, rejects naming `what` (and the last error the check threw, if any).
 */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000, what = 'condition', intervalMs = 10): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} not reached within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`, { cause: last });
    }
    await sleep(intervalMs);
  }
}

/** Resolves once the assertion passes (polling every 100 ms); rejects with its last failure after the timeout. */
export async function eventually<T>(assertion: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  let result!: T;
  try {
    await waitFor(async () => ((result = await assertion()), true), timeoutMs, 'assertion', 100);
  } catch (err) {
    throw (err as Error).cause ?? err;
  }
  return result;
}
