import { api, type EndpointStats, type PerformancePeriod } from '../../api';
import { useApi } from '../../hooks/use-api';
import { formatClock, formatCompact, formatDayMonth, formatMs, formatMsShort, formatNumber, formatPercent, formatThroughput } from '../../lib/format';
import { LineChart, StackedBarChart } from '../charts/time-chart';
import { EmptyState } from '../empty-state';
import { ActivityIcon } from '../icons';
import { LoadError, Loading } from '../loading';
import { Section } from '../section';
import { apdexTone, failureTone } from './endpoints-table';

/** Axis and tooltip times for a period: clock times within a day, dates beyond. */
export function timeFormatter(period: PerformancePeriod | '24h' | '7d' | '30d'): (ms: number) => string {
  if (period === '1h' || period === '24h') return formatClock;
  if (period === '7d') return (ms) => `${formatDayMonth(ms)} ${formatClock(ms)}`;
  return formatDayMonth;
}

interface Props {
  projectId: number;
  name: string;
  period: PerformancePeriod;
  /** The endpoint's row of the overview, for the headline numbers (absent when it had no traffic). */
  summary: EndpointStats | undefined;
}

/** One endpoint: latency percentiles and throughput over time, and the spans that take longest. */
export function EndpointDetail({ projectId, name, period, summary }: Props) {
  const detail = useApi(`/projects/${projectId}/performance/endpoint?name=${encodeURIComponent(name)}&period=${period}`, (signal) => api.endpoint(projectId, name, period, signal));
  const formatTime = timeFormatter(period);
  const series = detail.data?.series ?? [];
  const times = series.map((bucket) => bucket.t);

  return (
    <div className="stack-lg">
      {summary && (
        <dl className="stat-tiles">
          <div>
            <dt>Throughput</dt>
            <dd>{formatThroughput(summary.throughputPerMinute)}</dd>
          </div>
          <div>
            <dt>p50</dt>
            <dd>{formatMs(summary.p50)}</dd>
          </div>
          <div>
            <dt>p95</dt>
            <dd>{formatMs(summary.p95)}</dd>
          </div>
          <div>
            <dt>p99</dt>
            <dd>{formatMs(summary.p99)}</dd>
          </div>
          <div>
            <dt>Failure rate</dt>
            <dd className={failureTone(summary.failureRate)}>{formatPercent(summary.failureRate)}</dd>
          </div>
          <div>
            <dt>Apdex</dt>
            <dd className={apdexTone(summary.apdex)}>{summary.apdex === null ? '—' : summary.apdex.toFixed(2)}</dd>
          </div>
        </dl>
      )}
      {detail.error && <LoadError error={detail.error} onRetry={() => void detail.reload()} />}
      {detail.loading && <Loading />}
      {detail.data && series.length === 0 && (
        <EmptyState icon={<ActivityIcon size={22} />} title="No transactions in this period">
          Pick a longer period, or check that the SDK still sends transactions for {name}.
        </EmptyState>
      )}
      {detail.data && series.length > 0 && (
        <>
          <Section title="Latency" description="Duration percentiles per interval.">
            <LineChart
              label={`Latency of ${name}: p50, p95 and p99 over time`}
              times={times}
              formatTime={formatTime}
              formatValue={formatMs}
              formatTick={formatMsShort}
              series={[
                { key: 'p50', label: 'p50', tone: 'blue', values: series.map((b) => b.p50) },
                { key: 'p95', label: 'p95', tone: 'violet', values: series.map((b) => b.p95) },
                { key: 'p99', label: 'p99', tone: 'orange', values: series.map((b) => b.p99) },
              ]}
            />
          </Section>
          <Section title="Throughput" description="Transactions per interval; failed ones on top.">
            <StackedBarChart
              label={`Throughput of ${name} over time`}
              times={times}
              formatTime={formatTime}
              formatValue={formatNumber}
              formatTick={formatCompact}
              series={[
                { key: 'ok', label: 'OK', tone: 'accent', values: series.map((b) => Math.max(0, b.count - b.failures)) },
                { key: 'failed', label: 'Failed', tone: 'red', values: series.map((b) => b.failures) },
              ]}
            />
          </Section>
          <Section title="Slow spans" description="The operations inside this endpoint, slowest first." flush>
            {detail.data.spans.length === 0 ? (
              <p className="section-empty text-muted">No spans recorded: the SDK’s integrations add them for database queries, HTTP calls and more.</p>
            ) : (
              <div className="table-wrap">
                <table className="table table-dense">
                  <thead>
                    <tr>
                      <th scope="col">Operation</th>
                      <th scope="col">Description</th>
                      <th scope="col" className="cell-num">
                        Count
                      </th>
                      <th scope="col" className="cell-num">
                        Average
                      </th>
                      <th scope="col" className="cell-num">
                        p95
                      </th>
                      <th scope="col" className="cell-num">
                        Max
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {detail.data.spans.map((span, index) => (
                      <tr key={`${span.op}-${span.description}-${index}`}>
                        <td>
                          <span className="action-name">{span.op}</span>
                        </td>
                        <td className="mono details-cell span-description" title={span.description}>
                          {span.description || <span className="text-subtle">—</span>}
                        </td>
                        <td className="cell-num">{formatNumber(span.count)}</td>
                        <td className="cell-num nowrap">{formatMs(span.avgMs)}</td>
                        <td className="cell-num nowrap">{formatMs(span.p95)}</td>
                        <td className="cell-num nowrap">{formatMs(span.maxMs)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Section>
        </>
      )}
    </div>
  );
}
