import type { HeartbeatInfo } from '../api';

const CURL = 'curl -fsS -m 10 --retry 5 -o /dev/null';

/** A crontab schedule matching a heartbeat: its own cron, or one derived from its period. */
export function crontabOf(heartbeat: HeartbeatInfo): string {
  if (heartbeat.cron) return heartbeat.cron;
  const minutes = Math.round((heartbeat.periodSeconds ?? 300) / 60);
  if (minutes < 60 && 60 % minutes === 0) return minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`;
  if (minutes === 1440) return '0 3 * * *';
  if (minutes % 60 === 0 && 24 % (minutes / 60) === 0) return minutes === 60 ? '0 * * * *' : `0 */${minutes / 60} * * *`;
  if (minutes === 10_080) return '0 3 * * 0';
  // No crontab field expresses this period exactly: an example to adjust.
  return '*/5 * * * *';
}

/** The ready-to-paste shell lines: a plain ping, and ping on failure. */
export function curlSnippet(pingUrl: string): string {
  return [
    '# After the job succeeds:',
    `${CURL} ${pingUrl}`,
    '',
    '# Or report how it went: an exit code of 0 is success, anything else a failure.',
    `${CURL} ${pingUrl}/$?`,
    '',
    '# Or report a failure explicitly:',
    `${CURL} ${pingUrl}/fail`,
  ].join('\n');
}

/** Crontab lines: ping after success, and the start/finish variant that also measures the run time. */
export function crontabSnippet(pingUrl: string, schedule: string): string {
  return [
    '# Ping when the job succeeds:',
    `${schedule} /path/job.sh && ${CURL} ${pingUrl}`,
    '',
    '# Or signal the start, then the exit code when it ends (Watchpost shows the run time):',
    `${schedule} ${CURL} ${pingUrl}/start ; /path/job.sh ; ${CURL} ${pingUrl}/$?`,
  ].join('\n');
}

/** The schedule as Sentry's monitor config writes it. */
function sentrySchedule(heartbeat: HeartbeatInfo): string {
  if (heartbeat.cron) return `{ type: 'crontab', value: '${heartbeat.cron}' }`;
  const seconds = heartbeat.periodSeconds ?? 3600;
  const [value, unit] = seconds % 86_400 === 0 ? [seconds / 86_400, 'day'] : seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : [Math.max(1, Math.round(seconds / 60)), 'minute'];
  return `{ type: 'interval', value: ${value}, unit: '${unit}' }`;
}

/** Sentry SDK check-ins (Node): `Sentry.withMonitor` with the project's DSN and the monitor's slug and schedule. */
export function sentrySnippet(dsn: string, slug: string, heartbeat: HeartbeatInfo): string {
  const config = [`    schedule: ${sentrySchedule(heartbeat)},`, `    checkinMargin: ${Math.max(1, Math.round(heartbeat.graceSeconds / 60))}, // minutes of grace`];
  if (heartbeat.cron && heartbeat.timezone) config.push(`    timezone: '${heartbeat.timezone}',`);
  return [
    "import * as Sentry from '@sentry/node';",
    '',
    `Sentry.init({ dsn: '${dsn}' });`,
    '',
    '// Reports in_progress when the job starts, then ok or error with its duration.',
    `await Sentry.withMonitor(`,
    `  '${slug}',`,
    '  () => job(),',
    '  {',
    ...config,
    '  },',
    ');',
  ].join('\n');
}
