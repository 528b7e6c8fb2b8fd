import { useState } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { ApiError, api, type Issue, type IssueDetail, type IssueEvent, type OrgWithRole, type Project } from '../api';
import { Badge } from '../components/badge';
import { Button } from '../components/button';
import { CodeBlock } from '../components/code-block';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Breadcrumbs } from '../components/issues/breadcrumbs';
import { ContextsPanel, EventTags, KeyValues, RequestPanel } from '../components/issues/event-context';
import { EventNavigator } from '../components/issues/event-navigator';
import { IssueActions } from '../components/issues/issue-actions';
import { IssueActivityLog } from '../components/issues/issue-activity';
import { IssueTitle } from '../components/issues/issue-title';
import { LevelBadge } from '../components/issues/level-badge';
import { ExceptionChain, StackTrace } from '../components/issues/stack-trace';
import { TagDistribution } from '../components/issues/tag-distribution';
import { LoadError, Loading } from '../components/loading';
import { RelativeTime } from '../components/relative-time';
import { Section } from '../components/section';
import { WithProject } from '../components/with-project';
import { invalidate, useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { formatDateTime, formatNumber } from '../lib/format';
import { statusBadge, substatusBadge } from '../lib/issues';
import { NEEDS, roleAtLeast } from '../lib/roles';
import { readEvent } from '../lib/sentry-event';
import { NotFoundPage } from './not-found-page';

export function IssuePage({ org }: { org: OrgWithRole }) {
  return <WithProject org={org}>{(project) => <IssueView org={org} project={project} />}</WithProject>;
}

function IssueView({ org, project }: { org: OrgWithRole; project: Project }) {
  const { issueId = '' } = useParams<{ issueId: string }>();
  const [location, navigate] = useLocation();
  const eventId = new URLSearchParams(useSearch()).get('event') ?? 'latest';
  const [deleting, setDeleting] = useState(false);
  const issue = useApi(`/issues/${issueId}`, (signal) => api.issue(issueId, signal));
  const event = useApi(`/issues/${issueId}/events/${eventId}`, (signal) => api.issueEvent(issueId, eventId, signal));
  const members = useApi(`/orgs/${org.id}/members`, (signal) => api.members(org.id, signal));
  const releases = useApi(`/projects/${project.id}/releases`, (signal) => api.releases(project.id, signal));
  useDocumentTitle(issue.data?.title, project.name);

  const listHref = `/orgs/${org.slug}/projects/${project.id}/issues`;
  const missing = issue.error instanceof ApiError && (issue.error.status === 404 || issue.error.status === 403);
  if (missing || (issue.data && issue.data.projectId !== project.id)) {
    return <NotFoundPage title="Issue not found" message="It may have been deleted or merged into another issue." />;
  }
  if (issue.error) return <LoadError error={issue.error} onRetry={() => void issue.reload()} />;
  if (!issue.data) return <Loading />;

  const current = issue.data;
  const canTriage = roleAtLeast(org.role, NEEDS.issueTriage);
  const memberName = (id: string) => {
    const member = members.data?.items.find((candidate) => candidate.userId === id);
    return member ? member.name || member.email : null;
  };
  const onChanged = (updated: Issue) => {
    issue.mutate((detail) => (detail ? { ...detail, ...updated } : detail));
    // The activity log gained an entry, and the list's rows are out of date.
    void issue.reload();
    invalidate(`/projects/${project.id}/issues`);
  };

  return (
    <div className="page page-wide">
      <Link href={listHref} className="back-link">
        ← Issues
      </Link>
      <IssueHeader issue={current} />
      <IssueActions
        issue={current}
        canTriage={canTriage}
        members={members.data?.items ?? []}
        releases={releases.data?.items.map((release) => release.version) ?? []}
        onChanged={onChanged}
        onDelete={() => setDeleting(true)}
      />
      <IssueStats issue={current} />
      <div className="issue-layout">
        <div className="issue-main">
          {event.error && !(event.error instanceof ApiError && event.error.status === 404) && <LoadError error={event.error} onRetry={() => void event.reload()} />}
          {event.error instanceof ApiError && event.error.status === 404 && (
            <div className="callout callout-warning">
              This event no longer exists (it may have been deleted by retention). <Link href={location}>Show the latest event</Link>.
            </div>
          )}
          {event.loading && <Loading label="Loading the event…" />}
          {event.data && <EventView event={event.data} onGo={(id) => navigate(`${location}?event=${encodeURIComponent(id)}`, { replace: true })} />}
          <Section title="Activity">
            <IssueActivityLog issueId={current.id} activity={current.activity} canComment={canTriage} memberName={memberName} onCommented={() => void issue.reload()} />
          </Section>
        </div>
        <aside className="issue-aside" aria-label="Issue details">
          <Section title="Tags" description="Across all events of this issue.">
            <TagDistribution tags={current.tags} />
          </Section>
        </aside>
      </div>
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        title="Delete this issue?"
        confirmLabel="Delete issue"
        onConfirm={async () => {
          await api.deleteIssue(current.id);
          invalidate(`/projects/${project.id}/issues`);
          navigate(listHref, { replace: true });
        }}
      >
        Its {formatNumber(current.count)} {current.count === 1 ? 'event is' : 'events are'} deleted. If the error happens again, it comes back as a new issue.
      </ConfirmDialog>
    </div>
  );
}

function statusDetail(issue: Issue): string | null {
  const details = issue.statusDetails;
  if (issue.status === 'resolved') {
    if (details.resolvedInNextRelease && details.resolvedInRelease) return `in the release after ${details.resolvedInRelease}`;
    if (details.resolvedInRelease) return `in ${details.resolvedInRelease}`;
    return null;
  }
  if (issue.status === 'ignored') {
    if (details.ignoreUntil !== null) return `until ${formatDateTime(details.ignoreUntil)}`;
    if (details.ignoreUntilCount !== null) return `until ${formatNumber(details.ignoreUntilCount)} events`;
    return 'forever';
  }
  return null;
}

function IssueHeader({ issue }: { issue: IssueDetail }) {
  const status = statusBadge(issue);
  const sub = substatusBadge(issue);
  const detail = statusDetail(issue);
  return (
    <header className="issue-header">
      <div className="issue-header-badges">
        <LevelBadge level={issue.level} />
        <span data-testid="issue-status">
          <Badge tone={status.tone} dot>
            {status.label}
            {detail ? ` ${detail}` : ''}
          </Badge>
        </span>
        {sub && (
          <Badge tone={sub.tone} title={sub.title}>
            {sub.label}
          </Badge>
        )}
        <span className="chip">{issue.platform}</span>
      </div>
      <h1 className="issue-heading">
        <IssueTitle issue={issue} />
      </h1>
      {issue.culprit && <p className="issue-header-culprit mono">{issue.culprit}</p>}
    </header>
  );
}

function IssueStats({ issue }: { issue: Issue }) {
  return (
    <dl className="issue-stats">
      <div>
        <dt>Events</dt>
        <dd className="issue-stat-number">{formatNumber(issue.count)}</dd>
      </div>
      <div>
        <dt>Users</dt>
        <dd className="issue-stat-number">{formatNumber(issue.userCount)}</dd>
      </div>
      <div>
        <dt>First seen</dt>
        <dd>
          <RelativeTime ms={issue.firstSeen} />
          {issue.firstRelease && <div className="mono text-muted issue-stat-release">{issue.firstRelease}</div>}
        </dd>
      </div>
      <div>
        <dt>Last seen</dt>
        <dd>
          <RelativeTime ms={issue.lastSeen} />
          {issue.lastRelease && <div className="mono text-muted issue-stat-release">{issue.lastRelease}</div>}
        </dd>
      </div>
    </dl>
  );
}

/** One event: where it stopped, what led there, and everything the SDK sent about it. */
function EventView({ event, onGo }: { event: IssueEvent; onGo: (eventId: string) => void }) {
  const [raw, setRaw] = useState(false);
  const view = readEvent(event.data);
  return (
    <>
      <Section
        title="Event"
        description={
          <span className="event-meta">
            <span className="mono" title={event.eventId}>
              {event.eventId.slice(0, 12)}
            </span>
            <span aria-hidden="true">·</span>
            <span title={formatDateTime(event.timestamp)}>
              <RelativeTime ms={event.timestamp} />
            </span>
            {view.environment && <span className="chip">{view.environment}</span>}
            {view.release && <span className="chip mono">{view.release}</span>}
          </span>
        }
        actions={<EventNavigator event={event} onGo={onGo} />}
      >
        <div className="stack">
          {view.message && view.exceptions.length === 0 && <pre className="event-message">{view.message}</pre>}
          {view.exceptions.length > 0 && <ExceptionChain exceptions={view.exceptions} />}
          {view.threadFrames.length > 0 && <StackTrace frames={view.threadFrames} />}
          {view.tags.length > 0 && <EventTags tags={view.tags} />}
          <div>
            <Button size="sm" variant="ghost" aria-expanded={raw} onClick={() => setRaw((value) => !value)}>
              {raw ? 'Hide raw JSON' : 'Raw JSON'}
            </Button>
          </div>
          {raw && <CodeBlock title={`${event.eventId}.json`} code={JSON.stringify(event.data, null, 2)} copyLabel="Copy event JSON" />}
        </div>
      </Section>
      {view.breadcrumbs.length > 0 && (
        <Section title="Breadcrumbs" description="What happened before, most recent last.">
          <Breadcrumbs crumbs={view.breadcrumbs} />
        </Section>
      )}
      {view.request && (
        <Section title="Request">
          <RequestPanel request={view.request} />
        </Section>
      )}
      {view.user && (
        <Section title="User">
          <KeyValues caption="User" entries={Object.entries(view.user)} />
        </Section>
      )}
      {view.contexts.length > 0 && (
        <Section title="Contexts">
          <ContextsPanel contexts={view.contexts} />
        </Section>
      )}
      {view.extra && (
        <Section title="Additional data">
          <KeyValues caption="Additional data" entries={Object.entries(view.extra)} />
        </Section>
      )}
      {view.sdk && (
        <p className="text-subtle event-sdk">
          Sent by <span className="mono">{view.sdk.name}</span>
          {view.sdk.version && <span className="mono"> {view.sdk.version}</span>}
        </p>
      )}
    </>
  );
}
