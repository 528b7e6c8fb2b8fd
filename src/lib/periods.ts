export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The time windows list and chart APIs accept (`?period=24h`), in milliseconds. Routes pick the subset they offer. */
export const PERIOD_MS = { '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '14d': 14 * DAY, '30d': 30 * DAY, '90d': 90 * DAY } as const;
export type Period = keyof typeof PERIOD_MS;
