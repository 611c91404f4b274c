/**
 * @module lib/use-load
 * Loads data once per key with loading/error state; `reload` fetches again (for live refreshes)
 * and keeps showing the current data meanwhile.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
  set: (v: T) => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useCallback((fresh = false) => {
    const g = ++generation.current;
    setLoading(true);
    // New deps mean other data: do not show the previous key's answer while loading.
    if (fresh) setData(undefined);
    loadRef.current().then(
      (v) => {
        if (g !== generation.current) return;
        setData(v);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (g !== generation.current) return;
        setError(err instanceof Error ? err.message : String(err));
        setLoading(false);
      },
    );
  }, []);
  useEffect(() => run(true), deps);
  const set = useCallback((v: T) => {
    generation.current++;
    setData(v);
    setError(undefined);
    setLoading(false);
  }, []);
  const reload = useCallback(() => run(false), [run]);
  return { data, error, loading, reload, set };
}
