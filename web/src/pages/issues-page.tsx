import { useMemo, useState, type ReactNode } from 'react';
import { useLocation, useSearch } from 'wouter';
import { api, issuesPath, type IssueList, type OrgWithRole, type Project } from '../api';
import { Button } from '../components/button';
import { EmptyState } from '../components/empty-state';
import { CheckIcon, ChevronLeftIcon, ChevronRightIcon, RefreshIcon, SearchIcon } from '../components/icons';
import { BulkActions } from '../components/issues/bulk-actions';
import { FirstEventGuide } from '../components/issues/first-event-guide';
import { IssueFilterBar } from '../components/issues/issue-filters';
import { IssuesTable } from '../components/issues/issues-table';
import { LoadError, Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { WithProject } from '../components/with-project';
import { invalidate, useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useInterval } from '../hooks/use-interval';
import { formatNumber } from '../lib/format';
import { DEFAULT_FILTERS, filtersFromSearch, PAGE_SIZE, queryOfFilters, searchOfFilters, type IssueFilters } from '../lib/issues';
import { NEEDS, roleAtLeast } from '../lib/roles';

const REFRESH_MS = 30_000;

export function IssuesPage({ org }: { org: OrgWithRole }) {
  return <WithProject org={org}>{(project) => <Issues org={org} project={project} />}</WithProject>;
}

function Issues({ org, project }: { org: OrgWithRole; project: Project }) {
  useDocumentTitle('Issues', project.name, org.name);
  const [location, navigate] = useLocation();
  const search = useSearch();
  const filters = useMemo(() => filtersFromSearch(new URLSearchParams(search)), [search]);
  const query = queryOfFilters(filters);
  const path = issuesPath(project.id, query);
  const issues = useApi(path, (signal) => api.issues(project.id, query, signal));
  const members = useApi(`/orgs/${org.id}/members`, (signal) => api.members(org.id, signal));
  const releases = useApi(`/projects/${project.id}/releases`, (signal) => api.releases(project.id, signal));
  // An empty list may mean "no matches" or "nothing ever arrived": only the latter gets the set-up guide.
  const empty = issues.data?.items.length === 0 && filters.cursor === 0;
  const anyPath = issuesPath(project.id, { status: 'all', period: 'all', limit: 1 });
  const anyIssues = useApi(empty ? anyPath : null, (signal) => api.issues(project.id, { status: 'all', period: 'all', limit: 1 }, signal));

  // While another filter loads, keep the previous rows on screen (dimmed) instead of a spinner.
  const [shown, setShown] = useState<{ projectId: number; list: IssueList } | null>(null);
  if (issues.data && shown?.list !== issues.data) setShown({ projectId: project.id, list: issues.data });
  const list = issues.data ?? (shown?.projectId === project.id ? shown.list : undefined);
  const stale = issues.data === undefined && list !== undefined;

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [selectionFor, setSelectionFor] = useState(path);
  if (selectionFor !== path) {
    setSelectionFor(path);
    setSelected(new Set());
  }

  useInterval(() => void issues.reload(), filters.cursor === 0 ? REFRESH_MS : null);

  const canTriage = roleAtLeast(org.role, NEEDS.issueTriage);
  const base = `/orgs/${org.slug}/projects/${project.id}/issues`;
  const setFilters = (change: Partial<IssueFilters>) => navigate(`${location}${searchOfFilters({ ...filters, cursor: 0, ...change })}`);
  const memberName = (id: string) => {
    const member = members.data?.items.find((candidate) => candidate.userId === id);
    return member ? member.name || member.email : null;
  };
  const afterBulk = () => {
    setSelected(new Set());
    invalidate(`/projects/${project.id}/issues`);
  };

  const items = list?.items ?? [];
  const first = filters.cursor + 1;
  const last = filters.cursor + items.length;

  return (
    <div className="page page-wide">
      <PageHeader
        title="Issues"
        description={`Errors from ${project.name}, grouped by cause. Newest activity first; refreshes every 30 seconds.`}
        actions={
          <Button onClick={() => void issues.reload()} pending={issues.refreshing && !issues.loading} aria-label="Refresh issues">
            <RefreshIcon size={14} />
            Refresh
          </Button>
        }
      />
      <div className="stack">
        <IssueFilterBar filters={filters} onChange={setFilters} releases={releases.data?.items.map((release) => release.version) ?? []} />
        {issues.error && <LoadError error={issues.error} onRetry={() => void issues.reload()} />}
        {!list && !issues.error && <Loading label="Loading issues…" />}
        {list && items.length === 0 && !stale && (
          <EmptyResult
            filters={filters}
            neverReceived={anyIssues.data?.total === 0}
            checking={anyIssues.loading}
            onReset={() => navigate(`${location}${searchOfFilters(DEFAULT_FILTERS)}`)}
            onFirstPage={() => setFilters({ cursor: 0 })}
            guide={<FirstEventGuide project={project} orgSlug={org.slug} />}
          />
        )}
        {list && items.length > 0 && (
          <div className={`card issues-card ${stale ? 'is-stale' : ''}`} aria-busy={stale || undefined}>
            {canTriage && <BulkActions projectId={project.id} selected={[...selected]} status={filters.status} onDone={afterBulk} />}
            <IssuesTable
              issues={items}
              hrefOf={(issue) => `${base}/${encodeURIComponent(issue.id)}`}
              selected={selected}
              onSelect={
                canTriage
                  ? (id, on) =>
                      setSelected((current) => {
                        const next = new Set(current);
                        if (on) next.add(id);
                        else next.delete(id);
                        return next;
                      })
                  : null
              }
              onSelectAll={(on) => setSelected(on ? new Set(items.map((issue) => issue.id)) : new Set())}
              assigneeName={memberName}
            />
            <div className="pager">
              <span className="text-muted">
                {formatNumber(first)}–{formatNumber(last)} of {formatNumber(list.total)}
              </span>
              <div className="pager-buttons">
                <Button size="sm" disabled={filters.cursor === 0} onClick={() => setFilters({ cursor: Math.max(0, filters.cursor - PAGE_SIZE) })}>
                  <ChevronLeftIcon size={14} />
                  Previous
                </Button>
                <Button size="sm" disabled={list.nextCursor === null} onClick={() => list.nextCursor !== null && setFilters({ cursor: list.nextCursor })}>
                  Next
                  <ChevronRightIcon size={14} />
                </Button>
              </div>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

interface EmptyProps {
  filters: IssueFilters;
  neverReceived: boolean;
  checking: boolean;
  onReset: () => void;
  onFirstPage: () => void;
  guide: ReactNode;
}

function EmptyResult({ filters, neverReceived, checking, onReset, onFirstPage, guide }: EmptyProps) {
  if (filters.cursor > 0) {
    return (
      <EmptyState icon={<SearchIcon size={22} />} title="Nothing on this page" action={<Button onClick={onFirstPage}>Go to the first page</Button>}>
        The list changed since this page was opened.
      </EmptyState>
    );
  }
  if (checking) return <Loading />;
  if (neverReceived) return guide;
  const onlyStatus = searchOfFilters({ ...filters, status: DEFAULT_FILTERS.status, sort: DEFAULT_FILTERS.sort }) === '';
  if (onlyStatus && filters.status === 'unresolved') {
    return (
      <EmptyState icon={<CheckIcon size={22} />} title="No unresolved issues">
        Everything is resolved or ignored. New errors, and resolved ones that come back, show up here.
      </EmptyState>
    );
  }
  return (
    <EmptyState icon={<SearchIcon size={22} />} title="No issues match these filters" action={<Button onClick={onReset}>Clear filters</Button>}>
      Try another status, a longer period, or a shorter search.
    </EmptyState>
  );
}
