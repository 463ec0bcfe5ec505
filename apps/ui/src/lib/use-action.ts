import { useCallback, useRef, useState } from 'react';

export interface Action<A extends unknown[], R> {
  readonly pending: boolean;
  readonly error: unknown;
  /** Runs the action; resolves with its result, or undefined when it failed (see `error`). */
  readonly run: (...args: A) => Promise<R | undefined>;
  readonly reset: () => void;
}

/** A user-triggered call (form submit, button): pending and error state, never a throw. */
export function useAction<A extends unknown[], R>(
  perform: (...args: A) => Promise<R>,
): Action<A, R> {
  const latest = useRef(perform);
  latest.current = perform;
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setPending(true);
    setError(null);
    try {
      return await latest.current(...args);
    } catch (caught) {
      setError(caught);
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);

  const reset = useCallback(() => setError(null), []);
  return { pending, error, run, reset };
}
