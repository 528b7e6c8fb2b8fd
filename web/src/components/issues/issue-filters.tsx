import { useId, useState, type FormEvent } from 'react';
import { ISSUE_LEVELS } from '../../api';
import { DEFAULT_FILTERS, LEVEL_LABELS, PERIODS, SORTS, STATUS_TABS, type IssueFilters } from '../../lib/issues';
import { Button } from '../button';
import { SearchIcon } from '../icons';

interface Props {
  filters: IssueFilters;
  /** Applies a change; the page puts it in the URL (and starts again at the first page). */
  onChange: (change: Partial<IssueFilters>) => void;
  /** Release versions to suggest. */
  releases: string[];
}

type Drafts = Pick<IssueFilters, 'query' | 'environment' | 'release'>;
const draftsOf = (filters: IssueFilters): Drafts => ({ query: filters.query, environment: filters.environment, release: filters.release });
const ENVIRONMENTS = ['production', 'staging', 'development'];

/** Status tabs, search, and the level / environment / release / period / sort filters. */
export function IssueFilterBar({ filters, onChange, releases }: Props) {
  const id = useId();
  const [drafts, setDrafts] = useState<Drafts>(() => draftsOf(filters));
  // Back/forward or a link changes the filters under the form: show what applies now.
  const appliedKey = JSON.stringify(draftsOf(filters));
  const [applied, setApplied] = useState(appliedKey);
  if (applied !== appliedKey) {
    setApplied(appliedKey);
    setDrafts(draftsOf(filters));
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ query: drafts.query.trim(), environment: drafts.environment.trim(), release: drafts.release.trim() });
  };
  const filtered = (Object.keys(DEFAULT_FILTERS) as (keyof IssueFilters)[]).some((key) => key !== 'cursor' && key !== 'status' && key !== 'sort' && filters[key] !== DEFAULT_FILTERS[key]);

  return (
    <div className="issue-filters">
      <div className="filter-tabs" role="group" aria-label="Status">
        {STATUS_TABS.map((tab) => (
          <button key={tab.value} type="button" className="filter-tab" aria-pressed={filters.status === tab.value} onClick={() => onChange({ status: tab.value })}>
            {tab.label}
          </button>
        ))}
      </div>
      <form className="issue-filter-row" onSubmit={submit} role="search">
        <div className="search-input">
          <SearchIcon className="search-input-icon" />
          <label htmlFor={`${id}-query`} className="visually-hidden">
            Search issues
          </label>
          <input
            id={`${id}-query`}
            className="input"
            type="search"
            placeholder="Search titles and culprits…"
            value={drafts.query}
            onChange={(e) => setDrafts((d) => ({ ...d, query: e.target.value }))}
          />
        </div>
        <label htmlFor={`${id}-env`} className="visually-hidden">
          Environment
        </label>
        <input
          id={`${id}-env`}
          className="input input-sm filter-text"
          list={`${id}-envs`}
          placeholder="Environment"
          value={drafts.environment}
          onChange={(e) => setDrafts((d) => ({ ...d, environment: e.target.value }))}
          onBlur={() => drafts.environment.trim() !== filters.environment && onChange({ environment: drafts.environment.trim() })}
        />
        <datalist id={`${id}-envs`}>
          {ENVIRONMENTS.map((env) => (
            <option key={env} value={env} />
          ))}
        </datalist>
        <label htmlFor={`${id}-release`} className="visually-hidden">
          Release
        </label>
        <input
          id={`${id}-release`}
          className="input input-sm filter-text mono"
          list={`${id}-releases`}
          placeholder="Release"
          value={drafts.release}
          onChange={(e) => setDrafts((d) => ({ ...d, release: e.target.value }))}
          onBlur={() => drafts.release.trim() !== filters.release && onChange({ release: drafts.release.trim() })}
        />
        <datalist id={`${id}-releases`}>
          {releases.map((version) => (
            <option key={version} value={version} />
          ))}
        </datalist>
        <label htmlFor={`${id}-level`} className="visually-hidden">
          Level
        </label>
        <select id={`${id}-level`} className="input input-sm" value={filters.level} onChange={(e) => onChange({ level: e.target.value })}>
          <option value="">All levels</option>
          {ISSUE_LEVELS.map((level) => (
            <option key={level} value={level}>
              {LEVEL_LABELS[level]}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-period`} className="visually-hidden">
          Seen in
        </label>
        <select id={`${id}-period`} className="input input-sm" value={filters.period} onChange={(e) => onChange({ period: e.target.value as IssueFilters['period'] })}>
          {PERIODS.map((period) => (
            <option key={period.value} value={period.value}>
              {period.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-sort`} className="inline-field">
          Sort
        </label>
        <select id={`${id}-sort`} className="input input-sm" value={filters.sort} onChange={(e) => onChange({ sort: e.target.value as IssueFilters['sort'] })}>
          {SORTS.map((sort) => (
            <option key={sort.value} value={sort.value}>
              {sort.label}
            </option>
          ))}
        </select>
        {/* Enter in any text field applies; the button is there for pointer users. */}
        <Button type="submit" size="sm">
          Search
        </Button>
        {filtered && (
          <Button size="sm" variant="ghost" onClick={() => onChange({ query: '', level: '', environment: '', release: '', period: DEFAULT_FILTERS.period })}>
            Clear filters
          </Button>
        )}
      </form>
    </div>
  );
}
