import type { CheckResult, Downtime, HeartbeatPing } from '../../api';
import { formatDateTime, formatDuration, formatMs } from '../../lib/format';
import { Badge, type Tone } from '../badge';
import { RelativeTime } from '../relative-time';
import { MonitorStatusBadge } from './monitor-status';
import { detailText } from './test-outcome';

/** The last checks, newest first: time, status, latency, what it found. */
export function ChecksTable({ checks, latencyLabel }: { checks: CheckResult[]; latencyLabel: string }) {
  return (
    <div className="table-wrap">
      <table className="table table-dense">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Status</th>
            <th scope="col" className="cell-num">
              {latencyLabel}
            </th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((check, index) => {
            const details = Object.entries(check.details ?? {}).filter(([key]) => key !== 'certificate');
            return (
              <tr key={`${check.at}-${index}`} data-testid="check-row">
                <td className="nowrap">
                  <RelativeTime ms={check.at} />
                </td>
                <td>
                  <MonitorStatusBadge status={check.status} ofCheck />
                </td>
                <td className="cell-num nowrap">{formatMs(check.latencyMs)}</td>
                <td className="check-message">
                  {check.message || <span className="text-subtle">—</span>}
                  {details.length > 0 && <span className="text-subtle mono check-details">{details.map(([key, value]) => `${key}=${detailText(value)}`).join(' ')}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Every period the monitor was down, with how long and why. */
export function DowntimesTable({ downtimes }: { downtimes: Downtime[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-dense">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Ended</th>
            <th scope="col" className="cell-num">
              Duration
            </th>
            <th scope="col">Cause</th>
          </tr>
        </thead>
        <tbody>
          {downtimes.map((downtime) => (
            <tr key={downtime.id} data-testid="downtime-row">
              <td className="nowrap">{formatDateTime(downtime.startedAt)}</td>
              <td className="nowrap">{downtime.endedAt === null ? <Badge tone="red">Ongoing</Badge> : formatDateTime(downtime.endedAt)}</td>
              <td className="cell-num nowrap">{formatDuration(downtime.durationMs)}</td>
              <td className="check-message">{downtime.cause}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const PING_KINDS: Record<HeartbeatPing['kind'], { label: string; tone: Tone }> = {
  success: { label: 'Success', tone: 'green' },
  fail: { label: 'Failure', tone: 'red' },
  start: { label: 'Started', tone: 'blue' },
  log: { label: 'Log', tone: 'neutral' },
};

/** A heartbeat's pings: kind, exit code, run time (from the matching /start), where from, and any body. */
export function PingsTable({ pings }: { pings: HeartbeatPing[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-dense">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col" className="cell-num">
              Exit code
            </th>
            <th scope="col" className="cell-num">
              Run time
            </th>
            <th scope="col">From</th>
            <th scope="col">Body</th>
          </tr>
        </thead>
        <tbody>
          {pings.map((ping) => (
            <tr key={ping.id} data-testid="ping-row">
              <td className="nowrap">
                <RelativeTime ms={ping.at} />
              </td>
              <td>
                <Badge tone={PING_KINDS[ping.kind].tone} dot>
                  {PING_KINDS[ping.kind].label}
                </Badge>
              </td>
              <td className="cell-num">{ping.exitCode ?? <span className="text-subtle">—</span>}</td>
              <td className="cell-num nowrap">{ping.durationMs === null ? <span className="text-subtle">—</span> : formatDuration(ping.durationMs)}</td>
              <td className="mono details-cell" title={ping.userAgent ?? undefined}>
                {ping.sourceIp ?? '—'}
              </td>
              <td className="mono details-cell" title={ping.body ?? undefined}>
                {ping.body ?? <span className="text-subtle">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
