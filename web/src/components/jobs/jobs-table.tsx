import { useState } from 'react';
import { api, errorMessage, type Job } from '../../api';
import { formatDuration } from '../../lib/format';
import { Badge } from '../badge';
import { Button } from '../button';
import { FormError } from '../form-error';
import { PlayIcon } from '../icons';
import { RelativeTime } from '../relative-time';
import { RunStatus } from './run-status';

interface Props {
  jobs: Job[];
  onRan: () => void;
  onSelect: (name: string) => void;
}

export function JobsTable({ jobs, onRan, onSelect }: Props) {
  const [starting, setStarting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const runNow = async (name: string) => {
    setStarting(name);
    setError(null);
    try {
      await api.runJob(name);
      onRan();
    } catch (caught) {
      setError(`${name}: ${errorMessage(caught)}`);
    } finally {
      setStarting(null);
    }
  };

  return (
    <>
      <FormError error={error} />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Schedule</th>
              <th scope="col">Next run</th>
              <th scope="col">Last run</th>
              <th scope="col">Duration</th>
              <th scope="col">Node</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.name}>
                <td>
                  <button type="button" className="link-button cell-primary mono" onClick={() => onSelect(job.name)} title="Show only this job's runs">
                    {job.name}
                  </button>
                  {job.description && <div className="cell-secondary">{job.description}</div>}
                </td>
                <td className="nowrap">{job.schedule}</td>
                <td className="nowrap">
                  <RelativeTime ms={job.nextRunAt} />
                </td>
                <td>
                  {job.running ? (
                    <Badge tone="blue" dot>
                      Running since <RelativeTime ms={job.running.since} />
                    </Badge>
                  ) : job.lastRun ? (
                    <div className="stack-xs">
                      <span className="nowrap">
                        <RunStatus status={job.lastRun.status} /> <RelativeTime ms={job.lastRun.startedAt} />
                      </span>
                      {job.lastRun.error && <div className="run-error">{job.lastRun.error}</div>}
                    </div>
                  ) : (
                    <span className="text-subtle">never</span>
                  )}
                </td>
                <td className="nowrap">{job.lastRun?.durationMs != null ? formatDuration(job.lastRun.durationMs) : '—'}</td>
                <td className="mono text-muted">{job.running?.node ?? job.lastRun?.node ?? '—'}</td>
                <td className="cell-actions">
                  <Button size="sm" onClick={() => void runNow(job.name)} pending={starting === job.name} disabled={job.running !== null}>
                    <PlayIcon size={12} />
                    Run now
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
