import { validateCron } from './schedule.js';

/** Monitors that Sentry check-ins may create in one project (create more through the API). */
export const MAX_CHECK_IN_MONITORS = 200;

const SENTRY_UNITS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400, week: 604_800, month: 2_592_000, year: 31_536_000 };

/**
 * A heartbeat schedule from a Sentry `monitor_config`: `schedule` {type: 'crontab', value} or
 * {type: 'interval', value, unit}, `checkin_margin` (minutes of grace, default 1), `timezone`.
 */
export function sentrySchedule(config: Record<string, unknown>): { periodSeconds: number | null; cron: string | null; timezone: string; graceSeconds: number } | null {
  const schedule = config.schedule as { type?: unknown; value?: unknown; unit?: unknown } | undefined;
  if (typeof schedule !== 'object' || schedule === null) return null;
  const timezone = typeof config.timezone === 'string' && config.timezone !== '' ? config.timezone : 'UTC';
  const margin = typeof config.checkin_margin === 'number' && Number.isFinite(config.checkin_margin) && config.checkin_margin >= 0 ? Math.min(config.checkin_margin, 10_080) : 1;
  const graceSeconds = Math.round(margin * 60);
  if (schedule.type === 'crontab' && typeof schedule.value === 'string') {
    try {
      validateCron(schedule.value, timezone);
    } catch {
      return null;
    }
    return { periodSeconds: null, cron: schedule.value, timezone, graceSeconds };
  }
  if (schedule.type === 'interval' && typeof schedule.value === 'number' && Number.isFinite(schedule.value) && schedule.value > 0 && typeof schedule.unit === 'string' && SENTRY_UNITS[schedule.unit]) {
    // The same bounds as the API: one minute to one year.
    return { periodSeconds: Math.min(31_536_000, Math.max(60, Math.round(schedule.value * (SENTRY_UNITS[schedule.unit] ?? 60)))), cron: null, timezone, graceSeconds };
  }
  return null;
}
