import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, monitorsPath, type Monitor } from '../api';
import { useApi } from './use-api';

/** One page of the monitor list labels the usual few; the rest are fetched one by one. */
const FIRST_PAGE = 200;

export interface MonitorLookup {
  /** The monitor, undefined while unknown, null when it no longer exists (or is not this project's). */
  get: (id: string) => Monitor | null | undefined;
  /** Keeps a monitor seen elsewhere (a picker), so its name shows without a request. */
  remember: (monitor: Monitor) => void;
  /** Fetches the states again (after a while on the page); names stay on screen meanwhile. */
  reload: () => void;
}

/**
 * Names and states of a project's monitors by id, for lists that hold ids only (a status page's
 * components). Projects may have thousands of monitors, so it never loads them all: the first page
 * of the list, then the ids still missing, each on its own.
 */
export function useMonitorLookup(projectId: number, ids: readonly string[]): MonitorLookup {
  const query = { limit: FIRST_PAGE };
  const first = useApi(monitorsPath(projectId, query), (signal) => api.monitors(projectId, query, signal));
  const [extra, setExtra] = useState<ReadonlyMap<string, Monitor | null>>(new Map());

  const known = useMemo(() => {
    const map = new Map<string, Monitor | null>(extra);
    for (const monitor of first.data?.items ?? []) map.set(monitor.id, monitor);
    return map;
  }, [first.data, extra]);

  // A stable string, so the effect runs when the set of unknown ids changes, not on every render.
  const missing = first.data ? [...new Set(ids)].filter((id) => !known.has(id)).sort().join(',') : '';
  useEffect(() => {
    if (missing === '') return;
    const controller = new AbortController();
    const wanted = missing.split(',');
    void Promise.all(
      wanted.map((id) =>
        api.monitor(id, controller.signal).then(
          (monitor) => [id, monitor.projectId === projectId ? monitor : null] as const,
          () => [id, null] as const,
        ),
      ),
    ).then((found) => {
      if (controller.signal.aborted) return;
      setExtra((current) => {
        const next = new Map(current);
        for (const [id, monitor] of found) next.set(id, monitor);
        return next;
      });
    });
    return () => controller.abort();
  }, [missing, projectId]);

  const remember = useCallback((monitor: Monitor) => setExtra((current) => new Map(current).set(monitor.id, monitor)), []);
  const { reload: reloadFirst } = first;
  const extraRef = useRef(extra);
  useEffect(() => {
    extraRef.current = extra;
  });
  const reload = useCallback(() => {
    void reloadFirst();
    const stale = [...extraRef.current.values()].filter((m): m is Monitor => m !== null);
    for (const monitor of stale) {
      api.monitor(monitor.id).then(
        (fresh) => setExtra((current) => new Map(current).set(fresh.id, fresh)),
        () => undefined,
      );
    }
  }, [reloadFirst]);
  const get = useCallback((id: string) => known.get(id), [known]);
  return { get, remember, reload };
}
