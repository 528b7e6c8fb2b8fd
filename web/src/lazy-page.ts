import { createElement, use, type ComponentType, type ReactNode } from 'react';

export interface LazyPage<P extends object> {
  (props: P): ReactNode;
  /** Starts loading the page's chunk; resolves when it can render without suspending. */
  preload: () => Promise<void>;
}

/**
 * A code-split page. Unlike React.lazy, a page whose chunk is already loaded renders at once:
 * React.lazy suspends on first render even then, and React holds a revealed Suspense boundary
 * back for up to 300 ms, which made every first visit to a page feel slow.
 */
export function lazyPage<K extends string, P extends object>(load: () => Promise<Record<K, ComponentType<P>>>, name: K): LazyPage<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<void> | undefined;
  const preload = () =>
    (pending ??= load().then(
      (module) => {
        loaded = module[name];
      },
      (error: unknown) => {
        // Let a later visit retry (e.g. after a deploy replaced the chunk or the network came back).
        pending = undefined;
        throw error;
      },
    ));

  const Page = (props: P): ReactNode => {
    if (!loaded) use(preload());
    return loaded ? createElement(loaded, props) : null;
  };
  Page.preload = preload;
  return Page;
}

/** Loads every page's chunk once the browser is idle, so later navigation never waits. */
export function preloadWhenIdle(pages: LazyPage<never>[]): () => void {
  const run = () => {
    for (const page of pages) void page.preload().catch(() => undefined);
  };
  if ('requestIdleCallback' in window) {
    const id = window.requestIdleCallback(run, { timeout: 3000 });
    return () => window.cancelIdleCallback(id);
  }
  const id = setTimeout(run, 1500);
  return () => clearTimeout(id);
}
