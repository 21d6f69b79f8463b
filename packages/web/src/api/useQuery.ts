import { useCallback, useEffect, useRef, useState } from "react";

export interface QueryState<T> {
  data: T | undefined;
  error: unknown;
  /** True while the first load (or a reload) is running. */
  loading: boolean;
  /** Loads again, keeping the current data visible meanwhile. */
  reload: () => Promise<void>;
}

/**
 * Runs `load` on mount and whenever `key` changes; the newest answer wins (older in-flight
 * loads are ignored). Errors are kept for display, never thrown.
 */
export function useQuery<T>(key: string, load: () => Promise<T>): QueryState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(async () => {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const value = await loadRef.current();
      if (ticket !== latest.current) return;
      setData(value);
      setError(null);
    } catch (err) {
      if (ticket === latest.current) setError(err);
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what to load; a new key loads anew.
  useEffect(() => {
    setData(undefined);
    void run();
    return () => {
      latest.current++;
    };
  }, [key, run]);

  return { data, error, loading, reload: run };
}
