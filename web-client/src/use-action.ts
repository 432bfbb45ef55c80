import { useState } from 'react';
import { ApiError } from './api.ts';
import { useToast } from './toast.tsx';

/** One action on a page: busy while it runs, its refusal shown in Chinese, the page reloaded after. */
export function useAction(onDone: () => void) {
  const notify = useToast();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Runs `what`; on success says `done` and reloads; a failure that is no refusal says `failed`. */
  const run = async (what: () => Promise<unknown>, done: string, failed = '操作失败，请重试') => {
    setBusy(true);
    setError(null);
    try {
      await what();
      notify(done);
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : failed);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
