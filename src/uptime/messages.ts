import type { NotificationMessage } from '../notify/types.js';
import type { MonitorRow } from './repo.js';
import { formatDuration } from './state.js';

/** What a check found, as far as the messages need it. */
interface Result {
  readonly at: number;
  readonly message: string;
  readonly details: Record<string, unknown> | null;
}

const monitorUrl = (row: MonitorRow, publicUrl: string) => `${publicUrl}/projects/${row.project_id}/monitors/${row.id}`;

/** The notification of a monitor going down, staying down (a reminder) or recovering. */
export function monitorMessage(row: MonitorRow, kind: 'down' | 'up' | 'resend', result: Result, durationMs: number, publicUrl: string): NotificationMessage {
  const base = { source: 'uptime', dedupKey: `monitor:${row.id}`, url: monitorUrl(row, publicUrl), occurredAt: result.at, data: { monitorId: row.id, projectId: row.project_id, type: row.type, target: row.target, status: kind === 'up' ? 'up' : 'down', message: result.message } };
  const fields = [
    { name: 'Monitor', value: row.name },
    { name: 'Target', value: row.target },
    { name: 'Check', value: result.message || '—' },
  ];
  if (kind === 'up') {
    return { ...base, event: 'monitor.up', action: 'resolve', severity: 'info', title: `${row.name} is up again`, text: `${row.name} (${row.target}) recovered after ${formatDuration(durationMs)} down.`, fields: [...fields, { name: 'Downtime', value: formatDuration(durationMs) }] };
  }
  const still = kind === 'resend';
  return {
    ...base,
    event: 'monitor.down',
    action: 'trigger',
    severity: 'critical',
    title: still ? `${row.name} is still down` : `${row.name} is down`,
    text: still ? `${row.name} (${row.target}) has been down for ${formatDuration(durationMs)}: ${result.message}` : `${row.name} (${row.target}) is down: ${result.message}`,
    fields,
  };
}

/**
 * A warning when a certificate's days left cross one of the warning thresholds (the tls monitor's
 * warnDays, else 30/14/7) since `previousDetails` (the last check that saw a certificate): each
 * threshold warns once.
 */
export function certificateWarning(row: MonitorRow, result: Result, previousDetails: string | null, publicUrl: string): NotificationMessage | null {
  const certificate = result.details?.certificate as { daysLeft?: unknown; validTo?: unknown } | undefined;
  const daysLeft = certificate?.daysLeft;
  if (typeof daysLeft !== 'number' || daysLeft < 0) return null;
  let before = Infinity;
  try {
    const previous = previousDetails === null ? null : (JSON.parse(previousDetails) as { certificate?: { daysLeft?: unknown } });
    if (typeof previous?.certificate?.daysLeft === 'number') before = previous.certificate.daysLeft;
  } catch {
    // unreadable details: treat as never seen
  }
  const config = row.type === 'tls' ? (JSON.parse(row.config) as { warnDays?: number[] }) : {};
  const crossed = (config.warnDays ?? [30, 14, 7]).filter((days) => before > days && daysLeft <= days);
  if (crossed.length === 0) return null;
  const expires = certificate?.validTo;
  return {
    event: 'monitor.certificate',
    source: 'uptime',
    // A reminder, not an incident to open and resolve (PagerDuty sends it as an info event).
    action: 'info',
    dedupKey: `certificate:${row.id}`,
    severity: daysLeft <= 7 ? 'error' : 'warning',
    title: `The TLS certificate of ${row.name} expires in ${Math.floor(daysLeft)} days`,
    text: `${row.target}: the certificate expires ${typeof expires === 'number' ? new Date(expires).toUTCString() : 'soon'}. Renew it before visitors see errors.`,
    url: monitorUrl(row, publicUrl),
    occurredAt: result.at,
    fields: [
      { name: 'Monitor', value: row.name },
      { name: 'Days left', value: String(Math.floor(daysLeft)) },
    ],
    data: { monitorId: row.id, projectId: row.project_id, daysLeft },
  };
}
