import { Link } from 'wouter';
import type { Monitor } from '../../api';
import { formatMs } from '../../lib/format';
import { formatUptime, monitorTarget, TYPE_LABELS, TYPE_SHORT, uptimeClass } from '../../lib/monitors';
import { RelativeTime } from '../relative-time';
import { StatusDot } from './monitor-status';

interface Props {
  monitors: Monitor[];
  hrefOf: (monitor: Monitor) => string;
}

/** Hourly average response times of the last 24 h as a small line; gaps where there was no data. */
function LatencySparkline({ values, width = 72, height = 18 }: { values: Array<number | null>; width?: number; height?: number }) {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return null;
  const max = Math.max(...known);
  const min = Math.min(...known);
  const step = width / Math.max(1, values.length - 1);
  const y = (v: number) => (max === min ? height / 2 : height - 1 - ((v - min) / (max - min)) * (height - 2));
  // One path segment per run of known values.
  let d = '';
  values.forEach((v, i) => {
    if (v === null) return;
    d += `${i > 0 && values[i - 1] !== null ? 'L' : 'M'}${(i * step).toFixed(1)},${y(v).toFixed(1)}`;
  });
  const label = `Response time over 24 h: ${formatMs(min)} to ${formatMs(max)}`;
  return (
    <svg className="latency-sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <title>{label}</title>
      <path d={d} fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}

/** Monitors with status, target, type, 24 h uptime, latency (24 h line + last) and last check: all from the list response. */
export function MonitorsTable({ monitors, hrefOf }: Props) {
  return (
    <div className="table-wrap">
      <table className="table monitors-table">
        <thead>
          <tr>
            <th scope="col">Monitor</th>
            <th scope="col">Type</th>
            <th scope="col" className="cell-num">
              Uptime 24 h
            </th>
            <th scope="col" className="cell-num">
              Latency
            </th>
            <th scope="col">Last check</th>
          </tr>
        </thead>
        <tbody>
          {monitors.map((monitor) => (
            <tr key={monitor.id} data-testid="monitor-row" className={monitor.paused ? 'row-muted' : undefined}>
              <td>
                <div className="monitor-cell">
                  <StatusDot status={monitor.status} />
                  <div className="monitor-cell-text">
                    <Link href={hrefOf(monitor)} className="monitor-link">
                      {monitor.name}
                    </Link>
                    <div className="monitor-target mono" title={monitorTarget(monitor)}>
                      {monitorTarget(monitor)}
                    </div>
                  </div>
                </div>
              </td>
              <td className="nowrap" title={TYPE_LABELS[monitor.type]}>
                <span className="chip">{TYPE_SHORT[monitor.type]}</span>
              </td>
              <td className={`cell-num nowrap ${uptimeClass(monitor.uptime24h)}`}>{formatUptime(monitor.uptime24h)}</td>
              <td className="cell-num nowrap">
                <span className="latency-cell">
                  {monitor.latency24h && <LatencySparkline values={monitor.latency24h} />}
                  {formatMs(monitor.lastLatencyMs)}
                </span>
              </td>
              <td className="nowrap" title={monitor.lastMessage ?? undefined}>
                <RelativeTime ms={monitor.lastCheckAt} empty="Never" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
