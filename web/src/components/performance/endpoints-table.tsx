import { useState } from 'react';
import { Link } from 'wouter';
import type { EndpointStats } from '../../api';
import { formatMs, formatNumber, formatPercent, formatThroughput } from '../../lib/format';
import { ChevronDownIcon } from '../icons';

type SortKey = 'name' | 'throughputPerMinute' | 'p50' | 'p95' | 'p99' | 'failureRate' | 'apdex';

const COLUMNS: { key: SortKey; label: string; title?: string; numeric: boolean }[] = [
  { key: 'name', label: 'Endpoint', numeric: false },
  { key: 'throughputPerMinute', label: 'Throughput', title: 'Requests per minute', numeric: true },
  { key: 'p50', label: 'p50', title: 'Median duration', numeric: true },
  { key: 'p95', label: 'p95', title: '95th percentile duration', numeric: true },
  { key: 'p99', label: 'p99', title: '99th percentile duration', numeric: true },
  { key: 'failureRate', label: 'Failure rate', title: 'Share of transactions that ended in an error status', numeric: true },
  { key: 'apdex', label: 'Apdex', title: 'User satisfaction from 0 to 1 (satisfied ≤ 300 ms, tolerating ≤ 1.2 s)', numeric: true },
];

export function failureTone(rate: number): string {
  return rate >= 0.05 ? 'text-danger' : rate >= 0.01 ? 'text-warning' : '';
}

export function apdexTone(apdex: number | null): string {
  if (apdex === null) return '';
  return apdex < 0.7 ? 'text-danger' : apdex < 0.85 ? 'text-warning' : 'text-success';
}

function compare(a: EndpointStats, b: EndpointStats, key: SortKey): number {
  if (key === 'name') return a.name.localeCompare(b.name);
  // Missing values sort last whichever the direction, so they are compared separately.
  return (a[key] ?? 0) - (b[key] ?? 0);
}

interface Props {
  endpoints: EndpointStats[];
  hrefOf: (name: string) => string;
}

/** The project's transactions by name, sortable by any column. */
export function EndpointsTable({ endpoints, hrefOf }: Props) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'throughputPerMinute', desc: true });
  const sorted = [...endpoints].sort((a, b) => {
    const missingA = sort.key !== 'name' && a[sort.key] === null;
    const missingB = sort.key !== 'name' && b[sort.key] === null;
    if (missingA !== missingB) return missingA ? 1 : -1;
    const order = compare(a, b, sort.key);
    return sort.desc ? -order : order;
  });
  const toggle = (key: SortKey) => setSort((current) => (current.key === key ? { key, desc: !current.desc } : { key, desc: key !== 'name' }));

  return (
    <div className="table-wrap">
      <table className="table endpoints-table">
        <thead>
          <tr>
            {COLUMNS.map((column) => {
              const active = sort.key === column.key;
              return (
                <th key={column.key} scope="col" className={column.numeric ? 'cell-num' : undefined} aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : undefined}>
                  <button type="button" className={`sort-button ${active ? 'is-active' : ''}`} onClick={() => toggle(column.key)} title={column.title}>
                    {column.label}
                    <ChevronDownIcon size={12} className={`sort-icon ${active && !sort.desc ? 'sort-icon-up' : ''}`} />
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((endpoint) => (
            <tr key={endpoint.name}>
              <td className="endpoint-name">
                <Link href={hrefOf(endpoint.name)} className="mono">
                  {endpoint.name}
                </Link>
                <div className="cell-secondary">{formatNumber(endpoint.count)} transactions</div>
              </td>
              <td className="cell-num nowrap">{formatThroughput(endpoint.throughputPerMinute)}</td>
              <td className="cell-num nowrap">{formatMs(endpoint.p50)}</td>
              <td className="cell-num nowrap">{formatMs(endpoint.p95)}</td>
              <td className="cell-num nowrap">{formatMs(endpoint.p99)}</td>
              <td className={`cell-num nowrap ${failureTone(endpoint.failureRate)}`}>{formatPercent(endpoint.failureRate)}</td>
              <td className={`cell-num nowrap ${apdexTone(endpoint.apdex)}`}>{endpoint.apdex === null ? '—' : endpoint.apdex.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
