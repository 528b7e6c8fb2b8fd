import { useId, useState } from 'react';
import { api } from '../api';
import { Button } from '../components/button';
import { EmptyState } from '../components/empty-state';
import { TimerIcon } from '../components/icons';
import { JobRunsTable } from '../components/jobs/job-runs';
import { JobsTable } from '../components/jobs/jobs-table';
import { LoadError, Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { Section } from '../components/section';
import { useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useInterval } from '../hooks/use-interval';
import { usePaged } from '../hooks/use-paged';
import { useSession } from '../hooks/use-session';
import { NotFoundPage } from './not-found-page';

const REFRESH_MS = 5000;

export function JobsPage() {
  useDocumentTitle('Jobs');
  const { me } = useSession();
  if (!me.user.isAdmin) return <NotFoundPage title="Instance administrators only" message="Jobs are the instance’s periodic housekeeping; only instance administrators can see them." />;
  return <Jobs />;
}

function Jobs() {
  const [job, setJob] = useState('');
  const filterId = useId();
  const jobs = useApi('/jobs', (signal) => api.jobs(signal));
  const runs = usePaged(`runs|${job}`, (request, signal) => api.jobRuns({ ...request, job: job || undefined }, signal));

  useInterval(() => {
    void jobs.reload();
    void runs.refresh();
  }, REFRESH_MS);

  const refreshBoth = () => {
    void jobs.reload();
    void runs.refresh();
  };

  return (
    <div className="page page-wide">
      <PageHeader title="Jobs" description="Periodic housekeeping of this instance. Each occurrence runs on exactly one node. Refreshes every 5 seconds." />
      <div className="stack-lg">
        {jobs.data && !jobs.data.enabled && (
          <div className="callout callout-warning">Jobs are disabled on this node (WATCHPOST_JOBS=false). Other nodes may still run them.</div>
        )}
        <Section title="Scheduled jobs" flush>
          {jobs.error && <LoadError error={jobs.error} onRetry={() => void jobs.reload()} />}
          {jobs.loading && <Loading />}
          {jobs.data && jobs.data.items.length === 0 && <EmptyState icon={<TimerIcon size={22} />} title="No jobs registered" />}
          {jobs.data && jobs.data.items.length > 0 && <JobsTable jobs={jobs.data.items} onRan={refreshBoth} onSelect={setJob} />}
        </Section>
        <Section
          title="Recent runs"
          flush
          actions={
            <div className="inline-field">
              <label htmlFor={filterId}>Job</label>
              <select id={filterId} className="input input-sm" value={job} onChange={(e) => setJob(e.target.value)}>
                <option value="">All jobs</option>
                {jobs.data?.items.map((item) => (
                  <option key={item.name} value={item.name}>
                    {item.name}
                  </option>
                ))}
              </select>
            </div>
          }
        >
          {runs.error && <LoadError error={runs.error} onRetry={() => void runs.refresh()} />}
          {runs.loading && <Loading />}
          {!runs.loading && !runs.error && runs.items.length === 0 && (
            <EmptyState icon={<TimerIcon size={22} />} title="No runs recorded yet">
              Runs appear here as jobs come due. Use “Run now” to start one.
            </EmptyState>
          )}
          {runs.items.length > 0 && <JobRunsTable runs={runs.items} />}
          {runs.hasMore && (
            <div className="load-more section-footer">
              <Button onClick={() => void runs.loadMore()} pending={runs.loadingMore}>
                Load more
              </Button>
            </div>
          )}
        </Section>
      </div>
    </div>
  );
}
