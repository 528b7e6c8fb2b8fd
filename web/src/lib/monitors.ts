import type { CheckStatus, HeartbeatInfo, Monitor, MonitorStatus, MonitorType } from '../api';
import type { Tone } from '../components/badge';
import { formatDuration } from './format';

export const STATUS_LABELS: Record<MonitorStatus, string> = {
  up: 'Up',
  degraded: 'Degraded',
  pending: 'Pending',
  down: 'Down',
  maintenance: 'Maintenance',
  paused: 'Paused',
};

export const STATUS_HINTS: Record<MonitorStatus, string> = {
  up: 'The last check passed',
  degraded: 'Reachable but slow, or a certificate or grade needs attention',
  pending: 'Not checked yet, or failing but still within its retries',
  down: 'Failing: notifications were sent',
  maintenance: 'In a maintenance window: not alerting',
  paused: 'Not checked until resumed',
};

const STATUS_TONES: Record<MonitorStatus | CheckStatus, Tone> = {
  up: 'green',
  degraded: 'amber',
  pending: 'blue',
  down: 'red',
  maintenance: 'accent',
  paused: 'neutral',
};

export function statusTone(status: MonitorStatus | CheckStatus): Tone {
  return STATUS_TONES[status];
}

export const TYPE_LABELS: Record<MonitorType, string> = {
  http: 'HTTP(S)',
  tcp: 'TCP port',
  dns: 'DNS',
  tls: 'TLS certificate',
  headers: 'Security headers',
  postgres: 'PostgreSQL',
  redis: 'Redis',
  heartbeat: 'Heartbeat (cron job)',
};

/** Short labels for table cells. */
export const TYPE_SHORT: Record<MonitorType, string> = {
  http: 'HTTP',
  tcp: 'TCP',
  dns: 'DNS',
  tls: 'TLS',
  headers: 'Headers',
  postgres: 'PostgreSQL',
  redis: 'Redis',
  heartbeat: 'Heartbeat',
};

export const TYPE_DESCRIPTIONS: Record<MonitorType, string> = {
  http: 'A URL answers with an accepted status, in time, optionally with a keyword.',
  tcp: 'A port accepts connections.',
  dns: 'A name resolves, optionally to an expected value.',
  tls: 'A certificate is valid and not about to expire.',
  headers: 'A page sends security headers, graded A+ to F.',
  postgres: 'A database accepts a connection and answers a query.',
  redis: 'A Redis server answers PING.',
  heartbeat: 'A cron job or worker pings a URL; silence means trouble.',
};

/** "every 5 min", "every day", "every 90 s". */
export function formatEvery(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? 'every day' : `every ${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return seconds === 3600 ? 'every hour' : `every ${seconds / 3600} h`;
  if (seconds % 60 === 0) return seconds === 60 ? 'every minute' : `every ${seconds / 60} min`;
  return `every ${seconds} s`;
}

/** A heartbeat's expected schedule: "every day, 5 min grace" or "cron 0 3 * * * (Europe/Berlin), 5 min grace". */
export function describeSchedule(heartbeat: HeartbeatInfo): string {
  const grace = heartbeat.graceSeconds > 0 ? `, ${formatDuration(heartbeat.graceSeconds * 1000)} grace` : '';
  if (heartbeat.cron) return `cron ${heartbeat.cron}${heartbeat.timezone && heartbeat.timezone !== 'UTC' ? ` (${heartbeat.timezone})` : ' (UTC)'}${grace}`;
  return `${heartbeat.periodSeconds ? formatEvery(heartbeat.periodSeconds) : 'no schedule'}${grace}`;
}

/** What the list and header show as the target: a heartbeat's schedule instead of "heartbeat". */
export function monitorTarget(monitor: Pick<Monitor, 'type' | 'target' | 'heartbeat'>): string {
  if (monitor.type === 'heartbeat' && monitor.heartbeat) return `Ping expected ${describeSchedule(monitor.heartbeat)}`;
  return monitor.target;
}

/** An uptime percentage (0–100) as text: "100%", "99.95%", "—". */
export function formatUptime(percent: number | null | undefined): string {
  if (percent === null || percent === undefined) return '—';
  if (percent >= 100) return '100%';
  // Never round 99.996 up to "100%": a monitor that failed once is not perfect.
  const digits = percent >= 99 ? 2 : 1;
  const factor = 10 ** digits;
  return `${(Math.floor(percent * factor) / factor).toFixed(digits)}%`;
}

/** Colour class of an uptime percentage. */
export function uptimeClass(percent: number | null | undefined): string {
  if (percent === null || percent === undefined) return 'text-subtle';
  if (percent >= 99.9) return 'text-success';
  if (percent >= 99) return 'text-warning';
  return 'text-danger';
}

/** A slug Sentry check-ins can use, from a monitor's name. */
export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/[\s_]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 100) || 'my-job'
  );
}
