import { useId, useState, type FormEvent } from 'react';
import { MONITOR_STATUSES, MONITOR_TYPES, type MonitorList, type MonitorStatus, type MonitorType } from '../../api';
import { formatNumber } from '../../lib/format';
import { STATUS_HINTS, STATUS_LABELS, TYPE_LABELS } from '../../lib/monitors';
import { Button } from '../button';
import { SearchIcon } from '../icons';

export interface MonitorFilters {
  status: MonitorStatus | '';
  type: MonitorType | '';
  search: string;
  offset: number;
}

export const NO_FILTERS: MonitorFilters = { status: '', type: '', search: '', offset: 0 };

export function filtersFromSearch(search: URLSearchParams): MonitorFilters {
  const status = search.get('status');
  const type = search.get('type');
  const offset = Number(search.get('offset') ?? 0);
  return {
    status: MONITOR_STATUSES.find((s) => s === status) ?? '',
    type: MONITOR_TYPES.find((t) => t === type) ?? '',
    search: search.get('search') ?? '',
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

/** `?status=down&search=api`: only what is set, so the plain list has a plain URL. */
export function searchOfFilters(filters: MonitorFilters): string {
  const search = new URLSearchParams();
  if (filters.status) search.set('status', filters.status);
  if (filters.type) search.set('type', filters.type);
  if (filters.search) search.set('search', filters.search);
  if (filters.offset > 0) search.set('offset', String(filters.offset));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

interface Props {
  filters: MonitorFilters;
  counts: MonitorList['counts'] | undefined;
  onChange: (change: Partial<MonitorFilters>) => void;
}

/** Status chips with counts (a click filters), a search box and the type filter. */
export function MonitorFilterBar({ filters, counts, onChange }: Props) {
  const id = useId();
  const [draft, setDraft] = useState(filters.search);
  const [applied, setApplied] = useState(filters.search);
  if (applied !== filters.search) {
    setApplied(filters.search);
    setDraft(filters.search);
  }
  const total = MONITOR_STATUSES.reduce((sum, status) => sum + (counts?.[status] ?? 0), 0);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ search: draft.trim() });
  };

  return (
    <div className="monitor-filters">
      <div className="status-chips" role="group" aria-label="Status">
        <button type="button" className="status-chip" aria-pressed={filters.status === ''} onClick={() => onChange({ status: '' })}>
          All <span className="status-chip-count">{formatNumber(total)}</span>
        </button>
        {MONITOR_STATUSES.map((status) => (
          <button
            key={status}
            type="button"
            className={`status-chip status-${status}`}
            aria-pressed={filters.status === status}
            title={STATUS_HINTS[status]}
            onClick={() => onChange({ status: filters.status === status ? '' : status })}
          >
            <span className="status-dot" aria-hidden="true" />
            {STATUS_LABELS[status]} <span className="status-chip-count">{formatNumber(counts?.[status] ?? 0)}</span>
          </button>
        ))}
      </div>
      <form className="issue-filter-row" role="search" onSubmit={submit}>
        <div className="search-input">
          <SearchIcon className="search-input-icon" />
          <label htmlFor={`${id}-search`} className="visually-hidden">
            Search monitors
          </label>
          <input
            id={`${id}-search`}
            className="input"
            type="search"
            placeholder="Search names and targets…"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
        </div>
        <label htmlFor={`${id}-type`} className="visually-hidden">
          Type
        </label>
        <select id={`${id}-type`} className="input input-sm" value={filters.type} onChange={(e) => onChange({ type: e.target.value as MonitorType | '' })}>
          <option value="">All types</option>
          {MONITOR_TYPES.map((type) => (
            <option key={type} value={type}>
              {TYPE_LABELS[type]}
            </option>
          ))}
        </select>
        <Button type="submit" size="sm">
          Search
        </Button>
        {(filters.search || filters.type || filters.status) && (
          <Button size="sm" variant="ghost" onClick={() => onChange(NO_FILTERS)}>
            Clear filters
          </Button>
        )}
      </form>
    </div>
  );
}
