import type { IssuePatch } from '../../api';

const HOUR = 3_600_000;

/** The "Ignore ▾" choices; the patch is built when chosen, so "for 1 hour" counts from then. */
export const IGNORE_OPTIONS: { label: string; patch: () => IssuePatch }[] = [
  { label: 'Forever', patch: () => ({ status: 'ignored' }) },
  { label: 'For 1 hour', patch: () => ({ status: 'ignored', ignoreUntil: Date.now() + HOUR }) },
  { label: 'For 24 hours', patch: () => ({ status: 'ignored', ignoreUntil: Date.now() + 24 * HOUR }) },
  { label: 'For 7 days', patch: () => ({ status: 'ignored', ignoreUntil: Date.now() + 7 * 24 * HOUR }) },
  { label: 'Until 10 more events', patch: () => ({ status: 'ignored', ignoreCount: 10 }) },
  { label: 'Until 100 more events', patch: () => ({ status: 'ignored', ignoreCount: 100 }) },
];
