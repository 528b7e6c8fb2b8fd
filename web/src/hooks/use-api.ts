import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Last good response per key, so revisiting a page paints at once while it refetches, and
 * listeners, so a change in one place (a new project) refreshes every view showing that data.
 */
const cache = new Map<string, unknown>();
const listeners = new Set<(prefix: string) => void>();

/** Refetches every mounted `useApi` whose key starts with `prefix` (all of them for ''). */
export function invalidate(prefix = ''): void {
  for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
  for (const listener of listeners) listener(prefix);
}

/** Seeds data the caller already has (a create response), so the next page paints it at once. */
export function primeCache(key: string, data: unknown): void {
  cache.set(key, data);
}

/** Forgets everything: after logging out nothing of the previous user may show. */
export function clearApiCache(): void {
  cache.clear();
}

interface Internal<T> {
  key: string | null;
  data: T | undefined;
  error: Error | undefined;
  pending: boolean;
}

export interface ApiState<T> {
  data: T | undefined;
  error: Error | undefined;
  /** True while nothing is on screen yet (first load of this key). */
  loading: boolean;
  /** True during any fetch, including background reloads. */
  refreshing: boolean;
  reload: () => Promise<void>;
  /** Local update after a change the server already confirmed, without a round trip. */
  mutate: (update: (current: T | undefined) => T | undefined) => void;
}

function initial<T>(key: string | null): Internal<T> {
  const cached = key === null ? undefined : (cache.get(key) as T | undefined);
  return { key, data: cached, error: undefined, pending: key !== null };
}

/**
 * Loads data for `key` with `fetcher` (null key: load nothing). The key names the data for the
 * cache and for `invalidate`; by convention it is the API path.
 */
export function useApi<T>(key: string | null, fetcher: (signal: AbortSignal) => Promise<T>): ApiState<T> {
  const [state, setState] = useState<Internal<T>>(() => initial(key));
  const fetcherRef = useRef(fetcher);
  const controllerRef = useRef<AbortController | null>(null);

  useEffect(() => {
    fetcherRef.current = fetcher;
  });

  const load = useCallback(async () => {
    if (key === null) return;
    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    setState((s) => (s.key === key ? { ...s, pending: true } : initial(key)));
    try {
      const data = await fetcherRef.current(controller.signal);
      if (controller.signal.aborted) return;
      cache.set(key, data);
      setState({ key, data, error: undefined, pending: false });
    } catch (error) {
      if (controller.signal.aborted) return;
      const err = error instanceof Error ? error : new Error(String(error));
      setState((s) => ({ key, data: s.key === key ? s.data : undefined, error: err, pending: false }));
    }
  }, [key]);

  useEffect(() => {
    void load();
    return () => controllerRef.current?.abort();
  }, [load]);

  useEffect(() => {
    if (key === null) return;
    const listener = (prefix: string) => {
      if (key.startsWith(prefix)) void load();
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [key, load]);

  const mutate = useCallback(
    (update: (current: T | undefined) => T | undefined) => {
      setState((s) => {
        const data = update(s.key === key ? s.data : undefined);
        if (key !== null) cache.set(key, data);
        return { key, data, error: undefined, pending: s.pending };
      });
    },
    [key],
  );

  // Between a key change and its effect, show the new key's cached data, never the old key's.
  const view = state.key === key ? state : initial<T>(key);
  return {
    data: view.data,
    error: view.error,
    loading: view.data === undefined && view.error === undefined && key !== null,
    refreshing: view.pending,
    reload: load,
    mutate,
  };
}
