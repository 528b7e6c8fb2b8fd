import { useMemo, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { api, monitorsPath, type MonitorList, type OrgWithRole, type Project } from '../api';
import { Button } from '../components/button';
import { EmptyState } from '../components/empty-state';
import { ChevronLeftIcon, ChevronRightIcon, HeartPulseIcon, PlusIcon, RefreshIcon, SearchIcon } from '../components/icons';
import { LoadError, Loading } from '../components/loading';
import { MaintenanceWindows } from '../components/monitors/maintenance-windows';
import { filtersFromSearch, MonitorFilterBar, NO_FILTERS, searchOfFilters, type MonitorFilters } from '../components/monitors/monitor-filters';
import { MonitorsTable } from '../components/monitors/monitors-table';
import { PageHeader } from '../components/page-header';
import { Tabs } from '../components/tabs';
import { WithProject } from '../components/with-project';
import { useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useInterval } from '../hooks/use-interval';
import { formatNumber } from '../lib/format';
import { NEEDS, roleAtLeast } from '../lib/roles';

const PAGE_SIZE = 50;
const REFRESH_MS = 15_000;

export function MonitorsPage({ org }: { org: OrgWithRole }) {
  return <WithProject org={org}>{(project) => <Monitors org={org} project={project} />}</WithProject>;
}

function Monitors({ org, project }: { org: OrgWithRole; project: Project }) {
  useDocumentTitle('Monitors', project.name, org.name);
  const [location, navigate] = useLocation();
  const search = useSearch();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const view = params.get('view') === 'maintenance' ? 'maintenance' : 'monitors';
  const filters = useMemo(() => filtersFromSearch(params), [params]);
  const canManage = roleAtLeast(org.role, NEEDS.monitorManage);
  const base = `/orgs/${org.slug}/projects/${project.id}/monitors`;

  const setFilters = (change: Partial<MonitorFilters>) => navigate(`${location}${searchOfFilters({ ...filters, offset: 0, ...change })}`);
  const setView = (next: string) => navigate(next === 'maintenance' ? `${location}?view=maintenance` : location);

  return (
    <div className="page page-wide">
      <PageHeader
        title="Monitors"
        description={`Uptime of ${project.name}'s websites, ports, certificates, databases and cron jobs. Refreshes every 15 seconds.`}
        actions={
          canManage && (
            <Link href={`${base}/new`} className="btn btn-primary">
              <PlusIcon size={14} />
              Add monitor
            </Link>
          )
        }
      />
      <Tabs
        label="Monitors and maintenance"
        value={view}
        onChange={setView}
        tabs={[
          { id: 'monitors', label: 'Monitors', content: <MonitorList projectId={project.id} base={base} filters={filters} onFilters={setFilters} canManage={canManage} /> },
          { id: 'maintenance', label: 'Maintenance windows', content: <MaintenanceWindows projectId={project.id} canManage={canManage} /> },
        ]}
      />
    </div>
  );
}

interface ListProps {
  projectId: number;
  base: string;
  filters: MonitorFilters;
  onFilters: (change: Partial<MonitorFilters>) => void;
  canManage: boolean;
}

function MonitorList({ projectId, base, filters, onFilters, canManage }: ListProps) {
  const query = { status: filters.status || undefined, type: filters.type || undefined, search: filters.search || undefined, offset: filters.offset || undefined, limit: PAGE_SIZE };
  const monitors = useApi(monitorsPath(projectId, query), (signal) => api.monitors(projectId, query, signal));
  useInterval(() => void monitors.reload(), REFRESH_MS);

  // While another filter or page loads, keep the previous rows on screen (dimmed) instead of a spinner.
  const [shown, setShown] = useState<{ projectId: number; list: MonitorList } | null>(null);
  if (monitors.data && shown?.list !== monitors.data) setShown({ projectId, list: monitors.data });
  const list = monitors.data ?? (shown?.projectId === projectId ? shown.list : undefined);
  const stale = monitors.data === undefined && list !== undefined;
  const items = list?.items ?? [];
  const none = list !== undefined && Object.values(list.counts).every((count) => !count);

  return (
    <div className="stack">
      {!none && <MonitorFilterBar filters={filters} counts={list?.counts} onChange={onFilters} />}
      {monitors.error && <LoadError error={monitors.error} onRetry={() => void monitors.reload()} />}
      {!list && !monitors.error && <Loading label="Loading monitors…" />}
      {none && <FirstMonitor base={base} canManage={canManage} />}
      {list && !none && items.length === 0 && !stale && (
        <EmptyState icon={<SearchIcon size={22} />} title="No monitors match" action={<Button onClick={() => onFilters(NO_FILTERS)}>Clear filters</Button>}>
          Try another status or type, or a shorter search.
        </EmptyState>
      )}
      {list && items.length > 0 && (
        <div className={`card issues-card ${stale ? 'is-stale' : ''}`} aria-busy={stale || undefined}>
          <MonitorsTable monitors={items} hrefOf={(monitor) => `${base}/${encodeURIComponent(monitor.id)}`} />
          <div className="pager">
            <span className="text-muted">
              {formatNumber(filters.offset + 1)}–{formatNumber(filters.offset + items.length)} of {formatNumber(list.total)}
            </span>
            <div className="pager-buttons">
              <Button size="sm" onClick={() => void monitors.reload()} pending={monitors.refreshing && !stale} aria-label="Refresh monitors">
                <RefreshIcon size={14} />
              </Button>
              <Button size="sm" disabled={filters.offset === 0} onClick={() => onFilters({ offset: Math.max(0, filters.offset - PAGE_SIZE) })}>
                <ChevronLeftIcon size={14} />
                Previous
              </Button>
              <Button size="sm" disabled={filters.offset + items.length >= list.total} onClick={() => onFilters({ offset: filters.offset + PAGE_SIZE })}>
                Next
                <ChevronRightIcon size={14} />
              </Button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

/** The project has no monitors: what they are, and the two most common first steps. */
function FirstMonitor({ base, canManage }: { base: string; canManage: boolean }) {
  return (
    <div className="card">
      <EmptyState
        icon={<HeartPulseIcon size={22} />}
        title="Know when something is down before your users do"
        action={
          canManage ? (
            <div className="empty-state-buttons">
              <Link href={`${base}/new?type=http`} className="btn btn-primary">
                Add website monitor
              </Link>
              <Link href={`${base}/new?type=heartbeat`} className="btn">
                Add heartbeat (cron job)
              </Link>
            </div>
          ) : undefined
        }
      >
        <p>
          A monitor checks a website, API, port, certificate or database every minute or so from this server, and alerts your notification channels when it fails and
          when it recovers. A heartbeat works the other way round: your cron job pings a URL after each run, and silence raises the alarm.
        </p>
        {!canManage && <p>Ask a member of the project to add one.</p>}
      </EmptyState>
    </div>
  );
}
