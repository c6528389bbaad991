import { useCallback, useEffect, useRef, useState } from 'react';

/** What a load from the API is: its data once it came, the error it failed with, and a way to load again. */
export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `load()` now and again whenever `deps` change; with `pollMs`, every `pollMs` while the
 * page shows (a paced run's progress, a login's QR code). A later answer never gives way to an
 * earlier one that came late.
 */
export function useApi<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const ticket = ++latest.current;
    setLoading(true);
    loadRef
      .current()
      .then((value) => {
        if (ticket !== latest.current) return;
        setData(value);
        setError(undefined);
      })
      .catch((err: Error) => ticket === latest.current && setError(err))
      .finally(() => ticket === latest.current && setLoading(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, round]);

  useEffect(() => {
    if (!pollMs) return;
    const timer = setInterval(() => setRound((r) => r + 1), pollMs);
    return () => clearInterval(timer);
  }, [pollMs]);

  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data, error, loading, reload };
}

/** An action the user starts (a submit, a click): whether it runs, and the error it ended with. */
export interface Action {
  busy: boolean;
  error: Error | undefined;
  /** Runs `fn`, keeping its error for display; answers its result, or undefined when it failed. */
  run: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
  clear: () => void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const run = useCallback(async <T,>(fn: () => Promise<T>) => {
    setBusy(true);
    setError(undefined);
    try {
      return await fn();
    } catch (err) {
      setError(err as Error);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: useCallback(() => setError(undefined), []) };
}
