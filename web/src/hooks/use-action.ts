import { useCallback, useState } from 'react';
import { errorMessage } from '../api';

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  pending: boolean;
  /** The API's message for the last failure, shown next to the form that caused it. */
  error: string | null;
  reset: () => void;
}

/** Wraps a state-changing call: pending flag, inline error, and undefined instead of a throw. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (...args: A) => {
      setPending(true);
      setError(null);
      try {
        return await fn(...args);
      } catch (caught) {
        setError(errorMessage(caught));
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [fn],
  );
  const reset = useCallback(() => setError(null), []);
  return { run, pending, error, reset };
}
