import { useId, useState } from 'react';
import { api, type IngestOutcome } from '../../api';
import { useApi } from '../../hooks/use-api';
import { formatClock, formatCompact, formatNumber } from '../../lib/format';
import type { ChartTone } from '../charts/scale';
import { StackedBarChart } from '../charts/time-chart';
import { LoadError, Loading } from '../loading';
import { Section } from '../section';

const HOUR = 3_600_000;

const OUTCOMES: { outcome: IngestOutcome; label: string; tone: ChartTone; hint: string; always: boolean }[] = [
  { outcome: 'accepted', label: 'Accepted', tone: 'green', hint: 'Stored and processed', always: true },
  { outcome: 'rate_limited', label: 'Rate limited', tone: 'amber', hint: 'Refused by a rate limit; the SDK backs off', always: true },
  { outcome: 'quota', label: 'Over quota', tone: 'orange', hint: 'Refused because a usage quota was reached', always: true },
  { outcome: 'filtered', label: 'Filtered', tone: 'blue', hint: 'Dropped by inbound filters or sampling rules', always: true },
  { outcome: 'invalid', label: 'Invalid', tone: 'red', hint: 'Malformed or too large to store', always: true },
  { outcome: 'client_discarded', label: 'Client discarded', tone: 'violet', hint: 'Dropped by the SDK itself (sampling, full queue, network errors) and reported later', always: true },
  { outcome: 'duplicate', label: 'Duplicates', tone: 'gray', hint: 'Retries of events already stored', always: false },
];

const CATEGORY_LABELS: Record<string, string> = { error: 'Errors', transaction: 'Transactions', span: 'Spans', session: 'Sessions', monitor: 'Check-ins', attachment: 'Attachments', default: 'Other' };

/** What happened to what the project's SDKs sent in the last 24 hours, in totals and per hour. */
export function IngestStatsPanel({ projectId }: { projectId: number }) {
  const stats = useApi(`/projects/${projectId}/ingest/stats?period=24h`, (signal) => api.ingestStats(projectId, '24h', signal));
  const [category, setCategory] = useState('');
  const selectId = useId();
  const categories = [...new Set(stats.data?.totals.map((row) => row.category) ?? [])].sort();

  const actions =
    categories.length > 1 ? (
      <div className="inline-field">
        <label htmlFor={selectId}>Show</label>
        <select id={selectId} className="input input-sm" value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">All data</option>
          {categories.map((name) => (
            <option key={name} value={name}>
              {CATEGORY_LABELS[name] ?? name}
            </option>
          ))}
        </select>
      </div>
    ) : undefined;

  let body;
  if (stats.error) body = <LoadError error={stats.error} onRetry={() => void stats.reload()} />;
  else if (!stats.data) body = <Loading />;
  else {
    const matches = (row: { category: string }) => category === '' || row.category === category;
    const totals = new Map<string, number>();
    for (const row of stats.data.totals) if (matches(row)) totals.set(row.outcome, (totals.get(row.outcome) ?? 0) + row.count);
    const shown = OUTCOMES.filter((item) => item.always || (totals.get(item.outcome) ?? 0) > 0);

    // 24 hourly slots ending with the current hour, so quiet hours show as gaps, not missing.
    const end = Date.now() - (Date.now() % HOUR);
    const times = Array.from({ length: 24 }, (_, i) => end - (23 - i) * HOUR);
    const slot = new Map(times.map((time, index) => [time, index]));
    const series = shown.map((item) => ({ key: item.outcome, label: item.label, tone: item.tone, values: new Array<number>(24).fill(0) }));
    for (const row of stats.data.series) {
      const index = slot.get(row.hour);
      const target = series.find((s) => s.key === row.outcome);
      if (index === undefined || !target || !matches(row)) continue;
      target.values[index] = (target.values[index] ?? 0) + row.count;
    }
    const received = [...totals.values()].reduce((sum, count) => sum + count, 0);

    body = (
      <div className="stack">
        <dl className="stat-tiles stat-tiles-compact">
          {shown.map((item) => (
            <div key={item.outcome} className={`chart-tone-${item.tone}`} title={item.hint}>
              <dt>
                <span className="chart-swatch" aria-hidden="true" />
                {item.label}
              </dt>
              <dd title={formatNumber(totals.get(item.outcome) ?? 0)}>{formatCompact(totals.get(item.outcome) ?? 0)}</dd>
            </div>
          ))}
        </dl>
        {received === 0 ? (
          <p className="text-muted">Nothing received in the last 24 hours.</p>
        ) : (
          <StackedBarChart label="Items received per hour over the last 24 hours, by outcome" times={times} series={series} formatTime={formatClock} formatValue={formatNumber} formatTick={formatCompact} height={160} />
        )}
      </div>
    );
  }

  return (
    <Section title="Ingest, last 24 hours" description="What happened to the errors, transactions and sessions SDKs sent to this project." actions={actions}>
      {body}
    </Section>
  );
}
