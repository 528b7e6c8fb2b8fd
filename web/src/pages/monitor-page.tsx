import { useState } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import { ApiError, api, type Monitor, type OrgWithRole, type Project } from '../api';
import { Button } from '../components/button';
import { ConfirmDialog } from '../components/confirm-dialog';
import { FormError } from '../components/form-error';
import { PauseIcon, PencilIcon, PlayIcon, RefreshIcon, TrashIcon } from '../components/icons';
import { LoadError, Loading } from '../components/loading';
import { HeartbeatSetup } from '../components/monitors/heartbeat-setup';
import { ResponseTimeChart, UptimeBars, UptimeTiles } from '../components/monitors/monitor-charts';
import { ChecksTable, DowntimesTable, PingsTable } from '../components/monitors/monitor-history';
import { MonitorStatusBadge } from '../components/monitors/monitor-status';
import { PageHeader } from '../components/page-header';
import { RelativeTime } from '../components/relative-time';
import { Section } from '../components/section';
import { WithProject } from '../components/with-project';
import { useAction } from '../hooks/use-action';
import { invalidate, useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useInterval } from '../hooks/use-interval';
import { usePaged } from '../hooks/use-paged';
import { formatDuration } from '../lib/format';
import { formatEvery, formatUptime, monitorTarget, TYPE_LABELS } from '../lib/monitors';
import { NEEDS, roleAtLeast } from '../lib/roles';
import { NotFoundPage } from './not-found-page';

const REFRESH_MS = 15_000;
/** While a new heartbeat waits for its first ping, someone is usually running the job right now. */
const WAITING_REFRESH_MS = 3_000;

export function MonitorPage({ org }: { org: OrgWithRole }) {
  return <WithProject org={org}>{(project) => <MonitorLoader org={org} project={project} />}</WithProject>;
}

function MonitorLoader({ org, project }: { org: OrgWithRole; project: Project }) {
  const { monitorId = '' } = useParams<{ monitorId: string }>();
  const monitor = useApi(`/monitors/${monitorId}`, (signal) => api.monitor(monitorId, signal));
  useDocumentTitle(monitor.data?.name ?? 'Monitor', project.name, org.name);
  const missing = (monitor.error instanceof ApiError && monitor.error.status === 404) || (monitor.data && monitor.data.projectId !== project.id);
  if (missing) return <NotFoundPage title="Monitor not found" message="It may have been deleted, or it belongs to another project." />;
  if (monitor.error && !monitor.data) return <LoadError error={monitor.error} onRetry={() => void monitor.reload()} />;
  if (!monitor.data) return <Loading />;
  return <MonitorDetail org={org} project={project} monitor={monitor.data} onChanged={(updated) => monitor.mutate(() => updated)} />;
}

interface DetailProps {
  org: OrgWithRole;
  project: Project;
  monitor: Monitor;
  onChanged: (monitor: Monitor) => void;
}

function MonitorDetail({ org, project, monitor, onChanged }: DetailProps) {
  const [, navigate] = useLocation();
  const [deleting, setDeleting] = useState(false);
  const id = monitor.id;
  const heartbeat = monitor.type === 'heartbeat';
  const base = `/orgs/${org.slug}/projects/${project.id}/monitors`;
  const canManage = roleAtLeast(org.role, NEEDS.monitorManage);
  const latencyLabel = heartbeat ? 'Run time' : 'Response time';

  const stats = useApi(`/monitors/${id}/stats`, (signal) => api.monitorStats(id, signal));
  const downtimes = useApi(`/monitors/${id}/downtimes`, (signal) => api.monitorDowntimes(id, 20, signal));
  const pings = useApi(heartbeat ? `/monitors/${id}/pings` : null, (signal) => api.monitorPings(id, 20, signal));
  const checks = usePaged(
    `/monitors/${id}/checks`,
    async (request, signal) => {
      const page = await api.monitorChecks(id, { limit: request.limit, before: request.before === null ? undefined : Number(request.before) }, signal);
      const last = page.items.at(-1);
      return { items: page.items, nextBefore: page.items.length === request.limit && last ? String(last.at) : null };
    },
    20,
  );

  const refresh = () => {
    invalidate(`/monitors/${id}`);
    void checks.refresh();
  };
  const waiting = heartbeat && !monitor.paused && monitor.heartbeat?.lastPingAt === null;
  useInterval(refresh, waiting ? WAITING_REFRESH_MS : REFRESH_MS);

  const checkNow = useAction(async () => {
    await api.checkMonitor(id);
    refresh();
  });
  const togglePause = useAction(async () => {
    onChanged(await api.updateMonitor(id, { paused: !monitor.paused }));
    invalidate(`/projects/${project.id}/monitors`);
    refresh();
  });

  return (
    <div className="page page-wide">
      <Link href={base} className="back-link">
        ← Monitors
      </Link>
      <PageHeader
        title={
          <span className="monitor-title">
            <span>{monitor.name}</span>
            <span data-testid="monitor-status">
              <MonitorStatusBadge status={monitor.status} />
            </span>
          </span>
        }
        description={
          <>
            <span className="mono">{monitorTarget(monitor)}</span> · {TYPE_LABELS[monitor.type]}
            {!heartbeat && ` · ${formatEvery(monitor.intervalSeconds)}`}
          </>
        }
        actions={
          canManage && (
            <>
              {!heartbeat && (
                <Button onClick={() => void checkNow.run()} pending={checkNow.pending} disabled={monitor.paused} title={monitor.paused ? 'Resume the monitor to check it' : undefined}>
                  <RefreshIcon size={14} />
                  Check now
                </Button>
              )}
              <Button onClick={() => void togglePause.run()} pending={togglePause.pending}>
                {monitor.paused ? <PlayIcon size={14} /> : <PauseIcon size={14} />}
                {monitor.paused ? 'Resume' : 'Pause'}
              </Button>
              <Link href={`${base}/${encodeURIComponent(id)}/edit`} className="btn">
                <PencilIcon size={14} />
                Edit
              </Link>
              <Button variant="ghost" className="text-danger" onClick={() => setDeleting(true)} aria-label="Delete monitor" title="Delete monitor">
                <TrashIcon size={14} />
              </Button>
            </>
          )
        }
      />
      <div className="stack-lg">
        <FormError error={checkNow.error ?? togglePause.error} />
        <StatusLine monitor={monitor} />
        {heartbeat && <HeartbeatSetup monitor={monitor} />}
        {stats.error && <LoadError error={stats.error} onRetry={() => void stats.reload()} />}
        {stats.loading && <Loading label="Loading uptime…" />}
        {stats.data && (
          <>
            <UptimeTiles stats={stats.data} latencyLabel={latencyLabel} />
            <Section title={`${latencyLabel}, last 24 hours`}>
              <ResponseTimeChart stats={stats.data} now={Date.now()} label={latencyLabel} />
            </Section>
            <Section title="Last 90 days" description={`Daily uptime, ${formatUptime(stats.data.uptime.d90)} overall. Hover a day for its numbers.`}>
              <UptimeBars days={stats.data.days} />
            </Section>
          </>
        )}
        {heartbeat && (
          <Section title="Recent pings" flush>
            {pings.error && <LoadError error={pings.error} onRetry={() => void pings.reload()} />}
            {pings.data?.items.length === 0 && <p className="section-empty text-muted">No pings yet. Request the ping URL above from your job.</p>}
            {pings.data && pings.data.items.length > 0 && <PingsTable pings={pings.data.items} />}
          </Section>
        )}
        <Section title="Downtimes" flush>
          {downtimes.error && <LoadError error={downtimes.error} onRetry={() => void downtimes.reload()} />}
          {downtimes.data?.items.length === 0 && <p className="section-empty text-muted">No downtime recorded.</p>}
          {downtimes.data && downtimes.data.items.length > 0 && <DowntimesTable downtimes={downtimes.data.items} />}
        </Section>
        <Section title={heartbeat ? 'Status history' : 'Recent checks'} flush>
          {checks.error && <LoadError error={checks.error} onRetry={() => void checks.refresh()} />}
          {checks.loading && <Loading />}
          {!checks.loading && checks.items.length === 0 && (
            <p className="section-empty text-muted">{heartbeat ? 'Nothing yet: each ping, and each missed one, shows up here.' : 'Not checked yet: the first check runs within a minute.'}</p>
          )}
          {checks.items.length > 0 && <ChecksTable checks={checks.items} latencyLabel={latencyLabel} />}
          {checks.hasMore && (
            <div className="section-footer load-more">
              <Button size="sm" onClick={() => void checks.loadMore()} pending={checks.loadingMore}>
                Load older checks
              </Button>
            </div>
          )}
        </Section>
      </div>
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        title={`Delete ${monitor.name}?`}
        confirmLabel="Delete monitor"
        onConfirm={async () => {
          await api.deleteMonitor(id);
          invalidate(`/projects/${project.id}/monitors`);
          navigate(base, { replace: true });
        }}
      >
        {heartbeat ? 'Its ping URL stops working, and' : 'It is no longer checked, and'} its checks, downtimes and uptime history are deleted.
      </ConfirmDialog>
    </div>
  );
}

/** Since when it is in its status, the last result, and when the next check is due. */
function StatusLine({ monitor }: { monitor: Monitor }) {
  return (
    <div className="card monitor-status-line">
      <span>
        {monitor.paused ? 'Paused' : 'In this status'} for <strong>{formatDuration(Date.now() - monitor.statusSince)}</strong>
      </span>
      <span>
        Last {monitor.type === 'heartbeat' ? 'event' : 'check'} <RelativeTime ms={monitor.lastCheckAt} empty="never" />
        {monitor.lastMessage && <span className="text-muted">: {monitor.lastMessage}</span>}
      </span>
      {monitor.nextCheckAt !== null && (
        <span className="text-muted">
          {monitor.type === 'heartbeat' ? 'Late after' : 'Next check'} <RelativeTime ms={monitor.nextCheckAt} />
        </span>
      )}
    </div>
  );
}
