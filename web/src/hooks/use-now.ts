import { useSyncExternalStore } from 'react';

/** One shared clock for every relative time on the page, ticking while anything shows one. */
const TICK_MS = 15_000;
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;
const subscribers = new Set<() => void>();

function subscribe(callback: () => void): () => void {
  subscribers.add(callback);
  if (timer === null) {
    timer = setInterval(() => {
      now = Date.now();
      for (const subscriber of subscribers) subscriber();
    }, TICK_MS);
  }
  return () => {
    subscribers.delete(callback);
    if (subscribers.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The time of the last tick; subscribing re-renders the caller every tick. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
