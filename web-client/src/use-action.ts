import { useState } from 'react';
import { ApiError } from '../../api.ts';
import { useToast } from '../../toast.tsx';

/** One move on a matter: busy while it runs, its refusal shown in Chinese, the list reloaded after. */
export function useAction(onDone: () => void) {
  const notify = useToast();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (what: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await what();
      notify(done);
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '操作失败，请重试');
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
