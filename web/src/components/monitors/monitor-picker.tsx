import { useId, useState } from 'react';
import { api, monitorsPath, type Monitor } from '../../api';
import { useApi } from '../../hooks/use-api';
import { TYPE_SHORT } from '../../lib/monitors';
import { SearchIcon } from '../icons';
import { StatusDot } from './monitor-status';

interface Props {
  projectId: number;
  selected: ReadonlySet<string>;
  /** `monitor` is the one just ticked or unticked (callers that show names keep it). */
  onChange: (selected: Set<string>, monitor: Monitor) => void;
}

const SHOWN = 50;

/** Checkboxes for monitors, found by search: projects may have thousands, so only matches load. */
export function MonitorPicker({ projectId, selected, onChange }: Props) {
  const id = useId();
  const [search, setSearch] = useState('');
  const q = { search: search.trim() || undefined, limit: SHOWN };
  const monitors = useApi(monitorsPath(projectId, q), (signal) => api.monitors(projectId, q, signal));
  const toggle = (monitor: Monitor, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(monitor.id);
    else next.delete(monitor.id);
    onChange(next, monitor);
  };
  const items = monitors.data?.items ?? [];
  const more = (monitors.data?.total ?? 0) - items.length;

  return (
    <div className="picker">
      <div className="search-input">
        <SearchIcon className="search-input-icon" />
        <label htmlFor={`${id}-search`} className="visually-hidden">
          Find monitors
        </label>
        <input id={`${id}-search`} className="input" type="search" placeholder="Find monitors…" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      <ul className="picker-list" aria-label="Monitors">
        {items.map((monitor) => (
          <li key={monitor.id}>
            <label className="check-row">
              <input type="checkbox" checked={selected.has(monitor.id)} onChange={(e) => toggle(monitor, e.target.checked)} />
              <StatusDot status={monitor.status} />
              <span className="picker-name">{monitor.name}</span>
              <span className="text-subtle">{TYPE_SHORT[monitor.type]}</span>
            </label>
          </li>
        ))}
        {monitors.data && items.length === 0 && <li className="text-muted picker-empty">No monitors match.</li>}
      </ul>
      <div className="field-hint">
        {selected.size} selected{more > 0 ? ` · ${more} more match: search to narrow the list` : ''}
      </div>
    </div>
  );
}
