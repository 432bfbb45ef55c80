// Server-provided labels (GET /api/meta) with documented fallbacks.
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, type Meta } from './api.ts';
import { makeLabels, type Labels } from './labels.ts';

export interface MetaValue {
  meta: Meta | null;
  labels: Labels;
  error: string | null;
  reload(): void;
}

const fallback: MetaValue = { meta: null, labels: makeLabels(null), error: null, reload: () => undefined };

const MetaContext = createContext<MetaValue>(fallback);

export function useMeta(): MetaValue {
  return useContext(MetaContext);
}

export function MetaProvider({ children, enabled }: { children: ReactNode; enabled: boolean }) {
  const [meta, setMeta] = useState<Meta | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setError(null);
    api.meta().then(
      (m) => live && setMeta(m),
      (e: unknown) => live && setError(e instanceof ApiError ? e.message : '无法加载基础数据'),
    );
    return () => {
      live = false;
    };
  }, [enabled, attempt]);

  const value = useMemo<MetaValue>(() => ({ meta, labels: makeLabels(meta), error, reload: () => setAttempt((n) => n + 1) }), [meta, error]);
  return <MetaContext.Provider value={value}>{children}</MetaContext.Provider>;
}
