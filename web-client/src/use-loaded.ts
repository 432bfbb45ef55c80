import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api.ts';

export interface Loaded<T> {
  /** null until the first answer arrives (a reload keeps the old data on screen). */
  data: T | null;
  /** The server's Chinese refusal, or `failure` when there was no answer. */
  error: string | null;
  load: () => Promise<void>;
}

/**
 * What a page shows from one request: loaded on mount and again whenever `key` changes (e.g. the
 * id in the address), reloadable after an action or a retry.
 */
export function useLoaded<T>(fetcher: () => Promise<T>, failure: string, key = '', enabled = true): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The newest fetcher, so an inline arrow does not reload on every render: only `key` does.
  const latest = useRef({ fetcher, failure });
  latest.current = { fetcher, failure };
  const load = useCallback(async () => {
    setError(null);
    try {
      setData(await latest.current.fetcher());
    } catch (e) {
      setError(e instanceof ApiError ? e.message : latest.current.failure);
    }
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps -- `key` is what the request depends on
  useEffect(() => {
    if (enabled) void load();
  }, [load, enabled]);
  return { data, error, load };
}
