import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../api';

export interface PageRequest {
  before: string | null;
  limit: number;
}

export interface Paged<T> {
  items: T[];
  error: Error | undefined;
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  loadMore: () => Promise<void>;
  /** Refetches what is on screen (newest first), e.g. on a timer. */
  refresh: () => Promise<void>;
}

// The API caps `limit` at 200: past that a refresh would drop rows, so long lists stop auto-refreshing.
const MAX_LIMIT = 200;

/** Cursor pagination ("Load more") over `nextBefore`; `key` changes (a filter) start over. */
export function usePaged<T>(key: string, fetchPage: (request: PageRequest, signal: AbortSignal) => Promise<Page<T>>, pageSize = 50): Paged<T> {
  const [state, setState] = useState<{ key: string; items: T[]; nextBefore: string | null; error?: Error; loading: boolean; loadingMore: boolean }>({
    key,
    items: [],
    nextBefore: null,
    loading: true,
    loadingMore: false,
  });
  const fetchRef = useRef(fetchPage);
  const controller = useRef<AbortController | null>(null);
  const stateRef = useRef(state);
  useEffect(() => {
    fetchRef.current = fetchPage;
    stateRef.current = state;
  });

  const fetchInto = useCallback(
    async (request: PageRequest, append: boolean) => {
      controller.current?.abort();
      const current = new AbortController();
      controller.current = current;
      setState((s) => (append ? { ...s, loadingMore: true, error: undefined } : { ...s, key, loading: s.key !== key || s.items.length === 0, error: undefined }));
      try {
        const page = await fetchRef.current(request, current.signal);
        if (current.signal.aborted) return;
        setState((s) => ({
          key,
          items: append ? [...s.items, ...page.items] : page.items,
          nextBefore: page.nextBefore,
          loading: false,
          loadingMore: false,
        }));
      } catch (error) {
        if (current.signal.aborted) return;
        setState((s) => ({ ...s, loading: false, loadingMore: false, error: error instanceof Error ? error : new Error(String(error)) }));
      }
    },
    [key],
  );

  useEffect(() => {
    setState({ key, items: [], nextBefore: null, loading: true, loadingMore: false });
    void fetchInto({ before: null, limit: pageSize }, false);
    return () => controller.current?.abort();
  }, [key, pageSize, fetchInto]);

  const loadMore = useCallback(async () => {
    const { nextBefore } = stateRef.current;
    if (nextBefore !== null) await fetchInto({ before: nextBefore, limit: pageSize }, true);
  }, [fetchInto, pageSize]);

  const refresh = useCallback(async () => {
    const { items, loadingMore } = stateRef.current;
    if (loadingMore || items.length > MAX_LIMIT) return;
    await fetchInto({ before: null, limit: Math.max(pageSize, items.length) }, false);
  }, [fetchInto, pageSize]);

  const view = state.key === key ? state : { items: [], nextBefore: null, loading: true, loadingMore: false, error: undefined };
  return {
    items: view.items,
    error: view.error,
    loading: view.loading,
    loadingMore: view.loadingMore,
    hasMore: view.nextBefore !== null,
    loadMore,
    refresh,
  };
}
