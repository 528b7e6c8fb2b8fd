import type { MonitorStats } from '../../api';
import { formatClock, formatDate, formatMs, formatMsShort, formatNumber } from '../../lib/format';
import { formatUptime, uptimeClass } from '../../lib/monitors';
import { LineChart } from '../charts/time-chart';

const MINUTE = 60_000;
const STEP = 10 * MINUTE;
const DAY = 86_400_000;

/** Uptime over five periods and the latency of the last 24 hours. */
export function UptimeTiles({ stats, latencyLabel }: { stats: MonitorStats; latencyLabel: string }) {
  const periods: [string, number | null][] = [
    ['24 hours', stats.uptime.h24],
    ['7 days', stats.uptime.d7],
    ['30 days', stats.uptime.d30],
    ['90 days', stats.uptime.d90],
    ['1 year', stats.uptime.y1],
  ];
  return (
    <div className="monitor-tiles">
      <section className="tile-group" aria-label="Uptime">
        <h2 className="tile-group-title">Uptime</h2>
        <dl className="stat-tiles">
          {periods.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd className={uptimeClass(value)} data-testid={`uptime-${label.replace(' ', '')}`}>
                {formatUptime(value)}
              </dd>
            </div>
          ))}
        </dl>
      </section>
      <section className="tile-group" aria-label={`${latencyLabel}, last 24 hours`}>
        <h2 className="tile-group-title">{latencyLabel}, 24 hours</h2>
        <dl className="stat-tiles">
          <div>
            <dt>Average</dt>
            <dd>{formatMs(stats.latency.avgMs)}</dd>
          </div>
          <div>
            <dt>p50</dt>
            <dd>{formatMs(stats.latency.p50Ms)}</dd>
          </div>
          <div>
            <dt>p95</dt>
            <dd>{formatMs(stats.latency.p95Ms)}</dd>
          </div>
        </dl>
      </section>
    </div>
  );
}

/** Average and p95 latency per 10 minutes over the last 24 hours; buckets without checks leave gaps. */
export function ResponseTimeChart({ stats, now, label }: { stats: MonitorStats; now: number; label: string }) {
  const byTime = new Map(stats.series.map((point) => [point.t, point]));
  const first = Math.floor((now - DAY) / STEP) * STEP + STEP;
  const times: number[] = [];
  for (let t = first; t <= now; t += STEP) times.push(t);
  const avg = times.map((t) => byTime.get(t)?.avgMs ?? null);
  const p95 = times.map((t) => byTime.get(t)?.p95Ms ?? null);
  if (avg.every((value) => value === null)) return <p className="text-muted">No {label.toLowerCase()}s in the last 24 hours yet.</p>;
  return (
    <LineChart
      label={`${label}, average and p95 per 10 minutes over the last 24 hours`}
      times={times}
      formatTime={formatClock}
      formatValue={formatMs}
      formatTick={formatMsShort}
      height={200}
      series={[
        { key: 'avg', label: 'Average', tone: 'accent', values: avg },
        { key: 'p95', label: 'p95', tone: 'violet', values: p95 },
      ]}
    />
  );
}

type Day = MonitorStats['days'][number];

function dayTone(day: Day): string {
  if (day.checks === 0 || day.uptime === null) return day.maintenance > 0 ? 'bar-maintenance' : 'bar-none';
  if (day.down === 0) return 'bar-up';
  return day.uptime >= 99 ? 'bar-degraded' : 'bar-down';
}

function dayTitle(day: Day): string {
  const date = formatDate(day.day);
  if (day.checks === 0) return day.maintenance > 0 ? `${date}: maintenance only` : `${date}: no data`;
  const failed = day.down > 0 ? `, ${formatNumber(day.down)} failed` : '';
  const maintenance = day.maintenance > 0 ? `, ${formatNumber(day.maintenance)} in maintenance` : '';
  return `${date}: ${formatUptime(day.uptime)} up (${formatNumber(day.checks)} checks${failed}${maintenance})`;
}

/** One bar per day for 90 days: green all up, amber some failures, red under 99 %, grey without data. */
export function UptimeBars({ days }: { days: MonitorStats['days'] }) {
  const bad = days.filter((day) => day.down > 0).length;
  const measured = days.filter((day) => day.checks > 0).length;
  return (
    <div className="uptime-bars-wrap">
      <div className="uptime-bars" role="img" aria-label={`Last 90 days: ${measured} days with checks, ${bad} with failures`}>
        {days.map((day) => (
          <span key={day.day} className={`uptime-bar ${dayTone(day)}`} title={dayTitle(day)} />
        ))}
      </div>
      <div className="uptime-bars-axis text-subtle" aria-hidden="true">
        <span>90 days ago</span>
        <span>Today</span>
      </div>
    </div>
  );
}
